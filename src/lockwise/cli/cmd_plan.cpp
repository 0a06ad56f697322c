// `lockwise plan`: what each pending migration will become, without running anything.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "lockwise/cli/commands.hpp"
#include "lockwise/cli/lint_gate.hpp"
#include "lockwise/cli/plan_view.hpp"
#include "lockwise/locks/dependencies.hpp"
#include "lockwise/run/runner.hpp"

namespace lockwise::cli {

void add_plan_command(CLI::App& app, CommandTable& table)
{
    auto* command = app.add_subcommand("plan", "Show the steps, locks and policies of each pending migration (runs nothing)");
    auto json = std::make_shared<bool>(false);
    auto server_version = std::make_shared<std::string>();
    command->add_flag("--json", *json, "print JSON");
    command->add_option("--server-version", *server_version,
                        "PostgreSQL version to plan for without a database, like 14 (lint.server_version for one run)");
    command->footer("Without a database every migration is planned; with one (--database-url, DATABASE_URL)\n"
                    "only the pending ones. The database is only read.");
    table[command] = [json, server_version](Context& context) {
        if (!server_version->empty()) {
            context.config().set_from_flag("lint.server_version", *server_version, "--server-version");
        }
        const auto catalog = context.load_catalog();
        auto plans = context.plan_all(catalog);
        std::vector<const plan::MigrationPlan*> pending;
        std::optional<pg::Connection> connection;
        std::optional<sql::SchemaFacts> facts;
        if (!context.database_url().empty()) {
            connection = context.connect("lockwise plan");
            connection->exec("SET default_transaction_read_only = on");
            // The live catalog names what each statement locks besides what it names.
            facts = locks::read_schema_facts(*connection);
            plans = context.plan_all(catalog, &*facts);
            history::HistoryStore store(*connection, context.history_location());
            pending = run::pending_plans(plans, store.exists() ? store.load() : std::vector<history::AppliedMigration>{}, std::nullopt);
        } else {
            for (const auto& migration_plan : plans) {
                pending.push_back(&migration_plan);
            }
        }
        // Findings are shown beside the statements they are about.
        const auto lint_settings = lint_context(connection ? &*connection : nullptr, &context.config(), &context.log(),
                                                facts ? &*facts : nullptr);
        const auto lints = lint::lint_migrations(catalog.migrations, lint_settings);
        std::vector<const lint::MigrationLint*> pending_lints;
        for (const auto* migration_plan : pending) {
            const auto index = static_cast<std::size_t>(migration_plan->migration - catalog.migrations.data());
            pending_lints.push_back(&lints[index]);
        }
        if (connection) {
            refuse_unscalable_backfills(*connection, pending);
        }
        // Which locks, rewrites and syntax hold depends on the server version: say which one.
        context.log().event(report::Level::info, "server_version", assumed_server_text(lint_settings));
        if (*json) {
            print_json(plan_to_json(pending, pending_lints));
        } else {
            print("server: " + assumed_server_text(lint_settings) + "\n" + render_plan_text(pending, pending_lints));
        }
        return 0;
    };
}

} // namespace lockwise::cli
