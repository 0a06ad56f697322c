// What a person at a terminal sees of one long step (a backfill): one live progress line (rows,
// rows/s, partitions done, ETA), redrawn in place by the logger's pretty format, while the step's
// detail events (one per partition, ...) are shown only at -v. Without a terminal (plain lines,
// JSON, a file) every detail event keeps its own level, exactly as before.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "lockwise/report/logger.hpp"

namespace lockwise::report {

class StepProgress {
public:
    // Starts the live line `label` (e.g. "backfill leads") with an unknown total.
    StepProgress(Logger& log, std::string label, std::string unit = "rows");
    StepProgress(const StepProgress&) = delete;
    StepProgress& operator=(const StepProgress&) = delete;

    // The live line's state: units done, the estimated total (when known) and what is running now
    // (shown after the label: "backfill leads: partition 7 (3/40 done)").
    void update(long long done, std::optional<long long> total, std::string_view now_running);
    // A detail of the step, e.g. event "backfill_partition_done": at `level` without a terminal,
    // at debug (shown with -v) on one.
    void detail(Level level, std::string_view event, std::string_view message,
                const nlohmann::json& fields = nlohmann::json::object());
    // Ends the live line with its final summary ("done", "interrupted").
    void finish(std::string_view outcome);

    // The level a detail event of `level` is written at on `log`.
    static Level detail_level(const Logger& log, Level level) noexcept;

private:
    Logger& m_log;
    std::string m_label;
    Progress m_line;
};

} // namespace lockwise::report
