ALTER TABLE customers DROP COLUMN locale;
DROP TABLE locales;
