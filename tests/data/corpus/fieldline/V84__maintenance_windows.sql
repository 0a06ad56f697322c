CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE maintenance_windows (
    id          BIGSERIAL PRIMARY KEY,
    site_id     BIGINT NOT NULL REFERENCES sites (id),
    during      TSTZRANGE NOT NULL,
    reason      TEXT,
    EXCLUDE USING gist (site_id WITH =, during WITH &&)
);
