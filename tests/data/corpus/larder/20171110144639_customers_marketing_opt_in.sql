-- +goose Up
ALTER TABLE customers ADD COLUMN marketing_opt_in boolean;
UPDATE customers SET marketing_opt_in = false;
ALTER TABLE customers ALTER COLUMN marketing_opt_in SET NOT NULL;
ALTER TABLE customers ALTER COLUMN marketing_opt_in SET DEFAULT false;

-- +goose Down
ALTER TABLE customers DROP COLUMN marketing_opt_in;
