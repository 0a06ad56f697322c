-- One-off: tickets created before SLA policies existed get the account default.
UPDATE tickets t
SET first_reply_due_at = t.created_at + p.first_reply_minutes * interval '1 minute',
    resolve_due_at = t.created_at + p.resolve_minutes * interval '1 minute'
FROM sla_policies p
WHERE p.account_id = t.account_id AND p.priority = t.priority;
