CREATE OR REPLACE FUNCTION audit_ticket_status() RETURNS trigger AS $$
BEGIN
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        INSERT INTO audit_events (account_id, action, subject_type, subject_id, payload, occurred_at)
        VALUES (NEW.account_id, 'ticket.status_changed', 'Ticket', NEW.id,
                jsonb_build_object('from', OLD.status, 'to', NEW.status), now());
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER tickets_audit_status AFTER UPDATE OF status ON tickets
    FOR EACH ROW EXECUTE FUNCTION audit_ticket_status();
