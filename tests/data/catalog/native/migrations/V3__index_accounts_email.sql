CREATE UNIQUE INDEX CONCURRENTLY accounts_email_key ON accounts (email);
