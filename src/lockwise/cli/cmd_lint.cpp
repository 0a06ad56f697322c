// `lockwise lint`: every finding of every migration file, in one run.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "lockwise/cli/commands.hpp"
#include "lockwise/cli/lint_gate.hpp"
#include "lockwise/core/error.hpp"

namespace lockwise::cli {

void add_lint_command(CLI::App& app, CommandTable& table)
{
    auto* command = app.add_subcommand("lint", "Find statements that would block the application, and say exactly why");
    struct Options {
        std::string output = "human";
        bool json = false;
        bool offline = false;
        bool show_suppressed = false;
    };
    auto options = std::make_shared<Options>();
    command->add_option("--output", options->output, "human, json or github (workflow annotations)")
        ->check(CLI::IsMember({"human", "json", "github"}));
    command->add_flag("--json", options->json, "same as --output json");
    command->add_flag("--offline", options->offline, "do not connect even when a database is configured");
    command->add_flag("--show-suppressed", options->show_suppressed, "also show findings suppressed with lockwise:allow");
    command->footer("With a database (--database-url, DATABASE_URL) findings are graded by the server version and each\n"
                    "table's size. Exit status 6 when an error-level finding is not suppressed.");
    table[command] = [options](Context& context) {
        const auto catalog = context.load_catalog();
        std::optional<pg::Connection> connection;
        if (!options->offline && !context.database_url().empty()) {
            connection = context.connect();
        }
        const auto lint_ctx = lint_context(connection ? &*connection : nullptr, &context.log());
        const auto results = lint::lint_migrations(catalog.migrations, lint_ctx);
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
                text += lint::render_human(results[i], catalog.migrations[i].text, render);
            }
        }
        if (output == "json") {
            print(json.dump(2) + "\n");
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
