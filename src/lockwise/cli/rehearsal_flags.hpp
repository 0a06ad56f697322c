// The flags `demo` and `rehearse` share (the application load, its phases, --exec and the
// report outputs), declared, parsed and turned into impact options in one place.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "lockwise/impact/output.hpp"
#include "lockwise/impact/rehearsal.hpp"

namespace CLI {
class App;
class Option;
} // namespace CLI

namespace lockwise::cli {

struct RehearsalFlags {
    int clients = 4;
    double rate = 100;
    std::string baseline = "5s";
    std::string tail = "1s";
    std::string exec;
    std::string report;
    std::string json;
    CLI::Option* json_flag = nullptr;
};

// Adds --clients, --rate, --baseline and --tail; the help texts name `flags`' defaults.
// `transactions` words the rate ("transactions", "transactions started"), `after` the tail.
void add_load_flags(CLI::App& command, RehearsalFlags& flags, std::string_view transactions, std::string_view after);
// Adds --exec, --report and --json [FILE].
void add_output_flags(CLI::App& command, RehearsalFlags& flags);

// A duration flag's value; throws core::Error(usage) naming `flag` when it is not a duration.
std::chrono::milliseconds parse_flag_duration(const std::string& text, const char* flag);

// Sets the load's clients and rate, the baseline and tail (parsed; may throw), and --exec.
void apply_load_flags(const RehearsalFlags& flags, impact::RehearsalOptions& rehearsal);
// --report and --json as the report's outputs (no gates).
impact::OutputOptions output_options(const RehearsalFlags& flags);

} // namespace lockwise::cli
