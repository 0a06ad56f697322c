-- Repeatable (Flyway's R__): the alerting dashboard's view, replaced after every deploy that
-- changes this file. Flyway runs it after all versioned migrations.
CREATE OR REPLACE VIEW open_alerts_per_device AS
    SELECT a.device_id, count(*) AS open_alerts, max(a.raised_at) AS last_raised_at
    FROM alerts a
    WHERE a.cleared_at IS NULL
    GROUP BY a.device_id;
