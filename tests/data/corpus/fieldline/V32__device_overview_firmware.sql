CREATE OR REPLACE VIEW device_overview AS
SELECT d.id, d.tenant_id, d.serial_number, d.name, d.state, d.last_seen_at,
       s.name AS site_name, m.vendor, m.model, f.version AS firmware_version
FROM devices d
JOIN device_models m ON m.id = d.model_id
LEFT JOIN sites s ON s.id = d.site_id
LEFT JOIN firmware_releases f ON f.id = d.firmware_id;
