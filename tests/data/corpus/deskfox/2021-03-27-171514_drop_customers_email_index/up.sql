-- replaced by the lower(email) index below
DROP INDEX customers_email;
CREATE INDEX customers_account_lower_email ON customers (account_id, lower(email));
