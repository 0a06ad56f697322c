#!/usr/bin/env python3
# Writes a deterministic corpus of migration files (V<n>__m<n>.sql) for the lint benchmark:
# a seeded mix of safe and dangerous statements, 3-12 per file. Usage: generate_corpus.py DIR [COUNT]
import os
import random
import sys

TEMPLATES = [
    "CREATE TABLE {t}_{n} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, {c} text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());",
    "CREATE TABLE {t}_{n}_log (id serial PRIMARY KEY, payload json, at timestamp);",
    "ALTER TABLE {t} ADD COLUMN {c}_{n} text;",
    "ALTER TABLE {t} ADD COLUMN {c}_{n} boolean NOT NULL DEFAULT false;",
    "ALTER TABLE {t} ADD COLUMN {c}_{n} uuid DEFAULT gen_random_uuid();",
    "CREATE INDEX {t}_{c}_{n}_idx ON {t} ({c});",
    "CREATE INDEX CONCURRENTLY {t}_{c}_{n}_idx ON {t} ({c}) WHERE deleted_at IS NULL;",
    "CREATE UNIQUE INDEX CONCURRENTLY {t}_{c}_{n}_key ON {t} (lower({c}));",
    "DROP INDEX IF EXISTS {t}_{c}_{n}_idx;",
    "ALTER TABLE {t} ALTER COLUMN {c} SET NOT NULL;",
    "ALTER TABLE {t} ADD CONSTRAINT {t}_{c}_{n}_nn CHECK ({c} IS NOT NULL) NOT VALID;",
    "ALTER TABLE {t} VALIDATE CONSTRAINT {t}_{c}_{n}_nn;",
    "ALTER TABLE {t} ADD CONSTRAINT {t}_{n}_fk FOREIGN KEY (owner_id) REFERENCES users (id);",
    "ALTER TABLE {t} ADD CONSTRAINT {t}_{n}_fk FOREIGN KEY (owner_id) REFERENCES users (id) NOT VALID;",
    "ALTER TABLE {t} ALTER COLUMN {c} TYPE varchar(255);",
    "ALTER TABLE {t} RENAME COLUMN {c} TO {c}_old;",
    "ALTER TABLE {t} DROP COLUMN IF EXISTS legacy_{n};",
    "UPDATE {t} SET {c} = lower({c}) WHERE id < 1000;",
    "UPDATE {t} SET {c} = trim({c});",
    "DELETE FROM {t}_archive WHERE created_at < now() - interval '90 days';",
    "COMMENT ON TABLE {t} IS 'owned by team {n}';",
    "INSERT INTO settings (key, value) VALUES ('flag_{n}', 'on') ON CONFLICT (key) DO NOTHING;",
    "CREATE OR REPLACE VIEW {t}_active_{n} AS SELECT id, {c} FROM {t} WHERE deleted_at IS NULL;",
    "ALTER TABLE {t} ADD CONSTRAINT {t}_{n}_key UNIQUE ({c});",
    "CREATE TRIGGER {t}_{n}_audit AFTER UPDATE ON {t} FOR EACH ROW EXECUTE FUNCTION audit();",
    "ALTER TYPE status ADD VALUE IF NOT EXISTS 's{n}';",
    "REFRESH MATERIALIZED VIEW {t}_stats;",
    "TRUNCATE {t}_staging;",
]
TABLES = ["users", "orders", "leads", "call_log", "invoices", "events", "accounts", "payments"]
COLUMNS = ["email", "name", "status", "note", "phone", "region", "source", "title"]


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    rng = random.Random(20240601)
    os.makedirs(out, exist_ok=True)
    for n in range(1, count + 1):
        lines = [f"-- migration {n}: generated for the lint benchmark"]
        for _ in range(rng.randint(3, 12)):
            template = rng.choice(TEMPLATES)
            lines.append(template.format(t=rng.choice(TABLES), c=rng.choice(COLUMNS), n=n))
        with open(os.path.join(out, f"V{n}__m{n}.sql"), "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
