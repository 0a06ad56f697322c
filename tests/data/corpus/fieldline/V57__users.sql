CREATE TABLE users (
    id          BIGSERIAL PRIMARY KEY,
    email       TEXT NOT NULL UNIQUE,
    full_name   TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TYPE member_role AS ENUM ('viewer', 'operator', 'admin');
CREATE TABLE memberships (
    tenant_id   BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role        member_role NOT NULL DEFAULT 'viewer',
    PRIMARY KEY (tenant_id, user_id)
);
