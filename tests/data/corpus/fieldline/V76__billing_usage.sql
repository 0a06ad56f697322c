CREATE TABLE billing_usage (
    tenant_id       BIGINT NOT NULL REFERENCES tenants (id),
    month           DATE NOT NULL,
    active_devices  INT NOT NULL,
    readings        BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, month)
);
