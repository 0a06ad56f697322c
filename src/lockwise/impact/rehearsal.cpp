// Runs a migration beside the application load and joins the two timelines; the
// load's clock is steady, the runner's step times are wall-clock, so both are captured together.
#include "lockwise/impact/rehearsal.hpp"

#include <fmt/format.h>

#include <condition_variable>
#include <mutex>
#include <system_error>

#include "lockwise/core/error.hpp"
#include "lockwise/core/process.hpp"
#include "lockwise/pg/connection.hpp"
#include "lockwise/pg/sql_error.hpp"

namespace lockwise::impact {
namespace {

// Sleeps `duration` in short slices, returning early when a stop was requested.
void sleep_unless_stopped(std::chrono::milliseconds duration, const std::atomic<bool>* stop)
{
    const auto until = std::chrono::steady_clock::now() + duration;
    while (std::chrono::steady_clock::now() < until) {
        if (stop != nullptr && stop->load()) {
            return;
        }
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            std::chrono::milliseconds(50), until - std::chrono::steady_clock::now()));
    }
}

// Runs the external migration command as one step; a non-zero exit is migration_failed.
void run_external(const std::string& command, const std::string& conninfo, RehearsalResult& result, report::Logger& log)
{
    run::StepOutcome step;
    step.version = "exec";
    step.description = "external command";
    step.step = 1;
    step.steps_total = 1;
    step.kind = "external";
    step.summary = command;
    step.attempts = 1;
    log.info(fmt::format("running the migration command: {}", command));
    core::ProcessOptions process;
    process.env.emplace_back("DATABASE_URL", conninfo);
    step.started = std::chrono::system_clock::now();
    const auto done = core::run_process({"/bin/sh", "-c", command}, process);
    step.finished = std::chrono::system_clock::now();
    step.duration = std::chrono::duration_cast<plan::Millis>(step.finished - step.started);
    step.outcome = done.exit_code == 0 ? "applied" : "failed";
    result.summary.elapsed = step.duration;
    result.summary.applied = done.exit_code == 0 ? 1 : 0;
    result.summary.steps.push_back(step);
    if (!done.output.empty()) {
        log.info(fmt::format("migration command output:\n{}", done.output));
    }
    if (done.exit_code != 0) {
        result.error_code = core::ExitCode::migration_failed;
        result.report.migration_error = fmt::format("the migration command exited with {}", done.exit_code);
    }
}

} // namespace

RehearsalResult rehearse(const catalog::Catalog& catalog, const std::vector<plan::MigrationPlan>& plans,
                         load::Workload workload, const RehearsalOptions& options, report::Logger& log)
{
    load::LoadGenerator generator(std::move(workload), options.load);
    generator.start();
    // The snapshot's started_at is steady; map it to wall-clock through one pair of readings.
    const auto wall_now = std::chrono::system_clock::now();
    const auto steady_now = std::chrono::steady_clock::now();
    log.event(report::Level::info, "rehearse_baseline",
              fmt::format("application load running: {} clients, {:.0f} transactions/s; measuring a {:.1f} s baseline",
                          options.load.clients, options.load.rate, static_cast<double>(options.baseline.count()) / 1000.0));
    sleep_unless_stopped(options.baseline, options.runner.stop_requested);

    RehearsalResult result;
    if (options.before_migration) {
        options.before_migration();
    }
    generator.mark_phase("migration");
    try {
        if (options.exec_command) {
            run_external(*options.exec_command, options.runner.conninfo, result, log);
        } else {
            run::migrate(catalog, plans, options.runner, log, &result.summary);
        }
    } catch (const core::Error& error) {
        result.error_code = error.code();
        result.error_hint = error.hint();
        result.report.migration_error = error.what();
    }
    generator.mark_phase("tail");
    sleep_unless_stopped(options.tail, options.runner.stop_requested);
    generator.stop();
    const auto snapshot = generator.snapshot();
    const auto load_started_wall =
        wall_now - std::chrono::duration_cast<std::chrono::system_clock::duration>(steady_now - snapshot.started_at);
    const auto error_text = result.report.migration_error;
    result.report = build_report(snapshot, result.summary, load_started_wall);
    result.report.migration_error = error_text;
    result.report.clients = options.load.clients;
    return result;
}

struct IdleBlocker::State {
    std::mutex mutex;
    std::condition_variable wake;
    bool stop = false;
    std::string outcome = "running";
};

IdleBlocker::IdleBlocker(const std::string& conninfo, const std::string& select_sql, std::chrono::milliseconds hold)
    : m_state(std::make_shared<State>())
{
    auto connection = pg::Connection::connect(conninfo, "lockwise-demo-blocker");
    connection.exec("BEGIN");
    connection.exec(select_sql);
    m_pid = connection.backend_pid();
    m_thread = std::thread([state = m_state, hold, conn = std::move(connection)]() mutable {
        const auto began = std::chrono::steady_clock::now();
        {
            std::unique_lock lock(state->mutex);
            state->wake.wait_for(lock, hold, [&] { return state->stop; });
        }
        const double held = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
        std::string outcome;
        try {
            conn.exec("COMMIT");
            outcome = fmt::format("committed after {:.1f} s idle in transaction", held);
        } catch (const std::exception&) {
            // The runner's --terminate-blockers (or the server) ended the session first.
            outcome = fmt::format("was terminated while idle in transaction (noticed after {:.1f} s)", held);
        }
        std::lock_guard lock(state->mutex);
        state->outcome = outcome;
    });
}

IdleBlocker::~IdleBlocker() { stop(); }

void IdleBlocker::stop()
{
    {
        std::lock_guard lock(m_state->mutex);
        m_state->stop = true;
    }
    m_state->wake.notify_all();
    if (m_thread.joinable()) {
        m_thread.join();
    }
}

std::string IdleBlocker::outcome() const
{
    std::lock_guard lock(m_state->mutex);
    return m_state->outcome;
}

std::vector<std::filesystem::path> examples_candidates(const std::optional<std::filesystem::path>& explicit_dir)
{
    if (explicit_dir) {
        return {*explicit_dir};
    }
    std::vector<std::filesystem::path> candidates;
    std::error_code error;
    const auto cwd = std::filesystem::current_path(error);
    if (!error) {
        candidates.push_back(cwd / "examples");
    }
    // /proc/self/exe resolves symlinks, so /usr/local/bin/lockwise -> /opt/lockwise/bin/lockwise finds /opt's share/.
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
    if (!error) {
        candidates.push_back((exe.parent_path().parent_path() / "share" / "lockwise" / "examples").lexically_normal());
    }
    candidates.emplace_back(LOCKWISE_SOURCE_EXAMPLES);
    return candidates;
}

std::optional<std::filesystem::path> find_examples(const std::optional<std::filesystem::path>& explicit_dir)
{
    for (const auto& dir : examples_candidates(explicit_dir)) {
        std::error_code ignored;
        if (std::filesystem::is_directory(dir / "migrations", ignored) && std::filesystem::is_regular_file(dir / "workload.sql", ignored)) {
            return dir;
        }
    }
    return std::nullopt;
}

} // namespace lockwise::impact
