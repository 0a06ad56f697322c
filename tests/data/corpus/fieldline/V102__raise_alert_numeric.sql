DROP FUNCTION raise_alert(BIGINT, BIGINT, DOUBLE PRECISION, TIMESTAMPTZ);
CREATE FUNCTION raise_alert(p_rule BIGINT, p_device BIGINT, p_value NUMERIC, p_at TIMESTAMPTZ)
RETURNS BIGINT LANGUAGE sql AS $$
    INSERT INTO alerts (rule_id, device_id, value, raised_at, severity)
    SELECT p_rule, p_device, p_value, p_at, severity FROM alert_rules WHERE id = p_rule
    RETURNING id;
$$;
