-- 0 = ok, bit 1 = out of range, bit 2 = interpolated
ALTER TABLE readings ADD COLUMN quality SMALLINT NOT NULL DEFAULT 0;
