-- typo from the previous migration; nothing reads it yet.
ALTER TABLE customers RENAME COLUMN custmer_org_id TO organization_id;
