UPDATE devices SET state = 'retired' WHERE tenant_id = 1 AND model_id = (SELECT id FROM device_models WHERE model = 'TH-1');
DELETE FROM device_group_members WHERE device_id IN (SELECT id FROM devices WHERE state = 'retired');
