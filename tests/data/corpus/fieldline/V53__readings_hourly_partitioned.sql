-- readings_hourly becomes partitioned by year; the old table is attached as history.
ALTER TABLE readings_hourly RENAME TO readings_hourly_until_2024;
ALTER INDEX readings_hourly_pkey RENAME TO readings_hourly_until_2024_pkey;
ALTER INDEX readings_hourly_hour RENAME TO readings_hourly_until_2024_hour;
CREATE TABLE readings_hourly (
    device_id     BIGINT NOT NULL,
    sensor        SMALLINT NOT NULL,
    hour          TIMESTAMPTZ NOT NULL,
    min_value     DOUBLE PRECISION NOT NULL,
    max_value     DOUBLE PRECISION NOT NULL,
    avg_value     DOUBLE PRECISION NOT NULL,
    samples       INT NOT NULL,
    raw_available BOOLEAN NOT NULL DEFAULT TRUE,
    PRIMARY KEY (device_id, sensor, hour)
) PARTITION BY RANGE (hour);
ALTER TABLE readings_hourly ATTACH PARTITION readings_hourly_until_2024 FOR VALUES FROM (MINVALUE) TO ('2025-01-01');
CREATE TABLE readings_hourly_2025 PARTITION OF readings_hourly FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
