// Turns a migration into steps: transactional groups, autocommit statements and
// backfills, each with the lock policy it will run under (README, "Steps and lock policies").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lockwise/catalog/migration.hpp"
#include "lockwise/plan/backfill_spec.hpp"
#include "lockwise/plan/policy.hpp"
#include "lockwise/sql/facts.hpp"
#include "lockwise/sql/statement.hpp"

namespace lockwise::plan {

enum class StepKind {
    transactional_group, // consecutive transactional statements, all or nothing
    autocommit,          // one statement that must not (or, by directive, does not) run in a transaction
    backfill,            // one UPDATE run in batches by the backfill engine
};
std::string_view step_kind_name(StepKind kind) noexcept; // "group", "autocommit", "backfill"

struct Step {
    int index = 0; // 0-based position in the migration; history records steps by it
    StepKind kind = StepKind::transactional_group;
    PolicyClass policy_class = PolicyClass::ddl;
    Policy policy;
    std::vector<sql::Statement> statements;
    std::optional<catalog::Directive> backfill; // the backfill directive of a backfill step
    std::optional<BackfillSpec> backfill_spec;  // ... parsed: set on every backfill step of an error-free plan
    sql::LockMode strongest_lock = sql::LockMode::none;
    bool explicit_transaction = false; // written as BEGIN ... COMMIT in the file
    // "ALTER TABLE leads", "CREATE INDEX CONCURRENTLY idx_x ON call_log", ...
    std::string summary() const;
};

// The checksum of a step's statements ("sha256:..."), recorded with the step when it commits: a
// rerun after a failure compares it to tell an edit of unfinished steps (taken) from an edit of
// committed ones (refused).
std::string step_text_checksum(const Step& step);

struct MigrationPlan {
    const catalog::Migration* migration = nullptr;
    std::vector<Step> steps;
    std::vector<catalog::Diagnostic> errors; // parse errors and misplaced transaction control / directives
};

// Plans `migration`, parsed as `parsed` (sql::parse_script over its up section).
// Directives before the first statement apply to the whole migration; elsewhere
// to the statement that follows them; `allow` and `backfill` always to the next statement.
MigrationPlan plan_migration(const catalog::Migration& migration, const sql::ParsedScript& parsed,
                             const PolicySet& policies);

// Parses the migration's up section and plans it.
MigrationPlan plan_migration(const catalog::Migration& migration, const PolicySet& policies);
// The same, knowing `facts` (the live catalog's or earlier migrations'); learns what the migration declares.
MigrationPlan plan_migration(const catalog::Migration& migration, const PolicySet& policies, sql::SchemaFacts& facts);

} // namespace lockwise::plan
