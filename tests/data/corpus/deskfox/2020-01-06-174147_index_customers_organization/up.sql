CREATE INDEX customers_organization_id ON customers (organization_id);
