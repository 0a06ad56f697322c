ALTER TYPE sensor_kind ADD VALUE 'battery';
