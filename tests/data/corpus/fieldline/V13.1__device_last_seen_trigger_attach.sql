-- Transition tables are not allowed on partitioned tables' row triggers, and
-- statement triggers with REFERENCING are not allowed on partitioned tables at all (PG 13).
-- So: fill last_seen_at from the readings we have and let the ingest service update it.
DROP FUNCTION touch_device_last_seen();
UPDATE devices d SET last_seen_at = r.latest
FROM (SELECT device_id, max(recorded_at) AS latest FROM readings GROUP BY device_id) r
WHERE r.device_id = d.id;
