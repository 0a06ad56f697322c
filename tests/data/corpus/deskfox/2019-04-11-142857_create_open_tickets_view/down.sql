DROP VIEW open_tickets;
