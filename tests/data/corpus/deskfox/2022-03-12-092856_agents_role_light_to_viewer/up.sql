ALTER TABLE agents DROP CONSTRAINT agents_role_valid;
UPDATE agents SET role = 'viewer' WHERE role = 'light';
ALTER TABLE agents ADD CONSTRAINT agents_role_valid CHECK (role IN ('agent', 'admin', 'owner', 'viewer')) NOT VALID;
