DROP TABLE ticket_merges;
