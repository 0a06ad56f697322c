CREATE TYPE account_plan AS ENUM ('trial', 'starter', 'team', 'enterprise');
ALTER TABLE accounts ADD COLUMN plan account_plan NOT NULL DEFAULT 'trial';
ALTER TABLE accounts ADD COLUMN trial_ends_at TIMESTAMP;
UPDATE accounts SET plan = 'enterprise' WHERE id = 1;
