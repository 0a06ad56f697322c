ALTER TABLE devices ADD CONSTRAINT devices_gateway_id_fkey FOREIGN KEY (gateway_id) REFERENCES gateways (id) NOT VALID;
