ALTER TABLE accounts DROP COLUMN plan, DROP COLUMN trial_ends_at;
DROP TYPE account_plan;
