// Drift: where the migration files and the history disagree (a changed or vanished
// file, a pending migration older than what already ran), and `repair`, which reconciles them.
#pragma once

#include <string>
#include <vector>

#include "lockwise/catalog/migration.hpp"
#include "lockwise/history/store.hpp"

namespace lockwise::history {

enum class DriftKind {
    checksum_changed, // an applied migration's file changed since it ran: an error (exit 5) until repaired
    file_missing,     // an applied migration's file is gone: a warning
    out_of_order,     // a pending migration older than the newest applied one: refused unless --out-of-order
};
std::string_view drift_kind_name(DriftKind kind) noexcept; // "checksum-changed", "file-missing", "out-of-order"

struct Drift {
    DriftKind kind = DriftKind::checksum_changed;
    std::string version;          // canonical
    std::string script;           // display path (from the file, or from history when the file is gone)
    std::string applied_checksum; // checksum_changed: what history recorded
    std::string file_checksum;    // checksum_changed: the file's checksum now
    std::string newest_applied;   // out_of_order: the newest applied version
    // One lowercase line for humans: "V3 (db/V3__x.sql): checksum changed since it was applied (sha256:ab.. -> sha256:cd..)".
    std::string message() const;
};

// Compares history with the catalog (sorted or not). Baseline marker rows (no script) are never missing.
std::vector<Drift> find_drift(const std::vector<AppliedMigration>& applied,
                              const std::vector<catalog::Migration>& migrations);

struct RepairAction {
    std::string version;
    std::string message; // what changed, one lowercase line
};

// Records the current checksum of every changed file and clears the error of failed (and
// interrupted `running`) entries, marking them repaired: the next run resumes them at their first
// unfinished step. Runs in one transaction. The caller holds the runner lock, so no entry is
// `running` because a runner is at work.
std::vector<RepairAction> repair(HistoryStore& store, const std::vector<catalog::Migration>& migrations);

} // namespace lockwise::history
