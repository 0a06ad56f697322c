ALTER TABLE alert_rules ADD CONSTRAINT alert_rules_comparison_check CHECK (comparison IN ('<', '<=', '>', '>='));
