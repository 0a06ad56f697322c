// Linting as the commands use it: the database-aware context (server version,
// table sizes) when a database is reachable, and the refusal of error findings.
#pragma once

#include <optional>
#include <vector>

#include "lockwise/catalog/migration.hpp"
#include "lockwise/lint/lint.hpp"
#include "lockwise/pg/connection.hpp"
#include "lockwise/plan/plan.hpp"
#include "lockwise/report/logger.hpp"

namespace lockwise::cli {

// Lint context from the database (version, TimeZone, table sizes), or the offline one.
lint::Context lint_context(pg::Connection* connection);

// Lints every migration (earlier ones teach later ones the schema). Throws core::Error(lint_refused)
// listing every unsuppressed error finding of a migration in `refused_versions` (all when empty).
std::vector<lint::MigrationLint> lint_and_refuse(const catalog::Catalog& catalog, const lint::Context& context,
                                                 const std::vector<std::string>& versions_to_check, report::Logger& log);

// Refuses (core::Error lint_refused, nothing run) when a pending backfill's batch would read
// something whole each time (backfill::batch_scaling_problem), with the estimate and the
// rewrite. Backfills on tables that don't exist yet are judged when their step runs.
void refuse_unscalable_backfills(pg::Connection& connection, const std::vector<const plan::MigrationPlan*>& pending);

} // namespace lockwise::cli
