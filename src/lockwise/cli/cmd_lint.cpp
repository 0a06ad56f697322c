// `lockwise lint`: every finding of every migration file, in one run.
#include <algorithm>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "lockwise/cli/commands.hpp"
#include "lockwise/cli/lint_gate.hpp"
#include "lockwise/core/error.hpp"
#include "lockwise/history/store.hpp"
#include "lockwise/run/runner.hpp"

namespace lockwise::cli {

void add_lint_command(CLI::App& app, CommandTable& table)
{
    auto* command = app.add_subcommand("lint", "Find statements that would block the application, and say exactly why");
    struct Options {
        std::string output = "human";
        bool json = false;
        bool offline = false;
        bool show_suppressed = false;
        std::string since;
        std::string server_version;
    };
    auto options = std::make_shared<Options>();
    command->add_option("--output", options->output, "human, json or github (workflow annotations)")
        ->check(CLI::IsMember({"human", "json", "github"}));
    command->add_flag("--json", options->json, "same as --output json");
    command->add_flag("--offline", options->offline, "do not connect even when a database is configured");
    command->add_flag("--show-suppressed", options->show_suppressed, "also show findings suppressed with lockwise:allow");
    command->add_option("--since", options->since, "check only migrations above this version (lint.since for one run)");
    command->add_option("--server-version", options->server_version,
                        "PostgreSQL version to lint for without a database, like 14 (lint.server_version for one run)");
    command->footer("With a database (--database-url, DATABASE_URL) only the migrations pending there are checked, graded by\n"
                    "the server version and each table's size; what a pending migration creates is new for the later ones.\n"
                    "Exit status 6 when an error-level finding is not suppressed.");
    table[command] = [options](Context& context) {
        if (!options->since.empty()) {
            context.config().set_from_flag("lint.since", options->since, "--since");
        }
        if (!options->server_version.empty()) {
            context.config().set_from_flag("lint.server_version", options->server_version, "--server-version");
        }
        const auto catalog = context.load_catalog();
        std::optional<pg::Connection> connection;
        if (!options->offline && !context.database_url().empty()) {
            connection = context.connect();
        }
        auto lint_ctx = lint_context(connection ? &*connection : nullptr, &context.config(), &context.log());
        context.log().event(report::Level::debug, "server_version", assumed_server_text(lint_ctx));
        // With a database, only what is pending there is checked, as `plan` and `migrate` do:
        // applied migrations are history, and a CI lint step must not fail on them forever.
        std::vector<std::size_t> checked;
        if (connection) {
            history::HistoryStore store(*connection, context.history_location());
            const auto applied = store.exists() ? store.load() : std::vector<history::AppliedMigration>{};
            const auto plans = context.plan_all(catalog);
            const auto pending = run::pending_plans(plans, applied, std::nullopt);
            for (const auto* migration_plan : pending) {
                checked.push_back(static_cast<std::size_t>(migration_plan->migration - catalog.migrations.data()));
            }
            std::sort(checked.begin(), checked.end());
            judge_backfill_scaling(*connection, pending, lint_ctx);
        }
        const auto all_results = lint::lint_migrations(catalog.migrations, lint_ctx);
        if (!connection) {
            for (std::size_t i = 0; i < all_results.size(); ++i) {
                checked.push_back(i);
            }
        }
        // Migrations at or below lint.since are history (they still teach later ones the schema).
        std::vector<std::string> versions;
        versions.reserve(checked.size());
        for (const auto index : checked) {
            versions.push_back(catalog.migrations[index].version.text);
        }
        const auto after_since = versions_after_since(versions, context.config());
        std::erase_if(checked, [&](std::size_t index) {
            return std::find(after_since.begin(), after_since.end(), catalog.migrations[index].version.text) == after_since.end();
        });
        std::vector<lint::MigrationLint> results;
        std::vector<const catalog::Migration*> migrations;
        for (const auto index : checked) {
            results.push_back(all_results[index]);
            migrations.push_back(&catalog.migrations[index]);
        }
        const auto output = options->json ? std::string("json") : options->output;
        lint::RenderOptions render;
        render.show_suppressed = options->show_suppressed;
        bool blocking = false;
        int findings = 0;
        nlohmann::json json = nlohmann::json::array();
        std::string text;
        for (std::size_t i = 0; i < results.size(); ++i) {
            blocking = blocking || lint::has_blocking_errors(results[i]);
            for (const auto& finding : results[i].findings) {
                findings += finding.suppressed ? 0 : 1;
            }
            if (output == "json") {
                json.push_back(lint::to_json(results[i]));
            } else if (output == "github") {
                text += lint::render_github(results[i], render);
            } else {
                text += lint::render_human(results[i], migrations[i]->text, render);
            }
        }
        if (output == "json") {
            print_json(json);
        } else {
            if (output == "human") {
                text += fmt::format("{} file(s) linted, {} finding(s){}\n", results.size(), findings,
                                    blocking ? ", errors present" : "");
            }
            print(text);
        }
        return blocking ? static_cast<int>(core::ExitCode::lint_refused) : 0;
    };
}

} // namespace lockwise::cli
