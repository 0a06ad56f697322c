ALTER TABLE customers RENAME COLUMN organization_id TO custmer_org_id;
