// The model behind `lockwise status`: one row per migration known to the files
// or the history, with its state; the cli renders it as a table or JSON.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "lockwise/catalog/migration.hpp"
#include "lockwise/history/store.hpp"

namespace lockwise::history {

// `changed`: a repeatable migration whose file changed since it last ran (it runs again; no drift).
enum class State { applied, pending, failed, running, baselined, drifted, missing_file, changed };
std::string_view state_name(State state) noexcept; // "applied", ..., "missing-file", "changed"

struct StatusRow {
    std::string version;          // canonical
    VersionParts version_parts;
    std::string description;
    std::string script;           // the file's display path, or history's when the file is gone
    bool repeatable = false;      // R__<description>.sql: `version` is its key, "R__<description>"
    State state = State::pending;
    std::string recorded_status;  // the history status ("succeeded", "failed", ...); "" when pending
    bool out_of_order = false;    // pending and older than the newest applied migration
    std::string applied_checksum; // "" when pending
    std::string file_checksum;    // "" when the file is gone
    int steps_done = 0;
    int steps_total = 0;
    std::string installed_by;
    std::string started_at;
    std::string finished_at;
    std::optional<long long> execution_ms;
    std::string last_error;
    std::string last_error_position;
};

// Merges history and files, sorted by version, repeatable migrations last (by description). A
// changed file makes its row `drifted` whatever its recorded status (a repeatable one's `changed`
// when it ran to the end); a failed or running row stays so even when the file is gone.
std::vector<StatusRow> status(const std::vector<AppliedMigration>& applied,
                              const std::vector<catalog::Migration>& migrations);

void to_json(nlohmann::json& json, const StatusRow& row);

} // namespace lockwise::history
