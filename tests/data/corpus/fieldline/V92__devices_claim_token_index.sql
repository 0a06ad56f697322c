CREATE UNIQUE INDEX CONCURRENTLY devices_claim_token ON devices (claim_token);
