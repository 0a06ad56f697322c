SELECT compute_billing_usage(m::date)
FROM generate_series(date '2019-08-01', date '2025-05-01', interval '1 month') AS m;
