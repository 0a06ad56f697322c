CREATE TABLE firmware_releases (
    id          SERIAL PRIMARY KEY,
    model_id    INT NOT NULL REFERENCES device_models (id),
    version     TEXT NOT NULL,
    released_at TIMESTAMPTZ NOT NULL,
    notes       TEXT,
    UNIQUE (model_id, version)
);
ALTER TABLE devices ADD COLUMN firmware_id INT REFERENCES firmware_releases (id);

INSERT INTO firmware_releases (model_id, version, released_at, notes)
SELECT id, v, timestamptz '2019-01-01 00:00+00' + (row_number() OVER (ORDER BY id, v)) * interval '11 days', 'initial import'
FROM device_models, unnest(ARRAY['1.0.0', '1.1.0', '1.2.3']) AS v;
