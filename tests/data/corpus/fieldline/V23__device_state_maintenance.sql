ALTER TYPE device_state ADD VALUE 'maintenance' BEFORE 'retired';
