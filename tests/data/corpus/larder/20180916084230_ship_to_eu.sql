-- +goose Up
UPDATE countries SET ships_to = true WHERE code IN ('ES', 'IT');
INSERT INTO countries (code, name, ships_to) VALUES
    ('PT', 'Portugal', true), ('AT', 'Austria', true), ('DK', 'Denmark', true), ('SE', 'Sweden', true);
INSERT INTO tax_rates (country, class, rate) VALUES
    ('PT', 'standard', 0.2300),
    ('AT', 'standard', 0.2000), ('DK', 'standard', 0.2500), ('SE', 'standard', 0.2500);

-- +goose Down
SELECT 'down not supported';
