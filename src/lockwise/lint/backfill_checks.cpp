// check_backfill_directives: the plan's own parse of each backfill directive, run by lint.
#include "lockwise/lint/backfill_checks.hpp"

#include "lockwise/core/source_location.hpp"
#include "lockwise/plan/backfill_spec.hpp"

namespace lockwise::lint {

void check_backfill_directives(const catalog::Migration& migration, const sql::ParsedScript& script,
                               const std::string& file, std::vector<catalog::Diagnostic>& errors)
{
    std::size_t previous_end = 0;
    for (const auto& statement : script.statements) {
        for (const auto& directive : migration.directives) {
            // A directive belongs to the statement right after it (plan_migration's rule).
            if (directive.name != "backfill" || directive.offset < previous_end || directive.offset >= statement.span.offset) {
                continue;
            }
            const auto before = errors.size();
            // A directive above something other than an UPDATE is the plan's error too; lint reports it once.
            plan::parse_backfill_spec(directive, statement, errors, file);
            for (auto i = before; i < errors.size(); ++i) {
                if (errors[i].source_line.empty() && errors[i].offset < migration.text.size()) {
                    errors[i].source_line = std::string(core::source_line(migration.text, errors[i].line));
                }
            }
        }
        previous_end = statement.span.offset + statement.span.length;
    }
}

} // namespace lockwise::lint
