// The history tables: creation that tolerates concurrent runners, the format
// guard, and the row updates the runner makes as migrations and steps finish.
#include "lockwise/history/store.hpp"

#include <fmt/format.h>

#include <thread>

#include "lockwise/core/error.hpp"
#include "lockwise/core/version.hpp"
#include "lockwise/report/redact.hpp"

namespace lockwise::history {

namespace {

// PostgreSQL truncates identifiers to 63 bytes; "<table>_steps" must stay distinct.
constexpr std::size_t k_max_table_name = 63 - 6;

std::string qualified(const std::string& schema, const std::string& table)
{
    return pg::quote_identifier(schema) + "." + pg::quote_identifier(table);
}

// Timestamps leave the database as ISO 8601 UTC text so they print and serialise as they are.
std::string iso(std::string_view column)
{
    return fmt::format("to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')", column);
}

// SQLSTATEs two concurrent `CREATE ... IF NOT EXISTS` produce: the loser of the race on the
// catalog's unique indexes gets a unique violation (or duplicate_*) instead of a no-op.
bool is_creation_race(const std::string& sqlstate)
{
    return sqlstate == "23505" || sqlstate == "42P06" || sqlstate == "42P07" || sqlstate == "42710" ||
           sqlstate == pg::sqlstate::deadlock_detected;
}

} // namespace

std::string HistoryLocation::qualified_history() const { return qualified(schema, table); }
std::string HistoryLocation::qualified_steps() const { return qualified(schema, steps_table()); }
std::string HistoryLocation::qualified_meta() const { return qualified(schema, meta_table()); }

std::string_view status_name(MigrationStatus status) noexcept
{
    switch (status) {
    case MigrationStatus::running:
        return "running";
    case MigrationStatus::succeeded:
        return "succeeded";
    case MigrationStatus::failed:
        return "failed";
    case MigrationStatus::baselined:
        return "baselined";
    }
    return "unknown";
}

std::optional<MigrationStatus> status_from_name(std::string_view name) noexcept
{
    for (auto status : {MigrationStatus::running, MigrationStatus::succeeded, MigrationStatus::failed,
                        MigrationStatus::baselined}) {
        if (status_name(status) == name) {
            return status;
        }
    }
    return std::nullopt;
}

std::string_view step_status_name(StepStatus status) noexcept
{
    switch (status) {
    case StepStatus::succeeded:
        return "succeeded";
    case StepStatus::warned:
        return "warned";
    case StepStatus::failed:
        return "failed";
    }
    return "unknown";
}

HistoryStore::HistoryStore(pg::Connection& connection, HistoryLocation location)
    : m_connection(&connection), m_location(std::move(location))
{
    if (m_location.schema.empty() || m_location.table.empty()) {
        throw core::Error(core::ExitCode::usage, "the history schema and table names must not be empty");
    }
    if (m_location.table.size() > k_max_table_name || m_location.schema.size() > 63) {
        throw core::Error(core::ExitCode::usage,
                          fmt::format("history table name \"{}\" is too long", m_location.table),
                          fmt::format("Use a table name of at most {} bytes.", k_max_table_name));
    }
}

void HistoryStore::check_owner()
{
    // Owned by the migrator, a role it is a member of (no superuser shortcut: a superuser migrator
    // is the one most worth attacking), or a superuser (who could do anything anyway). Any other
    // owner can add a trigger or replace a table that then runs as lockwise's role.
    const auto result = m_connection->exec_params(
        R"(WITH RECURSIVE mine(roleid) AS (
    SELECT oid FROM pg_roles WHERE rolname = current_user
    UNION SELECT m.roleid FROM pg_auth_members m JOIN mine ON m.member = mine.roleid
), owned(kind, name, owner) AS (
    SELECT 'schema', n.nspname::text, n.nspowner FROM pg_namespace n WHERE n.nspname = $1
    UNION ALL
    SELECT 'table', c.relname::text, c.relowner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = $1 AND c.relname IN ($2, $3, $4)
)
SELECT o.kind, o.name, pg_get_userbyid(o.owner), current_user::text FROM owned o
WHERE o.owner NOT IN (SELECT roleid FROM mine) AND NOT (SELECT r.rolsuper FROM pg_roles r WHERE r.oid = o.owner)
ORDER BY o.kind, o.name LIMIT 1)",
        {m_location.schema, m_location.table, m_location.steps_table(), m_location.meta_table()});
    if (result.rows() == 0) {
        return;
    }
    const std::string kind(result.get(0, 0));
    const auto what = kind == "schema" ? fmt::format("history schema {}", pg::quote_identifier(m_location.schema))
                                       : fmt::format("history table {}.{}", pg::quote_identifier(m_location.schema),
                                                     pg::quote_identifier(result.get(0, 1)));
    throw core::Error(core::ExitCode::usage,
                      fmt::format("{} is owned by role {}, which is neither lockwise's role {} nor a role it is a "
                                  "member of; refusing to use it",
                                  what, pg::quote_identifier(result.get(0, 2)), pg::quote_identifier(result.get(0, 3))),
                      fmt::format("Its owner could add a trigger that runs as lockwise's role. If that role is "
                                  "trusted, make lockwise's role its owner (ALTER SCHEMA/TABLE ... OWNER TO {}) or a "
                                  "member of it; else drop it, or set history.schema to a schema lockwise's role "
                                  "creates.",
                                  pg::quote_identifier(result.get(0, 3))));
}

std::optional<int> HistoryStore::check_format()
{
    check_owner();
    const auto exists = m_connection->exec_params("SELECT to_regclass($1) IS NOT NULL",
                                                  {m_location.qualified_meta()});
    if (!exists.get_bool(0, 0)) {
        return std::nullopt;
    }
    const auto result = m_connection->exec(
        fmt::format("SELECT value FROM {} WHERE key = 'format_version'", m_location.qualified_meta()));
    if (result.rows() == 0) {
        return std::nullopt; // being created by another runner right now
    }
    const std::string text(result.get(0, 0));
    int format = 0;
    try {
        format = std::stoi(text);
    } catch (const std::exception&) {
        throw core::Error(core::ExitCode::usage,
                          fmt::format("history format version \"{}\" in {} is not a number", text,
                                      m_location.qualified_meta()),
                          "Check that the history table belongs to lockwise.");
    }
    if (format > k_format_version) {
        throw core::Error(core::ExitCode::usage,
                          fmt::format("history table {} was written by a newer lockwise (history format {}, "
                                      "this lockwise {} reads format {} and older)",
                                      m_location.qualified_history(), format, core::k_version, k_format_version),
                          "Upgrade lockwise to the version that wrote this history, or newer.");
    }
    return format;
}

bool HistoryStore::exists()
{
    check_format();
    return m_connection->exec_params("SELECT to_regclass($1) IS NOT NULL", {m_location.qualified_history()})
        .get_bool(0, 0);
}

void HistoryStore::ensure_created()
{
    if (m_created) {
        return;
    }
    if (check_format() && exists()) {
        add_step_checksum_column();
        m_created = true;
        return;
    }
    constexpr int k_attempts = 20;
    for (int attempt = 1;; ++attempt) {
        try {
            create_once();
            break;
        } catch (const pg::SqlError& error) {
            if (!is_creation_race(error.sqlstate()) || attempt == k_attempts) {
                throw;
            }
            // The other creator has committed by now (we waited on its catalog rows): the retry sees its tables.
            std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt));
        }
    }
    check_format();
    m_created = true;
}

void HistoryStore::add_step_checksum_column()
{
    // Step tables made before steps recorded their text (format 1 still: older lockwise versions
    // name their columns and never see this one). Checked first: ALTER TABLE would lock the table.
    const auto present = m_connection->exec_params(
        "SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = 'text_checksum' AND NOT attisdropped",
        {m_location.qualified_steps()});
    if (present.rows() == 0) {
        m_connection->exec(fmt::format("ALTER TABLE {} ADD COLUMN IF NOT EXISTS text_checksum text", m_location.qualified_steps()));
    }
}

std::map<int, std::string> HistoryStore::step_checksums(std::string_view version)
{
    ensure_created();
    const auto result = m_connection->exec_params(
        fmt::format("SELECT step_index, coalesce(text_checksum, '') FROM {} WHERE version = $1 AND status <> 'failed'",
                    m_location.qualified_steps()),
        {std::string(version)});
    std::map<int, std::string> checksums;
    for (int row = 0; row < result.rows(); ++row) {
        checksums[static_cast<int>(result.get_int(row, 0))] = std::string(result.get(row, 1));
    }
    return checksums;
}

void HistoryStore::create_once()
{
    const auto& l = m_location;
    const auto sql = fmt::format(
        R"(CREATE SCHEMA IF NOT EXISTS {schema};
CREATE TABLE IF NOT EXISTS {meta} (
    key text PRIMARY KEY,
    value text NOT NULL
);
INSERT INTO {meta} (key, value) VALUES ('format_version', '{format}'), ('created_by', {created_by})
    ON CONFLICT (key) DO NOTHING;
CREATE TABLE IF NOT EXISTS {history} (
    version text PRIMARY KEY,
    version_sort numeric[] NOT NULL,
    description text NOT NULL DEFAULT '',
    script text NOT NULL DEFAULT '',
    checksum text,
    status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'baselined')),
    steps_done integer NOT NULL DEFAULT 0,
    steps_total integer NOT NULL DEFAULT 0,
    installed_by text NOT NULL DEFAULT current_user,
    started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at timestamptz,
    execution_ms bigint,
    lockwise_version text NOT NULL,
    last_error text,
    last_error_position text
);
CREATE TABLE IF NOT EXISTS {steps} (
    version text NOT NULL REFERENCES {history} (version) ON DELETE CASCADE,
    step_index integer NOT NULL,
    kind text NOT NULL,
    status text NOT NULL CHECK (status IN ('succeeded', 'warned', 'failed')),
    attempts integer NOT NULL,
    started_at timestamptz NOT NULL,
    finished_at timestamptz NOT NULL,
    duration_ms bigint NOT NULL,
    text_checksum text,
    PRIMARY KEY (version, step_index)
);)",
        fmt::arg("schema", pg::quote_identifier(l.schema)), fmt::arg("meta", l.qualified_meta()),
        fmt::arg("history", l.qualified_history()), fmt::arg("steps", l.qualified_steps()),
        fmt::arg("format", k_created_format_version),
        fmt::arg("created_by", pg::quote_literal(std::string("lockwise ") + core::k_version)));
    in_transaction([&] { m_connection->exec(sql); });
}

void HistoryStore::in_transaction(const std::function<void()>& body)
{
    if (m_connection->in_transaction()) {
        throw core::Error(core::ExitCode::internal, "the history connection is already inside a transaction");
    }
    m_connection->exec("BEGIN");
    try {
        body();
        m_connection->exec("COMMIT");
    } catch (...) {
        try {
            if (m_connection->is_ok()) {
                m_connection->exec("ROLLBACK");
            }
        } catch (...) { // NOLINT(bugprone-empty-catch): the first error is the one to report
        }
        throw;
    }
}

std::vector<AppliedMigration> HistoryStore::load()
{
    if (!exists()) {
        return {};
    }
    const auto result = m_connection->exec(fmt::format(
        "SELECT version, description, script, coalesce(checksum, ''), status, steps_done, steps_total,"
        " installed_by, {}, coalesce({}, ''), execution_ms, lockwise_version, coalesce(last_error, ''),"
        " coalesce(last_error_position, '') FROM {} ORDER BY version LIKE 'R\\_\\_%', version_sort, version",
        iso("started_at"), iso("finished_at"), m_location.qualified_history()));
    std::vector<AppliedMigration> applied;
    applied.reserve(static_cast<std::size_t>(result.rows()));
    for (int row = 0; row < result.rows(); ++row) {
        AppliedMigration entry;
        entry.version = std::string(result.get(row, 0));
        entry.version_parts = parse_version_parts(entry.version).value_or(VersionParts{});
        entry.description = std::string(result.get(row, 1));
        entry.script = std::string(result.get(row, 2));
        entry.checksum = std::string(result.get(row, 3));
        const auto status = status_from_name(result.get(row, 4));
        if (!status) {
            throw core::Error(core::ExitCode::usage,
                              fmt::format("history row {} has unknown status \"{}\"", entry.version,
                                          result.get(row, 4)),
                              "Check that the history table belongs to this lockwise.");
        }
        entry.status = *status;
        entry.steps_done = static_cast<int>(result.get_int(row, 5));
        entry.steps_total = static_cast<int>(result.get_int(row, 6));
        entry.installed_by = std::string(result.get(row, 7));
        entry.started_at = std::string(result.get(row, 8));
        entry.finished_at = std::string(result.get(row, 9));
        if (!result.is_null(row, 10)) {
            entry.execution_ms = result.get_int(row, 10);
        }
        entry.lockwise_version = std::string(result.get(row, 11));
        entry.last_error = std::string(result.get(row, 12));
        entry.last_error_position = std::string(result.get(row, 13));
        applied.push_back(std::move(entry));
    }
    return applied;
}

std::vector<StepRow> HistoryStore::load_steps(std::string_view version)
{
    if (!exists()) {
        return {};
    }
    const auto result = m_connection->exec_params(
        fmt::format("SELECT step_index, kind, status, attempts, {}, {}, duration_ms FROM {}"
                    " WHERE version = $1 ORDER BY step_index",
                    iso("started_at"), iso("finished_at"), m_location.qualified_steps()),
        {std::string(version)});
    std::vector<StepRow> steps;
    steps.reserve(static_cast<std::size_t>(result.rows()));
    for (int row = 0; row < result.rows(); ++row) {
        steps.push_back({static_cast<int>(result.get_int(row, 0)), std::string(result.get(row, 1)),
                         std::string(result.get(row, 2)), static_cast<int>(result.get_int(row, 3)),
                         std::string(result.get(row, 4)), std::string(result.get(row, 5)),
                         result.get_int(row, 6)});
    }
    return steps;
}

void HistoryStore::allow_repeatable_rows()
{
    m_connection->exec_params(fmt::format("UPDATE {} SET value = $1 WHERE key = 'format_version' AND value::int < $1::int",
                                          m_location.qualified_meta()),
                              {std::to_string(k_repeatable_format_version)});
}

int HistoryStore::begin_migration(const catalog::Migration& migration, int steps_total)
{
    ensure_created();
    const auto& parts = migration.version.parts;
    const auto version = canonical_version(migration.version);
    if (migration.repeatable) {
        allow_repeatable_rows();
        // A changed repeatable migration runs whole again: the step rows of its last run go.
        m_connection->exec_params(
            fmt::format("DELETE FROM {} WHERE version = $1 AND EXISTS (SELECT 1 FROM {} WHERE version = $1 AND checksum IS DISTINCT FROM NULLIF($2, ''))",
                        m_location.qualified_steps(), m_location.qualified_history()),
            {version, migration.checksum});
    }
    // A row that failed or was interrupted (status still 'running' after a crash) is resumed:
    // its steps_done stays, so the runner skips the steps that committed.
    const auto result = m_connection->exec_params(
        fmt::format(R"(INSERT INTO {0} AS h (version, version_sort, description, script, checksum, status,
                       steps_total, lockwise_version)
VALUES ($1, $2::numeric[], $3, $4, NULLIF($5, ''), 'running', $6::integer, $7)
ON CONFLICT (version) DO UPDATE SET
    status = 'running', description = EXCLUDED.description, script = EXCLUDED.script,
    checksum = EXCLUDED.checksum, steps_total = EXCLUDED.steps_total, installed_by = current_user,
    started_at = clock_timestamp(), finished_at = NULL, execution_ms = NULL,
    lockwise_version = EXCLUDED.lockwise_version, last_error = NULL, last_error_position = NULL,
    steps_done = CASE WHEN $8::boolean AND h.checksum IS DISTINCT FROM EXCLUDED.checksum THEN 0 ELSE h.steps_done END
WHERE h.status IN ('running', 'failed') OR ($8::boolean AND h.checksum IS DISTINCT FROM EXCLUDED.checksum)
RETURNING steps_done)",
                    m_location.qualified_history()),
        {version, version_sort_literal(parts), migration.description, migration.display_path, migration.checksum,
         std::to_string(steps_total), std::string(core::k_version), migration.repeatable ? "true" : "false"});
    if (result.rows() == 0) {
        throw core::Error(core::ExitCode::internal,
                          fmt::format("migration {} is already applied and cannot be started again", version));
    }
    return static_cast<int>(result.get_int(0, 0));
}

SqlWithParams HistoryStore::step_done_sql(const StepRecord& step) const
{
    // One statement (a data-modifying CTE), so it can join any transaction without a savepoint.
    // steps_done only moves forward, and only for a step that did its work.
    return {fmt::format(R"(WITH step AS (
    INSERT INTO {steps} (version, step_index, kind, status, attempts, started_at, finished_at, duration_ms, text_checksum)
    VALUES ($1, $2::integer, $3, $4, $5::integer, clock_timestamp() - $6::bigint * interval '1 millisecond',
            clock_timestamp(), $6::bigint, NULLIF($7, ''))
    ON CONFLICT (version, step_index) DO UPDATE SET
        kind = EXCLUDED.kind, status = EXCLUDED.status, attempts = EXCLUDED.attempts,
        started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at, duration_ms = EXCLUDED.duration_ms,
        text_checksum = EXCLUDED.text_checksum
    RETURNING step_index, status)
UPDATE {history} AS h SET steps_done = CASE WHEN step.status = 'failed' THEN h.steps_done
                                           ELSE GREATEST(h.steps_done, step.step_index + 1) END
FROM step WHERE h.version = $1)",
                        fmt::arg("steps", m_location.qualified_steps()),
                        fmt::arg("history", m_location.qualified_history())),
            {step.version, std::to_string(step.step_index), step.kind, std::string(step_status_name(step.status)),
             std::to_string(step.attempts), std::to_string(step.duration.count()), step.text_checksum}};
}

void HistoryStore::record_step_done(pg::Connection& connection, const StepRecord& step) const
{
    const auto statement = step_done_sql(step);
    std::optional<pg::Result> result;
    try {
        result = connection.exec_params(statement.sql, statement.params);
    } catch (const pg::SqlError& error) {
        if (error.sqlstate() != "23503") { // foreign_key_violation: no history row
            throw;
        }
    }
    if (!result || result->affected_rows() != 1) {
        throw core::Error(core::ExitCode::internal,
                          fmt::format("migration {} has no history row to record step {} in", step.version,
                                      step.step_index + 1));
    }
}

void HistoryStore::record_step_done(const StepRecord& step) { record_step_done(*m_connection, step); }

void HistoryStore::finish_migration(std::string_view version, Outcome outcome, std::string_view error,
                                    std::string_view error_position)
{
    const auto result = m_connection->exec_params(
        fmt::format("UPDATE {} SET status = $2, finished_at = clock_timestamp(),"
                    " execution_ms = (extract(epoch FROM clock_timestamp() - started_at) * 1000)::bigint,"
                    " last_error = NULLIF($3, ''), last_error_position = NULLIF($4, '') WHERE version = $1",
                    m_location.qualified_history()),
        // A history row is output too: the error may quote other sessions' SQL (blocker descriptions).
        {std::string(version), outcome == Outcome::succeeded ? "succeeded" : "failed", report::sanitize(error),
         report::sanitize(error_position)});
    if (result.affected_rows() != 1) {
        throw core::Error(core::ExitCode::internal,
                          fmt::format("migration {} has no history row to finish", version));
    }
}

int HistoryStore::steps_done(std::string_view version)
{
    if (!exists()) {
        return 0;
    }
    const auto result = m_connection->exec_params(
        fmt::format("SELECT steps_done FROM {} WHERE version = $1", m_location.qualified_history()),
        {std::string(version)});
    return result.rows() == 0 ? 0 : static_cast<int>(result.get_int(0, 0));
}

bool HistoryStore::record_baselined(const catalog::Migration& migration)
{
    ensure_created();
    const auto& parts = migration.version.parts;
    if (migration.repeatable) {
        allow_repeatable_rows();
    }
    const auto result = m_connection->exec_params(
        fmt::format("INSERT INTO {} (version, version_sort, description, script, checksum, status, finished_at,"
                    " execution_ms, lockwise_version)"
                    " VALUES ($1, $2::numeric[], $3, $4, NULLIF($5, ''), 'baselined', clock_timestamp(), 0, $6)"
                    " ON CONFLICT (version) DO NOTHING",
                    m_location.qualified_history()),
        {canonical_version(migration.version), version_sort_literal(parts), migration.description, migration.display_path,
         migration.checksum, std::string(core::k_version)});
    return result.affected_rows() == 1;
}

bool HistoryStore::record_baseline_marker(const VersionParts& version, std::string_view description)
{
    ensure_created();
    const auto result = m_connection->exec_params(
        fmt::format("INSERT INTO {} (version, version_sort, description, script, checksum, status, finished_at,"
                    " execution_ms, lockwise_version)"
                    " VALUES ($1, $2::numeric[], $3, '', NULL, 'baselined', clock_timestamp(), 0, $4)"
                    " ON CONFLICT (version) DO NOTHING",
                    m_location.qualified_history()),
        {canonical_version(version), version_sort_literal(version), std::string(description),
         std::string(core::k_version)});
    return result.affected_rows() == 1;
}

void HistoryStore::update_checksum(std::string_view version, std::string_view checksum)
{
    m_connection->exec_params(
        fmt::format("UPDATE {} SET checksum = NULLIF($2, '') WHERE version = $1", m_location.qualified_history()),
        {std::string(version), std::string(checksum)});
}

void HistoryStore::delete_entry(std::string_view version)
{
    m_connection->exec_params(fmt::format("DELETE FROM {} WHERE version = $1", m_location.qualified_history()),
                              {std::string(version)});
}

void HistoryStore::clear_error(std::string_view version)
{
    m_connection->exec_params(
        fmt::format("UPDATE {} SET last_error = NULL, last_error_position = NULL WHERE version = $1",
                    m_location.qualified_history()),
        {std::string(version)});
}

} // namespace lockwise::history
