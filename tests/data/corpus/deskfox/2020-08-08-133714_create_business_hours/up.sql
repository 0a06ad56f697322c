CREATE TABLE business_hours (
    id SERIAL PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    weekday SMALLINT NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    opens TIME NOT NULL,
    closes TIME NOT NULL,
    time_zone VARCHAR NOT NULL DEFAULT 'UTC'
);
INSERT INTO business_hours (account_id, weekday, opens, closes, time_zone)
SELECT 1, d, '09:00', '17:30', 'Europe/Berlin' FROM generate_series(1, 5) AS d;
