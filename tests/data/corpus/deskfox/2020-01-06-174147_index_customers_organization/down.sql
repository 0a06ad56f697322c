DROP INDEX customers_organization_id;
