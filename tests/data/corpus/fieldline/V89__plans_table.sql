-- Limits per plan move out of tenants into a reference table.
CREATE TABLE plans (
    plan          tenant_plan PRIMARY KEY,
    device_limit  INT NOT NULL,
    retention_days INT NOT NULL,
    price_cents_per_device INT NOT NULL
);
INSERT INTO plans VALUES ('pilot', 25, 90, 0), ('standard', 1000, 730, 150), ('enterprise', 100000, 1825, 90);
