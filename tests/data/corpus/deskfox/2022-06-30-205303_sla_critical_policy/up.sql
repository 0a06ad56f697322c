INSERT INTO sla_policies (account_id, name, priority, first_reply_minutes, resolve_minutes, created_at)
SELECT id, 'Critical', 'critical', 15, 240, '2024-03-01' FROM accounts WHERE plan = 'enterprise';
