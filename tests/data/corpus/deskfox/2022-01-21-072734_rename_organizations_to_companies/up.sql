ALTER TABLE organizations RENAME TO companies;
ALTER TABLE customers RENAME COLUMN organization_id TO company_id;
