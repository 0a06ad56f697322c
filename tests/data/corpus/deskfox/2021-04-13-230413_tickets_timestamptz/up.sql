-- Agents outside Europe saw SLA timers off by their UTC offset.
-- Server time zone is UTC everywhere, so this is a catalog-only change on PG 12+.
DROP VIEW open_tickets;
ALTER TABLE tickets
    ALTER COLUMN created_at TYPE TIMESTAMPTZ,
    ALTER COLUMN updated_at TYPE TIMESTAMPTZ,
    ALTER COLUMN first_reply_due_at TYPE TIMESTAMPTZ,
    ALTER COLUMN resolve_due_at TYPE TIMESTAMPTZ,
    ALTER COLUMN solved_at TYPE TIMESTAMPTZ;

-- Sessions that already ran touch_updated_at() on tickets keep a plan compiled for
-- the old column types ("type of parameter ... does not match that when preparing
-- the plan"); replacing the function makes every session compile it again.
CREATE OR REPLACE FUNCTION touch_updated_at() RETURNS trigger AS $$
BEGIN
    IF NEW IS DISTINCT FROM OLD AND NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
        NEW.updated_at := current_timestamp;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE VIEW open_tickets AS
    SELECT t.id, t.account_id, t.subject, t.status, t.priority, t.assignee_id, t.group_id, t.created_at
    FROM tickets t
    WHERE t.status IN ('new', 'open', 'pending', 'on_hold');
