CREATE TYPE rollout_state AS ENUM ('draft', 'running', 'paused', 'done', 'aborted');
CREATE TABLE ota_rollouts (
    id           BIGSERIAL PRIMARY KEY,
    tenant_id    BIGINT NOT NULL REFERENCES tenants (id),
    firmware_id  INT NOT NULL REFERENCES firmware_releases (id),
    state        rollout_state NOT NULL DEFAULT 'draft',
    percent      SMALLINT NOT NULL DEFAULT 0 CHECK (percent BETWEEN 0 AND 100),
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE ota_rollout_devices (
    rollout_id   BIGINT NOT NULL REFERENCES ota_rollouts (id) ON DELETE CASCADE,
    device_id    BIGINT NOT NULL REFERENCES devices (id),
    status       TEXT NOT NULL DEFAULT 'pending',
    updated_at   TIMESTAMPTZ,
    PRIMARY KEY (rollout_id, device_id)
);
