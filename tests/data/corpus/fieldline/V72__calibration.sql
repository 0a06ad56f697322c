CREATE TABLE calibrations (
    device_id   BIGINT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    sensor      SMALLINT NOT NULL,
    offset_value DOUBLE PRECISION NOT NULL DEFAULT 0,
    scale       DOUBLE PRECISION NOT NULL DEFAULT 1,
    valid_from  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (device_id, sensor, valid_from)
);
INSERT INTO calibrations (device_id, sensor, offset_value, scale, valid_from)
SELECT id, 0, -0.4, 1, '2019-06-01T00:00:00Z' FROM devices WHERE model_id = (SELECT id FROM device_models WHERE model = 'TH-1');
