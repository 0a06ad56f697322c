-- char(8) padded the shorter v1 prefixes with spaces and lookups failed.
ALTER TABLE api_keys ALTER COLUMN key_prefix TYPE VARCHAR(16);
