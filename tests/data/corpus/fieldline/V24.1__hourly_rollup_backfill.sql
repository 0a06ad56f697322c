INSERT INTO readings_hourly (device_id, sensor, hour, min_value, max_value, avg_value, samples)
SELECT device_id, sensor, date_trunc('hour', recorded_at), min(value), max(value), avg(value), count(*)
FROM readings
GROUP BY 1, 2, 3;
