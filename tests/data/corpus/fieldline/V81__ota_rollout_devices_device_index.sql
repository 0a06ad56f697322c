CREATE INDEX CONCURRENTLY ota_rollout_devices_device ON ota_rollout_devices (device_id);
