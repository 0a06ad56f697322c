INSERT INTO firmware_releases (model_id, version, released_at, notes)
SELECT id, '1.3.0', '2022-03-14T09:00:00Z', 'battery reporting, faster reconnect'
FROM device_models WHERE vendor = 'Fieldline';
