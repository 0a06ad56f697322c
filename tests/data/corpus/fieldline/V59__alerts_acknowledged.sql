ALTER TABLE alerts ADD COLUMN acknowledged_by BIGINT REFERENCES users (id);
ALTER TABLE alerts ADD COLUMN acknowledged_at TIMESTAMPTZ;
