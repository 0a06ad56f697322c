-- v1 signing is gone (all webhooks re-keyed in Feb); the raw secret column goes too.
ALTER TABLE webhooks ADD COLUMN secret_digest BYTEA;
UPDATE webhooks SET secret_digest = digest(secret, 'sha256');
ALTER TABLE webhooks DROP COLUMN secret;
