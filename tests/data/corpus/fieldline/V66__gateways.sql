CREATE TABLE gateways (
    id          BIGSERIAL PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenants (id),
    eui         TEXT NOT NULL UNIQUE,
    site_id     BIGINT REFERENCES sites (id),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
ALTER TABLE devices ADD COLUMN gateway_id BIGINT;
