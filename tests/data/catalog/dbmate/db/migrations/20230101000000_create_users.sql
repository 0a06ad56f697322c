-- migrate:up
create table users (
  id bigserial primary key,
  name varchar(255) not null,
  email varchar(255) not null
);

-- migrate:down
drop table users;
