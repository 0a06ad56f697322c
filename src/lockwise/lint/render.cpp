// The three outputs of lint: human (source line and caret, then what the lock costs and
// the safe SQL), JSON for tools, and GitHub workflow annotations for pull requests.
#include <fmt/format.h>

#include "lockwise/core/source_location.hpp"
#include "lockwise/lint/lint.hpp"

namespace lockwise::lint {
namespace {

bool shown(const Finding& finding, const RenderOptions& options)
{
    if (finding.suppressed && !options.show_suppressed) {
        return false;
    }
    return finding.severity != Severity::info || options.show_info;
}

std::string relation_name(const sql::RelationLock& lock)
{
    return lock.schema.empty() ? lock.name : lock.schema + "." + lock.name;
}

// The relations a finding's statement locks besides the ones it names, for the reader:
// "leads ACCESS EXCLUSIVE (table of leads_idx), v_leads ACCESS EXCLUSIVE (view over leads)".
std::string dependent_locks(const Finding& finding)
{
    std::string out;
    for (const auto& lock : finding.relations) {
        if (lock.reason.empty() || lock.mode == sql::LockMode::none) {
            continue;
        }
        out += fmt::format("{}{} {} ({})", out.empty() ? "" : ", ", relation_name(lock), sql::lock_mode_name(lock.mode),
                           lock.reason);
    }
    return out;
}

nlohmann::json relations_json(const std::vector<sql::RelationLock>& relations)
{
    auto out = nlohmann::json::array();
    for (const auto& lock : relations) {
        out.push_back({{"relation", relation_name(lock)}, {"mode", sql::lock_mode_name(lock.mode)}, {"reason", lock.reason}});
    }
    return out;
}

std::string indent(std::string_view text, std::string_view prefix)
{
    std::string out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto end = text.find('\n', start);
        const auto line = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        out += fmt::format("{}{}\n", prefix, line);
        if (end == std::string_view::npos) {
            break;
        }
        start = end + 1;
    }
    return out;
}

// Workflow command values: '%', CR and LF are escaped; properties also escape ':' and ','.
std::string escape_data(std::string_view text)
{
    std::string out;
    for (const char c : text) {
        switch (c) {
        case '%':
            out += "%25";
            break;
        case '\r':
            out += "%0D";
            break;
        case '\n':
            out += "%0A";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string escape_property(std::string_view text)
{
    std::string out;
    for (const char c : escape_data(text)) {
        if (c == ':') {
            out += "%3A";
        } else if (c == ',') {
            out += "%2C";
        } else {
            out += c;
        }
    }
    return out;
}

std::string_view github_level(Severity severity)
{
    switch (severity) {
    case Severity::error:
        return "error";
    case Severity::warning:
        return "warning";
    case Severity::info:
        break;
    }
    return "notice";
}

nlohmann::json diagnostic_json(const catalog::Diagnostic& d)
{
    return {{"file", d.file}, {"line", d.line}, {"column", d.column}, {"offset", d.offset},
            {"message", d.message}, {"hint", d.hint}};
}

} // namespace

std::string render_human(const MigrationLint& lint, std::string_view file_text, const RenderOptions& options)
{
    std::string out;
    for (const auto& error : lint.errors) {
        out += core::render_diagnostic(error.file, file_text, error.offset, "error", error.message, error.hint);
    }
    for (const auto& f : lint.findings) {
        if (!shown(f, options)) {
            continue;
        }
        const auto severity = fmt::format("{}[{}]", severity_name(f.severity), f.rule_id);
        auto message = f.message;
        if (f.suppressed) {
            message += fmt::format(" (allowed: {})", f.suppression_reason);
        }
        out += core::render_diagnostic(f.file, file_text, f.span.offset, severity, message);
        if (f.lock != sql::LockMode::none) {
            out += fmt::format("       = lock: {} on {}, blocks {}; work: {}\n", sql::lock_mode_name(f.lock),
                               f.table.empty() ? "the table" : f.table, f.lock_blocks, sql::table_work_name(f.work));
        }
        if (const auto others = dependent_locks(f); !others.empty()) {
            out += fmt::format("       = also locks: {}\n", others);
        }
        if (!f.safe_alternative.empty()) {
            out += "       = instead:\n";
            out += indent(f.safe_alternative, "           ");
        }
        if (!f.hint.empty()) {
            out += fmt::format("       = hint: {}\n", f.hint);
        }
    }
    for (const auto& warning : lint.warnings) {
        out += core::render_diagnostic(warning.file, file_text, warning.offset, "warning", warning.message, warning.hint);
    }
    return out;
}

nlohmann::json to_json(const MigrationLint& lint)
{
    auto findings = nlohmann::json::array();
    for (const auto& f : lint.findings) {
        findings.push_back({{"rule", f.rule_id},
                            {"severity", severity_name(f.severity)},
                            {"file", f.file},
                            {"line", f.span.line},
                            {"column", f.span.column},
                            {"offset", f.span.offset},
                            {"length", f.span.length},
                            {"message", f.message},
                            {"table", f.table},
                            {"lock", sql::lock_mode_name(f.lock)},
                            {"blocks", f.lock_blocks},
                            {"work", sql::table_work_name(f.work)},
                            {"safe_alternative", f.safe_alternative},
                            {"hint", f.hint},
                            {"relations", relations_json(f.relations)},
                            {"suppressed", f.suppressed},
                            {"suppression_reason", f.suppression_reason}});
    }
    auto errors = nlohmann::json::array();
    for (const auto& e : lint.errors) {
        errors.push_back(diagnostic_json(e));
    }
    auto warnings = nlohmann::json::array();
    for (const auto& w : lint.warnings) {
        warnings.push_back(diagnostic_json(w));
    }
    return {{"file", lint.file}, {"findings", findings}, {"errors", errors}, {"warnings", warnings},
            {"blocking", has_blocking_errors(lint)}};
}

std::string render_github(const MigrationLint& lint, const RenderOptions& options)
{
    std::string out;
    for (const auto& e : lint.errors) {
        out += fmt::format("::error file={},line={},col={},title={}::{}\n", escape_property(e.file), e.line, e.column,
                           escape_property("lockwise lint"), escape_data(e.message));
    }
    for (const auto& f : lint.findings) {
        if (!shown(f, options) || f.suppressed) {
            continue;
        }
        auto message = f.message;
        if (f.lock != sql::LockMode::none) {
            message += fmt::format("\nlock: {}, blocks {}; work: {}", sql::lock_mode_name(f.lock), f.lock_blocks,
                                   sql::table_work_name(f.work));
        }
        if (const auto others = dependent_locks(f); !others.empty()) {
            message += "\nalso locks: " + others;
        }
        if (!f.safe_alternative.empty()) {
            message += "\ninstead:\n" + f.safe_alternative;
        }
        out += fmt::format("::{} file={},line={},col={},title={}::{}\n", github_level(f.severity), escape_property(f.file),
                           f.span.line, f.span.column, escape_property(fmt::format("lockwise {}", f.rule_id)),
                           escape_data(message));
    }
    for (const auto& w : lint.warnings) {
        out += fmt::format("::warning file={},line={},col={},title={}::{}\n", escape_property(w.file), w.line, w.column,
                           escape_property("lockwise lint"), escape_data(w.message));
    }
    return out;
}

} // namespace lockwise::lint
