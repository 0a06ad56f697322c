-- lockwise:no-transaction
CREATE INDEX CONCURRENTLY a ON t (x);
VACUUM t;
