UPDATE tenants SET name = slug WHERE btrim(name) = '';
ALTER TABLE tenants ADD CONSTRAINT tenants_name_not_blank CHECK (btrim(name) <> '') NOT VALID;
ALTER TABLE tenants VALIDATE CONSTRAINT tenants_name_not_blank;
