ALTER TABLE customers DROP COLUMN custmer_org_id;
DROP TABLE organizations;
