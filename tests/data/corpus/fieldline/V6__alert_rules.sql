CREATE TABLE alert_rules (
    id          BIGSERIAL PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenants (id),
    device_id   BIGINT REFERENCES devices (id),
    sensor      SMALLINT NOT NULL,
    comparison  TEXT NOT NULL,
    threshold   DOUBLE PRECISION NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE alerts (
    id          BIGSERIAL PRIMARY KEY,
    rule_id     BIGINT NOT NULL REFERENCES alert_rules (id),
    device_id   BIGINT NOT NULL REFERENCES devices (id),
    value       DOUBLE PRECISION NOT NULL,
    raised_at   TIMESTAMPTZ NOT NULL,
    cleared_at  TIMESTAMPTZ
);
CREATE INDEX alerts_open ON alerts (device_id) WHERE cleared_at IS NULL;
