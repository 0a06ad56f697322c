ALTER TABLE alert_rules ADD COLUMN group_id BIGINT REFERENCES device_groups (id);
ALTER TABLE alert_rules ADD CONSTRAINT alert_rules_target CHECK (device_id IS NULL OR group_id IS NULL) NOT VALID;
