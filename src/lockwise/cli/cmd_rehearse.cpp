// `lockwise rehearse`: applies the pending migrations with the real runner while an
// application load runs, and reports (and gates on) what the migration cost the application.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "lockwise/cli/commands.hpp"
#include "lockwise/cli/lint_gate.hpp"
#include "lockwise/cli/rehearsal_flags.hpp"
#include "lockwise/cli/runner_setup.hpp"
#include "lockwise/core/error.hpp"
#include "lockwise/impact/output.hpp"
#include "lockwise/impact/rehearsal.hpp"
#include "lockwise/load/workload.hpp"
#include "lockwise/pg/conninfo.hpp"

namespace lockwise::cli {
namespace {

// The seed scenario's tables are all there: the default workload fits this database.
bool looks_like_seed_scenario(pg::Connection& connection)
{
    const auto result = connection.exec("SELECT to_regclass('leads') IS NOT NULL AND to_regclass('call_log') IS NOT NULL "
                                        "AND to_regclass('businesses') IS NOT NULL");
    return result.rows() == 1 && result.get_bool(0, 0);
}

} // namespace

void add_rehearse_command(CLI::App& app, CommandTable& table)
{
    auto* command = app.add_subcommand("rehearse", "Apply pending migrations under an application load and report their impact");
    struct Options {
        std::string workload;
        RehearsalFlags shared; // --clients, --rate, --baseline, --tail, --exec, --report, --json
        std::string window = "100ms";
        std::string target;
        std::string terminate_blockers;
        std::string lock_wait;
        double max_p99_ms = 0;
        double max_stall_ms = 0;
        std::uint64_t max_failures = 0;
        std::string examples;
        CLI::Option* max_p99_flag = nullptr;
        CLI::Option* max_stall_flag = nullptr;
        CLI::Option* max_failures_flag = nullptr;
    };
    auto options = std::make_shared<Options>();
    command->add_option("--workload", options->workload,
                        "workload script (docs/load.md); default: examples/workload.sql when the database has the seed "
                        "scenario's tables (leads, call_log, businesses)");
    add_load_flags(*command, options->shared, "transactions started", " finished");
    command->add_option("--window", options->window, "latency window width of the report (default 100ms)");
    command->add_option("--target", options->target, "apply migrations up to and including this version");
    command->add_option("--terminate-blockers", options->terminate_blockers,
                        "passed to the runner, e.g. idle-in-transaction:30s");
    command->add_option("--lock-wait", options->lock_wait, "how long to wait for another runner (default 10min)");
    options->max_p99_flag = command->add_option("--max-p99-ms", options->max_p99_ms,
                                                "gate: application p99 latency during the migration (exit 9 above it)");
    options->max_stall_flag = command->add_option("--max-stall-ms", options->max_stall_ms,
                                                  "gate: application max latency during the migration (exit 9 above it)");
    options->max_failures_flag = command->add_option(
        "--max-failures", options->max_failures, "gate: failed application transactions from the migration on (exit 9 above it)");
    add_output_flags(*command, options->shared);
    command->add_option("--examples", options->examples, "directory of the seed scenario (for the default workload)");
    command->footer("Exit codes: the runner's (1, 3, 4, 5, 7, 8) when the migration did not finish, 6 when lint refuses,\n"
                    "9 when a gate was exceeded. See docs/rehearse.md.");
    table[command] = [options](Context& context) {
        auto& config = context.config();
        apply_runner_flags(config, options->lock_wait, options->terminate_blockers);
        impact::RehearsalOptions rehearsal;
        apply_load_flags(options->shared, rehearsal);
        rehearsal.load.window = std::chrono::duration_cast<load::Micros>(parse_flag_duration(options->window, "--window"));
        if (rehearsal.load.window.count() <= 0) {
            throw core::Error(core::ExitCode::usage, "--window must be longer than 0ms", "Write e.g. --window 100ms.");
        }
        std::optional<catalog::Version> target;
        if (!options->target.empty()) {
            target = catalog::Version::parse(options->target);
            if (!target) {
                throw core::Error(core::ExitCode::usage, fmt::format("--target: \"{}\" is not a version", options->target),
                                  "Write a version as in the file names, e.g. --target 36.");
            }
        }
        // With --exec the command is the migration: lockwise's catalog is neither read nor run.
        const bool external = !options->shared.exec.empty();
        const auto catalog = external ? catalog::Catalog{} : context.load_catalog();
        const auto plans = external ? std::vector<plan::MigrationPlan>{} : context.plan_all(catalog);
        load::Workload workload;
        {
            auto connection = context.connect();
            history::HistoryStore store(connection, context.history_location());
            const auto applied = store.exists() ? store.load() : std::vector<history::AppliedMigration>{};
            std::vector<std::string> pending;
            for (const auto* migration_plan : run::pending_plans(plans, applied, target)) {
                pending.push_back(migration_plan->migration->version.text);
            }
            if (!external) {
                if (pending.empty()) {
                    print("nothing to rehearse: no pending migrations\n");
                    return 0;
                }
                if (const auto checked = versions_after_since(pending, context.config()); !checked.empty()) {
                    lint_and_refuse(catalog, lint_context(&connection, &context.config(), &context.log()), checked, context.log());
                }
            }
            if (!options->workload.empty()) {
                workload = load::load_workload(options->workload);
            } else {
                const auto examples = impact::find_examples(
                    options->examples.empty() ? std::nullopt : std::optional<std::filesystem::path>(options->examples));
                if (!examples || !looks_like_seed_scenario(connection)) {
                    throw core::Error(core::ExitCode::usage, "rehearse needs --workload FILE",
                                      "Give the application's workload script (docs/load.md); the default "
                                      "examples/workload.sql only fits a database with the seed scenario's tables.");
                }
                workload = load::load_workload(*examples / "workload.sql");
            }
        }
        rehearsal.load.conninfo = context.database_url();
        rehearsal.runner = prepare_runner(context, target);
        rehearsal.runner.conninfo = context.database_url();
        context.log().event(report::Level::info, "rehearse_started",
                            fmt::format("lockwise rehearse: {} in {}, database {}", workload.file, config.get("migrations.dir"),
                                        pg::redact_conninfo(context.database_url())));
        auto result = impact::rehearse(catalog, plans, std::move(workload), rehearsal, context.log());
        result.report.title = fmt::format("{} step(s) of {} migration(s) from {}", result.report.steps.size(),
                                          result.summary.applied, config.get("migrations.dir"));
        auto output = output_options(options->shared);
        if (options->max_p99_flag->count() > 0) {
            output.gates.max_p99_ms = options->max_p99_ms;
        }
        if (options->max_stall_flag->count() > 0) {
            output.gates.max_stall_ms = options->max_stall_ms;
        }
        if (options->max_failures_flag->count() > 0) {
            output.gates.max_failures = options->max_failures;
        }
        return impact::emit(result, output, [](const std::string& text) { print(text); },
                            [](const nlohmann::json& json) { print_json(json); }, context.log());
    };
}

} // namespace lockwise::cli
