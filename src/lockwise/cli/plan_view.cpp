// Plan rendering: one block per migration, one line per step, one line per statement
// with its locks, transactional-ness and the table work it does.
#include "lockwise/cli/plan_view.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace lockwise::cli {
namespace {

std::string locks_text(const sql::Statement& statement)
{
    std::string out;
    for (const auto& lock : statement.locks) {
        if (!out.empty()) {
            out += ", ";
        }
        out += fmt::format("{} {}{}{}", sql::lock_mode_name(lock.mode), lock.name, lock.created_by_statement ? " (new)" : "",
                           lock.reason.empty() ? "" : " (" + lock.reason + ")");
    }
    return out.empty() ? "no table locks" : out;
}

std::string policy_text(const plan::Step& step)
{
    const auto& policy = step.policy;
    std::string text = fmt::format("lock_timeout {}", plan::format_millis(policy.lock_timeout));
    if (policy.lock_timeout_max > policy.lock_timeout) {
        text += fmt::format(" growing to {}", plan::format_millis(policy.lock_timeout_max));
    }
    text += fmt::format(", statement_timeout {}, retries for {}", plan::format_millis(policy.statement_timeout),
                        plan::format_millis(policy.retry_budget));
    if (policy.best_effort) {
        text += ", best-effort";
    }
    return text;
}

std::string blocks_text(sql::LockMode mode)
{
    if (sql::lock_blocks_reads(mode)) {
        return "blocks reads and writes";
    }
    if (sql::lock_blocks_writes(mode)) {
        return "blocks writes";
    }
    return "blocks no reads or writes";
}

// The findings about `statement` (their span starts inside it).
std::vector<const lint::Finding*> findings_of(const lint::MigrationLint* lint, const sql::Statement& statement)
{
    std::vector<const lint::Finding*> out;
    if (lint == nullptr) {
        return out;
    }
    for (const auto& finding : lint->findings) {
        if (finding.span.offset >= statement.span.offset && finding.span.offset < statement.span.offset + statement.span.length + 1) {
            out.push_back(&finding);
        }
    }
    return out;
}

const lint::MigrationLint* lint_at(const std::vector<const lint::MigrationLint*>& lints, std::size_t index)
{
    return index < lints.size() ? lints[index] : nullptr;
}

} // namespace

std::string render_plan_text(const std::vector<const plan::MigrationPlan*>& plans, const std::vector<const lint::MigrationLint*>& lints)
{
    if (plans.empty()) {
        return "nothing to do: every migration is applied\n";
    }
    std::string out;
    for (std::size_t plan_index = 0; plan_index < plans.size(); ++plan_index) {
        const auto* migration_plan = plans[plan_index];
        const auto* lint = lint_at(lints, plan_index);
        const auto& migration = *migration_plan->migration;
        out += fmt::format("{} {}  ({}, {} step{}{})\n", migration.version.text, migration.description, migration.display_path,
                           migration_plan->steps.size(), migration_plan->steps.size() == 1 ? "" : "s",
                           migration.run_in_transaction ? "" : ", no-transaction");
        for (const auto& step : migration_plan->steps) {
            out += fmt::format("  step {}  {:<10} {:<16} {}\n", step.index + 1, plan::step_kind_name(step.kind),
                               plan::policy_class_name(step.policy_class), policy_text(step));
            for (const auto& statement : step.statements) {
                auto strongest = sql::LockMode::none;
                for (const auto& lock : statement.locks) {
                    if (!lock.created_by_statement) {
                        strongest = std::max(strongest, lock.mode);
                    }
                }
                out += fmt::format("    {:<7} {:<28} {}; {}; {}; {}\n", fmt::format("{}:{}", statement.span.line, statement.span.column),
                                   statement.kind + (statement.concurrently ? " CONCURRENTLY" : ""), locks_text(statement),
                                   blocks_text(strongest),
                                   sql::table_work_name(statement.work),
                                   step.kind == plan::StepKind::backfill ? "in batches of short transactions"
                                   : step.kind == plan::StepKind::autocommit ? "autocommit" : "in transaction");
                for (const auto* finding : findings_of(lint, statement)) {
                    out += fmt::format("            {} [{}]{}: {}\n", lint::severity_name(finding->severity), finding->rule_id,
                                       finding->suppressed ? " (allowed: " + finding->suppression_reason + ")" : "",
                                       finding->message);
                }
            }
        }
    }
    return out;
}

nlohmann::json plan_to_json(const std::vector<const plan::MigrationPlan*>& plans, const std::vector<const lint::MigrationLint*>& lints)
{
    nlohmann::json out = nlohmann::json::array();
    for (std::size_t plan_index = 0; plan_index < plans.size(); ++plan_index) {
        const auto* migration_plan = plans[plan_index];
        const auto* lint = lint_at(lints, plan_index);
        const auto& migration = *migration_plan->migration;
        nlohmann::json steps = nlohmann::json::array();
        for (const auto& step : migration_plan->steps) {
            nlohmann::json statements = nlohmann::json::array();
            for (const auto& statement : step.statements) {
                nlohmann::json locks = nlohmann::json::array();
                for (const auto& lock : statement.locks) {
                    locks.push_back({{"schema", lock.schema}, {"relation", lock.name}, {"mode", sql::lock_mode_name(lock.mode)},
                                     {"new", lock.created_by_statement}, {"reason", lock.reason}});
                }
                nlohmann::json findings = nlohmann::json::array();
                for (const auto* finding : findings_of(lint, statement)) {
                    findings.push_back({{"rule", finding->rule_id}, {"severity", lint::severity_name(finding->severity)},
                                        {"message", finding->message}, {"suppressed", finding->suppressed}});
                }
                statements.push_back({{"findings", findings}, {"line", statement.span.line}, {"column", statement.span.column},
                                      {"kind", statement.kind}, {"concurrently", statement.concurrently},
                                      {"transactional", statement.transactional}, {"locks", locks},
                                      {"work", sql::table_work_name(statement.work)}, {"sql", statement.text}});
            }
            const auto& policy = step.policy;
            steps.push_back({{"index", step.index + 1}, {"kind", plan::step_kind_name(step.kind)},
                             {"policy_class", plan::policy_class_name(step.policy_class)},
                             {"strongest_lock", sql::lock_mode_name(step.strongest_lock)},
                             {"policy", {{"lock_timeout_ms", policy.lock_timeout.count()},
                                         {"lock_timeout_max_ms", policy.lock_timeout_max.count()},
                                         {"statement_timeout_ms", policy.statement_timeout.count()},
                                         {"idle_in_transaction_timeout_ms", policy.idle_in_transaction_timeout.count()},
                                         {"retry_budget_ms", policy.retry_budget.count()},
                                         {"max_queued_sessions", policy.max_queued_sessions},
                                         {"best_effort", policy.best_effort}}},
                             {"statements", statements}});
        }
        out.push_back({{"version", migration.version.text}, {"description", migration.description},
                       {"file", migration.display_path}, {"checksum", migration.checksum},
                       {"run_in_transaction", migration.run_in_transaction}, {"steps", steps}});
    }
    return out;
}

} // namespace lockwise::cli
