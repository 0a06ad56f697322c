ALTER TYPE device_state ADD VALUE IF NOT EXISTS 'decommissioned';
