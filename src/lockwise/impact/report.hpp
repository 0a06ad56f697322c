// The impact report: what a migration cost the application, step by step, joined from
// the load generator's windows and the runner's step outcomes on one time axis.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "lockwise/load/generator.hpp"
#include "lockwise/run/runner.hpp"

namespace lockwise::impact {

// One migration step with the application's experience while it ran.
struct StepImpact {
    std::string version;
    std::string description;
    int step = 0;
    int steps_total = 0;
    std::string kind;
    std::string summary;
    std::string lock;
    std::int64_t duration_ms = 0;
    std::int64_t lock_waited_ms = 0;
    int attempts = 0;
    long long rows = 0;
    std::string outcome;
    std::vector<std::string> blockers;
    std::int64_t from_us = 0; // since the load started
    std::int64_t to_us = 0;
    // Worst and p99 latency of application transactions scheduled in windows overlapping the step.
    std::uint64_t app_max_us = 0;
    std::uint64_t app_p99_us = 0;
    double rows_per_second = 0; // backfill steps: rows / duration
};

// Application figures for one phase (baseline, migration, tail).
struct PhaseFigures {
    std::string name;
    std::int64_t from_us = 0;
    std::int64_t to_us = 0;
    std::uint64_t p50_us = 0;
    std::uint64_t p99_us = 0;
    std::uint64_t p999_us = 0;
    std::uint64_t max_us = 0;
    std::uint64_t committed = 0;
    std::uint64_t failed = 0;
    std::map<std::string, std::uint64_t> errors; // SQLSTATE -> failed transactions
    double throughput = 0;                       // completed transactions per second
};

// One point of the latency-over-time chart (a load window).
struct WindowPoint {
    std::int64_t at_us = 0;
    std::uint64_t p50_us = 0;
    std::uint64_t p99_us = 0;
    std::uint64_t max_us = 0;
    std::uint64_t committed = 0;
    std::uint64_t failed = 0;
};

struct ImpactReport {
    std::string title;                      // e.g. "lockwise rehearse: 1 migration(s)"
    std::int64_t window_us = 0;
    double target_rate = 0;
    int clients = 0;
    std::int64_t elapsed_us = 0;            // whole load run
    std::vector<PhaseFigures> phases;       // in time order; "baseline" and "migration" when present
    std::vector<StepImpact> steps;
    std::vector<WindowPoint> windows;
    std::int64_t migration_ms = 0;          // runner's elapsed time
    int migrations_applied = 0;
    std::string migration_error;            // the runner's error, "" when it finished
    std::uint64_t failed_total = 0;
    std::map<std::string, std::uint64_t> errors_total;

    // The phase named `name`, nullptr when there is none.
    const PhaseFigures* phase(const std::string& name) const;
};

// Joins a load snapshot (marked "baseline", "migration", optionally "tail") with the runner's steps.
// `load_started_wall` is the wall-clock time of the load's start (step times are wall-clock).
ImpactReport build_report(const load::LoadSnapshot& snapshot, const run::RunSummary& summary,
                          std::chrono::system_clock::time_point load_started_wall);

// CI gates: a limit per figure, unset = not checked.
struct Gates {
    std::optional<double> max_p99_ms;     // application p99 during the migration phase
    std::optional<double> max_stall_ms;   // application max latency during the migration phase
    std::optional<std::uint64_t> max_failures; // failed application transactions from the migration mark on
};

struct GateResult {
    std::string gate;    // the flag, e.g. "--max-p99-ms"
    double limit = 0;
    double measured = 0;
    bool passed = true;
    std::string message; // "--max-p99-ms 50: measured 72.3 ms, exceeded by 22.3 ms"
};

// Checks every set gate against the report; one result per set gate, in flag order.
std::vector<GateResult> check_gates(const ImpactReport& report, const Gates& gates);

// The report as aligned text tables (stdout of demo/rehearse).
std::string render_text(const ImpactReport& report, const std::vector<GateResult>& gates = {});
// The same data as JSON (fields documented in docs/rehearse.md).
nlohmann::json to_json(const ImpactReport& report, const std::vector<GateResult>& gates = {});
// A self-contained HTML page: inline CSS and SVG chart, no script, no external URL.
std::string render_html(const ImpactReport& report, const std::vector<GateResult>& gates = {});

// "12.3 ms" / "1.24 s" / "850 µs" for a latency in microseconds.
std::string format_us(std::uint64_t micros);

} // namespace lockwise::impact
