// Report outputs and the exit status of demo/rehearse: gates turn a measured cost into a CI verdict.
#include "lockwise/impact/output.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "lockwise/core/error.hpp"

namespace lockwise::impact {

void write_text_file(const std::string& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
        throw core::Error(core::ExitCode::usage, fmt::format("cannot write {}: {}", path, std::strerror(errno)),
                          "Check that the directory exists and is writable.");
    }
}

int emit(const RehearsalResult& result, const OutputOptions& options, const std::function<void(const std::string&)>& print,
         const std::function<void(const nlohmann::json&)>& print_json, report::Logger& log)
{
    const auto gates = check_gates(result.report, options.gates);
    const bool json_to_stdout = options.json_path && *options.json_path == "-";
    log.clear_bars();
    if (json_to_stdout) {
        print_json(to_json(result.report, gates));
    } else {
        print(render_text(result.report, gates));
        if (options.json_path) {
            write_text_file(*options.json_path, to_json(result.report, gates).dump(2) + "\n");
        }
    }
    if (options.html_path) {
        write_text_file(*options.html_path, render_html(result.report, gates));
        log.info(fmt::format("wrote the HTML report to {}", *options.html_path));
    }
    if (result.error_code) {
        log.error(fmt::format("the migration did not finish: {}", result.report.migration_error));
        if (!result.error_hint.empty()) {
            log.info(result.error_hint);
        }
        return static_cast<int>(*result.error_code);
    }
    int status = 0;
    for (const auto& gate : gates) {
        if (!gate.passed) {
            log.error(fmt::format("impact gate failed: {}", gate.message));
            status = static_cast<int>(core::ExitCode::gate_failed);
        }
    }
    return status;
}

} // namespace lockwise::impact
