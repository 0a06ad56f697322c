CREATE OR REPLACE FUNCTION compute_billing_usage(p_month DATE) RETURNS VOID
LANGUAGE sql AS $$
    INSERT INTO billing_usage (tenant_id, month, active_devices, readings)
    SELECT d.tenant_id, p_month, count(DISTINCT r.device_id), count(*)
    FROM readings r JOIN devices d ON d.id = r.device_id
    WHERE r.recorded_at >= p_month AND r.recorded_at < p_month + interval '1 month'
    GROUP BY d.tenant_id
    ON CONFLICT (tenant_id, month) DO UPDATE
        SET active_devices = excluded.active_devices, readings = excluded.readings;
$$;
