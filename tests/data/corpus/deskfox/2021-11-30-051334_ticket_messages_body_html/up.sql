ALTER TABLE ticket_messages ADD COLUMN body_html TEXT;
