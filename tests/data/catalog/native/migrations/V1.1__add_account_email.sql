ALTER TABLE accounts ADD COLUMN email text;
COMMENT ON COLUMN accounts.email IS 'login e-mail; -- lockwise:no-transaction here is text, not a directive';
