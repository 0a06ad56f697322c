// Baseline: start the history of a database that already has its schema, either at a
// version given by hand or by adopting the history table of the runner used before.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lockwise/catalog/migration.hpp"
#include "lockwise/history/store.hpp"

namespace lockwise::history {

enum class Tool { flyway, golang_migrate, goose, diesel, dbmate };
std::string_view tool_name(Tool tool) noexcept; // "flyway", "golang-migrate", "goose", "diesel", "dbmate"
std::optional<Tool> tool_from_name(std::string_view name) noexcept;
// flyway_schema_history, schema_migrations, goose_db_version, __diesel_schema_migrations, schema_migrations.
std::string_view default_table(Tool tool) noexcept;

// Where the other runner's table is.
struct BaselineSource {
    Tool tool = Tool::flyway;
    std::string schema; // "" = found through search_path, as the tool itself does
    std::string table;  // "" = the tool's default table name
};

struct BaselineReport {
    std::vector<std::string> recorded;             // versions recorded as baselined now
    std::vector<std::string> already_recorded;     // versions that had a history row already (left as they are)
    std::vector<std::string> missing_from_catalog; // applied by the other tool, but no file here
    std::vector<std::string> notes;                // rows ignored and why (one lowercase line each)
};

// Marks the database as being at `version`: every catalog migration at or below it is recorded
// `baselined` with its current checksum; when `version` has no file a marker row records it.
// One transaction. Throws core::Error(usage) when `version` is not a version.
BaselineReport baseline(HistoryStore& store, const std::vector<catalog::Migration>& migrations,
                        std::string_view version, std::string_view description = "baseline");

// Reads the other tool's table and records each migration it applied that has a file here as
// `baselined` (checksum of the current file), so nothing runs twice. One transaction.
// Throws core::Error(usage) when the table is missing, or records a failed or dirty migration.
BaselineReport baseline_from(HistoryStore& store, const std::vector<catalog::Migration>& migrations,
                             const BaselineSource& source);

// Another runner's history table found through search_path, and the table name it was found as.
struct OtherRunner {
    Tool tool = Tool::flyway;
    std::string table;
};

// The first other runner's history table present in the database (flyway, goose, diesel, then
// schema_migrations: golang-migrate when it has golang-migrate's `dirty` column, else dbmate).
std::optional<OtherRunner> find_other_runner(pg::Connection& connection);

} // namespace lockwise::history
