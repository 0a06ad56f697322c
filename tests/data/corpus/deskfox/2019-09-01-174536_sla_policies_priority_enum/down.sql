ALTER TABLE sla_policies ALTER COLUMN priority TYPE VARCHAR USING priority::text;
