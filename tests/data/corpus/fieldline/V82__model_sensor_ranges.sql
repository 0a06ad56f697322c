ALTER TABLE model_sensors ADD COLUMN min_plausible DOUBLE PRECISION, ADD COLUMN max_plausible DOUBLE PRECISION;
UPDATE model_sensors SET min_plausible = -40, max_plausible = 85 WHERE kind = 'temperature';
UPDATE model_sensors SET min_plausible = 0, max_plausible = 100 WHERE kind IN ('humidity', 'soil_moisture', 'battery');
UPDATE model_sensors SET min_plausible = 300, max_plausible = 10000 WHERE kind = 'co2';
