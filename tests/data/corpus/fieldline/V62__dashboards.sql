CREATE TABLE dashboards (
    id          BIGSERIAL PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    layout      JSONB NOT NULL DEFAULT '[]',
    created_by  BIGINT REFERENCES users (id),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO dashboards (tenant_id, title, layout, created_by, created_at)
SELECT 1, 'Greenhouse climate',
       '[{"widget": "line", "sensor": "temperature"}, {"widget": "line", "sensor": "humidity"}]',
       id, '2025-02-03T00:00:00Z'
FROM users WHERE email = 'grower@demo.fieldline.io';
