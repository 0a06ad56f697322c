-- role was free text and someone managed to save 'Admin '.
UPDATE agents SET role = lower(trim(role)) WHERE role <> lower(trim(role));
ALTER TABLE agents ADD CONSTRAINT agents_role_valid CHECK (role IN ('agent', 'admin', 'owner', 'light'));
