INSERT INTO users (email, full_name, created_at) VALUES
    ('grower@demo.fieldline.io', 'Demo Grower', '2025-02-01T00:00:00Z'),
    ('ops@demo.fieldline.io', 'Demo Operator', '2025-02-01T00:00:00Z'),
    ('viewer@demo.fieldline.io', 'Demo Viewer', '2025-02-01T00:00:00Z');
INSERT INTO memberships (tenant_id, user_id, role)
SELECT 1, id, CASE email WHEN 'grower@demo.fieldline.io' THEN 'admin'
                         WHEN 'ops@demo.fieldline.io' THEN 'operator' ELSE 'viewer' END::member_role
FROM users;
