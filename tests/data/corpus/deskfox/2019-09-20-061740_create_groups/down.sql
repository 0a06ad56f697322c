ALTER TABLE tickets DROP COLUMN group_id;
DROP TABLE group_memberships;
DROP TABLE groups;
