-- migrate:up transaction:false
create index concurrently posts_user_id_idx on posts (user_id);

-- migrate:down transaction:false
drop index concurrently posts_user_id_idx;
