-- It's a debugging aid; losing it on a crash is fine and WAL for it is not.
ALTER TABLE ingest_errors SET UNLOGGED;
