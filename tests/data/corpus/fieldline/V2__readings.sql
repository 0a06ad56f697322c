CREATE TABLE readings (
    device_id    BIGINT NOT NULL,
    sensor       SMALLINT NOT NULL,
    recorded_at  TIMESTAMPTZ NOT NULL,
    value        DOUBLE PRECISION NOT NULL
) PARTITION BY RANGE (recorded_at);

CREATE INDEX readings_device_time ON readings (device_id, recorded_at);

CREATE TABLE readings_2019_06 PARTITION OF readings FOR VALUES FROM ('2019-06-01') TO ('2019-07-01');
CREATE TABLE readings_2019_07 PARTITION OF readings FOR VALUES FROM ('2019-07-01') TO ('2019-08-01');
