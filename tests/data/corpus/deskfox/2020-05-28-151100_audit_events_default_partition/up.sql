-- Events outside the prepared months (clock skew, imports) used to fail the
-- whole status update. Catch them here and move them later.
CREATE TABLE audit_events_default PARTITION OF audit_events DEFAULT;
