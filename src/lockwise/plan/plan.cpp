// The planner: groups statements into steps and attaches policies. It never
// touches the database: `lockwise plan` works without one.
#include "lockwise/plan/plan.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "lockwise/catalog/checksum.hpp"
#include "lockwise/catalog/duration.hpp"
#include "lockwise/core/source_location.hpp"

namespace lockwise::plan {
namespace {

bool blocks_application(sql::LockMode mode) { return sql::lock_blocks_writes(mode) || sql::lock_blocks_reads(mode); }

sql::LockMode strongest_lock_of(const std::vector<sql::Statement>& statements)
{
    auto strongest = sql::LockMode::none;
    for (const auto& statement : statements) {
        for (const auto& lock : statement.locks) {
            if (!lock.created_by_statement) {
                strongest = std::max(strongest, lock.mode);
            }
        }
    }
    return strongest;
}

PolicyClass class_of_group(sql::LockMode strongest) { return blocks_application(strongest) ? PolicyClass::ddl : PolicyClass::dml; }

PolicyClass class_of_autocommit(const sql::Statement& statement)
{
    const auto strongest = strongest_lock_of({statement});
    if (blocks_application(strongest)) {
        return PolicyClass::ddl;
    }
    return statement.transactional ? PolicyClass::dml : PolicyClass::concurrent_index;
}

catalog::Diagnostic diagnostic_at(const catalog::Migration& migration, std::size_t offset, std::string message,
                                  std::string hint)
{
    const auto position = core::line_column_at(migration.text, offset);
    catalog::Diagnostic diagnostic;
    diagnostic.file = migration.display_path;
    diagnostic.offset = offset;
    diagnostic.line = position.line;
    diagnostic.column = position.column;
    diagnostic.message = std::move(message);
    diagnostic.hint = std::move(hint);
    diagnostic.source_line = std::string(core::source_line(migration.text, position.line));
    return diagnostic;
}

// Applies a policy directive (lock-timeout, statement-timeout, best-effort, retries) to `policy`.
void apply_policy_directive(const catalog::Directive& directive, Policy& policy, const catalog::Migration& migration,
                            std::vector<catalog::Diagnostic>& errors)
{
    if (directive.name == "best-effort") {
        policy.best_effort = true;
    } else if (directive.name == "lock-timeout" || directive.name == "statement-timeout") {
        const auto value = directive.words.empty() ? std::string() : directive.words.front();
        const auto parsed = value == "off" ? std::optional<Millis>(Millis(0)) : catalog::parse_duration(value);
        if (!parsed || (directive.name == "lock-timeout" && parsed->count() == 0)) {
            errors.push_back(diagnostic_at(migration, directive.offset,
                                           fmt::format("invalid {} \"{}\"", directive.name, value),
                                           "Write a duration such as 250ms, 5s or 2min."));
            return;
        }
        if (directive.name == "lock-timeout") {
            policy.lock_timeout = *parsed;
            policy.lock_timeout_max = std::max(policy.lock_timeout_max, *parsed);
        } else {
            policy.statement_timeout = *parsed;
        }
    } else if (directive.name == "retries") {
        const auto value = directive.words.empty() ? std::string() : directive.words.front();
        try {
            policy.max_attempts = std::stoi(value) + 1;
        } catch (...) {
            errors.push_back(diagnostic_at(migration, directive.offset, fmt::format("invalid retries \"{}\"", value),
                                           "Write a whole number of retries, e.g. -- lockwise:retries 5."));
        }
    }
}

bool is_policy_directive(const catalog::Directive& directive)
{
    return directive.name == "best-effort" || directive.name == "lock-timeout" ||
           directive.name == "statement-timeout" || directive.name == "retries";
}

} // namespace

std::string_view step_kind_name(StepKind kind) noexcept
{
    switch (kind) {
    case StepKind::transactional_group: return "group";
    case StepKind::autocommit: return "autocommit";
    case StepKind::backfill: return "backfill";
    }
    return "group";
}

std::string step_text_checksum(const Step& step)
{
    // Each statement's text with its length, so moving text between statements changes the sum.
    std::string text;
    for (const auto& statement : step.statements) {
        text += std::to_string(statement.text.size()) + ":" + statement.text + "\n";
    }
    return catalog::checksum_sql(text);
}

std::string Step::summary() const
{
    std::vector<std::string> parts;
    for (const auto& statement : statements) {
        std::string part = statement.kind;
        if (statement.concurrently) {
            part += " CONCURRENTLY";
        }
        if (statement.index && !statement.index->name.empty()) {
            part += " " + statement.index->name;
        }
        if (!statement.locks.empty()) {
            part += (statement.index ? " ON " : " ") + statement.locks.front().name;
        }
        if (parts.empty() || parts.back() != part) {
            parts.push_back(part);
        }
    }
    if (parts.size() > 3) {
        const auto more = parts.size() - 2;
        parts.resize(2);
        parts.push_back(fmt::format("... {} more", more));
    }
    return fmt::format("{}", fmt::join(parts, "; "));
}

MigrationPlan plan_migration(const catalog::Migration& migration, const sql::ParsedScript& parsed,
                             const PolicySet& policies)
{
    MigrationPlan plan;
    plan.migration = &migration;
    for (const auto& error : parsed.errors) {
        plan.errors.push_back(diagnostic_at(migration, error.span.offset, error.message,
                                            error.hint.empty() ? "Fix the SQL; nothing of this migration was run."
                                                               : error.hint));
    }
    if (!plan.errors.empty()) {
        return plan;
    }
    const auto& statements = parsed.statements;
    const std::size_t first_offset = statements.empty() ? migration.up_end : statements.front().span.offset;

    // Directives: migration-wide ones (before the first statement) adjust every class's policy.
    PolicySet migration_policies = policies;
    std::vector<std::vector<const catalog::Directive*>> statement_directives(statements.size());
    for (const auto& directive : migration.directives) {
        const bool always_statement = directive.name == "allow" || directive.name == "backfill";
        if (directive.offset < first_offset && !always_statement) {
            for (auto policy_class : {PolicyClass::ddl, PolicyClass::dml, PolicyClass::concurrent_index, PolicyClass::backfill}) {
                apply_policy_directive(directive, migration_policies.of(policy_class), migration, plan.errors);
            }
            continue;
        }
        const auto next = std::find_if(statements.begin(), statements.end(),
                                       [&](const sql::Statement& s) { return s.span.offset > directive.offset; });
        if (next == statements.end()) {
            plan.errors.push_back(diagnostic_at(migration, directive.offset,
                                                fmt::format("directive \"{}\" is not followed by a statement", directive.name),
                                                "Put the directive on the line above the statement it is about."));
            continue;
        }
        statement_directives[static_cast<std::size_t>(next - statements.begin())].push_back(&directive);
    }

    std::vector<sql::Statement> group;
    bool in_explicit_transaction = false;
    std::size_t explicit_begin_offset = 0;
    auto flush_group = [&](bool explicit_transaction) {
        if (group.empty()) {
            return;
        }
        Step step;
        step.kind = StepKind::transactional_group;
        step.strongest_lock = strongest_lock_of(group);
        step.policy_class = class_of_group(step.strongest_lock);
        step.policy = migration_policies.of(step.policy_class);
        step.statements = std::move(group);
        step.explicit_transaction = explicit_transaction;
        plan.steps.push_back(std::move(step));
        group.clear();
    };

    for (std::size_t i = 0; i < statements.size(); ++i) {
        const auto& statement = statements[i];
        const catalog::Directive* backfill = nullptr;
        for (const auto* directive : statement_directives[i]) {
            if (directive->name == "backfill") {
                backfill = directive;
            }
        }
        if (statement.transaction_control) {
            const bool begins = statement.kind == "BEGIN" || statement.kind == "START TRANSACTION";
            const bool ends = statement.kind == "COMMIT" || statement.kind == "END";
            if (begins && !in_explicit_transaction) {
                flush_group(false);
                in_explicit_transaction = true;
                explicit_begin_offset = statement.span.offset;
            } else if (ends && in_explicit_transaction) {
                flush_group(true);
                in_explicit_transaction = false;
            } else {
                plan.errors.push_back(diagnostic_at(
                    migration, statement.span.offset,
                    begins ? "nested BEGIN: a transaction is already open here" : fmt::format("{} is not supported in a migration file", statement.kind),
                    "lockwise runs each group of statements in a transaction itself; a file may wrap statements in "
                    "one BEGIN ... COMMIT pair, but not nest them, roll back or use savepoints."));
            }
            continue;
        }
        if (backfill != nullptr) {
            if (statement.kind != "UPDATE") {
                plan.errors.push_back(diagnostic_at(migration, backfill->offset,
                                                    fmt::format("a backfill directive must precede an UPDATE, not {}", statement.kind),
                                                    "Put -- lockwise:backfill on the line above the UPDATE statement it batches."));
                continue;
            }
            if (in_explicit_transaction) {
                plan.errors.push_back(diagnostic_at(migration, backfill->offset, "a backfill cannot run inside BEGIN ... COMMIT",
                                                    "A backfill commits each batch; move it out of the explicit transaction."));
                continue;
            }
        }
        const bool autocommit = !statement.transactional || !migration.run_in_transaction;
        if (autocommit && in_explicit_transaction) {
            plan.errors.push_back(diagnostic_at(migration, statement.span.offset,
                                                fmt::format("{} cannot run inside a transaction block", statement.kind),
                                                "Move it out of BEGIN ... COMMIT: lockwise runs it in autocommit by itself."));
            continue;
        }
        if (backfill == nullptr && !autocommit) {
            group.push_back(statement); // its policy directives are applied to the group below
            continue;
        }
        flush_group(false);
        Step step;
        step.statements = {statement};
        step.strongest_lock = strongest_lock_of(step.statements);
        if (backfill != nullptr) {
            step.kind = StepKind::backfill;
            step.policy_class = PolicyClass::backfill;
            step.backfill = *backfill;
            // Parsed once, here: `plan`, `lint` and `migrate` see the same errors before anything runs.
            const auto before = plan.errors.size();
            auto spec = parse_backfill_spec(*backfill, statement, plan.errors, migration.display_path);
            if (plan.errors.size() != before) {
                continue;
            }
            step.backfill_spec = std::move(spec);
        } else {
            step.kind = StepKind::autocommit;
            step.policy_class = class_of_autocommit(statement);
        }
        step.policy = migration_policies.of(step.policy_class);
        plan.steps.push_back(std::move(step));
    }
    if (in_explicit_transaction) {
        plan.errors.push_back(diagnostic_at(migration, explicit_begin_offset, "BEGIN without a matching COMMIT",
                                            "Close the transaction with COMMIT, or remove BEGIN: lockwise groups statements itself."));
    }
    flush_group(in_explicit_transaction);

    // Statement-level policy directives: applied to the step that holds their statement.
    for (auto& step : plan.steps) {
        for (std::size_t i = 0; i < statements.size(); ++i) {
            const bool in_step = std::any_of(step.statements.begin(), step.statements.end(), [&](const sql::Statement& s) {
                return s.span.offset == statements[i].span.offset;
            });
            if (!in_step) {
                continue;
            }
            for (const auto* directive : statement_directives[i]) {
                if (is_policy_directive(*directive)) {
                    apply_policy_directive(*directive, step.policy, migration, plan.errors);
                }
            }
        }
    }
    for (std::size_t i = 0; i < plan.steps.size(); ++i) {
        plan.steps[i].index = static_cast<int>(i);
    }
    return plan;
}

MigrationPlan plan_migration(const catalog::Migration& migration, const PolicySet& policies)
{
    const auto parsed = sql::parse_script(migration.text, migration.up_begin, migration.up_end);
    return plan_migration(migration, parsed, policies);
}

MigrationPlan plan_migration(const catalog::Migration& migration, const PolicySet& policies, sql::SchemaFacts& facts)
{
    const auto parsed = sql::parse_script(migration.text, migration.up_begin, migration.up_end, facts);
    return plan_migration(migration, parsed, policies);
}

} // namespace lockwise::plan
