// The load, phase and output flags of `demo` and `rehearse`: one declaration, so the two
// commands spell, default and interpret them alike.
#include "lockwise/cli/rehearsal_flags.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "lockwise/catalog/duration.hpp"
#include "lockwise/core/error.hpp"

namespace lockwise::cli {

void add_load_flags(CLI::App& command, RehearsalFlags& flags, std::string_view transactions, std::string_view after)
{
    command.add_option("--clients", flags.clients, fmt::format("application connections (default {})", flags.clients))
        ->check(CLI::Range(1, 256));
    command.add_option("--rate", flags.rate, fmt::format("application {} per second (default {})", transactions, flags.rate))
        ->check(CLI::Range(0.1, 1e6));
    command.add_option("--baseline", flags.baseline, fmt::format("load alone before the migration (default {})", flags.baseline));
    command.add_option("--tail", flags.tail, fmt::format("load after the migration{} (default {})", after, flags.tail));
}

void add_output_flags(CLI::App& command, RehearsalFlags& flags)
{
    command.add_option("--exec", flags.exec,
                       "measure this shell command as the migration instead of lockwise's runner (DATABASE_URL is set for it)");
    command.add_option("--report", flags.report, "write a self-contained HTML report to this file");
    flags.json_flag =
        command.add_option("--json", flags.json, "write the report as JSON to FILE (no FILE: stdout)")->expected(0, 1);
}

std::chrono::milliseconds parse_flag_duration(const std::string& text, const char* flag)
{
    const auto parsed = catalog::parse_duration(text);
    if (!parsed) {
        throw core::Error(core::ExitCode::usage, fmt::format("{}: \"{}\" is {}", flag, text, catalog::duration_problem(text)),
                          fmt::format("Write {}.", catalog::k_duration_syntax));
    }
    return *parsed;
}

void apply_load_flags(const RehearsalFlags& flags, impact::RehearsalOptions& rehearsal)
{
    rehearsal.baseline = parse_flag_duration(flags.baseline, "--baseline");
    rehearsal.tail = parse_flag_duration(flags.tail, "--tail");
    rehearsal.load.clients = flags.clients;
    rehearsal.load.rate = flags.rate;
    if (!flags.exec.empty()) {
        rehearsal.exec_command = flags.exec;
    }
}

impact::OutputOptions output_options(const RehearsalFlags& flags)
{
    impact::OutputOptions output;
    if (!flags.report.empty()) {
        output.html_path = flags.report;
    }
    if (flags.json_flag != nullptr && flags.json_flag->count() > 0) {
        output.json_path = flags.json.empty() ? std::string("-") : flags.json;
    }
    return output;
}

} // namespace lockwise::cli
