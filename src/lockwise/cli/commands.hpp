// Registration of every subcommand. Each command file adds its CLI11 subcommand
// and the function that runs it; app.cpp runs the chosen one and maps errors to exit codes.
#pragma once

#include <functional>
#include <map>

#include "lockwise/cli/context.hpp"

namespace CLI {
class App;
}

namespace lockwise::cli {

using CommandRunner = std::function<int(Context&)>;
using CommandTable = std::map<const CLI::App*, CommandRunner>;

void add_plan_command(CLI::App& app, CommandTable& table);
void add_config_command(CLI::App& app, CommandTable& table);
void add_migrate_command(CLI::App& app, CommandTable& table);
void add_status_command(CLI::App& app, CommandTable& table);
void add_baseline_command(CLI::App& app, CommandTable& table);
void add_repair_command(CLI::App& app, CommandTable& table);
void add_lint_command(CLI::App& app, CommandTable& table);
void add_locks_command(CLI::App& app, CommandTable& table);
void add_down_command(CLI::App& app, CommandTable& table);
void add_demo_command(CLI::App& app, CommandTable& table);
void add_rehearse_command(CLI::App& app, CommandTable& table);

} // namespace lockwise::cli
