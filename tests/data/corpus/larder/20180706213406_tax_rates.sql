-- +goose Up
-- VAT per country and product class; replaces countries.vat_rate.
CREATE TYPE tax_class AS ENUM ('standard', 'reduced', 'zero');
CREATE TABLE tax_rates (
    country char(2) NOT NULL REFERENCES countries (code),
    class tax_class NOT NULL,
    rate numeric(5,4) NOT NULL,
    PRIMARY KEY (country, class)
);
INSERT INTO tax_rates (country, class, rate)
SELECT code, 'standard', vat_rate FROM countries WHERE vat_rate IS NOT NULL;
INSERT INTO tax_rates (country, class, rate) VALUES
    ('GB', 'reduced', 0.0500), ('GB', 'zero', 0), ('IE', 'reduced', 0.1350), ('FR', 'reduced', 0.0550),
    ('DE', 'reduced', 0.0700), ('NL', 'reduced', 0.0900), ('BE', 'reduced', 0.0600);
ALTER TABLE products ADD COLUMN tax_class tax_class NOT NULL DEFAULT 'standard';

-- +goose Down
ALTER TABLE products DROP COLUMN tax_class;
DROP TABLE tax_rates;
DROP TYPE tax_class;
