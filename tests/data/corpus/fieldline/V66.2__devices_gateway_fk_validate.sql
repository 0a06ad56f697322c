ALTER TABLE devices VALIDATE CONSTRAINT devices_gateway_id_fkey;
