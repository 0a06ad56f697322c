ALTER TABLE alert_rules VALIDATE CONSTRAINT alert_rules_target;
