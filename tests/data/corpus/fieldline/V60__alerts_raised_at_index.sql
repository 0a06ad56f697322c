CREATE INDEX CONCURRENTLY IF NOT EXISTS alerts_raised_at ON alerts (raised_at DESC);
