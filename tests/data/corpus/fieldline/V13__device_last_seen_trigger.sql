-- Keep devices.last_seen_at current from the ingest path. Rows arrive in batches
-- so the trigger is per statement over the transition table.
CREATE FUNCTION touch_device_last_seen() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    UPDATE devices d SET last_seen_at = n.latest
    FROM (SELECT device_id, max(recorded_at) AS latest FROM new_rows GROUP BY device_id) n
    WHERE d.id = n.device_id AND (d.last_seen_at IS NULL OR d.last_seen_at < n.latest);
    RETURN NULL;
END
$fn$;
