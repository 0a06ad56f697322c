-- Merges are ticket_messages of kind 'merge' plus tickets.merged_into_id since 2023.
DROP TABLE ticket_merges;
