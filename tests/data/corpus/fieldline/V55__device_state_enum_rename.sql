-- 'provisioned' reads like "ready"; support kept misreading it.
ALTER TYPE device_state RENAME VALUE 'provisioned' TO 'unclaimed';
