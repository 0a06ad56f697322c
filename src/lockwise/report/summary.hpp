// The end-of-run summary: one row per step, as an aligned table for people or
// a JSON document for machines (`lockwise migrate --json`).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace lockwise::report {

struct SummaryRow {
    std::string migration{};                 // e.g. "36_last_call_direction"
    std::string step{};                      // e.g. "2/5 CREATE INDEX CONCURRENTLY idx_x"
    std::string kind{};                      // "transaction" | "autocommit" | "backfill" | ...
    std::chrono::milliseconds duration{0};
    int attempts = 1;
    std::chrono::milliseconds lock_waited{0}; // total time spent waiting for locks over all attempts
    std::optional<long long> rows{};         // rows changed, when known
    std::string outcome{};                   // "applied" | "skipped" | "failed" | "warned" | ...
};

// An aligned table with a header and a total line; long step texts are cut at `max_step_width`.
std::string render_summary_table(const std::vector<SummaryRow>& rows, int max_step_width = 60);

// {"steps": [{"migration", "step", "kind", "duration_ms", "attempts", "lock_waited_ms", "rows", "outcome"}],
//  "totals": {"steps", "duration_ms", "attempts", "lock_waited_ms", "rows", "outcomes": {outcome: count}}}
nlohmann::json summary_json(const std::vector<SummaryRow>& rows);

} // namespace lockwise::report
