-- The CRM application beside migration 36: the load `lockwise demo` and
-- `lockwise rehearse` run while migrating. Format: docs/load.md.
-- Mix per 100 transactions: 40 new calls, 25 lead updates, 30 reads, 5 new leads.

\setup max_lead_id SELECT max(id) FROM leads
\setup tenants SELECT max(id) FROM businesses

-- A call comes in or goes out: log it, then touch its lead (call_log, then leads:
-- the lock order a migration must not invert).
-- transaction new_call weight=40
\set lead random(1, :max_lead_id)
\set duration random_exponential(5, 1800, 4)
INSERT INTO call_log (tenant_id, lead_id, direction, duration_s)
SELECT tenant_id, id, CASE WHEN random() < 0.55 THEN 'inbound' ELSE 'outbound' END, :duration
FROM leads WHERE id = :lead;
UPDATE leads SET updated_at = now() WHERE id = :lead;

-- A salesperson moves a lead along the pipeline (recent leads are worked the most).
-- transaction touch_lead weight=25
\set back random_exponential(0, 5000, 3)
\set status random(1, 4)
UPDATE leads SET status = (ARRAY['contacted', 'qualified', 'won', 'lost'])[:status::int], updated_at = now()
WHERE id = greatest(1, :max_lead_id::bigint - :back::bigint);

-- A lead's page: the lead and its latest calls. The base schema has no index on
-- call_log.lead_id (migration 36 adds one), so the page looks at recent calls only,
-- through the primary key, as the application's "recent activity" query did.
-- transaction read_lead weight=30
\set lead random(1, :max_lead_id)
SELECT id, tenant_id, name, phone, status, updated_at FROM leads WHERE id = :lead;
SELECT id, direction, duration_s, created_at FROM call_log
WHERE id > (SELECT coalesce(max(id), 0) - 2000 FROM call_log) AND lead_id = :lead
ORDER BY created_at DESC LIMIT 5;

-- A new lead arrives for a tenant; big tenants get most of them.
-- transaction new_lead weight=5
\set tenant random_zipf(1, :tenants, 1.0)
INSERT INTO leads (tenant_id, name, phone)
VALUES (:tenant, 'web lead ' || md5(random()::text), '+1555' || lpad((random() * 9999999)::int::text, 7, '0'));
