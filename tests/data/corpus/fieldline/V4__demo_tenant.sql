-- Demo tenant for the sales deck and the public dashboard.
INSERT INTO tenants (id, slug, name, created_at) VALUES (1, 'demo', 'Fieldline Demo Farm', '2019-06-10T00:00:00Z');
SELECT setval('tenants_id_seq', 1000);

INSERT INTO devices (tenant_id, model_id, serial_number, name, created_at)
SELECT 1, 1 + g % 4, 'DEMO-' || lpad(g::text, 4, '0'), 'Greenhouse probe ' || g, '2019-06-10T00:00:00Z'
FROM generate_series(1, 48) AS g;

INSERT INTO readings (device_id, sensor, recorded_at, value)
SELECT d.id, s, timestamptz '2019-06-15 00:00:00+00' + h * interval '1 hour',
       round((18 + 6 * sin(h / 24.0 * 2 * pi()) + d.id % 5 + s)::numeric, 2)
FROM devices d, generate_series(0, 1) AS s, generate_series(0, 24 * 14 - 1) AS h
WHERE d.tenant_id = 1;
