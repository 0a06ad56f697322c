INSERT INTO gateways (tenant_id, eui, site_id, created_at)
SELECT 1, 'AA555A00000000' || lpad(to_hex(id::int), 2, '0'), id, '2025-03-01T00:00:00Z' FROM sites WHERE tenant_id = 1;
UPDATE devices d SET gateway_id = g.id FROM gateways g WHERE g.site_id = d.site_id;
INSERT INTO gateway_heartbeats (gateway_id, region, seen_at, rssi)
SELECT g.id, 'eu-west-1', timestamptz '2025-03-01 00:00+00' + m * interval '1 minute', -60 - (m % 30)
FROM gateways g, generate_series(0, 599) AS m;
