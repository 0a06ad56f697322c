-- Claim tokens printed on the box label; every existing device gets one.
ALTER TABLE devices ADD COLUMN claim_token UUID NOT NULL DEFAULT gen_random_uuid();
