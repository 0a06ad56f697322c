// First-contact usage errors: when CLI11 rejects a command line, say which word was wrong and
// suggest the closest command, option or choice, and make every command's --help show the global options.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
class ParseError;
} // namespace CLI

namespace lockwise::cli {

// What is wrong with a command line, as lockwise prints it (message lowercase, hint a full sentence).
struct UsageProblem {
    std::string message;
    std::string hint;
};

// Explains a CLI11 parse error of `args` (argv without the program name) against `app`:
// an unknown command, an unknown option, a value outside its choices, with the closest valid word.
UsageProblem explain_parse_error(const CLI::App& app, const CLI::ParseError& error, const std::vector<std::string>& args);

// The candidate closest to `word` by edit distance (or one that `word` is a prefix of), if any is close enough.
std::optional<std::string> closest_word(std::string_view word, const std::vector<std::string>& candidates);

// "postgress://..." and other unknown URL schemes, which libpq would read as a malformed key=value
// string: a message naming the scheme, with "Did you mean postgres://?" when one is close. Nothing
// else of the value is repeated (it may hold a password).
std::optional<std::string> uri_scheme_problem(std::string_view conninfo);

// Appends the root's "Global" options to the footer of every visible subcommand, so
// `lockwise <command> --help` lists -d, -m, ... too.
void show_global_options_in_commands(CLI::App& app);

} // namespace lockwise::cli
