DROP TRIGGER tickets_audit_status ON tickets;
DROP FUNCTION audit_ticket_status();
