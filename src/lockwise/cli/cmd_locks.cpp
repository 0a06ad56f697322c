// `lockwise locks`: the database's current blocking tree (who blocks whom), the
// seed team's troubleshooting queries as one command; and `lockwise down`.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "lockwise/cli/commands.hpp"
#include "lockwise/core/error.hpp"
#include "lockwise/locks/tree.hpp"
#include "lockwise/run/revert.hpp"

namespace lockwise::cli {

void add_locks_command(CLI::App& app, CommandTable& table)
{
    auto* command = app.add_subcommand("locks", "Show who blocks whom right now: sessions, locks, idle-in-transaction time, queries");
    auto json = std::make_shared<bool>(false);
    command->add_flag("--json", *json, "print JSON");
    table[command] = [json](Context& context) {
        auto connection = context.connect("lockwise locks");
        const auto tree = locks::blocking_tree(connection);
        if (*json) {
            print_json(nlohmann::json::parse(locks::render_blocking_tree_json(tree)));
        } else {
            print(locks::render_blocking_tree_text(tree));
        }
        return 0;
    };
}

void add_down_command(CLI::App& app, CommandTable& table)
{
    auto* command = app.add_subcommand("down", "Revert the N most recently applied migrations with their down SQL");
    auto count = std::make_shared<int>(1);
    command->add_option("count", *count, "how many migrations to revert (default 1)")->check(CLI::PositiveNumber);
    command->footer("Down SQL runs under the same lock policies, retries and lock watch as migrate. A failed down\n"
                    "leaves the migration recorded as applied; write down SQL idempotently (IF EXISTS).");
    table[command] = [count](Context& context) {
        const auto catalog = context.load_catalog();
        context.connect();
        run::RunnerOptions options;
        options.conninfo = context.database_url();
        options.history = context.history_location();
        options.lock_wait = context.config().duration("runner.lock_wait");
        options.terminate_blockers = context.config().get("runner.terminate_blockers");
        options.terminate_superusers = context.config().boolean("runner.terminate_superusers");
        options.terminate_other_databases = context.config().boolean("runner.terminate_other_databases");
        const auto result = run::revert(catalog, *count, options, context.config().policies(), context.log());
        print(result.reverted.empty() ? "nothing to revert\n"
                                      : fmt::format("reverted {} migration(s): {}\n", result.reverted.size(),
                                                    fmt::join(result.reverted, ", ")));
        return 0;
    };
}

} // namespace lockwise::cli
