// `lockwise down`: reverts the most recently applied migrations with their down
// SQL, under the same lock policies, retries and lock watch as `migrate`.
#pragma once

#include <string>
#include <vector>

#include "lockwise/catalog/migration.hpp"
#include "lockwise/plan/policy.hpp"
#include "lockwise/report/logger.hpp"
#include "lockwise/run/runner.hpp"

namespace lockwise::run {

struct RevertResult {
    std::vector<std::string> reverted; // versions, newest first
};

// Reverts the `count` newest applied migrations (newest first). Each needs down SQL; when one
// fails, it stays recorded as applied (down steps are not resumable: write them idempotently,
// e.g. DROP ... IF EXISTS). Throws core::Error like migrate.
RevertResult revert(const catalog::Catalog& catalog, int count, const RunnerOptions& options,
                    const plan::PolicySet& policies, report::Logger& log);

} // namespace lockwise::run
