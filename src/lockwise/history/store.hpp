// The migration history table: what ran, step by step, so a rerun resumes at the
// first unfinished step and `status`, drift and repair can compare files with the database.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lockwise/catalog/migration.hpp"
#include "lockwise/history/versions.hpp"
#include "lockwise/pg/connection.hpp"

namespace lockwise::history {

// The history format this lockwise reads; a table with a greater one is refused. A history is
// created at format 1 and raised to 2 when it first records a repeatable migration (a row keyed
// "R__<description>"), so a lockwise that knows no repeatable migrations refuses it instead of
// taking that row for a migration whose file is gone. Nothing else differs: no table changes.
inline constexpr int k_format_version = 2;
inline constexpr int k_created_format_version = 1;
inline constexpr int k_repeatable_format_version = 2;

// Where the history lives. The step and meta tables are named after the history table.
struct HistoryLocation {
    std::string schema = "lockwise";
    std::string table = "schema_history";

    std::string steps_table() const { return table + "_steps"; }
    std::string meta_table() const { return table + "_meta"; }
    // Quoted "schema"."table" names for SQL text.
    std::string qualified_history() const;
    std::string qualified_steps() const;
    std::string qualified_meta() const;
};

enum class MigrationStatus { running, succeeded, failed, baselined };
std::string_view status_name(MigrationStatus status) noexcept;
std::optional<MigrationStatus> status_from_name(std::string_view name) noexcept;

// One row of the history table.
struct AppliedMigration {
    std::string version;          // canonical ("1.2")
    VersionParts version_parts;
    std::string description;
    std::string script;           // display path; "" for a baseline marker row
    std::string checksum;         // "sha256:..." as the catalog gave it; "" for a baseline marker
    MigrationStatus status = MigrationStatus::succeeded;
    int steps_done = 0;
    int steps_total = 0;
    std::string installed_by;
    std::string started_at;       // ISO 8601 UTC, "2024-01-02T03:04:05.678Z"
    std::string finished_at;      // "" while running
    std::optional<long long> execution_ms;
    std::string lockwise_version;
    std::string last_error;
    std::string last_error_position; // "file:line:col"
};

enum class StepStatus { succeeded, warned, failed };
std::string_view step_status_name(StepStatus status) noexcept;

// What the runner records when a step ends.
struct StepRecord {
    std::string version;          // canonical
    int step_index = 0;           // 0-based
    std::string kind;             // "transaction", "autocommit", "backfill", ...
    StepStatus status = StepStatus::succeeded;
    int attempts = 1;
    std::chrono::milliseconds duration{0};
    std::string text_checksum;    // checksum_sql of the step's statements (plan::step_text_checksum); "" = unknown
};

// One row of the step table.
struct StepRow {
    int step_index = 0;
    std::string kind;
    std::string status;
    int attempts = 0;
    std::string started_at;
    std::string finished_at;
    long long duration_ms = 0;
};

// A statement and its parameters, to run on a connection the caller chooses.
struct SqlWithParams {
    std::string sql;
    pg::Params params;
};

enum class Outcome { succeeded, failed };

// The history tables over a caller-owned autocommit connection. Not thread-safe (one connection).
class HistoryStore {
public:
    explicit HistoryStore(pg::Connection& connection, HistoryLocation location = {});

    const HistoryLocation& location() const noexcept { return m_location; }
    pg::Connection& connection() noexcept { return *m_connection; }

    // Creates the schema and tables if missing; safe when several runners do it at once.
    // Throws core::Error(usage) when the history was written by a newer lockwise, or when its
    // schema or tables belong to a role other than lockwise's own, one it is a member of, or a
    // superuser (checked by every read too).
    void ensure_created();
    // True when the history table exists (nothing is created). Checks the format like ensure_created.
    bool exists();
    // Every history row, sorted by version, repeatable migrations' rows last. Empty when the history
    // does not exist yet.
    std::vector<AppliedMigration> load();
    // The step rows of one migration, by step index.
    std::vector<StepRow> load_steps(std::string_view version);

    // Marks `migration` running (a new row, or a failed/interrupted one being resumed) and
    // returns how many steps already committed: the index of the first step to run.
    // Throws core::Error(internal) when the migration is already succeeded or baselined; a
    // repeatable one whose checksum changed starts again at step 0 whatever its row says.
    int begin_migration(const catalog::Migration& migration, int steps_total);
    // The step record as one statement, for the runner to execute in the same transaction as the
    // step's statements: the step and its record commit (or roll back) together.
    SqlWithParams step_done_sql(const StepRecord& step) const;
    // Runs step_done_sql on `connection` (the store's own one when omitted). Throws core::Error(internal)
    // when the migration has no history row (begin_migration was not called).
    void record_step_done(pg::Connection& connection, const StepRecord& step) const;
    void record_step_done(const StepRecord& step);
    // Ends the running migration: status, finished_at, execution_ms, and the error when it failed.
    void finish_migration(std::string_view version, Outcome outcome, std::string_view error = {},
                          std::string_view error_position = {});
    // Steps committed so far (0 when the migration has no row).
    int steps_done(std::string_view version);

    // Records `migration` as baselined with its current checksum. False when it already had a row.
    bool record_baselined(const catalog::Migration& migration);
    // A baseline marker for a version that has no file here. False when the version already had a row.
    bool record_baseline_marker(const VersionParts& version, std::string_view description);
    // Repair primitives.
    void update_checksum(std::string_view version, std::string_view checksum);
    // The text checksums of the steps of `version` that committed, by step index ("" when a step
    // was recorded by a lockwise that did not keep them). Creates the history if needed.
    std::map<int, std::string> step_checksums(std::string_view version);
    void delete_entry(std::string_view version);
    void clear_error(std::string_view version);

    // Runs `body` inside BEGIN/COMMIT on the store's connection; rolls back and rethrows on error.
    void in_transaction(const std::function<void()>& body);

private:
    void add_step_checksum_column();
    // Raises the format to k_repeatable_format_version before a repeatable row is written.
    void allow_repeatable_rows();
    // Reads the format version from the meta table (nullopt when it does not exist) and refuses newer
    // ones; refuses a history schema or table another role owns first (check_owner).
    std::optional<int> check_format();
    // Throws core::Error(usage) when the history schema or one of its tables exists and belongs to
    // a role that is not lockwise's role, one it is a member of, or a superuser.
    void check_owner();
    void create_once();

    pg::Connection* m_connection;
    HistoryLocation m_location;
    bool m_created = false;
};

} // namespace lockwise::history
