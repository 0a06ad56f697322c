INSERT INTO device_models (vendor, model, sensor_count) VALUES
    ('Fieldline', 'FL-100', 2),
    ('Fieldline', 'FL-200', 4),
    ('Acme Sensors', 'TH-1', 2),
    ('Acme Sensors', 'TH-2', 3),
    ('Sontex', 'SX-Heat', 1),
    ('Kamstrup', 'Multical 21', 1);
