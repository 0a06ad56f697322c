-- +goose Up
-- Two accounts for Foo@x.com and foo@x.com; support merged the real ones by hand.
CREATE EXTENSION IF NOT EXISTS citext;
ALTER TABLE customers ALTER COLUMN email TYPE citext;

-- +goose Down
ALTER TABLE customers ALTER COLUMN email TYPE text;
