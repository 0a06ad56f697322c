// Runner options from the effective configuration, shared by `migrate` and `rehearse` so a
// setting (or a new one) reaches every path that runs migrations.
#include "lockwise/cli/runner_setup.hpp"

#include <atomic>
#include <csignal>

namespace lockwise::cli {
namespace {

std::atomic<bool> g_stop_requested{false};

void request_stop(int /*signal*/) { g_stop_requested.store(true); }

void install_stop_handlers()
{
    struct sigaction action {};
    action.sa_handler = request_stop;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

} // namespace

void apply_runner_flags(Config& config, const std::string& lock_wait, const std::string& terminate_blockers)
{
    if (!lock_wait.empty()) {
        config.set_from_flag("runner.lock_wait", lock_wait, "--lock-wait");
    }
    if (!terminate_blockers.empty()) {
        config.set_from_flag("runner.terminate_blockers", terminate_blockers, "--terminate-blockers");
    }
}

run::RunnerOptions prepare_runner(Context& context, std::optional<catalog::Version> target)
{
    const auto& config = context.config();
    run::RunnerOptions runner;
    runner.history = context.history_location();
    runner.target = std::move(target);
    runner.lock_wait = config.duration("runner.lock_wait");
    runner.terminate_blockers = config.get("runner.terminate_blockers");
    runner.terminate_superusers = config.boolean("runner.terminate_superusers");
    runner.terminate_other_databases = config.boolean("runner.terminate_other_databases");
    runner.out_of_order = config.boolean("runner.out_of_order");
    runner.ignore_missing = config.boolean("runner.ignore_missing");
    runner.stop_requested = &g_stop_requested;
    install_stop_handlers();
    return runner;
}

} // namespace lockwise::cli
