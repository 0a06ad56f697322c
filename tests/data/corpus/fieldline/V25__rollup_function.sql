CREATE OR REPLACE FUNCTION rollup_hour(p_hour TIMESTAMPTZ) RETURNS INT
LANGUAGE plpgsql AS $$
DECLARE
    n INT;
BEGIN
    INSERT INTO readings_hourly (device_id, sensor, hour, min_value, max_value, avg_value, samples)
    SELECT device_id, sensor, p_hour, min(value), max(value), avg(value), count(*)
    FROM readings
    WHERE recorded_at >= p_hour AND recorded_at < p_hour + interval '1 hour'
    GROUP BY device_id, sensor
    ON CONFLICT (device_id, sensor, hour) DO UPDATE
        SET min_value = excluded.min_value, max_value = excluded.max_value,
            avg_value = excluded.avg_value, samples = excluded.samples;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
