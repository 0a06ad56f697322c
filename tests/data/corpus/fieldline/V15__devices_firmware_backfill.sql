UPDATE devices d SET firmware_id = f.id
FROM firmware_releases f
WHERE f.model_id = d.model_id AND f.version = '1.2.3';
