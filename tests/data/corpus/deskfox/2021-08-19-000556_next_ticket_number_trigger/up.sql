CREATE OR REPLACE FUNCTION assign_ticket_number() RETURNS trigger AS $$
BEGIN
    IF NEW.number IS NULL THEN
        UPDATE accounts SET last_ticket_number = last_ticket_number + 1
        WHERE id = NEW.account_id
        RETURNING last_ticket_number INTO NEW.number;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER tickets_assign_number BEFORE INSERT ON tickets
    FOR EACH ROW EXECUTE FUNCTION assign_ticket_number();
