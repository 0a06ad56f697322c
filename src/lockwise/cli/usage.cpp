// Usage errors as a new user meets them: CLI11 says "The following argument was not expected: migrte";
// lockwise says which command or option it did not know and which one was probably meant.
#include "lockwise/cli/usage.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>

#include "lockwise/core/text.hpp"

namespace lockwise::cli {
namespace {

std::vector<const CLI::App*> visible_commands(const CLI::App& app)
{
    return app.get_subcommands([](const CLI::App* sub) { return !sub->get_group().empty(); });
}

std::vector<std::string> command_names(const CLI::App& app)
{
    std::vector<std::string> names;
    for (const auto* sub : visible_commands(app)) {
        names.push_back(sub->get_name());
    }
    return names;
}

// "--database-url", "-d" of every option of `app` (positionals have neither).
std::vector<std::string> option_names(const CLI::App& app)
{
    std::vector<std::string> names;
    for (const auto* option : app.get_options()) {
        for (const auto& name : option->get_lnames()) {
            names.push_back("--" + name);
        }
        for (const auto& name : option->get_snames()) {
            names.push_back("-" + name);
        }
    }
    return names;
}

const CLI::Option* find_option(const CLI::App& app, const std::string& name)
{
    for (const auto* option : app.get_options()) {
        if (option->check_name(name)) {
            return option;
        }
    }
    return nullptr;
}

std::string did_you_mean(const std::optional<std::string>& suggestion)
{
    return suggestion ? fmt::format("Did you mean {}? ", *suggestion) : std::string();
}

std::string command_label(const CLI::App& root, const CLI::App* command)
{
    return command == &root ? root.get_name() : fmt::format("{} {}", root.get_name(), command->get_name());
}

// "--output: githib not in {human,json,github}" (CLI::IsMember) -> the value and the choices.
std::optional<UsageProblem> explain_choice(const std::string& what)
{
    const auto open = what.rfind('{');
    const auto close = what.rfind('}');
    const auto not_in = what.rfind(" not in {");
    if (open == std::string::npos || close == std::string::npos || close < open || not_in == std::string::npos) {
        return std::nullopt;
    }
    const auto colon = what.rfind(": ", not_in);
    const std::string option = colon == std::string::npos ? std::string() : what.substr(0, colon);
    const std::string value = what.substr(colon == std::string::npos ? 0 : colon + 2, not_in - (colon == std::string::npos ? 0 : colon + 2));
    std::vector<std::string> choices;
    std::string current;
    for (const char c : what.substr(open + 1, close - open - 1)) {
        if (c == ',') {
            choices.push_back(current);
            current.clear();
        } else {
            current += c;
        }
    }
    choices.push_back(current);
    std::string listed;
    for (const auto& choice : choices) {
        listed += (listed.empty() ? "" : ", ") + choice;
    }
    const auto suggestion = closest_word(value, choices);
    return UsageProblem{fmt::format("{}{}\"{}\" is not one of {}", option, option.empty() ? "" : ": ", value, listed),
                        fmt::format("{}Valid values: {}.", suggestion ? fmt::format("Did you mean {} {}? ", option, *suggestion) : "",
                                    listed)};
}

} // namespace

std::optional<std::string> closest_word(std::string_view word, const std::vector<std::string>& candidates)
{
    std::optional<std::string> best;
    std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
    for (const auto& candidate : candidates) {
        std::size_t distance = core::edit_distance(word, candidate);
        if (word.size() >= 3 && candidate.size() > word.size() && candidate.compare(0, word.size(), word) == 0) {
            distance = 1; // a prefix: `mig` for `migrate`
        }
        if (distance < best_distance) {
            best = candidate;
            best_distance = distance;
        }
    }
    return best;
}

UsageProblem explain_parse_error(const CLI::App& app, const CLI::ParseError& error, const std::vector<std::string>& args)
{
    // Walk the arguments as CLI11 does: options (of the command, else global: fallthrough) and their
    // values, the command word, the command's positionals. The first word that fits nowhere is the typo.
    const CLI::App* command = &app;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& word = args[i];
        if (word == "--") {
            break;
        }
        if (word.size() > 1 && word[0] == '-') {
            // `--name=value`, `--name value`, `-x value`, `-xvalue`
            const bool is_long = word[1] == '-';
            const bool attached = is_long ? word.find('=') != std::string::npos : word.size() > 2;
            const auto name = is_long ? word.substr(0, word.find('=')) : word.substr(0, 2);
            const CLI::Option* option = find_option(*command, name);
            if (option == nullptr && command != &app) {
                option = find_option(app, name);
            }
            if (option == nullptr) {
                auto candidates = option_names(*command);
                if (command != &app) {
                    const auto global = option_names(app);
                    candidates.insert(candidates.end(), global.begin(), global.end());
                }
                return {fmt::format("unknown option {} for `{}`", name, command_label(app, command)),
                        fmt::format("{}`{} --help` lists the options.", did_you_mean(closest_word(name, candidates)),
                                    command_label(app, command))};
            }
            if (option->get_type_size_max() > 0 && !attached) {
                ++i; // its value
            }
            continue;
        }
        if (command == &app) {
            const auto names = command_names(app);
            if (std::find(names.begin(), names.end(), word) == names.end()) {
                return {fmt::format("unknown command \"{}\"", word),
                        fmt::format("{}`lockwise --help` lists the commands.", did_you_mean(closest_word(word, names)))};
            }
            command = app.get_subcommand(word);
        }
    }
    if (auto choice = explain_choice(error.what())) {
        return *choice;
    }
    if (command == &app) {
        std::string names;
        for (const auto& name : command_names(app)) {
            names += (names.empty() ? "" : ", ") + name;
        }
        return {"a command is required", fmt::format("Commands: {}. `lockwise --help` describes them.", names)};
    }
    std::string message = error.what();
    if (!message.empty()) {
        message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
    }
    return {fmt::format("{}: {}", command_label(app, command), message),
            fmt::format("`{} --help` lists the options.", command_label(app, command))};
}

void show_global_options_in_commands(CLI::App& app)
{
    std::string text = "Global options (before or after the command):\n";
    for (const auto* option : app.get_options()) {
        if (option->get_group() != "Global") {
            continue;
        }
        std::string names;
        for (const auto& name : option->get_snames()) {
            names += (names.empty() ? "-" : ", -") + name;
        }
        for (const auto& name : option->get_lnames()) {
            names += (names.empty() ? "--" : ", --") + name;
        }
        if (option->get_type_size_max() > 0) {
            names += " VALUE";
        }
        text += fmt::format("  {:<28} {}\n", names, option->get_description());
    }
    for (auto* sub : app.get_subcommands([](CLI::App* candidate) { return !candidate->get_group().empty(); })) {
        const auto footer = sub->get_footer();
        sub->footer(footer.empty() ? text : fmt::format("{}\n\n{}", footer, text));
    }
}

std::optional<std::string> uri_scheme_problem(std::string_view conninfo)
{
    const auto separator = conninfo.find("://");
    if (separator == std::string_view::npos || separator == 0) {
        return std::nullopt;
    }
    const auto scheme = std::string(conninfo.substr(0, separator));
    if (scheme == "postgresql" || scheme == "postgres" ||
        scheme.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-") != std::string::npos) {
        return std::nullopt;
    }
    const auto suggestion = closest_word(scheme, {"postgresql", "postgres"});
    return fmt::format("the URL scheme \"{}://\" is not postgresql:// or postgres://{}", scheme,
                       suggestion ? fmt::format(" (Did you mean {}://?)", *suggestion) : "");
}

} // namespace lockwise::cli
