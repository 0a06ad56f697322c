// The fleet runner: a pool of workers, each running the complete single-database runner on
// one target at a time. Targets share nothing but the log stream, so a target's history makes
// a rerun resume the fleet where it stopped.
#include "lockwise/fleet/fleet.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <mutex>
#include <thread>

#include "lockwise/core/error.hpp"
#include "lockwise/fleet/target_stream.hpp"
#include "lockwise/history/status.hpp"
#include "lockwise/pg/conninfo.hpp"
#include "lockwise/pg/sql_error.hpp"

namespace lockwise::fleet {
namespace {

using Clock = std::chrono::steady_clock;

plan::Millis since(Clock::time_point started)
{
    return std::chrono::duration_cast<plan::Millis>(Clock::now() - started);
}

// Parallel loggers can't draw live bars side by side: a pretty parent makes plain children.
report::LoggerOptions child_options(const report::Logger& parent)
{
    report::LoggerOptions options;
    options.format = parent.format() == report::LogFormat::json ? report::LogFormat::json : report::LogFormat::plain;
    options.min_level = report::Level::error;
    for (auto level : {report::Level::debug, report::Level::info, report::Level::warn}) {
        if (parent.enabled(level)) {
            options.min_level = level;
            break;
        }
    }
    return options;
}

// Runs `work(index)` for each index in `indexes`, `parallel` at a time, until `stop()` says so.
template <typename Work, typename Stop>
void run_pool(const std::vector<std::size_t>& indexes, int parallel, Work work, Stop stop)
{
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        while (!stop()) {
            const auto position = next.fetch_add(1);
            if (position >= indexes.size()) {
                return;
            }
            work(indexes[position]);
        }
    };
    const auto count = std::min<std::size_t>(static_cast<std::size_t>(std::max(parallel, 1)), indexes.size());
    std::vector<std::thread> threads;
    for (std::size_t index = 1; index < count; ++index) {
        threads.emplace_back(worker);
    }
    if (count > 0) {
        worker();
    }
    for (auto& thread : threads) {
        thread.join();
    }
}

} // namespace

const char* to_string(TargetOutcome outcome) noexcept
{
    switch (outcome) {
    case TargetOutcome::applied: return "applied";
    case TargetOutcome::up_to_date: return "up to date";
    case TargetOutcome::failed: return "failed";
    case TargetOutcome::skipped: return "skipped";
    }
    return "?";
}

FleetResult migrate_fleet(const catalog::Catalog& catalog, const std::vector<plan::MigrationPlan>& plans,
                          const std::vector<Target>& targets, const FleetOptions& options, report::Logger& log)
{
    if (options.parallel < 1) {
        throw core::Error(core::ExitCode::usage, fmt::format("--parallel must be at least 1, not {}", options.parallel));
    }
    if (options.canary < 0) {
        throw core::Error(core::ExitCode::usage, fmt::format("--canary must not be negative, not {}", options.canary));
    }
    const auto started = Clock::now();
    FleetResult result;
    result.targets.resize(targets.size());
    for (std::size_t index = 0; index < targets.size(); ++index) {
        result.targets[index].name = targets[index].name;
        result.targets[index].redacted = pg::redact_conninfo(targets[index].conninfo);
    }
    std::mutex stream_mutex;
    std::atomic<bool> failure_seen{false};
    std::atomic<int> finished{0};
    const auto child = child_options(log);
    const auto total = targets.size();

    auto migrate_one = [&](std::size_t index) {
        const auto& target = targets[index];
        auto& outcome = result.targets[index];
        TargetStream stream(target.name, std::cerr, stream_mutex);
        report::Logger target_log(child, stream);
        const std::string conninfo = target.conninfo;
        target_log.set_redactor([conninfo](std::string_view text) { return pg::scrub_secrets(std::string(text), conninfo); });
        auto runner = options.runner;
        runner.conninfo = target.conninfo;
        const auto target_started = Clock::now();
        run::RunSummary summary;
        try {
            run::migrate(catalog, plans, runner, target_log, &summary);
            outcome.outcome = summary.applied > 0 ? TargetOutcome::applied : TargetOutcome::up_to_date;
        } catch (const pg::SqlError& error) {
            // An unreachable target is what a single-database migrate reports as exit 7.
            outcome.outcome = TargetOutcome::failed;
            outcome.exit_code = static_cast<int>(error.connection_lost() ? core::ExitCode::connection_failed : error.code());
            outcome.error = target_log.redact(error.what());
        } catch (const core::Error& error) {
            outcome.outcome = TargetOutcome::failed;
            outcome.exit_code = static_cast<int>(error.code());
            outcome.error = target_log.redact(error.what());
        } catch (const std::exception& error) {
            outcome.outcome = TargetOutcome::failed;
            outcome.exit_code = static_cast<int>(core::ExitCode::internal);
            outcome.error = target_log.redact(error.what());
        }
        outcome.applied = summary.applied;
        outcome.up_to_date = summary.up_to_date;
        outcome.elapsed = since(target_started);
        const int done = ++finished;
        if (outcome.outcome == TargetOutcome::failed) {
            failure_seen.store(true);
            log.event(report::Level::error, "target_failed",
                      fmt::format("[{}/{}] {} failed (exit {}): {}", done, total, target.name, outcome.exit_code, outcome.error),
                      {{"target", target.name}, {"exit_code", outcome.exit_code}});
        } else {
            log.event(report::Level::info, "target_finished",
                      fmt::format("[{}/{}] {} {}: {} migration(s) applied in {}", done, total, target.name,
                                  to_string(outcome.outcome), outcome.applied, plan::format_millis(outcome.elapsed)),
                      {{"target", target.name}, {"applied", outcome.applied}});
        }
    };
    auto stop_requested = [&] { return options.runner.stop_requested != nullptr && options.runner.stop_requested->load(); };

    std::vector<std::size_t> canaries;
    std::vector<std::size_t> rest;
    for (std::size_t index = 0; index < targets.size(); ++index) {
        (static_cast<int>(index) < options.canary ? canaries : rest).push_back(index);
    }
    if (!canaries.empty()) {
        log.event(report::Level::info, "canary_started",
                  fmt::format("migrating {} canary target(s) first", canaries.size()), {{"canaries", canaries.size()}});
        for (auto index : canaries) {
            result.targets[index].canary = true;
        }
        run_pool(canaries, options.parallel, migrate_one, stop_requested);
        result.canary_failed = failure_seen.load();
    }
    const bool go_on = !result.canary_failed && !stop_requested();
    if (go_on && !rest.empty()) {
        log.event(report::Level::info, "fleet_started",
                  fmt::format("migrating {} target(s), {} at a time", rest.size(), std::min<std::size_t>(rest.size(), static_cast<std::size_t>(options.parallel))),
                  {{"targets", rest.size()}, {"parallel", options.parallel}});
        run_pool(rest, options.parallel, migrate_one, [&] {
            return stop_requested() || (options.on_failure == OnFailure::stop && failure_seen.load());
        });
    }
    for (auto& outcome : result.targets) {
        if (outcome.outcome != TargetOutcome::skipped || !outcome.error.empty()) {
            continue;
        }
        outcome.error = result.canary_failed ? "not started: a canary failed"
                        : stop_requested()   ? "not started: interrupted"
                                             : "not started: an earlier target failed (--on-failure stop)";
    }
    result.elapsed = since(started);
    return result;
}

int exit_code(const FleetResult& result)
{
    for (const auto& target : result.targets) {
        if (target.outcome == TargetOutcome::failed) {
            return target.exit_code;
        }
    }
    const bool skipped = std::any_of(result.targets.begin(), result.targets.end(),
                                     [](const TargetResult& target) { return target.outcome == TargetOutcome::skipped; });
    return skipped ? static_cast<int>(core::ExitCode::interrupted) : 0;
}

std::string render_summary(const FleetResult& result)
{
    int counts[4] = {0, 0, 0, 0};
    std::size_t name_width = 6;
    std::size_t target_width = 8;
    for (const auto& target : result.targets) {
        ++counts[static_cast<int>(target.outcome)];
        name_width = std::max(name_width, target.name.size());
        target_width = std::min<std::size_t>(std::max(target_width, target.redacted.size()), 60);
    }
    std::string out = fmt::format("\nfleet: {} target(s): {} applied, {} already up to date, {} failed, {} skipped in {}\n",
                                  result.targets.size(), counts[0], counts[1], counts[2], counts[3],
                                  plan::format_millis(result.elapsed));
    out += fmt::format("  {:<{}}  {:<{}}  {:<10} {:>7} {:>10} {:>9}  {}\n", "target", name_width, "database", target_width,
                       "outcome", "applied", "up to date", "time", "error");
    for (const auto& target : result.targets) {
        const auto shown = target.redacted.size() > target_width ? target.redacted.substr(0, target_width - 3) + "..." : target.redacted;
        out += fmt::format("  {:<{}}  {:<{}}  {:<10} {:>7} {:>10} {:>9}  {}\n", target.name + (target.canary ? "*" : ""),
                           name_width, shown, target_width, to_string(target.outcome), target.applied, target.up_to_date,
                           target.outcome == TargetOutcome::skipped ? "-" : plan::format_millis(target.elapsed), target.error);
    }
    if (std::any_of(result.targets.begin(), result.targets.end(), [](const TargetResult& target) { return target.canary; })) {
        out += "  (* canary)\n";
    }
    return out;
}

nlohmann::json to_json(const FleetResult& result)
{
    nlohmann::json targets = nlohmann::json::array();
    for (const auto& target : result.targets) {
        targets.push_back({{"name", target.name}, {"database", target.redacted}, {"outcome", to_string(target.outcome)},
                           {"applied", target.applied}, {"up_to_date", target.up_to_date}, {"exit_code", target.exit_code},
                           {"error", target.error}, {"elapsed_ms", target.elapsed.count()}, {"canary", target.canary}});
    }
    return {{"targets", targets}, {"canary_failed", result.canary_failed}, {"elapsed_ms", result.elapsed.count()},
            {"exit_code", exit_code(result)}};
}

std::vector<TargetStatus> fleet_status(const catalog::Catalog& catalog, const std::vector<Target>& targets,
                                       const history::HistoryLocation& location, int parallel)
{
    std::vector<TargetStatus> rows(targets.size());
    std::vector<std::size_t> indexes(targets.size());
    for (std::size_t index = 0; index < targets.size(); ++index) {
        indexes[index] = index;
    }
    run_pool(indexes, parallel, [&](std::size_t index) {
        auto& row = rows[index];
        row.name = targets[index].name;
        row.redacted = pg::redact_conninfo(targets[index].conninfo);
        try {
            auto connection = pg::Connection::connect(targets[index].conninfo, "lockwise fleet status");
            history::HistoryStore store(connection, location);
            const auto status = history::status(store.exists() ? store.load() : std::vector<history::AppliedMigration>{},
                                                catalog.migrations);
            for (const auto& entry : status) {
                switch (entry.state) {
                case history::State::pending:
                case history::State::changed: ++row.pending; break;
                case history::State::drifted: ++row.drifted; break;
                case history::State::failed:
                case history::State::running: ++row.failed; break;
                default: ++row.applied; break;
                }
            }
        } catch (const std::exception& error) {
            row.error = pg::scrub_secrets(error.what(), targets[index].conninfo);
        }
    }, [] { return false; });
    return rows;
}

std::string render_status(const std::vector<TargetStatus>& rows)
{
    std::size_t name_width = 6;
    for (const auto& row : rows) {
        name_width = std::max(name_width, row.name.size());
    }
    std::string out = fmt::format("{:<{}}  {:>7} {:>7} {:>6} {:>7}  {}\n", "target", name_width, "applied", "pending", "failed",
                                  "drifted", "database");
    int pending_targets = 0;
    for (const auto& row : rows) {
        if (!row.error.empty()) {
            out += fmt::format("{:<{}}  {:>7} {:>7} {:>6} {:>7}  {} (unreachable: {})\n", row.name, name_width, "-", "-", "-", "-",
                               row.redacted, row.error);
            continue;
        }
        pending_targets += row.pending > 0 ? 1 : 0;
        out += fmt::format("{:<{}}  {:>7} {:>7} {:>6} {:>7}  {}\n", row.name, name_width, row.applied, row.pending, row.failed,
                           row.drifted, row.redacted);
    }
    out += fmt::format("{} target(s), {} with pending migrations\n", rows.size(), pending_targets);
    return out;
}

nlohmann::json to_json(const std::vector<TargetStatus>& rows)
{
    nlohmann::json out = nlohmann::json::array();
    for (const auto& row : rows) {
        out.push_back({{"name", row.name}, {"database", row.redacted}, {"applied", row.applied}, {"pending", row.pending},
                       {"failed", row.failed}, {"drifted", row.drifted}, {"error", row.error}});
    }
    return out;
}

int status_exit_code(const std::vector<TargetStatus>& rows)
{
    if (std::any_of(rows.begin(), rows.end(), [](const TargetStatus& row) { return !row.error.empty(); })) {
        return static_cast<int>(core::ExitCode::connection_failed);
    }
    if (std::any_of(rows.begin(), rows.end(), [](const TargetStatus& row) { return row.drifted > 0; })) {
        return static_cast<int>(core::ExitCode::checksum_drift);
    }
    return 0;
}

} // namespace lockwise::fleet
