CREATE TYPE satisfaction_reason AS ENUM ('slow', 'unhelpful', 'rude', 'unresolved', 'other');
ALTER TABLE satisfaction_ratings ADD COLUMN reason satisfaction_reason;
