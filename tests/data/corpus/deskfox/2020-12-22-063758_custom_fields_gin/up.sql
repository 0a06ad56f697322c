CREATE INDEX CONCURRENTLY tickets_custom_fields ON tickets USING gin (custom_fields jsonb_path_ops);
