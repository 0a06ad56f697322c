CREATE TYPE ota_device_status AS ENUM ('pending', 'downloading', 'installed', 'failed');
ALTER TABLE ota_rollout_devices ALTER COLUMN status DROP DEFAULT;
ALTER TABLE ota_rollout_devices ALTER COLUMN status TYPE ota_device_status USING status::ota_device_status;
ALTER TABLE ota_rollout_devices ALTER COLUMN status SET DEFAULT 'pending';
