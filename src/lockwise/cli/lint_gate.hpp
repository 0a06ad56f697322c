// Linting as the commands use it: the database-aware context (server version,
// table sizes) when a database is reachable, and the refusal of error findings.
#pragma once

#include <optional>
#include <vector>

#include "lockwise/catalog/migration.hpp"
#include "lockwise/cli/config.hpp"
#include "lockwise/lint/lint.hpp"
#include "lockwise/pg/connection.hpp"
#include "lockwise/plan/plan.hpp"
#include "lockwise/report/logger.hpp"

namespace lockwise::cli {

// Lint context from the database (version, TimeZone, table sizes, the objects that exist, so
// what a pending migration creates is new for the rest of the run), or the offline one.
// With `config`, lint.disable, lint.severity.<rule> and lint.small_table_rows are applied too.
// It reads catalogs only; if even that meets a lock (lock_timeout, 55P03) lint goes on without
// table sizes and `log` (when given) says so. `facts`: the dependencies the caller already read
// from this connection (locks::read_schema_facts), so the catalog is not read twice.
lint::Context lint_context(pg::Connection* connection, const Config* config = nullptr, report::Logger* log = nullptr,
                           const sql::SchemaFacts* facts = nullptr);

// The versions among `versions` that lint checks: those above lint.since (all when it is unset).
// Throws core::Error(usage), naming where it was set, when lint.since is not a version.
// lint.server_version as server_version_num (14 -> 140000), or nothing when unset; a version
// lockwise does not support is a usage error naming where it was set.
std::optional<int> configured_server_version(const Config& config);

// The PostgreSQL version lint and plan work with, and why: "PostgreSQL 15 (the connected server)".
std::string assumed_server_text(const lint::Context& context);

std::vector<std::string> versions_after_since(const std::vector<std::string>& versions, const Config& config);

// Lints every migration (earlier ones teach later ones the schema). Throws core::Error(lint_refused)
// listing every unsuppressed error finding of a migration in `refused_versions` (all when empty).
std::vector<lint::MigrationLint> lint_and_refuse(const catalog::Catalog& catalog, const lint::Context& context,
                                                 const std::vector<std::string>& versions_to_check, report::Logger& log);

// Refuses (core::Error lint_refused, nothing run) when a pending backfill's batch would read
// something whole each time (backfill::batch_scaling_problem), with the estimate and the
// rewrite. Backfills on tables that don't exist yet are judged when their step runs.
void refuse_unscalable_backfills(pg::Connection& connection, const std::vector<const plan::MigrationPlan*>& pending);

// Fills context.unscalable_backfills (rule backfill-batch-scans-whole) with the same verdict
// refuse_unscalable_backfills refuses on, for every pending backfill it can judge now.
void judge_backfill_scaling(pg::Connection& connection, const std::vector<const plan::MigrationPlan*>& pending,
                            lint::Context& context);

// Refuses (usage) a database that another runner migrated but lockwise has no history of:
// running would apply everything again. The error names the `lockwise baseline --from` command.
// Call it when lockwise's history table does not exist.
void refuse_unadopted_history(pg::Connection& connection);

} // namespace lockwise::cli
