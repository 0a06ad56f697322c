-- model_sensors is the truth; sensor_count drifted from it for FL-200.
ALTER TABLE device_models DROP COLUMN sensor_count;
