CREATE TABLE readings_hourly (
    device_id   BIGINT NOT NULL,
    sensor      SMALLINT NOT NULL,
    hour        TIMESTAMPTZ NOT NULL,
    min_value   DOUBLE PRECISION NOT NULL,
    max_value   DOUBLE PRECISION NOT NULL,
    avg_value   DOUBLE PRECISION NOT NULL,
    samples     INT NOT NULL,
    PRIMARY KEY (device_id, sensor, hour)
);
