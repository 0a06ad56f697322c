ALTER TABLE tenants ADD CONSTRAINT tenants_region_known CHECK (region IN ('eu-west-1', 'eu-central-1', 'us-east-1'));
