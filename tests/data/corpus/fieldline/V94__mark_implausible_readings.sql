UPDATE readings r SET quality = quality | 1
FROM devices d
WHERE d.id = r.device_id AND reading_quality(d.model_id, r.sensor, r.value) = 1;
