// Linting a sequence of migrations the way `lockwise lint` does: parse each one's up
// SQL, lint it, then record what it created so later migrations are judged knowing it.
#include "lockwise/lint/lint.hpp"

namespace lockwise::lint {

std::vector<MigrationLint> lint_migrations(const std::vector<catalog::Migration>& migrations,
                                           const Context& context)
{
    Context running = context;
    // What each statement locks besides what it names (an index's table, views over a dropped
    // table) comes from the live catalog when there is one, and from what earlier migrations declared.
    sql::SchemaFacts facts = context.schema_facts.value_or(sql::SchemaFacts{});
    if (!facts.server_version_num) {
        facts.server_version_num = context.server_version_num;
    }
    std::vector<MigrationLint> results;
    results.reserve(migrations.size());
    for (const auto& migration : migrations) {
        // A Migration built by hand (tests, the benchmark) may leave the section unset: the whole file.
        const auto end = migration.up_end == 0 && migration.up_begin == 0 ? migration.text.size() : migration.up_end;
        const auto script = sql::parse_script(migration.text, migration.up_begin, end, facts);
        results.push_back(lint_migration(migration, script, running));
        record_created(running, script);
        record_schema(running, script);
    }
    return results;
}

} // namespace lockwise::lint
