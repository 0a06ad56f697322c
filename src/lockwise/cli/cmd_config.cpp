// `lockwise config`: the effective configuration and where each value came from.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "lockwise/cli/commands.hpp"

namespace lockwise::cli {

void add_config_command(CLI::App& app, CommandTable& table)
{
    auto* command = app.add_subcommand("config", "Print the effective configuration and where each value came from");
    auto json = std::make_shared<bool>(false);
    command->add_flag("--json", *json, "print JSON");
    command->footer("Precedence: flags > environment (LOCKWISE_*, DATABASE_URL, PG*) > lockwise.toml > defaults.\n"
                    "Passwords are always shown as ***.");
    table[command] = [json](Context& context) {
        const auto entries = context.config().entries();
        if (*json) {
            nlohmann::json out = nlohmann::json::object();
            for (const auto& [key, value] : entries) {
                out[key->name] = {{"value", value.value}, {"source", value.source}, {"env", key->env}};
            }
            print_json(out);
            return 0;
        }
        std::string text;
        if (context.config().file()) {
            text += fmt::format("# config file: {}\n", context.config().file()->string());
        }
        for (const auto& [key, value] : entries) {
            text += fmt::format("{:<45} = {:<40} # {}\n", key->name, fmt::format("\"{}\"", value.value), value.source);
        }
        print(text);
        return 0;
    };
}

} // namespace lockwise::cli
