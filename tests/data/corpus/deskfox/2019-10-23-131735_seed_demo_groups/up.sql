INSERT INTO groups (id, account_id, name, created_at) VALUES
    (1, 1, 'Support', '2019-04-01'), (2, 1, 'Billing', '2019-04-01'), (3, 1, 'Tier 2', '2019-04-01');
INSERT INTO group_memberships VALUES (1, 1), (1, 2), (1, 3), (2, 1), (3, 3);
SELECT setval('groups_id_seq', 100);
UPDATE tickets SET group_id = CASE WHEN id % 7 = 0 THEN 2 WHEN id % 11 = 0 THEN 3 ELSE 1 END WHERE account_id = 1;
