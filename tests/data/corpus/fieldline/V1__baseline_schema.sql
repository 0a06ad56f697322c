-- Fieldline schema, moved from the prototype's schema.sql to Flyway.
CREATE TABLE tenants (
    id          BIGSERIAL PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE device_models (
    id            SERIAL PRIMARY KEY,
    vendor        TEXT NOT NULL,
    model         TEXT NOT NULL,
    sensor_count  INT NOT NULL DEFAULT 1,
    UNIQUE (vendor, model)
);

CREATE TABLE devices (
    id            BIGSERIAL PRIMARY KEY,
    tenant_id     BIGINT NOT NULL REFERENCES tenants (id),
    model_id      INT NOT NULL REFERENCES device_models (id),
    serial_number TEXT NOT NULL,
    name          TEXT,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (model_id, serial_number)
);
