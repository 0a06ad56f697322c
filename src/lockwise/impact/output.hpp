// What demo and rehearse do with a finished rehearsal: print the report, write the HTML
// and JSON files, check the gates, and pick the exit status.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "lockwise/impact/rehearsal.hpp"

namespace lockwise::impact {

struct OutputOptions {
    std::optional<std::string> html_path; // --report FILE.html
    std::optional<std::string> json_path; // --json [FILE]; "-" = stdout (then the text report is not printed)
    Gates gates;
};

// Prints/writes the report and returns the exit status: the runner's error code when the
// migration did not finish, else core::ExitCode::gate_failed when a gate failed, else 0.
// Throws core::Error(usage) when a file can't be written. `print` takes the text report,
// `print_json` the JSON one (`--json -`), each sanitized already.
int emit(const RehearsalResult& result, const OutputOptions& options, const std::function<void(const std::string&)>& print,
         const std::function<void(const nlohmann::json&)>& print_json, report::Logger& log);

// Writes `text` to `path`; throws core::Error(usage) naming the path on failure.
void write_text_file(const std::string& path, const std::string& text);

} // namespace lockwise::impact
