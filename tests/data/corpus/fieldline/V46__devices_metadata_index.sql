CREATE INDEX CONCURRENTLY devices_metadata ON devices USING gin (metadata);
