INSERT INTO model_sensors (model_id, sensor, kind, unit)
SELECT id, 9, 'battery', '%' FROM device_models WHERE vendor = 'Fieldline';
