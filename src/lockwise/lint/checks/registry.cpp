// The rule registry: every rule's id, default severity, summary and size sensitivity, in
// documentation order (docs/lint.md). Each rule is checked in the file of its family in this
// folder (walker.hpp says which rule lives where); an id used in a check must be listed here.
#include "lockwise/lint/lint.hpp"

namespace lockwise::lint {
namespace {

const std::vector<RuleInfo> k_rules = {
    {"index-not-concurrent", Severity::error, "CREATE INDEX without CONCURRENTLY on an existing table blocks writes while it builds", true},
    {"drop-index-not-concurrent", Severity::warning, "DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the table", false},
    {"reindex-not-concurrent", Severity::error, "REINDEX without CONCURRENTLY blocks writes (and reads using the index) while it rebuilds", true},
    {"concurrently-in-transaction", Severity::error, "a CONCURRENTLY statement inside an explicit BEGIN ... COMMIT fails", false},
    {"add-column-volatile-default", Severity::error, "ADD COLUMN with a volatile default (or serial/identity) rewrites the table", true},
    {"add-column-generated-stored", Severity::error, "ADD COLUMN ... GENERATED ALWAYS AS (...) STORED rewrites the table", true},
    {"add-column-default-before-pg11", Severity::error, "ADD COLUMN with a default rewrites the table on PostgreSQL 10 and older", true},
    {"add-column-not-null-no-default", Severity::error, "ADD COLUMN ... NOT NULL without a default fails on a table that has rows", false},
    {"add-column-inline-constraint", Severity::error, "ADD COLUMN with inline REFERENCES, PRIMARY KEY or UNIQUE validates or builds an index under the lock", true},
    {"alter-column-type", Severity::error, "ALTER COLUMN TYPE rewrites the table unless the cast is binary-coercible", true},
    {"alter-column-type-family", Severity::error, "ALTER COLUMN TYPE to a different type family breaks the running application", false},
    {"set-not-null", Severity::error, "SET NOT NULL scans the table under ACCESS EXCLUSIVE unless a validated CHECK (col IS NOT NULL) exists", true},
    {"validate-in-same-transaction", Severity::warning, "VALIDATE CONSTRAINT in the same transaction as its ADD ... NOT VALID keeps ACCESS EXCLUSIVE during the scan", true},
    {"foreign-key-not-valid", Severity::error, "ADD FOREIGN KEY without NOT VALID scans the table while blocking writes to both tables", true},
    {"check-not-valid", Severity::error, "ADD CHECK without NOT VALID scans the table under ACCESS EXCLUSIVE", true},
    {"unique-without-index", Severity::error, "ADD UNIQUE / PRIMARY KEY builds its index under ACCESS EXCLUSIVE; use USING INDEX", true},
    {"exclusion-constraint", Severity::error, "ADD EXCLUDE builds its index under ACCESS EXCLUSIVE and has no online alternative", true},
    {"rename-column", Severity::error, "renaming a column breaks the running application", false},
    {"rename-table", Severity::error, "renaming a table breaks the running application", false},
    {"drop-column", Severity::error, "dropping a column breaks a running application that still uses it", false},
    {"drop-table", Severity::error, "dropping a table breaks a running application that still uses it", false},
    {"cascade", Severity::error, "CASCADE drops or truncates objects the statement does not name", false},
    {"vacuum-full", Severity::error, "VACUUM FULL rewrites the table under ACCESS EXCLUSIVE", true},
    {"cluster", Severity::error, "CLUSTER rewrites the table under ACCESS EXCLUSIVE", true},
    {"lock-table", Severity::warning, "an explicit LOCK TABLE blocks the application for the rest of the transaction", false},
    {"truncate", Severity::error, "TRUNCATE removes every row under ACCESS EXCLUSIVE", false},
    {"enum-add-value-in-transaction", Severity::error, "ALTER TYPE ... ADD VALUE whose new value is used in the same transaction (or any transaction before PG12)", false},
    {"unbatched-update", Severity::error, "UPDATE of a whole or large table in one statement holds row locks on every row until commit", true},
    {"backfill-batch-scans-whole", Severity::error, "a `-- lockwise:backfill` batch reads something whole (e.g. a DISTINCT ON over every row of the joined table) each time (needs a database)", false},
    {"unbatched-delete", Severity::error, "DELETE of a whole or large table in one statement holds row locks on every row until commit", true},
    {"prefer-bigint", Severity::warning, "int/smallint/serial primary keys run out; use bigint", false},
    {"prefer-identity", Severity::info, "serial columns: prefer GENERATED ... AS IDENTITY", false},
    {"prefer-timestamptz", Severity::warning, "timestamp without time zone: prefer timestamptz", false},
    {"prefer-text-over-char", Severity::warning, "char(n) pads with spaces: prefer text or varchar", false},
    {"prefer-jsonb", Severity::warning, "json: prefer jsonb", false},
    {"trigger-on-existing-table", Severity::warning, "CREATE/DROP/ENABLE/DISABLE TRIGGER on an existing table blocks writes and changes the app's write path", false},
    {"nested-transaction", Severity::error, "BEGIN inside BEGIN, COMMIT without BEGIN, or BEGIN never closed", false},
    {"multiple-exclusive-locks", Severity::warning, "one transaction takes write-blocking locks on several existing tables: deadlock risk with the app", false},
    {"refresh-matview-not-concurrent", Severity::warning, "REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks reads of the view", true},
    {"table-rewrite", Severity::error, "an ALTER TABLE action that rewrites the table (SET LOGGED/UNLOGGED, SET TABLESPACE, ...)", true},
    {"needs-newer-server", Severity::error, "syntax or a setting the target PostgreSQL version does not have (MERGE before 15, DETACH ... CONCURRENTLY before 14)", false},
    {"detach-partition-not-concurrent", Severity::warning, "DETACH PARTITION without CONCURRENTLY takes ACCESS EXCLUSIVE on the parent (PG14+)", false},
};

} // namespace

std::string_view severity_name(Severity severity) noexcept
{
    switch (severity) {
    case Severity::info:
        return "info";
    case Severity::warning:
        return "warning";
    case Severity::error:
        break;
    }
    return "error";
}

const std::vector<RuleInfo>& rules() { return k_rules; }

const RuleInfo* find_rule(std::string_view id) noexcept
{
    for (const auto& rule : k_rules) {
        if (rule.id == id) {
            return &rule;
        }
    }
    return nullptr;
}

} // namespace lockwise::lint
