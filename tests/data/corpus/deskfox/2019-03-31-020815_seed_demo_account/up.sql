-- The sandbox account every trial signup is cloned from. Ids are fixed so the
-- onboarding tour can link to them.
INSERT INTO accounts (id, name, subdomain, created_at, updated_at)
VALUES (1, 'Deskfox Demo', 'demo', '2018-11-20 00:00:00', '2018-11-20 00:00:00');

INSERT INTO agents (account_id, email, full_name, role, created_at, updated_at) VALUES
    (1, 'ada@demo.deskfox.io', 'Ada Example', 'admin', '2018-11-20', '2018-11-20'),
    (1, 'bo@demo.deskfox.io', 'Bo Example', 'agent', '2018-11-20', '2018-11-20'),
    (1, 'cy@demo.deskfox.io', 'Cy Example', 'agent', '2018-11-20', '2018-11-20');

INSERT INTO customers (account_id, email, name, created_at, updated_at)
SELECT 1, 'customer' || g || '@example.com', 'Customer ' || g,
       timestamp '2018-11-20' + g * interval '1 hour', timestamp '2018-11-20' + g * interval '1 hour'
FROM generate_series(1, 120) AS g;

INSERT INTO tickets (account_id, customer_id, assignee_id, subject, status, priority, created_at, updated_at)
SELECT 1, 1 + (g % 120), CASE WHEN g % 4 = 0 THEN NULL ELSE 1 + g % 3 END,
       'Demo ticket #' || g,
       (ARRAY['new', 'open', 'pending', 'solved', 'closed'])[1 + g % 5],
       (ARRAY['low', 'normal', 'high', 'urgent'])[1 + g % 4],
       timestamp '2018-11-21' + g * interval '37 minutes', timestamp '2018-11-21' + g * interval '41 minutes'
FROM generate_series(1, 600) AS g;

SELECT setval('accounts_id_seq', 1000);
