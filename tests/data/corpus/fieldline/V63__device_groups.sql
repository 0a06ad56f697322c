CREATE TABLE device_groups (
    id          BIGSERIAL PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenants (id),
    name        TEXT NOT NULL,
    UNIQUE (tenant_id, name)
);
CREATE TABLE device_group_members (
    group_id    BIGINT NOT NULL REFERENCES device_groups (id) ON DELETE CASCADE,
    device_id   BIGINT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, device_id)
);
