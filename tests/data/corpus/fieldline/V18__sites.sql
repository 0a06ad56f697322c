CREATE TABLE sites (
    id          BIGSERIAL PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenants (id),
    name        TEXT NOT NULL,
    latitude    NUMERIC(9,6),
    longitude   NUMERIC(9,6),
    time_zone   TEXT NOT NULL DEFAULT 'UTC'
);
ALTER TABLE devices ADD COLUMN site_id BIGINT REFERENCES sites (id);
INSERT INTO sites (tenant_id, name, latitude, longitude, time_zone) VALUES
    (1, 'North greenhouse', 52.205337, 0.121817, 'Europe/London'),
    (1, 'South greenhouse', 52.204101, 0.122904, 'Europe/London'),
    (1, 'Seed store', 52.206010, 0.119342, 'Europe/London');
UPDATE devices SET site_id = (SELECT min(id) FROM sites) + (id % 3) WHERE tenant_id = 1;
