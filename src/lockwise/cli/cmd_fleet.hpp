// The fleet flags of `migrate` and `status` (--targets FILE, --targets-query SQL --catalog-url URL,
// --parallel, --canary, --on-failure) and the commands' fleet paths, delegating to the fleet stage.
#pragma once

#include <memory>
#include <string>

#include "lockwise/cli/context.hpp"
#include "lockwise/run/runner.hpp"

namespace CLI {
class App;
}

namespace lockwise::cli {

struct FleetFlags {
    std::string targets;       // --targets FILE
    std::string targets_query; // --targets-query SQL
    std::string catalog_url;   // --catalog-url URL (for --targets-query)
    std::string parallel;
    std::string canary;
    std::string on_failure;
    // True when any target source was given: the command runs on the fleet instead of one database.
    bool requested() const { return !targets.empty() || !targets_query.empty(); }
};

// Adds --targets, --targets-query and --catalog-url; with `migrate` also --parallel, --canary, --on-failure.
void add_fleet_flags(CLI::App& command, FleetFlags& flags, bool migrate);

// `migrate` on every target: `runner` is the template (conninfo replaced per target). Prints the
// summary (or JSON) on stdout; returns the exit code (fleet::exit_code).
int run_fleet_migrate(Context& context, const FleetFlags& flags, const run::RunnerOptions& runner, bool json);

// `status` of every target: one row per target with its pending count.
int run_fleet_status(Context& context, const FleetFlags& flags, bool json);

} // namespace lockwise::cli
