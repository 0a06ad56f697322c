-- Written by hand: dbmate ignores comments above the up marker.
-- migrate:up
-- lockwise:lock-timeout 500ms
create unique index users_email_key on users (email);
-- migrate:down
drop index users_email_key;
