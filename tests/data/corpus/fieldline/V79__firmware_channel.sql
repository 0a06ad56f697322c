CREATE TYPE firmware_channel AS ENUM ('stable', 'beta');
ALTER TABLE firmware_releases ADD COLUMN channel firmware_channel NOT NULL DEFAULT 'stable';
INSERT INTO firmware_releases (model_id, version, released_at, notes, channel)
SELECT id, '1.4.0-beta.1', '2025-05-20T08:00:00Z', 'LoRaWAN 1.0.4', 'beta'
FROM device_models WHERE vendor = 'Fieldline';
