-- sensor numbers mean different things per model; name them.
CREATE TYPE sensor_kind AS ENUM ('temperature', 'humidity', 'soil_moisture', 'co2', 'heat_energy');
CREATE TABLE model_sensors (
    model_id  INT NOT NULL REFERENCES device_models (id),
    sensor    SMALLINT NOT NULL,
    kind      sensor_kind NOT NULL,
    unit      TEXT NOT NULL,
    PRIMARY KEY (model_id, sensor)
);
INSERT INTO model_sensors (model_id, sensor, kind, unit)
SELECT m.id, s.sensor, s.kind::sensor_kind, s.unit
FROM device_models m
JOIN (VALUES ('FL-100', 0, 'temperature', '°C'), ('FL-100', 1, 'humidity', '%'),
             ('FL-200', 0, 'temperature', '°C'), ('FL-200', 1, 'humidity', '%'),
             ('FL-200', 2, 'soil_moisture', '%'), ('FL-200', 3, 'co2', 'ppm'),
             ('TH-1', 0, 'temperature', '°C'), ('TH-1', 1, 'humidity', '%'),
             ('TH-2', 0, 'temperature', '°C'), ('TH-2', 1, 'humidity', '%'), ('TH-2', 2, 'co2', 'ppm'),
             ('SX-Heat', 0, 'heat_energy', 'kWh'), ('Multical 21', 0, 'heat_energy', 'kWh'))
     AS s (model, sensor, kind, unit) ON s.model = m.model;
