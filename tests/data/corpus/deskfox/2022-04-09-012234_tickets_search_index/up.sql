CREATE INDEX CONCURRENTLY tickets_search ON tickets USING gin (search);
