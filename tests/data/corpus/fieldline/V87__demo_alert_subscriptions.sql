INSERT INTO alert_subscriptions (rule_id, channel, target)
SELECT id, 'slack', '#greenhouse-alerts' FROM alert_rules WHERE tenant_id = 1;
INSERT INTO alert_subscriptions (rule_id, channel, target)
SELECT id, 'email', 'grower@demo.fieldline.io' FROM alert_rules WHERE tenant_id = 1 AND severity = 'critical';
