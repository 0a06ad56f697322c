// Linting as the commands use it: the database-aware context (server version,
// table sizes) when a database is reachable, and the refusal of error findings.
#pragma once

#include <optional>
#include <vector>

#include "lockwise/catalog/migration.hpp"
#include "lockwise/lint/lint.hpp"
#include "lockwise/pg/connection.hpp"
#include "lockwise/report/logger.hpp"

namespace lockwise::cli {

// Lint context from the database (version, TimeZone, table sizes), or the offline one. It reads
// catalogs only; if even that meets a lock (lock_timeout, 55P03) lint goes on without table
// sizes and `log` (when given) says so.
lint::Context lint_context(pg::Connection* connection, report::Logger* log = nullptr);

// Lints every migration (earlier ones teach later ones the schema). Throws core::Error(lint_refused)
// listing every unsuppressed error finding of a migration in `refused_versions` (all when empty).
std::vector<lint::MigrationLint> lint_and_refuse(const catalog::Catalog& catalog, const lint::Context& context,
                                                 const std::vector<std::string>& versions_to_check, report::Logger& log);

} // namespace lockwise::cli
