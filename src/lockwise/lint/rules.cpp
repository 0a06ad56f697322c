// The rule set and the walk over one migration's statements that applies it,
// knowing which tables the migration itself created and which transaction each statement runs in.
#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "lockwise/core/source_location.hpp"
#include "lockwise/lint/backfill_checks.hpp"
#include "lockwise/lint/lint.hpp"
#include "lockwise/lint/types.hpp"

namespace lockwise::lint {
namespace {

using sql::AlterAction;
using sql::ConstraintKind;
using sql::LockMode;
using sql::Statement;
using sql::TableWork;

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
    {"detach-partition-not-concurrent", Severity::warning, "DETACH PARTITION without CONCURRENTLY takes ACCESS EXCLUSIVE on the parent (PG14+)", false},
};

std::string upper(std::string_view text)
{
    std::string out(text);
    for (auto& c : out) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return out;
}

std::string lower(std::string_view text)
{
    std::string out(text);
    for (auto& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

bool kind_is(const Statement& statement, std::string_view kind) { return upper(statement.kind) == kind; }
bool kind_starts(const Statement& statement, std::string_view prefix) { return upper(statement.kind).starts_with(prefix); }

// The statement's first keyword, uppercased (comments before it skipped).
std::string first_keyword(std::string_view text)
{
    std::size_t i = 0;
    while (i < text.size()) {
        if (std::isspace(static_cast<unsigned char>(text[i])) != 0) {
            ++i;
        } else if (text.substr(i, 2) == "--") {
            const auto end = text.find('\n', i);
            i = end == std::string_view::npos ? text.size() : end + 1;
        } else if (text.substr(i, 2) == "/*") {
            const auto end = text.find("*/", i + 2);
            i = end == std::string_view::npos ? text.size() : end + 2;
        } else {
            break;
        }
    }
    std::size_t j = i;
    while (j < text.size() && std::isalpha(static_cast<unsigned char>(text[j])) != 0) {
        ++j;
    }
    return upper(text.substr(i, j - i));
}

std::string qualified(std::string_view schema, std::string_view name)
{
    return schema.empty() ? std::string(name) : fmt::format("{}.{}", schema, name);
}

std::string human_bytes(long long bytes)
{
    if (bytes >= 1LL << 30) {
        return fmt::format("{:.1f} GB", static_cast<double>(bytes) / static_cast<double>(1LL << 30));
    }
    if (bytes >= 1LL << 20) {
        return fmt::format("{:.1f} MB", static_cast<double>(bytes) / static_cast<double>(1LL << 20));
    }
    return fmt::format("{} kB", bytes / 1024);
}

// SQL with CONCURRENTLY inserted after the leading keywords `head` matches.
std::string with_concurrently(const std::string& text, const std::regex& head)
{
    std::smatch match;
    if (!std::regex_search(text, match, head)) {
        return {};
    }
    const auto end = static_cast<std::size_t>(match.position(0) + match.length(0));
    return text.substr(0, end) + " CONCURRENTLY" + text.substr(end) + ";";
}

struct PendingConstraint {
    std::string table;
    std::string name;
    std::string not_null_column; // CHECK (col IS NOT NULL)
    bool validated = false;
    int group = -1;
    bool not_valid = false;
};

struct AddedEnumValue {
    std::string type;
    std::string value;
    int group = -1;
    int line = 0;
};

struct StatementPlace {
    int group = 0;              // transaction the statement runs in
    bool in_transaction = false; // inside a transaction block (explicit, or lockwise's own)
    bool in_explicit = false;    // inside the file's own BEGIN ... COMMIT
};

class Walker {
public:
    Walker(const catalog::Migration& migration, const sql::ParsedScript& script, const Context& context)
        : m_migration(migration), m_script(script), m_context(context), m_schema(context.schema)
    {
        m_out.file = migration.display_path.empty() ? migration.path.string() : migration.display_path;
    }

    MigrationLint run()
    {
        for (const auto& error : m_script.errors) {
            m_out.errors.push_back(diagnostic(error.span.offset, error.span.line, error.span.column,
                                              error.message, "Fix the SQL: lockwise parses it with the PostgreSQL 15 parser."));
        }
        place_statements();
        for (std::size_t i = 0; i < m_script.statements.size(); ++i) {
            m_index = i;
            lint_statement(m_script.statements[i]);
            remember(m_script.statements[i]);
        }
        check_backfill_directives(m_migration, m_script, m_out.file, m_out.errors);
        apply_suppressions();
        sort_findings();
        return std::move(m_out);
    }

private:
    // ---- positions ---------------------------------------------------------------------------

    catalog::Diagnostic diagnostic(std::size_t offset, int line, int column, std::string message,
                                   std::string hint) const
    {
        catalog::Diagnostic d;
        d.file = m_out.file;
        d.offset = offset;
        d.line = line;
        d.column = column;
        d.message = std::move(message);
        d.hint = std::move(hint);
        if (!m_migration.text.empty()) {
            d.source_line = std::string(core::source_line(m_migration.text, line));
        }
        return d;
    }

    // The span of the first whole-word, case-insensitive occurrence of `needle` in the statement.
    sql::Span locate(const Statement& statement, std::string_view needle) const
    {
        if (needle.empty()) {
            return statement.span;
        }
        const bool whole_file = m_migration.text.size() >= statement.span.offset + statement.span.length &&
                                statement.span.length > 0;
        const std::string haystack = lower(whole_file ? std::string_view(m_migration.text).substr(statement.span.offset, statement.span.length)
                                                      : std::string_view(statement.text));
        const std::string target = lower(needle);
        auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; };
        for (auto pos = haystack.find(target); pos != std::string::npos; pos = haystack.find(target, pos + 1)) {
            const bool left_ok = pos == 0 || !is_word(haystack[pos - 1]) || !is_word(target.front());
            const auto after = pos + target.size();
            const bool right_ok = after >= haystack.size() || !is_word(haystack[after]) || !is_word(target.back());
            if (!left_ok || !right_ok) {
                continue;
            }
            sql::Span span;
            span.offset = statement.span.offset + pos;
            span.length = target.size();
            if (whole_file) {
                const auto lc = core::line_column_at(m_migration.text, span.offset);
                span.line = lc.line;
                span.column = lc.column;
            } else {
                const auto lc = core::line_column_at(haystack, pos);
                span.line = statement.span.line + lc.line - 1;
                span.column = lc.line == 1 ? statement.span.column + lc.column - 1 : lc.column;
            }
            return span;
        }
        return statement.span;
    }

    // ---- transactions ------------------------------------------------------------------------

    void place_statements()
    {
        const auto& statements = m_script.statements;
        m_places.resize(statements.size());
        int group = 0;
        constexpr auto k_none = static_cast<std::size_t>(-1);
        std::size_t open_begin = k_none; // index of the open BEGIN (a sentinel: optional trips -Wmaybe-uninitialized)
        for (std::size_t i = 0; i < statements.size(); ++i) {
            const auto& st = statements[i];
            auto& place = m_places[i];
            if (st.transaction_control) {
                const auto word = first_keyword(st.text);
                const bool opens = word == "BEGIN" || word == "START";
                const bool closes = word == "COMMIT" || word == "END" || word == "ABORT" ||
                                    (word == "ROLLBACK" && upper(st.text).find(" TO ") == std::string::npos) ||
                                    (word == "PREPARE");
                if (opens) {
                    if (open_begin != k_none) {
                        add_at(i, "nested-transaction", st.span, "", LockMode::none, TableWork::none,
                               fmt::format("BEGIN inside the transaction opened on line {}: PostgreSQL ignores it with a warning and the first COMMIT ends both",
                                           statements[open_begin].span.line),
                               "", "Remove the inner BEGIN/COMMIT pair; a transaction cannot nest (use SAVEPOINT for a partial rollback).");
                    } else {
                        open_begin = i;
                        ++group;
                    }
                } else if (closes) {
                    if (open_begin == k_none) {
                        add_at(i, "nested-transaction", st.span, "", LockMode::none, TableWork::none,
                               m_migration.run_in_transaction
                                   ? "COMMIT without BEGIN ends the transaction lockwise runs this migration in, before its history row is written"
                                   : "COMMIT without BEGIN does nothing but warn",
                               "", "Pair every COMMIT with a BEGIN in the same file, or remove it and let lockwise manage the transaction.");
                    }
                    open_begin = k_none;
                    ++group;
                }
                place.group = group;
                place.in_explicit = open_begin != k_none;
                place.in_transaction = place.in_explicit;
                continue;
            }
            if (open_begin != k_none) {
                place = {group, true, true};
            } else if (!st.transactional) {
                place = {++group, false, false};
                ++group;
            } else if (m_migration.run_in_transaction) {
                place = {group, true, false};
            } else {
                place = {++group, false, false};
                ++group;
            }
        }
        if (open_begin != k_none) {
            const auto& st = statements[open_begin];
            add_at(open_begin, "nested-transaction", st.span, "", LockMode::none, TableWork::none,
                   "BEGIN is never committed: the migration ends inside an open transaction", "",
                   "Add COMMIT at the end of the block.");
        }
    }

    // ---- tables ------------------------------------------------------------------------------

    bool is_new_relation(std::string_view schema, std::string_view name) const
    {
        if (m_new.contains(qualified(schema, name))) {
            return true;
        }
        // An unqualified reference to a table created qualified (or the reverse) in this file.
        return m_new.contains(std::string(name)) && (schema.empty() || schema == "public");
    }

    std::optional<TableFacts> facts(std::string_view schema, std::string_view name) const
    {
        if (auto it = m_context.tables.find(qualified(schema, name)); it != m_context.tables.end()) {
            return it->second;
        }
        if (!schema.empty()) {
            return std::nullopt;
        }
        if (auto it = m_context.tables.find(std::string(name)); it != m_context.tables.end()) {
            return it->second;
        }
        return std::nullopt;
    }

    KnownTable* known_table(std::string_view schema, std::string_view name)
    {
        if (auto it = m_schema.find(qualified(schema, name)); it != m_schema.end()) {
            return &it->second;
        }
        if (auto it = m_schema.find(std::string(name)); it != m_schema.end() && (schema.empty() || schema == "public")) {
            return &it->second;
        }
        return nullptr;
    }

    // The relation a statement is about: its first lock on a relation it did not create.
    const sql::RelationLock* target(const Statement& st) const
    {
        for (const auto& lock : st.locks) {
            if (!lock.created_by_statement) {
                return &lock;
            }
        }
        return st.locks.empty() ? nullptr : &st.locks.front();
    }

    LockMode strongest_lock(const Statement& st) const
    {
        LockMode mode = LockMode::none;
        for (const auto& lock : st.locks) {
            mode = std::max(mode, lock.mode);
        }
        return mode;
    }

    // ---- findings ----------------------------------------------------------------------------

    Finding& add_at(std::size_t statement, std::string_view rule_id, sql::Span span, std::string table,
                    LockMode lock, TableWork work, std::string message, std::string safe, std::string hint)
    {
        const auto* rule = find_rule(rule_id);
        Finding f;
        f.rule_id = std::string(rule_id);
        f.severity = rule != nullptr ? rule->severity : Severity::error;
        f.file = m_out.file;
        f.span = span;
        f.table = std::move(table);
        f.lock = lock;
        f.lock_blocks = std::string(blocks_description(lock));
        f.work = work;
        f.message = std::move(message);
        f.safe_alternative = std::move(safe);
        f.hint = std::move(hint);
        m_out.findings.push_back(std::move(f));
        m_statement_of.push_back(statement);
        return m_out.findings.back();
    }

    Finding& add(std::string_view rule_id, sql::Span span, std::string table, LockMode lock, TableWork work,
                 std::string message, std::string safe = {}, std::string hint = {})
    {
        return add_at(m_index, rule_id, span, std::move(table), lock, work, std::move(message),
                      std::move(safe), std::move(hint));
    }

    // Size-sensitive findings on a table known to be small are graded down to info; on a
    // known table the size is stated either way.
    void grade(Finding& finding, std::string_view schema, std::string_view name) const
    {
        const auto* rule = find_rule(finding.rule_id);
        const auto table_facts = facts(schema, name);
        if (rule == nullptr || !rule->size_sensitive || !table_facts || table_facts->estimated_rows < 0) {
            return;
        }
        const auto rows = table_facts->estimated_rows;
        if (rows < m_context.small_table_rows) {
            finding.severity = Severity::info;
            finding.message += fmt::format(" (graded down: the table has about {} rows, below the small-table threshold of {}, so the lock is held briefly)",
                                           rows, m_context.small_table_rows);
        } else {
            finding.message += fmt::format(" (the table has about {} rows, {})", rows, human_bytes(table_facts->total_bytes));
        }
    }

    bool version_below(int version) const
    {
        return m_context.server_version_num && *m_context.server_version_num < version;
    }

    // ---- the rules ---------------------------------------------------------------------------

    void lint_statement(const Statement& st)
    {
        if (st.transaction_control) {
            return;
        }
        const auto& place = m_places[m_index];
        if (st.concurrently && place.in_explicit) {
            add("concurrently-in-transaction", locate(st, "CONCURRENTLY"), "", LockMode::share_update_exclusive,
                TableWork::none,
                fmt::format("{} CONCURRENTLY cannot run inside a transaction block: the file's own BEGIN ... COMMIT makes it fail", st.kind),
                st.text + ";",
                "Move the statement out of the BEGIN ... COMMIT block; lockwise runs CONCURRENTLY statements in autocommit on their own.");
        }
        lint_types(st);
        if (kind_is(st, "CREATE INDEX")) {
            lint_create_index(st);
        } else if (kind_is(st, "DROP INDEX")) {
            lint_drop_index(st);
        } else if (kind_is(st, "REINDEX")) {
            lint_reindex(st);
        } else if (kind_is(st, "ALTER TABLE") || !st.actions.empty()) {
            lint_alter_table(st);
        } else if (kind_is(st, "DROP TABLE")) {
            for (const auto& lock : st.locks) {
                if (!lock.created_by_statement && !is_new_relation(lock.schema, lock.name)) {
                    add("drop-table", st.span, qualified(lock.schema, lock.name), LockMode::access_exclusive,
                        TableWork::metadata_only,
                        fmt::format("dropping table {} breaks every running query and deploy that still uses it", qualified(lock.schema, lock.name)),
                        "", "First release application code that no longer reads or writes the table, then drop it in a later migration; suppress with `-- lockwise:allow drop-table <reason>` once that is true.");
                }
            }
        } else if (kind_starts(st, "TRUNCATE")) {
            lint_truncate(st);
        } else if (kind_is(st, "VACUUM")) {
            lint_vacuum(st);
        } else if (kind_is(st, "CLUSTER")) {
            lint_whole_table_rewrite(st, "cluster", "CLUSTER");
        } else if (kind_is(st, "LOCK TABLE")) {
            const auto* rel = target(st);
            const auto mode = strongest_lock(st);
            if (rel != nullptr && !is_new_relation(rel->schema, rel->name)) {
                add("lock-table", st.span, qualified(rel->schema, rel->name), mode, TableWork::none,
                    fmt::format("LOCK TABLE takes {} on {} and holds it until the transaction ends, blocking {} of the application",
                                sql::lock_mode_name(mode), qualified(rel->schema, rel->name), blocks_description(mode)),
                    "", "Rely on the locks the statements take themselves, and keep the transaction short; lockwise already bounds lock waits with lock_timeout.");
            }
        } else if (kind_is(st, "ALTER TYPE") && !st.enum_type.empty()) {
            lint_enum_add_value(st);
        } else if (kind_is(st, "UPDATE") || kind_is(st, "DELETE")) {
            lint_dml(st);
        } else if (kind_is(st, "CREATE TRIGGER") || kind_is(st, "DROP TRIGGER")) {
            const auto* rel = target(st);
            if (rel != nullptr && !is_new_relation(rel->schema, rel->name)) {
                const auto mode = kind_is(st, "CREATE TRIGGER") ? LockMode::share_row_exclusive : LockMode::access_exclusive;
                add("trigger-on-existing-table", st.span, qualified(rel->schema, rel->name), std::max(mode, rel->mode),
                    TableWork::metadata_only,
                    fmt::format("{} on existing table {} takes {} (blocks {}) and changes what every write to it does",
                                st.kind, qualified(rel->schema, rel->name), sql::lock_mode_name(std::max(mode, rel->mode)),
                                blocks_description(std::max(mode, rel->mode))),
                    "", "Make sure the trigger function exists and is correct for rows the application writes while the migration runs; test it under load before release.");
            }
        } else if (kind_is(st, "REFRESH MATERIALIZED VIEW")) {
            const auto* rel = target(st);
            if (!st.concurrently && (rel == nullptr || !is_new_relation(rel->schema, rel->name))) {
                static const std::regex head(R"(^\s*REFRESH\s+MATERIALIZED\s+VIEW)", std::regex::icase);
                add("refresh-matview-not-concurrent", st.span, rel != nullptr ? qualified(rel->schema, rel->name) : "",
                    LockMode::access_exclusive, TableWork::rewrite,
                    "REFRESH MATERIALIZED VIEW without CONCURRENTLY takes ACCESS EXCLUSIVE on the view: reads of it wait until the refresh ends",
                    with_concurrently(st.text, head),
                    "CONCURRENTLY needs a unique index on the view (without a WHERE clause) and takes EXCLUSIVE, which lets reads continue.");
            }
        }
        if (st.cascade && (first_keyword(st.text) == "DROP" || kind_starts(st, "TRUNCATE"))) {
            add("cascade", locate(st, "CASCADE"), "", strongest_lock(st), TableWork::none,
                fmt::format("{} ... CASCADE also removes every dependent object (views, foreign keys{}) without naming them",
                            st.kind, kind_starts(st, "TRUNCATE") ? ", and the rows of referencing tables" : ""),
                "", "Drop or change the dependent objects explicitly first, then use RESTRICT (the default) so an unexpected dependency fails the migration instead.");
        }
        lint_lock_spread(st);
    }

    void lint_create_index(const Statement& st)
    {
        if (!st.index || st.concurrently || st.index->concurrently) {
            return;
        }
        const auto& index = *st.index;
        if (is_new_relation(index.schema, index.table)) {
            return;
        }
        static const std::regex head(R"(^\s*CREATE\s+(UNIQUE\s+)?INDEX)", std::regex::icase);
        auto& f = add("index-not-concurrent", st.span, qualified(index.schema, index.table), LockMode::share,
                      TableWork::full_scan,
                      fmt::format("CREATE INDEX on existing table {} takes SHARE: inserts, updates and deletes wait for the whole index build",
                                  qualified(index.schema, index.table)),
                      with_concurrently(st.text, head),
                      "CREATE INDEX CONCURRENTLY takes SHARE UPDATE EXCLUSIVE, so the application keeps reading and writing; lockwise runs it outside the transaction, and drops and rebuilds an INVALID index left by a failed attempt.");
        grade(f, index.schema, index.table);
    }

    void lint_drop_index(const Statement& st)
    {
        if (st.concurrently) {
            return;
        }
        std::string name = st.index ? qualified(st.index->schema, st.index->name) : "";
        if (name.empty() && !st.locks.empty()) {
            name = qualified(st.locks.front().schema, st.locks.front().name);
        }
        if (m_new_indexes.contains(name) || (st.index && m_new_indexes.contains(st.index->name))) {
            return;
        }
        static const std::regex head(R"(^\s*DROP\s+INDEX)", std::regex::icase);
        add("drop-index-not-concurrent", st.span, name, LockMode::access_exclusive, TableWork::metadata_only,
            fmt::format("DROP INDEX {} takes ACCESS EXCLUSIVE on its table: while it waits for the lock, every query on the table queues behind it", name),
            st.cascade ? "" : with_concurrently(st.text, head),
            "DROP INDEX CONCURRENTLY waits for running queries without blocking new ones (it cannot drop several indexes or use CASCADE).");
    }

    void lint_reindex(const Statement& st)
    {
        if (st.concurrently) {
            return;
        }
        const auto* rel = target(st);
        if (rel != nullptr && is_new_relation(rel->schema, rel->name)) {
            return;
        }
        const auto name = rel != nullptr ? qualified(rel->schema, rel->name) : "";
        if (m_new_indexes.contains(name)) {
            return;
        }
        static const std::regex head(R"(^\s*REINDEX\s+(\([^)]*\)\s*)?(INDEX|TABLE|SCHEMA|DATABASE|SYSTEM))", std::regex::icase);
        auto& f = add("reindex-not-concurrent", st.span, name, LockMode::share, TableWork::full_scan,
                      version_below(120000)
                          ? "REINDEX blocks writes to the table (and reads that use the index) while it rebuilds; this server (before PostgreSQL 12) has no REINDEX CONCURRENTLY"
                          : "REINDEX blocks writes to the table (and reads that use the index) while it rebuilds",
                      version_below(120000) ? "" : with_concurrently(st.text, head),
                      version_below(120000)
                          ? "Build a replacement with CREATE INDEX CONCURRENTLY, then DROP INDEX CONCURRENTLY the old one and rename the new one."
                          : "REINDEX CONCURRENTLY (PostgreSQL 12+) rebuilds without blocking writes; it cannot run in a transaction, so lockwise runs it on its own.");
        if (rel != nullptr) {
            grade(f, rel->schema, rel->name);
        }
    }

    void lint_truncate(const Statement& st)
    {
        for (const auto& lock : st.locks) {
            if (lock.created_by_statement || is_new_relation(lock.schema, lock.name)) {
                continue;
            }
            add("truncate", st.span, qualified(lock.schema, lock.name), LockMode::access_exclusive, TableWork::metadata_only,
                fmt::format("TRUNCATE removes every row of {} and takes ACCESS EXCLUSIVE: the application can neither read nor write it until the transaction commits",
                            qualified(lock.schema, lock.name)),
                "", "If the rows must go while the application runs, DELETE them in batches; if the table is truly unused, say so with `-- lockwise:allow truncate <reason>`.");
        }
    }

    void lint_vacuum(const Statement& st)
    {
        const bool full = strongest_lock(st) == LockMode::access_exclusive || st.work == TableWork::rewrite ||
                          std::regex_search(st.text, std::regex(R"(\bFULL\b)", std::regex::icase));
        if (full) {
            lint_whole_table_rewrite(st, "vacuum-full", "VACUUM FULL");
        }
    }

    void lint_whole_table_rewrite(const Statement& st, std::string_view rule, std::string_view what)
    {
        const auto* rel = target(st);
        if (rel != nullptr && is_new_relation(rel->schema, rel->name)) {
            return;
        }
        const auto name = rel != nullptr ? qualified(rel->schema, rel->name) : std::string("every table");
        auto& f = add(rule, st.span, rel != nullptr ? name : "", LockMode::access_exclusive, TableWork::rewrite,
                      fmt::format("{} rewrites {} under ACCESS EXCLUSIVE: reads and writes wait for the whole rewrite", what, name),
                      "", "Use pg_repack or pg_squeeze, which rebuild the table online; plain VACUUM reclaims space for reuse without blocking.");
        if (rel != nullptr) {
            grade(f, rel->schema, rel->name);
        }
    }

    void lint_enum_add_value(const Statement& st)
    {
        static const std::regex value_re(R"(ADD\s+VALUE\s+(IF\s+NOT\s+EXISTS\s+)?'((?:[^']|'')*)')", std::regex::icase);
        std::smatch match;
        std::string value;
        if (std::regex_search(st.text, match, value_re)) {
            value = match[2].str();
        }
        if (value.empty() || m_new_types.contains(st.enum_type)) {
            return; // not ADD VALUE, or the type is new in this file (its values may be used at once)
        }
        const auto& place = m_places[m_index];
        if (version_below(120000) && place.in_transaction) {
            add("enum-add-value-in-transaction", st.span, "", LockMode::none, TableWork::metadata_only,
                "ALTER TYPE ... ADD VALUE cannot run inside a transaction block before PostgreSQL 12",
                "", "Put this statement in its own migration marked `-- lockwise:no-transaction`.");
        }
        m_enum_values.push_back({st.enum_type, value, place.group, st.span.line});
    }

    void lint_enum_use(const Statement& st)
    {
        const auto& place = m_places[m_index];
        for (const auto& added : m_enum_values) {
            if (added.group != place.group || !place.in_transaction) {
                continue;
            }
            const auto literal = fmt::format("'{}'", added.value);
            if (st.text.find(literal) == std::string::npos) {
                continue;
            }
            add("enum-add-value-in-transaction", locate(st, literal), "", LockMode::none, TableWork::none,
                fmt::format("uses enum value {} added to {} on line {} in the same transaction: PostgreSQL refuses it (unsafe use of new value) until that transaction commits",
                            literal, added.type, added.line),
                "", "Add the value in an earlier migration (or commit between the two statements) and use it after.");
        }
    }

    bool has_backfill_directive(const Statement& st) const
    {
        const std::size_t previous_end = m_index == 0 ? 0
                                                      : m_script.statements[m_index - 1].span.offset +
                                                            m_script.statements[m_index - 1].span.length;
        return std::any_of(m_migration.directives.begin(), m_migration.directives.end(), [&](const auto& d) {
            return d.name == "backfill" && d.offset < st.span.offset && d.offset >= previous_end;
        });
    }

    void lint_dml(const Statement& st)
    {
        const bool is_update = kind_is(st, "UPDATE");
        const auto* rel = target(st);
        std::string schema = rel != nullptr ? rel->schema : "";
        std::string name = rel != nullptr ? rel->name : "";
        if (is_update && st.update) {
            schema = st.update->schema;
            name = st.update->table;
        }
        if (name.empty() || is_new_relation(schema, name) || has_backfill_directive(st)) {
            return;
        }
        const auto table_facts = facts(schema, name);
        const bool large = table_facts && table_facts->estimated_rows >= m_context.small_table_rows;
        if (st.has_where && !large) {
            return;
        }
        const auto rule = is_update ? "unbatched-update" : "unbatched-delete";
        const auto verb = is_update ? "UPDATE" : "DELETE";
        auto& f = add(rule, st.span, qualified(schema, name), LockMode::row_exclusive,
                      is_update ? TableWork::full_scan : TableWork::full_scan,
                      st.has_where ? fmt::format("{} on a large table in one statement locks every matching row until the transaction commits, and writes all its WAL at once", verb)
                                   : fmt::format("{} without WHERE changes every row of {} in one statement: each row stays locked until the transaction commits, and concurrent writes to them wait",
                                                 verb, qualified(schema, name)),
                      is_update ? fmt::format("-- lockwise:backfill\n{};", st.text) : "",
                      is_update ? "Mark the UPDATE with `-- lockwise:backfill` so lockwise runs it in short batches by primary key, skipping rows the application holds."
                                : "Delete in batches by primary key (a loop of DELETE ... WHERE id IN (SELECT id ... LIMIT 10000)), committing each batch.");
        f.lock_blocks = "writes to the changed rows";
        if (!st.has_where) {
            grade(f, schema, name);
        } else {
            f.severity = Severity::warning;
            f.message += fmt::format(" (the table has about {} rows)", table_facts->estimated_rows);
        }
    }

    // ---- ALTER TABLE -------------------------------------------------------------------------

    void lint_alter_table(const Statement& st)
    {
        const auto* rel = target(st);
        if (rel == nullptr) {
            return;
        }
        const auto& schema = rel->schema;
        const auto& name = rel->name;
        const auto table = qualified(schema, name);
        const bool existing = !is_new_relation(schema, name);
        for (const auto& action : st.actions) {
            // Point at the column, else the named object (constraint, partition), else the subcommand.
            const auto span = locate(st, !action.column.empty() ? action.column
                                         : !action.name.empty() ? action.name
                                                                : action.subcommand);
            switch (action.kind) {
            case AlterAction::Kind::add_column:
                if (existing && action.column_def) {
                    lint_add_column(st, action, table, schema, name);
                }
                break;
            case AlterAction::Kind::drop_column:
                if (existing) {
                    add("drop-column", span, table, LockMode::access_exclusive, TableWork::metadata_only,
                        fmt::format("dropping column {}.{} breaks running queries that name it (including INSERTs listing it and SELECT * mapped by position)",
                                    table, action.column),
                        "", "First release application code that no longer uses the column (e.g. Rails ignored_columns), then drop it in a later migration.");
                }
                break;
            case AlterAction::Kind::alter_column_type:
                if (existing && action.column_def) {
                    lint_alter_type(st, action, span, table, schema, name);
                }
                break;
            case AlterAction::Kind::set_not_null:
                if (existing) {
                    lint_set_not_null(action, span, table, schema, name);
                }
                break;
            case AlterAction::Kind::add_constraint:
                if (action.constraint) {
                    lint_add_constraint(st, action, table, schema, name, existing);
                }
                break;
            case AlterAction::Kind::validate_constraint:
                lint_validate(st, action, span, table, schema, name);
                break;
            case AlterAction::Kind::rename_column:
                if (existing) {
                    add("rename-column", span, table, LockMode::access_exclusive, TableWork::metadata_only,
                        fmt::format("renaming column {}.{} to {} breaks every running query that uses the old name",
                                    table, action.column, action.name),
                        "", "Add the new column, write both, backfill, switch reads, then drop the old column in a later release (or expose the new name through a view).");
                }
                break;
            case AlterAction::Kind::rename_table:
                // Renaming an index or sequence breaks no query; a table or view does.
                if (existing && !kind_is(st, "ALTER INDEX") && !kind_is(st, "ALTER SEQUENCE")) {
                    add("rename-table", st.span, table, LockMode::access_exclusive, TableWork::metadata_only,
                        fmt::format("renaming table {} to {} breaks every running query that uses the old name", table, action.name),
                        fmt::format("ALTER TABLE {} RENAME TO {};\nCREATE VIEW {} AS SELECT * FROM {};", table, action.name, table, action.name),
                        "Keep the old name working as a simple (updatable) view until the application uses the new name, then drop the view.");
                }
                break;
            case AlterAction::Kind::enable_trigger:
            case AlterAction::Kind::disable_trigger:
                if (existing) {
                    add("trigger-on-existing-table", span, table, LockMode::share_row_exclusive, TableWork::metadata_only,
                        fmt::format("{} on existing table {} blocks writes while it waits for and holds its lock, and changes what every write does",
                                    action.subcommand, table),
                        "", "Make sure the application tolerates the trigger being on (or off) for writes in flight.");
                }
                break;
            case AlterAction::Kind::detach_partition:
                if (existing && !action.concurrently && !version_below(140000)) {
                    add("detach-partition-not-concurrent", span, table, LockMode::access_exclusive, TableWork::metadata_only,
                        fmt::format("DETACH PARTITION {} takes ACCESS EXCLUSIVE on the parent {}", action.name, table),
                        fmt::format("ALTER TABLE {} DETACH PARTITION {} CONCURRENTLY;", table, action.name),
                        "DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14+) takes SHARE UPDATE EXCLUSIVE; it cannot run in a transaction, so lockwise runs it on its own.");
                }
                break;
            default:
                if (existing && action.work == TableWork::rewrite) {
                    auto& f = add("table-rewrite", span, table, LockMode::access_exclusive, TableWork::rewrite,
                                  fmt::format("{} rewrites {} and its indexes under ACCESS EXCLUSIVE: reads and writes wait for the whole rewrite",
                                              action.subcommand, table),
                                  "", "Run it in a maintenance window, or build a new table and switch to it.");
                    grade(f, schema, name);
                }
                break;
            }
            if (action.cascade && action.kind == AlterAction::Kind::drop_column) {
                add("cascade", locate(st, "CASCADE"), table, LockMode::access_exclusive, TableWork::metadata_only,
                    "DROP COLUMN ... CASCADE also drops the views, indexes and constraints that depend on the column",
                    "", "Drop the dependent objects explicitly first, then drop the column without CASCADE.");
            } else if (action.cascade && action.kind == AlterAction::Kind::drop_constraint) {
                add("cascade", locate(st, "CASCADE"), table, LockMode::access_exclusive, TableWork::metadata_only,
                    "DROP CONSTRAINT ... CASCADE also drops the foreign keys of other tables that depend on it",
                    "", "Drop the dependent constraints explicitly first.");
            }
        }
    }

    static std::string_view constraint_keyword(ConstraintKind kind)
    {
        switch (kind) {
        case ConstraintKind::foreign_key:
            return "FOREIGN";
        case ConstraintKind::check:
            return "CHECK";
        case ConstraintKind::unique:
            return "UNIQUE";
        case ConstraintKind::primary_key:
            return "PRIMARY";
        case ConstraintKind::exclusion:
            return "EXCLUDE";
        default:
            break;
        }
        return "ADD";
    }

    static std::string default_expression(const std::string& text, const std::string& column)
    {
        const std::regex re(std::string(R"(\bDEFAULT\s+)"), std::regex::icase);
        const auto column_pos = lower(text).find(lower(column));
        const std::string rest = column_pos == std::string::npos ? text : text.substr(column_pos);
        std::smatch match;
        if (!std::regex_search(rest, match, re)) {
            return "<default>";
        }
        std::string tail = match.suffix().str();
        int depth = 0;
        std::size_t end = 0;
        for (; end < tail.size(); ++end) {
            const char c = tail[end];
            if (c == '(') {
                ++depth;
            } else if (c == ')') {
                --depth;
            } else if (depth == 0 && c == ',') {
                break;
            }
            if (depth == 0) {
                static const std::regex stop(R"(^\s+(NOT\s+NULL|NULL|CONSTRAINT|CHECK|REFERENCES|UNIQUE|PRIMARY|GENERATED|COLLATE)\b)", std::regex::icase);
                if (std::regex_search(tail.substr(end), stop)) {
                    break;
                }
            }
        }
        auto expr = tail.substr(0, end);
        while (!expr.empty() && std::isspace(static_cast<unsigned char>(expr.back())) != 0) {
            expr.pop_back();
        }
        return expr.empty() ? "<default>" : expr;
    }

    void lint_add_column(const Statement& st, const AlterAction& action, const std::string& table,
                         const std::string& schema, const std::string& name)
    {
        const auto& col = *action.column_def;
        const auto span = locate(st, col.name);
        const auto type = format_type(col.type_name, col.type_modifiers, col.is_array);
        if (col.generated_stored) {
            auto& f = add("add-column-generated-stored", span, table, LockMode::access_exclusive, TableWork::rewrite,
                          fmt::format("adding stored generated column {} rewrites {} under ACCESS EXCLUSIVE to compute it for every row", col.name, table),
                          fmt::format("ALTER TABLE {} ADD COLUMN {} {};\n-- lockwise:backfill\nUPDATE {} SET {} = <expression>;", table, col.name, type, table, col.name),
                          "Add a plain column, keep it current with a trigger or the application, and backfill it in batches.");
            grade(f, schema, name);
        } else if (col.default_is_volatile || col.serial || col.identity) {
            const auto expr = col.serial ? std::string("nextval(...)") : default_expression(st.text, col.name);
            auto& f = add("add-column-volatile-default", span, table, LockMode::access_exclusive, TableWork::rewrite,
                          fmt::format("adding column {} with a volatile default ({}) rewrites {} under ACCESS EXCLUSIVE to compute a value for every row",
                                      col.name, col.serial ? "serial" : col.identity ? "identity" : expr, table),
                          col.serial || col.identity
                              ? ""
                              : fmt::format("ALTER TABLE {} ADD COLUMN {} {};\nALTER TABLE {} ALTER COLUMN {} SET DEFAULT {};\n-- lockwise:backfill\nUPDATE {} SET {} = {} WHERE {} IS NULL;",
                                            table, col.name, type, table, col.name, expr, table, col.name, expr, col.name),
                          "Add the column without a default, set the default in a second statement (new rows get it), then backfill existing rows in batches.");
            grade(f, schema, name);
        } else if (col.has_default && version_below(110000)) {
            auto& f = add("add-column-default-before-pg11", span, table, LockMode::access_exclusive, TableWork::rewrite,
                          fmt::format("adding column {} with a default rewrites {} on this server (before PostgreSQL 11)", col.name, table),
                          fmt::format("ALTER TABLE {} ADD COLUMN {} {};\nALTER TABLE {} ALTER COLUMN {} SET DEFAULT {};\n-- lockwise:backfill\nUPDATE {} SET {} = {} WHERE {} IS NULL;",
                                      table, col.name, type, table, col.name, default_expression(st.text, col.name), table, col.name,
                                      default_expression(st.text, col.name), col.name),
                          "PostgreSQL 11 and later store a constant default without a rewrite.");
            grade(f, schema, name);
        }
        if (col.not_null && !col.has_default && !col.generated_stored && !col.identity && !col.serial) {
            const auto table_facts = facts(schema, name);
            if (!table_facts || table_facts->estimated_rows != 0) {
                add("add-column-not-null-no-default", span, table, LockMode::access_exclusive, TableWork::full_scan,
                    fmt::format("adding column {} NOT NULL without a default fails as soon as {} has a row", col.name, table),
                    fmt::format("ALTER TABLE {} ADD COLUMN {} {};\n-- backfill it, then add a validated CHECK ({} IS NOT NULL) and SET NOT NULL", table, col.name, type, col.name),
                    "Add the column nullable (or with a constant default), backfill it, then enforce NOT NULL through a NOT VALID check that you validate.");
            }
        }
        if (col.references_table || col.primary_key || col.unique) {
            const bool fk = col.references_table.has_value();
            auto& f = add("add-column-inline-constraint", span, table, fk ? LockMode::share_row_exclusive : LockMode::access_exclusive,
                          fk ? TableWork::full_scan : TableWork::full_scan,
                          fk ? fmt::format("inline REFERENCES {} on new column {} validates the foreign key in the same statement, holding locks on {} and {}",
                                           *col.references_table, col.name, table, *col.references_table)
                             : fmt::format("inline {} on new column {} builds a unique index while ACCESS EXCLUSIVE on {} is held",
                                           col.primary_key ? "PRIMARY KEY" : "UNIQUE", col.name, table),
                          fk ? fmt::format("ALTER TABLE {} ADD COLUMN {} {};\nALTER TABLE {} ADD CONSTRAINT {}_{}_fkey FOREIGN KEY ({}) REFERENCES {} NOT VALID;\n-- in a later transaction:\nALTER TABLE {} VALIDATE CONSTRAINT {}_{}_fkey;",
                                           table, col.name, type, table, name, col.name, col.name, *col.references_table, table, name, col.name)
                             : fmt::format("ALTER TABLE {} ADD COLUMN {} {};\nCREATE UNIQUE INDEX CONCURRENTLY {}_{}_key ON {} ({});\nALTER TABLE {} ADD CONSTRAINT {}_{}_key {} USING INDEX {}_{}_key;",
                                           table, col.name, type, name, col.name, table, col.name, table, name, col.name,
                                           col.primary_key ? "PRIMARY KEY" : "UNIQUE", name, col.name),
                          "Add the column first, then the constraint in the online way.");
            grade(f, schema, name);
        }
    }

    void lint_alter_type(const Statement& st, const AlterAction& action, sql::Span span, const std::string& table,
                         const std::string& schema, const std::string& name)
    {
        const auto& def = *action.column_def;
        const KnownColumn to{def.type_name, def.type_modifiers, def.is_array};
        const auto to_text = format_type(to.type_name, to.type_modifiers, to.is_array);
        const auto safe = fmt::format(
            "ALTER TABLE {} ADD COLUMN {}_new {};\n-- lockwise:backfill\nUPDATE {} SET {}_new = {}::{};\n-- then switch the application to {}_new and drop {} in a later migration",
            table, action.column, to_text, table, action.column, action.column, to_text, action.column, action.column);
        const auto* known = known_table(schema, name);
        const KnownColumn* from = nullptr;
        if (known != nullptr) {
            if (auto it = known->columns.find(action.column); it != known->columns.end()) {
                from = &it->second;
            }
        }
        (void)st;
        if (from == nullptr) {
            auto& f = add("alter-column-type", span, table, LockMode::access_exclusive, TableWork::rewrite,
                          action.has_using
                              ? fmt::format("changing the type of {}.{} to {} with USING rewrites the table and its indexes under ACCESS EXCLUSIVE", table, action.column, to_text)
                              : fmt::format("changing the type of {}.{} to {} rewrites the table and its indexes under ACCESS EXCLUSIVE unless the cast is binary-coercible; lockwise does not know the column's current type",
                                            table, action.column, to_text),
                          safe,
                          "No rewrite only for: varchar(n) to varchar(m >= n) or text, text to unconstrained varchar, numeric(p,s) to numeric(p' >= p,s) or numeric, cidr to inet, a higher timestamp/time precision, and timestamp to timestamptz on PostgreSQL 12+ when TimeZone is UTC. int to bigint DOES rewrite.");
            if (!action.has_using) {
                f.severity = Severity::warning;
            }
            grade(f, schema, name);
            return;
        }
        const auto from_text = format_type(from->type_name, from->type_modifiers, from->is_array);
        if (type_family(from->type_name) != type_family(to.type_name)) {
            add("alter-column-type-family", span, table, LockMode::access_exclusive, TableWork::rewrite,
                fmt::format("changing {}.{} from {} to {} (another kind of type) breaks application code that reads or writes the old type",
                            table, action.column, from_text, to_text),
                safe, "Add a new column of the new type, write both, backfill, switch reads, then drop the old column.");
        }
        switch (cast_cost(*from, to, action.has_using, m_context.server_version_num)) {
        case CastCost::none:
            break;
        case CastCost::rewrite: {
            auto& f = add("alter-column-type", span, table, LockMode::access_exclusive, TableWork::rewrite,
                          fmt::format("changing {}.{} from {} to {} rewrites the table and its indexes under ACCESS EXCLUSIVE: reads and writes wait for the whole rewrite",
                                      table, action.column, from_text, to_text),
                          safe, "Add a new column of the new type, backfill it in batches, and switch to it.");
            grade(f, schema, name);
            break;
        }
        case CastCost::rewrite_unless_utc: {
            if (m_context.timezone_is_utc == true) {
                break;
            }
            auto& f = add("alter-column-type", span, table, LockMode::access_exclusive, TableWork::rewrite,
                          fmt::format("changing {}.{} from timestamp to timestamptz rewrites the table unless the session TimeZone is UTC (PostgreSQL 12+)",
                                      table, action.column),
                          "SET LOCAL TimeZone = 'UTC';\n" + st.text + ";", "Run it with TimeZone set to UTC, and only if the stored timestamps are UTC.");
            f.severity = Severity::warning;
            grade(f, schema, name);
            break;
        }
        }
    }

    PendingConstraint* not_null_check(const std::string& schema, const std::string& name, const std::string& column)
    {
        for (auto& c : m_constraints) {
            if ((c.table == qualified(schema, name) || c.table == name) && c.not_null_column == column && c.validated) {
                return &c;
            }
        }
        return nullptr;
    }

    void lint_set_not_null(const AlterAction& action, sql::Span span, const std::string& table,
                           const std::string& schema, const std::string& name)
    {
        const auto* known = known_table(schema, name);
        const bool checked = not_null_check(schema, name, action.column) != nullptr ||
                             (known != nullptr && known->not_null_checked.contains(action.column));
        if (checked && !version_below(120000)) {
            return;
        }
        const auto constraint = fmt::format("{}_{}_not_null", name, action.column);
        auto& f = add("set-not-null", span, table, LockMode::access_exclusive, TableWork::full_scan,
                      checked ? fmt::format("SET NOT NULL on {}.{} scans the whole table under ACCESS EXCLUSIVE: before PostgreSQL 12 the validated CHECK constraint is not used",
                                            table, action.column)
                              : fmt::format("SET NOT NULL on {}.{} scans the whole table under ACCESS EXCLUSIVE: reads and writes wait for the scan",
                                            table, action.column),
                      fmt::format("ALTER TABLE {} ADD CONSTRAINT {} CHECK ({} IS NOT NULL) NOT VALID;\n-- in a later transaction (e.g. the next migration):\nALTER TABLE {} VALIDATE CONSTRAINT {};\nALTER TABLE {} ALTER COLUMN {} SET NOT NULL;\nALTER TABLE {} DROP CONSTRAINT {};",
                                  table, constraint, action.column, table, constraint, table, action.column, table, constraint),
                      "On PostgreSQL 12+, SET NOT NULL skips the scan when a validated CHECK (col IS NOT NULL) exists; VALIDATE takes only SHARE UPDATE EXCLUSIVE.");
        grade(f, schema, name);
    }

    void lint_add_constraint(const Statement& st, const AlterAction& action, const std::string& table,
                             const std::string& schema, const std::string& name, bool existing)
    {
        const auto& c = *action.constraint;
        const auto cols = fmt::format("{}", fmt::join(c.columns, ", "));
        const auto span = locate(st, !c.name.empty() ? std::string_view(c.name) : constraint_keyword(c.kind));
        PendingConstraint pending{qualified(schema, name), c.name, c.not_null_check_column.value_or(""), !c.not_valid,
                                  m_places[m_index].group, c.not_valid};
        m_constraints.push_back(pending);
        if (!existing) {
            return;
        }
        const auto constraint_name = !c.name.empty() ? c.name
                                                     : fmt::format("{}_{}_{}", name, c.columns.empty() ? "" : c.columns.front(),
                                                                   c.kind == ConstraintKind::foreign_key ? "fkey" : c.kind == ConstraintKind::check ? "check" : "key");
        switch (c.kind) {
        case ConstraintKind::foreign_key:
            if (!c.not_valid) {
                auto& f = add("foreign-key-not-valid", span, table, LockMode::share_row_exclusive, TableWork::full_scan,
                              fmt::format("adding foreign key {} checks every row of {} while blocking writes to {} and {}",
                                          constraint_name, table, table, c.referenced_table.value_or("the referenced table")),
                              fmt::format("{} NOT VALID;\n-- in a later transaction (e.g. the next migration):\nALTER TABLE {} VALIDATE CONSTRAINT {};", st.text, table, constraint_name),
                              "NOT VALID makes the constraint apply to new rows at once; VALIDATE checks old rows under SHARE UPDATE EXCLUSIVE, which lets writes continue.");
                grade(f, schema, name);
            }
            break;
        case ConstraintKind::check:
            if (!c.not_valid) {
                auto& f = add("check-not-valid", span, table, LockMode::access_exclusive, TableWork::full_scan,
                              fmt::format("adding check constraint {} scans every row of {} under ACCESS EXCLUSIVE", constraint_name, table),
                              fmt::format("{} NOT VALID;\n-- in a later transaction (e.g. the next migration):\nALTER TABLE {} VALIDATE CONSTRAINT {};", st.text, table, constraint_name),
                              "NOT VALID makes the constraint apply to new rows at once; VALIDATE checks old rows under SHARE UPDATE EXCLUSIVE.");
                grade(f, schema, name);
            }
            break;
        case ConstraintKind::unique:
        case ConstraintKind::primary_key:
            if (!c.using_index) {
                const auto kind = c.kind == ConstraintKind::unique ? "UNIQUE" : "PRIMARY KEY";
                const auto index = fmt::format("{}_idx", constraint_name);
                auto& f = add("unique-without-index", span, table, LockMode::access_exclusive, TableWork::full_scan,
                              fmt::format("adding {} constraint {} builds its unique index under ACCESS EXCLUSIVE: reads and writes of {} wait for the build",
                                          kind, constraint_name, table),
                              fmt::format("CREATE UNIQUE INDEX CONCURRENTLY {} ON {} ({});\nALTER TABLE {} ADD CONSTRAINT {} {} USING INDEX {};",
                                          index, table, cols, table, constraint_name, kind, index),
                              c.kind == ConstraintKind::primary_key
                                  ? "Build the index concurrently first. PRIMARY KEY USING INDEX also sets NOT NULL on its columns: add validated CHECK (col IS NOT NULL) constraints first to avoid that scan."
                                  : "Build the index concurrently first; attaching it is a catalog change.");
                grade(f, schema, name);
            }
            break;
        case ConstraintKind::exclusion: {
            auto& f = add("exclusion-constraint", span, table, LockMode::access_exclusive, TableWork::full_scan,
                          fmt::format("adding exclusion constraint {} builds its index under ACCESS EXCLUSIVE, and there is no concurrent way to add one", constraint_name),
                          "", "Add it while the table is small or in a maintenance window; or enforce the rule another way (a unique index over a computed key, or the application).");
            grade(f, schema, name);
            break;
        }
        default:
            break;
        }
    }

    void lint_validate(const Statement& st, const AlterAction& action, sql::Span span, const std::string& table,
                       const std::string& schema, const std::string& name)
    {
        const auto& place = m_places[m_index];
        for (auto& c : m_constraints) {
            if (c.name != action.name || (c.table != qualified(schema, name) && c.table != name)) {
                continue;
            }
            c.validated = true;
            if (c.not_valid && c.group == place.group && place.in_transaction && !is_new_relation(schema, name)) {
                auto& f = add("validate-in-same-transaction", span, table, LockMode::access_exclusive, TableWork::full_scan,
                              fmt::format("VALIDATE CONSTRAINT {} runs in the same transaction as the ADD CONSTRAINT ... NOT VALID before it, so ACCESS EXCLUSIVE on {} is still held during the validation scan",
                                          action.name, table),
                              fmt::format("-- in a later migration (or after COMMIT):\n{};", st.text),
                              "Validate in a separate transaction: a later migration, or a `-- lockwise:no-transaction` migration.");
                grade(f, schema, name);
            }
        }
    }

    // ---- types -------------------------------------------------------------------------------

    void lint_column_type(const Statement& st, const sql::ColumnDef& col, bool primary_key)
    {
        const auto span = locate(st, col.name);
        const bool small_int = col.type_name == "int4" || col.type_name == "int2";
        if (primary_key && small_int) {
            add("prefer-bigint", span, "", LockMode::none, TableWork::none,
                fmt::format("primary key {} is {}: it runs out at {} and widening it later rewrites the table and every referencing table",
                            col.name, col.serial ? (col.type_name == "int2" ? "smallserial" : "serial") : col.type_name,
                            col.type_name == "int2" ? "32,767" : "2,147,483,647"),
                fmt::format("{} bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY", col.name),
                "Use bigint for keys: it costs 4 more bytes per row and never needs a rewrite to grow.");
        }
        if (col.serial) {
            add("prefer-identity", span, "", LockMode::none, TableWork::none,
                fmt::format("column {} is serial: prefer an identity column", col.name),
                fmt::format("{} {} GENERATED ALWAYS AS IDENTITY", col.name, col.type_name == "int8" ? "bigint" : "bigint"),
                "Identity columns are standard SQL, own their sequence properly, and reject accidental manual ids with ALWAYS.");
        }
        if (col.type_name == "timestamp") {
            add("prefer-timestamptz", span, "", LockMode::none, TableWork::none,
                fmt::format("column {} is timestamp without time zone: values depend on each client's TimeZone", col.name),
                fmt::format("{} timestamptz", col.name), "timestamptz stores an absolute instant in the same 8 bytes.");
        }
        if (col.type_name == "bpchar") {
            add("prefer-text-over-char", span, "", LockMode::none, TableWork::none,
                fmt::format("column {} is char(n): values are padded with spaces and compared ignoring them", col.name),
                fmt::format("{} text", col.name), "Use text (with a CHECK on length if needed) or varchar(n).");
        }
        if (col.type_name == "json") {
            add("prefer-jsonb", span, "", LockMode::none, TableWork::none,
                fmt::format("column {} is json: it has no equality operator (DISTINCT, GROUP BY, UNION fail) and cannot be indexed", col.name),
                fmt::format("{} jsonb", col.name), "jsonb is parsed once, can be indexed (GIN), and supports equality.");
        }
    }

    void lint_types(const Statement& st)
    {
        std::set<std::string> pk_columns;
        for (const auto& c : st.constraints) {
            if (c.kind == ConstraintKind::primary_key) {
                pk_columns.insert(c.columns.begin(), c.columns.end());
            }
        }
        for (const auto& col : st.columns) {
            lint_column_type(st, col, col.primary_key || pk_columns.contains(col.name));
        }
        for (const auto& action : st.actions) {
            if (action.kind == AlterAction::Kind::add_column && action.column_def) {
                lint_column_type(st, *action.column_def, action.column_def->primary_key);
            } else if (action.kind == AlterAction::Kind::alter_column_type && action.column_def) {
                auto def = *action.column_def;
                def.name = action.column;
                lint_column_type(st, def, false);
            }
        }
        lint_enum_use(st);
    }

    // ---- lock spread -------------------------------------------------------------------------

    // The seed's deadlock: statements of one transaction that write-lock different existing
    // tables. Judged per statement by the table it is about (a statement's own extra locks,
    // e.g. the referenced table of a foreign key, are taken atomically by PostgreSQL).
    void lint_lock_spread(const Statement& st)
    {
        const auto& place = m_places[m_index];
        const auto* rel = target(st);
        if (!place.in_transaction || rel == nullptr || rel->created_by_statement ||
            is_new_relation(rel->schema, rel->name) || !sql::lock_blocks_writes(rel->mode)) {
            return;
        }
        auto& held = m_group_locks[place.group];
        const auto key = qualified(rel->schema, rel->name);
        if (held.contains(key)) {
            return;
        }
        if (!held.empty()) {
            const auto& [first, line] = *held.begin();
            add("multiple-exclusive-locks", st.span, key, rel->mode, st.work,
                fmt::format("takes {} on {} while the same transaction still holds a write-blocking lock on {} (line {}): an application that locks them in the other order deadlocks with it, and both tables stay blocked until commit",
                            sql::lock_mode_name(rel->mode), key, first, line),
                "", "Put statements that lock different busy tables in separate migrations (or separate BEGIN ... COMMIT blocks) unless they must be atomic.");
        }
        held.emplace(key, st.span.line);
    }

    // ---- state after each statement ---------------------------------------------------------

    void remember(const Statement& st)
    {
        for (const auto& lock : st.locks) {
            if (lock.created_by_statement) {
                m_new.insert(qualified(lock.schema, lock.name));
            }
        }
        if (kind_starts(st, "CREATE TABLE") || kind_is(st, "CREATE MATERIALIZED VIEW") || kind_starts(st, "SELECT INTO")) {
            if (const auto* rel = target(st); rel != nullptr && rel->created_by_statement) {
                auto& t = m_schema[qualified(rel->schema, rel->name)];
                for (const auto& col : st.columns) {
                    t.columns[col.name] = KnownColumn{col.type_name, col.type_modifiers, col.is_array};
                }
            }
        }
        if (kind_is(st, "CREATE INDEX") && st.index) {
            if (is_new_relation(st.index->schema, st.index->table) && !st.index->name.empty()) {
                m_new_indexes.insert(st.index->name);
                m_new_indexes.insert(qualified(st.index->schema, st.index->name));
            }
        }
        if (kind_is(st, "CREATE TYPE") && !st.enum_type.empty()) {
            m_new_types.insert(st.enum_type);
        }
        if (const auto* rel = target(st); rel != nullptr && !st.actions.empty()) {
            for (const auto& action : st.actions) {
                if ((action.kind == AlterAction::Kind::add_column || action.kind == AlterAction::Kind::alter_column_type) &&
                    action.column_def) {
                    auto* known = known_table(rel->schema, rel->name);
                    if (known == nullptr && action.kind == AlterAction::Kind::add_column) {
                        known = &m_schema[qualified(rel->schema, rel->name)];
                    }
                    if (known != nullptr) {
                        const auto& def = *action.column_def;
                        const auto column = action.kind == AlterAction::Kind::add_column ? def.name : action.column;
                        known->columns[column] = KnownColumn{def.type_name, def.type_modifiers, def.is_array};
                    }
                }
            }
        }
    }

    // ---- suppressions -------------------------------------------------------------------------

    void apply_suppressions()
    {
        for (const auto& directive : m_migration.directives) {
            if (directive.name != "allow") {
                continue;
            }
            if (directive.words.empty()) {
                m_out.errors.push_back(diagnostic(directive.offset, directive.line, directive.column,
                                                  "lockwise:allow needs a rule id and a reason",
                                                  "Write `-- lockwise:allow <rule-id> <why this is safe here>`."));
                continue;
            }
            const auto& rule_id = directive.words.front();
            if (find_rule(rule_id) == nullptr) {
                m_out.errors.push_back(diagnostic(directive.offset, directive.line, directive.column,
                                                  fmt::format("lockwise:allow names unknown rule '{}'", rule_id),
                                                  "The rule ids are listed in docs/lint.md and in the `rule` field of lockwise lint --format json."));
                continue;
            }
            auto reason = std::string(directive.arguments);
            if (const auto pos = reason.find(rule_id); pos != std::string::npos) {
                reason = reason.substr(pos + rule_id.size());
            }
            const auto first = reason.find_first_not_of(" \t\"'");
            const auto last = reason.find_last_not_of(" \t\r\"'");
            reason = first == std::string::npos ? "" : reason.substr(first, last - first + 1);
            if (directive.words.size() < 2 || reason.empty()) {
                m_out.errors.push_back(diagnostic(directive.offset, directive.line, directive.column,
                                                  fmt::format("lockwise:allow {} needs a reason", rule_id),
                                                  "Say why the finding is safe here, e.g. `-- lockwise:allow drop-column the app stopped reading it in release 42`."));
                continue;
            }
            std::optional<std::size_t> statement;
            for (std::size_t i = 0; i < m_script.statements.size(); ++i) {
                if (m_script.statements[i].span.offset > directive.offset) {
                    statement = i;
                    break;
                }
            }
            bool used = false;
            for (std::size_t i = 0; statement && i < m_out.findings.size(); ++i) {
                auto& f = m_out.findings[i];
                if (m_statement_of[i] == *statement && f.rule_id == rule_id) {
                    f.suppressed = true;
                    f.suppression_reason = reason;
                    used = true;
                }
            }
            if (!used) {
                m_out.warnings.push_back(diagnostic(
                    directive.offset, directive.line, directive.column,
                    statement ? fmt::format("lockwise:allow {} suppresses nothing: the statement on line {} has no {} finding", rule_id,
                                            m_script.statements[*statement].span.line, rule_id)
                              : fmt::format("lockwise:allow {} suppresses nothing: no statement follows it", rule_id),
                    "Remove the comment, or move it directly above the statement it is meant for."));
            }
        }
    }

    void sort_findings()
    {
        std::vector<std::size_t> order(m_out.findings.size());
        for (std::size_t i = 0; i < order.size(); ++i) {
            order[i] = i;
        }
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return m_out.findings[a].span.offset < m_out.findings[b].span.offset;
        });
        std::vector<Finding> sorted;
        sorted.reserve(order.size());
        for (auto i : order) {
            sorted.push_back(std::move(m_out.findings[i]));
        }
        m_out.findings = std::move(sorted);
    }

    const catalog::Migration& m_migration;
    const sql::ParsedScript& m_script;
    const Context& m_context;
    std::map<std::string, KnownTable> m_schema;
    MigrationLint m_out;
    std::vector<std::size_t> m_statement_of; // statement index of each finding
    std::vector<StatementPlace> m_places;
    std::size_t m_index = 0;
    std::set<std::string> m_new;         // relations created by this migration
    std::set<std::string> m_new_indexes; // indexes created on new tables
    std::set<std::string> m_new_types;
    std::vector<PendingConstraint> m_constraints;
    std::vector<AddedEnumValue> m_enum_values;
    std::map<int, std::map<std::string, int>> m_group_locks; // group -> table -> line
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

std::string_view blocks_description(sql::LockMode mode) noexcept
{
    if (sql::lock_blocks_reads(mode)) {
        return "reads and writes";
    }
    if (sql::lock_blocks_writes(mode)) {
        return "writes";
    }
    return "nothing";
}

MigrationLint lint_migration(const catalog::Migration& migration, const sql::ParsedScript& script,
                             const Context& context)
{
    return Walker(migration, script, context).run();
}

bool has_blocking_errors(const MigrationLint& lint) noexcept
{
    if (!lint.errors.empty()) {
        return true;
    }
    return std::any_of(lint.findings.begin(), lint.findings.end(),
                       [](const Finding& f) { return f.severity == Severity::error && !f.suppressed; });
}

} // namespace lockwise::lint
