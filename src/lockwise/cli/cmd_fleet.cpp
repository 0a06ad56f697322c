// `migrate --targets` / `status --targets`: the CLI side of fleets. Flags go through the same
// configuration precedence as everything else (fleet.* keys, LOCKWISE_PARALLEL, ...).
#include "lockwise/cli/cmd_fleet.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "lockwise/core/error.hpp"
#include "lockwise/fleet/fleet.hpp"

namespace lockwise::cli {
namespace {

std::vector<fleet::Target> load_targets(const Config& config, const FleetFlags& flags)
{
    const auto allowed_hosts = fleet::parse_allowed_hosts(config.get("fleet.allowed_hosts"));
    if (!flags.targets.empty() && !flags.targets_query.empty()) {
        throw core::Error(core::ExitCode::usage, "--targets and --targets-query are exclusive",
                          "Give the fleet as a file or as a query on a catalogue database, not both.");
    }
    if (!flags.targets.empty()) {
        return fleet::load_targets_file(flags.targets, allowed_hosts);
    }
    if (flags.catalog_url.empty()) {
        throw core::Error(core::ExitCode::usage, "--targets-query needs --catalog-url",
                          "Name the catalogue database the query runs on, e.g. --catalog-url postgres://ops@catalog/fleet.");
    }
    return fleet::query_targets(flags.catalog_url, flags.targets_query, allowed_hosts);
}

} // namespace

void add_fleet_flags(CLI::App& command, FleetFlags& flags, bool migrate)
{
    command.add_option("--targets", flags.targets, "run on every database of this file (TOML [targets] or `name conninfo` lines)")
        ->group("Fleet");
    command.add_option("--targets-query", flags.targets_query, "run on the (name, conninfo) rows this query returns")->group("Fleet");
    command.add_option("--catalog-url", flags.catalog_url, "the database --targets-query runs on")->group("Fleet");
    if (migrate) {
        command.add_option("--parallel", flags.parallel, "targets migrated at once (default 4, LOCKWISE_PARALLEL)")->group("Fleet");
        command.add_option("--canary", flags.canary, "migrate this many targets first; stop unless all succeed")->group("Fleet");
        command.add_option("--on-failure", flags.on_failure, "after a failed target: stop (default) or continue")->group("Fleet");
    }
}

int run_fleet_migrate(Context& context, const FleetFlags& flags, const run::RunnerOptions& runner, bool json)
{
    auto& config = context.config();
    if (!flags.parallel.empty()) {
        config.set_from_flag("fleet.parallel", flags.parallel, "--parallel");
    }
    if (!flags.canary.empty()) {
        config.set_from_flag("fleet.canary", flags.canary, "--canary");
    }
    if (!flags.on_failure.empty()) {
        config.set_from_flag("fleet.on_failure", flags.on_failure, "--on-failure");
    }
    const auto targets = load_targets(config, flags);
    const auto catalog = context.load_catalog();
    const auto plans = context.plan_all(catalog);
    fleet::FleetOptions options;
    options.parallel = static_cast<int>(config.integer("fleet.parallel"));
    options.canary = static_cast<int>(config.integer("fleet.canary"));
    options.on_failure = config.get("fleet.on_failure") == "continue" ? fleet::OnFailure::keep_going : fleet::OnFailure::stop;
    options.runner = runner;
    context.log().event(report::Level::info, "fleet",
                        fmt::format("lockwise migrate: {} migration file(s) in {} on {} target(s), {} at a time{}",
                                    catalog.migrations.size(), config.get("migrations.dir"), targets.size(), options.parallel,
                                    options.canary > 0 ? fmt::format(", {} canary target(s) first", options.canary) : ""));
    const auto result = fleet::migrate_fleet(catalog, plans, targets, options, context.log());
    if (json) {
        print_json(fleet::to_json(result));
    } else {
        print(fleet::render_summary(result));
    }
    return fleet::exit_code(result);
}

int run_fleet_status(Context& context, const FleetFlags& flags, bool json)
{
    const auto targets = load_targets(context.config(), flags);
    const auto catalog = context.load_catalog();
    const auto rows = fleet::fleet_status(catalog, targets, context.history_location(),
                                          static_cast<int>(context.config().integer("fleet.parallel")));
    if (json) {
        print_json(fleet::to_json(rows));
    } else {
        print(fleet::render_status(rows));
    }
    return fleet::status_exit_code(rows);
}

} // namespace lockwise::cli
