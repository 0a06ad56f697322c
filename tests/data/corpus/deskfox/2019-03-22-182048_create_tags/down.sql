DROP TABLE ticket_tags;
DROP TABLE tags;
