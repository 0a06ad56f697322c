// Rule backfill-batch-scans-whole: a `-- lockwise:backfill` UPDATE whose every batch reads
// something whole. The verdict needs the live database's planner, so the cli computes it
// (backfill::batch_scaling_problem, the estimate plan and migrate refuse with) into the
// context; offline lint has none and reports nothing here.
#include "lockwise/lint/checks/walker.hpp"

namespace lockwise::lint::checks {

void Walker::lint_backfill_scaling(const Statement& st)
{
    if (!kind_is(st, "UPDATE") || !has_backfill_directive(st)) {
        return;
    }
    const auto verdict = m_context.unscalable_backfills.find({m_out.file, st.span.offset});
    if (verdict == m_context.unscalable_backfills.end()) {
        return;
    }
    std::string schema;
    std::string name;
    if (st.update) {
        schema = st.update->schema;
        name = st.update->table;
    }
    auto& f = add("backfill-batch-scans-whole", st.span, qualified(schema, name), LockMode::row_exclusive,
                  TableWork::full_scan, verdict->second.message, verdict->second.instead, verdict->second.hint);
    f.lock_blocks = "writes to the changed rows";
}

} // namespace lockwise::lint::checks
