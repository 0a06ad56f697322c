ALTER TABLE agents VALIDATE CONSTRAINT agents_role_valid;
