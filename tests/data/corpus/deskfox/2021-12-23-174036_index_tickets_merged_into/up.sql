CREATE INDEX CONCURRENTLY tickets_merged_into ON tickets (merged_into_id) WHERE merged_into_id IS NOT NULL;
