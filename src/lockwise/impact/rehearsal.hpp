// A rehearsal: the application load runs, a baseline is measured, the real runner
// applies the pending migrations while the load keeps running, and the report joins both.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "lockwise/impact/report.hpp"
#include "lockwise/load/generator.hpp"
#include "lockwise/load/workload.hpp"
#include "lockwise/report/logger.hpp"
#include "lockwise/run/runner.hpp"

namespace lockwise::impact {

struct RehearsalOptions {
    load::LoadOptions load;                         // conninfo, clients, rate, window
    std::chrono::milliseconds baseline{5000};       // load alone before the migration
    std::chrono::milliseconds tail{1000};           // load after the migration finished
    run::RunnerOptions runner;                      // stop_requested also cuts the baseline and tail short
    std::function<void()> before_migration;         // called right before the runner starts (e.g. a blocker)
    // When set, this shell command is the migration instead of lockwise's runner (to measure
    // another tool or a hand-written script the same way); DATABASE_URL is set for it.
    std::optional<std::string> exec_command;
};

struct RehearsalResult {
    ImpactReport report;
    run::RunSummary summary;
    std::optional<core::ExitCode> error_code; // the runner's error, if it threw one
    std::string error_hint;
};

// Runs the load, measures `baseline`, marks "migration", runs run::migrate, marks "tail",
// measures `tail`, stops the load. The runner's core::Error is captured in the result (the
// report still shows what ran); load start failures throw.
RehearsalResult rehearse(const catalog::Catalog& catalog, const std::vector<plan::MigrationPlan>& plans,
                         load::Workload workload, const RehearsalOptions& options, report::Logger& log);

// A session that reads from a table inside a transaction and then sits "idle in transaction",
// holding ACCESS SHARE on it: the blocker of the seed guide's troubleshooting section.
class IdleBlocker {
public:
    // Connects, runs BEGIN and `select_sql`, and keeps the transaction open for `hold`
    // (or until stop()/destruction, or until the server terminates the session).
    IdleBlocker(const std::string& conninfo, const std::string& select_sql, std::chrono::milliseconds hold);
    IdleBlocker(const IdleBlocker&) = delete;
    IdleBlocker& operator=(const IdleBlocker&) = delete;
    ~IdleBlocker();

    int backend_pid() const noexcept { return m_pid; }
    // Ends the transaction (if the session still exists) and joins the thread.
    void stop();
    // What became of it: "committed after 8.0 s" or "terminated by the server after 5.2 s".
    std::string outcome() const;

private:
    struct State;
    std::shared_ptr<State> m_state;
    std::thread m_thread;
    int m_pid = 0;
};

// Where the examples/ directory of the seed scenario may be, in the order tried: `explicit_dir` alone
// when given; else ./examples, <bindir>/../share/lockwise/examples (an installed binary), and the
// examples/ of the source tree the binary was built from.
std::vector<std::filesystem::path> examples_candidates(const std::optional<std::filesystem::path>& explicit_dir);
// The first of examples_candidates() that holds migrations/ and workload.sql; nullopt when none does.
std::optional<std::filesystem::path> find_examples(const std::optional<std::filesystem::path>& explicit_dir);

} // namespace lockwise::impact
