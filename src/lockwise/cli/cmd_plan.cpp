// `lockwise plan`: what each pending migration will become, without running anything.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "lockwise/cli/commands.hpp"
#include "lockwise/cli/plan_view.hpp"

namespace lockwise::cli {

void add_plan_command(CLI::App& app, CommandTable& table)
{
    auto* command = app.add_subcommand("plan", "Show the steps, locks and policies of each pending migration (runs nothing)");
    auto json = std::make_shared<bool>(false);
    command->add_flag("--json", *json, "print JSON");
    command->footer("Without a database every migration is planned; with one (--database-url, DATABASE_URL)\n"
                    "only the pending ones. The database is only read.");
    table[command] = [json](Context& context) {
        const auto catalog = context.load_catalog();
        const auto plans = context.plan_all(catalog);
        std::vector<const plan::MigrationPlan*> pending;
        for (const auto& migration_plan : plans) {
            pending.push_back(&migration_plan);
        }
        if (*json) {
            print(plan_to_json(pending).dump(2) + "\n");
        } else {
            print(render_plan_text(pending));
        }
        return 0;
    };
}

} // namespace lockwise::cli
