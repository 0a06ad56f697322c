// `lockwise status` as data: history rows and catalog files merged by version.
#include "lockwise/history/status.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

namespace lockwise::history {

std::string_view state_name(State state) noexcept
{
    switch (state) {
    case State::applied:
        return "applied";
    case State::pending:
        return "pending";
    case State::failed:
        return "failed";
    case State::running:
        return "running";
    case State::baselined:
        return "baselined";
    case State::drifted:
        return "drifted";
    case State::missing_file:
        return "missing-file";
    case State::changed:
        return "changed";
    }
    return "unknown";
}

std::vector<StatusRow> status(const std::vector<AppliedMigration>& applied,
                              const std::vector<catalog::Migration>& migrations)
{
    std::map<std::string, const catalog::Migration*> files;
    for (const auto& migration : migrations) {
        files.emplace(canonical_version(migration.version), &migration);
    }
    std::vector<StatusRow> rows;
    const VersionParts* newest = nullptr;
    for (const auto& entry : applied) {
        StatusRow row;
        row.version = entry.version;
        row.version_parts = entry.version_parts;
        row.description = entry.description;
        row.script = entry.script;
        row.repeatable = is_repeatable_key(entry.version);
        row.recorded_status = std::string(status_name(entry.status));
        row.applied_checksum = entry.checksum;
        row.steps_done = entry.steps_done;
        row.steps_total = entry.steps_total;
        row.installed_by = entry.installed_by;
        row.started_at = entry.started_at;
        row.finished_at = entry.finished_at;
        row.execution_ms = entry.execution_ms;
        row.last_error = entry.last_error;
        row.last_error_position = entry.last_error_position;
        switch (entry.status) {
        case MigrationStatus::succeeded:
            row.state = State::applied;
            break;
        case MigrationStatus::baselined:
            row.state = State::baselined;
            break;
        case MigrationStatus::failed:
            row.state = State::failed;
            break;
        case MigrationStatus::running:
            row.state = State::running;
            break;
        }
        const auto file = files.find(entry.version);
        if (file == files.end()) {
            // A baseline marker has no file by design.
            const bool settled = row.state == State::applied || row.state == State::baselined;
            if (settled && !entry.script.empty()) {
                row.state = State::missing_file;
            }
        } else {
            row.file_checksum = file->second->checksum;
            row.script = file->second->display_path;
            if (!entry.checksum.empty() && entry.checksum != file->second->checksum) {
                if (!row.repeatable) {
                    row.state = State::drifted;
                } else if (row.state == State::applied || row.state == State::baselined) {
                    row.state = State::changed;
                }
            }
            files.erase(file);
        }
        if (row.repeatable) {
            rows.push_back(std::move(row));
            continue;
        }
        if (newest == nullptr || compare_versions(entry.version_parts, *newest) > 0) {
            newest = &entry.version_parts;
        }
        rows.push_back(std::move(row));
    }
    for (const auto& [version, file] : files) {
        StatusRow row;
        row.version = version;
        row.version_parts = file->version.parts;
        row.description = file->description;
        row.script = file->display_path;
        row.repeatable = file->repeatable;
        row.state = State::pending;
        row.file_checksum = file->checksum;
        row.out_of_order = !file->repeatable && newest != nullptr && compare_versions(file->version.parts, *newest) < 0;
        rows.push_back(std::move(row));
    }
    std::stable_sort(rows.begin(), rows.end(), [](const StatusRow& left, const StatusRow& right) {
        if (left.repeatable || right.repeatable) {
            return left.repeatable != right.repeatable ? right.repeatable : left.description < right.description;
        }
        return compare_versions(left.version_parts, right.version_parts) < 0;
    });
    return rows;
}

void to_json(nlohmann::json& json, const StatusRow& row)
{
    auto optional_text = [](const std::string& text) { return text.empty() ? nlohmann::json() : nlohmann::json(text); };
    json = nlohmann::json{
        {"version", row.version},
        {"description", row.description},
        {"script", row.script},
        {"state", state_name(row.state)},
        {"repeatable", row.repeatable},
        {"recorded_status", optional_text(row.recorded_status)},
        {"out_of_order", row.out_of_order},
        {"applied_checksum", optional_text(row.applied_checksum)},
        {"file_checksum", optional_text(row.file_checksum)},
        {"steps_done", row.steps_done},
        {"steps_total", row.steps_total},
        {"installed_by", optional_text(row.installed_by)},
        {"started_at", optional_text(row.started_at)},
        {"finished_at", optional_text(row.finished_at)},
        {"execution_ms", row.execution_ms ? nlohmann::json(*row.execution_ms) : nlohmann::json()},
        {"last_error", optional_text(row.last_error)},
        {"last_error_position", optional_text(row.last_error_position)},
    };
}

} // namespace lockwise::history
