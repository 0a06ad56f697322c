-- +goose Up
CREATE TABLE countries (
    code char(2) PRIMARY KEY,
    name text NOT NULL,
    ships_to boolean NOT NULL DEFAULT false,
    vat_rate numeric(5,4)
);
INSERT INTO countries (code, name, ships_to, vat_rate) VALUES
    ('GB', 'United Kingdom', true, 0.2000),
    ('IE', 'Ireland', true, 0.2300),
    ('FR', 'France', true, 0.2000),
    ('DE', 'Germany', true, 0.1900),
    ('NL', 'Netherlands', true, 0.2100),
    ('BE', 'Belgium', true, 0.2100),
    ('ES', 'Spain', false, 0.2100),
    ('IT', 'Italy', false, 0.2200),
    ('US', 'United States', false, NULL),
    ('CA', 'Canada', false, NULL);

-- +goose Down
DROP TABLE countries;
