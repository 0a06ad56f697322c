// Reverting applied migrations: the down SQL is planned like any migration, so
// it gets the same steps, policies, retries and lock watch.
#include "lockwise/run/revert.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "lockwise/catalog/directive.hpp"
#include "lockwise/core/error.hpp"
#include "lockwise/history/versions.hpp"
#include "lockwise/locks/session_name.hpp"
#include "lockwise/plan/plan.hpp"
#include "lockwise/run/step_executor.hpp"

namespace lockwise::run {

RevertResult revert(const catalog::Catalog& catalog, int count, const RunnerOptions& given_options,
                    const plan::PolicySet& policies, report::Logger& log)
{
    const auto options = with_run_id(given_options);
    auto lock_connection = pg::Connection::connect(options.conninfo, locks::session_name(options.run_id, locks::k_role_lock));
    auto runner_lock = take_runner_lock(lock_connection, options, log);
    StepExecutor executor(options, log);
    end_orphans_of_earlier_runs(executor.connection(), options, log);
    history::HistoryStore store(executor.connection(), options.history);
    RevertResult result;
    if (!store.exists()) {
        return result;
    }
    auto applied = store.load();
    // Repeatable migrations are not reverted (as with Flyway's undo): they have no down part.
    std::erase_if(applied, [](const history::AppliedMigration& row) {
        return row.status != history::MigrationStatus::succeeded || history::is_repeatable_key(row.version);
    });
    std::reverse(applied.begin(), applied.end());
    if (static_cast<int>(applied.size()) > count) {
        applied.resize(static_cast<std::size_t>(count));
    }
    // Check every down migration before reverting any, so bad input changes nothing.
    std::vector<catalog::Migration> downs;
    std::vector<plan::MigrationPlan> plans;
    for (const auto& row : applied) {
        const auto it = std::find_if(catalog.migrations.begin(), catalog.migrations.end(), [&](const catalog::Migration& migration) {
            return history::canonical_version(migration.version) == row.version;
        });
        if (it == catalog.migrations.end() || !it->has_down || it->down_text.empty()) {
            throw core::Error(core::ExitCode::usage, fmt::format("migration {} has no down migration", row.version),
                              "Write its down SQL (U<version>__*.sql, .down.sql, a down section) or revert fewer migrations.");
        }
        catalog::Migration down = *it;
        down.text = it->down_text;
        down.up_begin = 0;
        down.up_end = down.text.size();
        down.display_path = it->down_path ? it->down_path->string() : it->display_path + " (down)";
        auto scan = catalog::parse_directives(down.text, 0, down.text.size(), down.display_path);
        down.directives = std::move(scan.directives);
        std::string errors;
        for (const auto& error : scan.errors) {
            errors += catalog::render(error);
        }
        if (!errors.empty()) {
            throw core::Error(core::ExitCode::usage, "invalid down migration:\n" + errors, "Fix the down SQL; nothing was reverted.");
        }
        downs.push_back(std::move(down));
    }
    for (const auto& down : downs) {
        plans.push_back(plan::plan_migration(down, policies));
        std::string errors;
        for (const auto& error : plans.back().errors) {
            errors += catalog::render(error);
        }
        if (!errors.empty()) {
            throw core::Error(core::ExitCode::usage, "invalid down migration:\n" + errors, "Fix the down SQL; nothing was reverted.");
        }
    }
    for (std::size_t i = 0; i < downs.size(); ++i) {
        const auto& down = downs[i];
        const auto& down_plan = plans[i];
        plans[i].migration = &down;
        log.event(report::Level::info, "revert_started", fmt::format("reverting {} {}", down.version.text, down.description));
        const int total = static_cast<int>(down_plan.steps.size());
        for (const auto& step : down_plan.steps) {
            try {
                executor.run_step(down, step, total, nullptr);
            } catch (const StepFailure& failure) {
                throw core::Error(failure.code(), fmt::format("reverting {} failed: {}", down.version.text, failure.what()),
                                  "The migration stays recorded as applied; fix the cause and run `lockwise down` again.");
            }
        }
        store.delete_entry(history::canonical_version(down.version));
        result.reverted.push_back(down.version.text);
        log.event(report::Level::info, "reverted", fmt::format("reverted {} {}", down.version.text, down.description));
    }
    runner_lock.release();
    return result;
}

} // namespace lockwise::run
