// lockwise(1) from the CLI definition: the build runs `lockwise manpage` and installs its output,
// so the page cannot drift from the binary (tests/cli/test_cli_manpage.cpp compares it with --help).
#include "lockwise/cli/manpage.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "lockwise/core/version.hpp"

namespace lockwise::cli {
namespace {

// Text as roff: backslashes and hyphens escaped, no line may start with a control character.
std::string roff(std::string_view text)
{
    std::string out;
    bool line_start = true;
    for (const char c : text) {
        if (line_start && (c == '.' || c == '\'')) {
            out += "\\&";
        }
        if (c == '\\') {
            out += "\\e";
        } else if (c == '-') {
            out += "\\-";
        } else {
            out += c;
        }
        line_start = c == '\n';
    }
    return out;
}

std::string option_names(const CLI::Option& option)
{
    std::string names;
    for (const auto& name : option.get_snames()) {
        names += fmt::format("{}\\fB\\-{}\\fR", names.empty() ? "" : ", ", roff(name));
    }
    for (const auto& name : option.get_lnames()) {
        names += fmt::format("{}\\fB\\-\\-{}\\fR", names.empty() ? "" : ", ", roff(name));
    }
    if (option.get_positional()) {
        names = fmt::format("\\fI{}\\fR", roff(option.get_name(true)));
    } else if (option.get_type_size_max() > 0) {
        names += " \\fIVALUE\\fR";
    }
    return names;
}

std::string options_of(const CLI::App& app, bool global_only)
{
    std::string out;
    for (const auto* option : app.get_options()) {
        if (option->get_group().empty() || (global_only && option->get_group() != "Global") ||
            (!global_only && option->get_group() == "Global") || option == app.get_help_ptr()) {
            continue;
        }
        out += fmt::format(".TP\n{}\n{}\n", option_names(*option), roff(option->get_description()));
    }
    return out;
}

} // namespace

std::string render_manpage(const CLI::App& app)
{
    std::string out = fmt::format(".TH LOCKWISE 1 \"\" \"lockwise {}\" \"User Commands\"\n", core::k_version);
    out += ".SH NAME\nlockwise \\- PostgreSQL schema migrations that never take the application down\n";
    out += ".SH SYNOPSIS\n\\fBlockwise\\fR [\\fIglobal options\\fR] \\fIcommand\\fR [\\fIoptions\\fR]\n.br\n"
           "\\fBlockwise \\-\\-version\\fR | \\fB\\-\\-help\\fR\n";
    out += fmt::format(".SH DESCRIPTION\n{}\n", roff(app.get_description()));
    out += ".PP\n\\fBlockwise\\fR \\fIcommand\\fR \\fB\\-\\-help\\fR shows the options of one command.\n";
    out += ".SH COMMANDS\n";
    for (const auto* sub : app.get_subcommands([](const CLI::App* candidate) { return !candidate->get_group().empty(); })) {
        out += fmt::format(".SS \"lockwise {}\"\n{}\n", roff(sub->get_name()), roff(sub->get_description()));
        const auto options = options_of(*sub, false);
        if (!options.empty()) {
            out += ".RS\n" + options + ".RE\n";
        }
    }
    out += ".SH GLOBAL OPTIONS\nThese may be given before or after the command.\n";
    out += options_of(app, true);
    out += ".TP\n\\fB\\-\\-version\\fR\nprint the lockwise, PostgreSQL parser and libpq versions\n";
    out += ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nprint help (with a command: that command's options)\n";
    out += ".SH EXIT STATUS\n";
    for (const auto& [code, meaning] : std::initializer_list<std::pair<int, const char*>>{
             {0, "success"},
             {1, "a migration failed (a statement error retrying can't fix)"},
             {2, "usage or input error: flags, configuration, migration files, directives; nothing ran"},
             {3, "lock budget exhausted"},
             {4, "another runner held the runner lock longer than --lock-wait"},
             {5, "checksum drift: an applied migration's file changed"},
             {6, "refused by lint"},
             {7, "connection failed"},
             {8, "interrupted by SIGINT/SIGTERM at a checkpoint; rerun to resume"},
             {9, "rehearse gate exceeded"},
             {70, "internal error (a bug)"}}) {
        out += fmt::format(".TP\n\\fB{}\\fR\n{}\n", code, roff(meaning));
    }
    out += ".SH ENVIRONMENT\n.TP\n\\fBDATABASE_URL\\fR, \\fBPG*\\fR\nthe database when \\-\\-database\\-url is not given\n"
           ".TP\n\\fBLOCKWISE_*\\fR\nconfiguration keys (\\fBlockwise config\\fR lists them)\n";
    out += ".SH FILES\n.TP\n\\fI<prefix>/share/lockwise/examples\\fR\nthe seed scenario \\fBlockwise demo\\fR runs\n"
           ".TP\n\\fI<prefix>/share/doc/lockwise\\fR\nREADME.md and docs/\n";
    return out;
}

} // namespace lockwise::cli
