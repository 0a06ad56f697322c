create table customers (
    id serial primary key,
    account_id integer not null references accounts (id),
    email varchar,
    name varchar,
    phone varchar,
    created_at timestamp not null default now(),
    updated_at timestamp not null default now()
);
create index customers_account_id on customers (account_id);
create trigger customers_touch before update on customers for each row execute function touch_updated_at();
