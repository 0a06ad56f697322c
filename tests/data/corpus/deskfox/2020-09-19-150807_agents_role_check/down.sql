ALTER TABLE agents DROP CONSTRAINT agents_role_valid;
