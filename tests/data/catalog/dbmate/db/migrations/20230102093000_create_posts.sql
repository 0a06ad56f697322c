-- migrate:up
create table posts (
  id bigserial primary key,
  user_id bigint not null references users (id),
  title text not null,
  body text
);

create function posts_touch() returns trigger language plpgsql as $$
begin
  -- migrate:down inside a function body is still dbmate's marker only at line start
  new.title := trim(new.title);
  return new;
end;
$$;

-- migrate:down
drop function posts_touch();
drop table posts;
