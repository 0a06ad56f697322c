// `lockwise migrate`, `status`, `baseline`, `repair`: the migration runner's commands.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "lockwise/cli/cmd_fleet.hpp" // ops: fleets
#include "lockwise/cli/commands.hpp"
#include "lockwise/cli/lint_gate.hpp"
#include "lockwise/cli/runner_setup.hpp"
#include "lockwise/core/error.hpp"
#include "lockwise/history/baseline.hpp"
#include "lockwise/history/drift.hpp"
#include "lockwise/history/status.hpp"
#include "lockwise/locks/dependencies.hpp"
#include "lockwise/pg/conninfo.hpp"
#include "lockwise/run/pooler.hpp" // ops: --direct-url
#include "lockwise/run/runner.hpp"

namespace lockwise::cli {
namespace {

std::optional<catalog::Version> parse_target(const std::string& text)
{
    if (text.empty()) {
        return std::nullopt;
    }
    auto version = catalog::Version::parse(text);
    if (!version) {
        throw core::Error(core::ExitCode::usage, fmt::format("--target: \"{}\" is not a version", text),
                          "Write a version as in the file names, e.g. --target 36 or --target 2.1.");
    }
    return version;
}

std::string render_summary(const run::RunSummary& summary)
{
    std::string out = fmt::format("\n{} migration(s) applied, {} already up to date, {} step(s) in {}\n", summary.applied,
                                  summary.up_to_date, summary.steps.size(), plan::format_millis(summary.elapsed));
    if (summary.steps.empty()) {
        return out;
    }
    out += fmt::format("  {:<10} {:>4}  {:<10} {:<16} {:>9} {:>9} {:>8} {:>9}  {}\n", "version", "step", "kind", "policy",
                       "duration", "lock wait", "attempts", "rows", "outcome");
    for (const auto& step : summary.steps) {
        out += fmt::format("  {:<10} {:>4}  {:<10} {:<16} {:>9} {:>9} {:>8} {:>9}  {}\n", step.version,
                           fmt::format("{}/{}", step.step, step.steps_total), step.kind, step.policy_class,
                           plan::format_millis(step.duration), plan::format_millis(step.lock_waited), step.attempts, step.rows,
                           step.outcome);
    }
    return out;
}

} // namespace

void add_migrate_command(CLI::App& app, CommandTable& table)
{
    auto* command = app.add_subcommand("migrate", "Apply pending migrations without blocking the application");
    struct Options {
        std::string target;
        std::string lock_wait;
        std::string terminate_blockers;
        std::string wait_for_db;
        bool out_of_order = false;
        bool ignore_missing = false;
        bool json = false;
        std::string direct_url; // ops: --direct-url
        FleetFlags fleet;       // ops: --targets, --parallel, --canary, --on-failure
    };
    auto options = std::make_shared<Options>();
    command->add_option("--target", options->target, "apply migrations up to and including this version");
    command->add_option("--lock-wait", options->lock_wait, "how long to wait for another runner (default 10min; exit 4 after)");
    command->add_option("--terminate-blockers", options->terminate_blockers,
                        "opt-in: terminate sessions idle in transaction for longer than the threshold that block a step, "
                        "e.g. idle-in-transaction:30s");
    command->add_option("--wait-for-db", options->wait_for_db, "retry the first connection with backoff for this long");
    command->add_flag("--out-of-order", options->out_of_order, "apply pending migrations older than the newest applied one");
    command->add_flag("--ignore-missing", options->ignore_missing,
                      "go on when applied migrations are missing from the folder (they are an error otherwise)");
    command->add_flag("--json", options->json, "print the summary as JSON on stdout");
    // ops (issue 7): a direct connection for a database behind a transaction pooler, and fleets.
    command->add_option("--direct-url", options->direct_url,
                        "connection that bypasses a transaction pooler (PgBouncer); migrate runs over it (LOCKWISE_DIRECT_URL)");
    add_fleet_flags(*command, options->fleet, true);
    command->footer("Every step runs under its lock policy (README, \"Lock policies\"); lock failures are retried with a\n"
                    "growing lock_timeout; SIGINT/SIGTERM stop at the next step or backfill batch, and a rerun resumes.");
    table[command] = [options](Context& context) {
        auto& config = context.config();
        apply_runner_flags(config, options->lock_wait, options->terminate_blockers);
        if (!options->wait_for_db.empty()) {
            config.set_from_flag("runner.wait_for_db", options->wait_for_db, "--wait-for-db");
        }
        if (options->out_of_order) {
            config.set_from_flag("runner.out_of_order", "true", "--out-of-order");
        }
        if (options->ignore_missing) {
            config.set_from_flag("runner.ignore_missing", "true", "--ignore-missing");
        }
        // ops (issue 7): fleets run the whole runner per target (cmd_fleet.cpp).
        if (options->fleet.requested()) {
            return run_fleet_migrate(context, options->fleet, prepare_runner(context, parse_target(options->target)),
                                     options->json);
        }
        if (!options->direct_url.empty()) {
            config.set_from_flag("database.direct_url", options->direct_url, "--direct-url");
        }
        const auto catalog = context.load_catalog();
        auto plans = context.plan_all(catalog);
        // Fails fast (and waits for the database when asked) before the runner starts; lint is graded
        // with this database's version and table sizes, and refuses before anything runs.
        {
            auto connection = context.connect();
            // Planned again with the live catalog: a DROP INDEX waits for its table's holders too.
            const auto facts = locks::read_schema_facts(connection);
            plans = context.plan_all(catalog, &facts);
            history::HistoryStore store(connection, context.history_location());
            const bool has_history = store.exists();
            if (!has_history) {
                refuse_unadopted_history(connection);
            }
            const auto applied = has_history ? store.load() : std::vector<history::AppliedMigration>{};
            std::vector<std::string> pending;
            const auto pending_migrations = run::pending_plans(plans, applied, parse_target(options->target));
            pending.reserve(pending_migrations.size());
            for (const auto* migration_plan : pending_migrations) {
                pending.push_back(migration_plan->migration->version.text);
            }
            // Migrations at or below lint.since are history: they run, unchecked.
            const auto checked = versions_after_since(pending, config);
            if (!checked.empty()) {
                lint_and_refuse(catalog, lint_context(&connection, &config, &context.log(), &facts), checked, context.log());
            }
            if (!pending.empty()) {
                refuse_unscalable_backfills(connection, pending_migrations);
            }
        }
        std::string conninfo = context.database_url();
        // ops (issue 7): with a direct URL everything session-bound (in fact the whole run) uses it;
        // the pooled URL served the checks above and is probed here only to say what we saw.
        if (const auto& direct = config.get("database.direct_url"); !direct.empty()) {
            const auto pooled = run::probe_session_pinning(context.database_url());
            context.log().event(report::Level::info, "direct_url",
                                fmt::format("running over the direct connection {} ({}: {})", pg::redact_conninfo(direct),
                                            pooled.pinning == run::SessionPinning::pinned ? "the database URL keeps sessions too"
                                                                                          : "the database URL is transaction-pooled",
                                            pooled.evidence));
            conninfo = direct;
        }
        auto runner = prepare_runner(context, parse_target(options->target));
        runner.conninfo = conninfo;
        context.log().event(report::Level::info, "migrate_started",
                            fmt::format("lockwise migrate: {} migration file(s) in {}, database {}", catalog.migrations.size(),
                                        config.get("migrations.dir"), pg::redact_conninfo(context.database_url())));
        run::RunSummary summary;
        try {
            run::migrate(catalog, plans, runner, context.log(), &summary);
        } catch (const core::Error&) {
            if (!summary.steps.empty()) {
                print(render_summary(summary));
            }
            throw;
        }
        if (options->json) {
            nlohmann::json steps = nlohmann::json::array();
            for (const auto& step : summary.steps) {
                steps.push_back({{"version", step.version}, {"step", step.step}, {"kind", step.kind}, {"policy", step.policy_class},
                                 {"summary", step.summary}, {"lock", step.lock}, {"duration_ms", step.duration.count()},
                                 {"lock_waited_ms", step.lock_waited.count()}, {"attempts", step.attempts}, {"rows", step.rows},
                                 {"outcome", step.outcome}});
            }
            print_json(nlohmann::json{{"applied", summary.applied}, {"up_to_date", summary.up_to_date},
                                      {"elapsed_ms", summary.elapsed.count()}, {"steps", steps}});
        } else {
            print(render_summary(summary));
        }
        return 0;
    };
}

void add_status_command(CLI::App& app, CommandTable& table)
{
    auto* command = app.add_subcommand("status", "Show applied, pending, failed, running and drifted migrations");
    auto json = std::make_shared<bool>(false);
    command->add_flag("--json", *json, "print JSON");
    auto fleet_flags = std::make_shared<FleetFlags>(); // ops: status --targets
    add_fleet_flags(*command, *fleet_flags, false);
    table[command] = [json, fleet_flags](Context& context) {
        if (fleet_flags->requested()) {
            return run_fleet_status(context, *fleet_flags, *json);
        }
        const auto catalog = context.load_catalog();
        auto connection = context.connect();
        history::HistoryStore store(connection, context.history_location());
        const auto rows = history::status(store.exists() ? store.load() : std::vector<history::AppliedMigration>{}, catalog.migrations);
        if (*json) {
            print_json(nlohmann::json(rows));
        } else {
            std::string out = fmt::format("{:<12} {:<13} {:<7} {:<40} {}\n", "version", "state", "steps", "description", "detail");
            for (const auto& row : rows) {
                std::string detail;
                if (row.state == history::State::drifted) {
                    detail = fmt::format("checksum {} -> {}", row.applied_checksum.substr(0, 19), row.file_checksum.substr(0, 19));
                } else if (!row.last_error.empty()) {
                    detail = fmt::format("{}: {}", row.last_error_position, row.last_error);
                } else if (!row.finished_at.empty()) {
                    detail = fmt::format("{} by {}", row.finished_at, row.installed_by);
                }
                if (row.out_of_order) {
                    detail += " (out of order)";
                }
                out += fmt::format("{:<12} {:<13} {:<7} {:<40} {}\n", row.version, history::state_name(row.state),
                                   row.steps_total > 0 ? fmt::format("{}/{}", row.steps_done, row.steps_total) : "-",
                                   row.description.substr(0, 40), detail);
            }
            print(out);
        }
        const bool drifted = std::any_of(rows.begin(), rows.end(), [](const history::StatusRow& row) { return row.state == history::State::drifted; });
        return drifted ? static_cast<int>(core::ExitCode::checksum_drift) : 0;
    };
}

void add_baseline_command(CLI::App& app, CommandTable& table)
{
    auto* command = app.add_subcommand("baseline", "Mark an existing database as being at a version, or adopt another tool's history");
    struct Options {
        std::string version;
        std::string deprecated_version; // `baseline --version V`, before it was the VERSION argument
        std::string from;
        std::string table;
        std::string schema;
    };
    auto options = std::make_shared<Options>();
    command->add_option("VERSION", options->version, "record every migration up to this version as applied: lockwise baseline 36");
    // The old spelling read like the global --version; it still works, with a note.
    command->add_option("--version", options->deprecated_version, "deprecated: write `lockwise baseline VERSION`")->group("");
    command->add_option("--from", options->from, "adopt the history of flyway, golang-migrate, goose, diesel or dbmate");
    command->add_option("--table", options->table, "the other tool's history table, when not its default");
    command->add_option("--schema", options->schema, "the other tool's schema, when not on the search_path");
    table[command] = [options](Context& context) {
        if (!options->deprecated_version.empty()) {
            context.log().warn(fmt::format("`baseline --version {0}` is deprecated; write `lockwise baseline {0}`",
                                           options->deprecated_version));
            if (options->version.empty()) {
                options->version = options->deprecated_version;
            }
        }
        if (options->version.empty() == options->from.empty()) {
            throw core::Error(core::ExitCode::usage, "baseline needs exactly one of a VERSION or --from TOOL",
                              "Use `lockwise baseline 36` for a database created by hand, or `lockwise baseline --from TOOL` "
                              "to adopt another runner's history.");
        }
        const auto catalog = context.load_catalog();
        auto connection = context.connect();
        history::HistoryStore store(connection, context.history_location());
        store.ensure_created();
        history::BaselineReport report;
        if (!options->version.empty()) {
            report = history::baseline(store, catalog.migrations, options->version);
        } else {
            const auto tool = history::tool_from_name(options->from);
            if (!tool) {
                throw core::Error(core::ExitCode::usage, fmt::format("--from: unknown tool \"{}\"", options->from),
                                  "Valid tools: flyway, golang-migrate, goose, diesel, dbmate.");
            }
            history::BaselineSource source;
            source.tool = *tool;
            source.schema = options->schema;
            source.table = options->table;
            report = history::baseline_from(store, catalog.migrations, source);
        }
        std::string out;
        for (const auto& version : report.recorded) {
            out += fmt::format("recorded {} as baselined\n", version);
        }
        for (const auto& version : report.already_recorded) {
            out += fmt::format("{} was already in lockwise's history (left as it is)\n", version);
        }
        for (const auto& version : report.missing_from_catalog) {
            out += fmt::format("warning: {} was applied by the other tool but has no migration file here\n", version);
        }
        for (const auto& note : report.notes) {
            out += fmt::format("note: {}\n", note);
        }
        out += fmt::format("{} migration(s) recorded\n", report.recorded.size());
        // The baselined migrations are history: say how to stop linting them offline too.
        std::optional<catalog::Version> newest;
        for (const auto& text : report.recorded) {
            const auto version = catalog::Version::parse(text);
            if (version && (!newest || *version > *newest)) {
                newest = version;
            }
        }
        if (newest) {
            out += fmt::format("to lint only newer migrations without a database too, add to lockwise.toml:\n[lint]\nsince = \"{}\"\n",
                               newest->text);
        }
        print(out);
        return 0;
    };
}

void add_repair_command(CLI::App& app, CommandTable& table)
{
    auto* command = app.add_subcommand("repair", "Accept changed checksums of applied migrations and clear failed entries");
    table[command] = [](Context& context) {
        const auto catalog = context.load_catalog();
        auto connection = context.connect();
        history::HistoryStore store(connection, context.history_location());
        store.ensure_created();
        const auto actions = history::repair(store, catalog.migrations);
        std::string out;
        for (const auto& action : actions) {
            out += fmt::format("{}: {}\n", action.version, action.message);
        }
        out += actions.empty() ? "nothing to repair\n" : fmt::format("{} change(s) recorded\n", actions.size());
        print(out);
        return 0;
    };
}

} // namespace lockwise::cli
