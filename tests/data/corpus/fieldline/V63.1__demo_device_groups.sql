INSERT INTO device_groups (tenant_id, name) VALUES (1, 'Tomatoes'), (1, 'Peppers'), (1, 'Seedlings');
INSERT INTO device_group_members (group_id, device_id)
SELECT g.id, d.id FROM devices d JOIN device_groups g ON g.tenant_id = d.tenant_id
WHERE d.tenant_id = 1 AND (d.id % 3) = (g.id % 3);
