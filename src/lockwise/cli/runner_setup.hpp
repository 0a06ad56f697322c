// The runner settings `migrate` (one database or a fleet) and `rehearse` take from the
// effective configuration, and the signal handlers that stop a run at its next step.
#pragma once

#include <optional>
#include <string>

#include "lockwise/catalog/migration.hpp"
#include "lockwise/cli/context.hpp"
#include "lockwise/run/runner.hpp"

namespace lockwise::cli {

// Writes --lock-wait and --terminate-blockers into the config when given (empty = not given).
void apply_runner_flags(Config& config, const std::string& lock_wait, const std::string& terminate_blockers);

// Runner options from the config (history location, runner.lock_wait, runner.terminate_blockers,
// runner.out_of_order) with `target`; conninfo is left to the caller. Installs the SIGINT/SIGTERM
// handlers that ask this run to stop at the next step or backfill batch.
run::RunnerOptions prepare_runner(Context& context, std::optional<catalog::Version> target);

} // namespace lockwise::cli
