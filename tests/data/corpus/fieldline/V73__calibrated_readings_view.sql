CREATE VIEW calibrated_readings AS
SELECT r.device_id, r.sensor, r.recorded_at,
       r.value * coalesce(c.scale, 1) + coalesce(c.offset_value, 0) AS value, r.quality
FROM readings r
LEFT JOIN LATERAL (
    SELECT scale, offset_value FROM calibrations c
    WHERE c.device_id = r.device_id AND c.sensor = r.sensor AND c.valid_from <= r.recorded_at
    ORDER BY c.valid_from DESC LIMIT 1
) c ON true;
