// Drift detection is a pure comparison of two lists (history rows, catalog files);
// repair applies its result to the history in one transaction.
#include "lockwise/history/drift.hpp"

#include <fmt/format.h>

#include <map>

namespace lockwise::history {

namespace {

// Applied rows and files, keyed by canonical version.
std::map<std::string, const catalog::Migration*> files_by_version(const std::vector<catalog::Migration>& migrations)
{
    std::map<std::string, const catalog::Migration*> files;
    for (const auto& migration : migrations) {
        files.emplace(canonical_version(migration.version), &migration);
    }
    return files;
}

std::string short_checksum(const std::string& checksum)
{
    const auto colon = checksum.find(':');
    const std::size_t keep = colon == std::string::npos ? 12 : colon + 13;
    return checksum.size() > keep ? checksum.substr(0, keep) + "..." : checksum;
}

} // namespace

std::string_view drift_kind_name(DriftKind kind) noexcept
{
    switch (kind) {
    case DriftKind::checksum_changed:
        return "checksum-changed";
    case DriftKind::file_missing:
        return "file-missing";
    case DriftKind::out_of_order:
        return "out-of-order";
    }
    return "unknown";
}

std::string Drift::message() const
{
    auto where = script.empty() ? version : fmt::format("{} ({})", version, script);
    switch (kind) {
    case DriftKind::checksum_changed:
        return fmt::format("{}: file changed since it was applied ({} -> {})", where, short_checksum(applied_checksum),
                           short_checksum(file_checksum));
    case DriftKind::file_missing:
        return fmt::format("{}: applied, but its file is gone", where);
    case DriftKind::out_of_order:
        return fmt::format("{}: pending, but older than the newest applied migration {}", where, newest_applied);
    }
    return where;
}

std::vector<Drift> find_drift(const std::vector<AppliedMigration>& applied,
                              const std::vector<catalog::Migration>& migrations)
{
    const auto files = files_by_version(migrations);
    std::vector<Drift> drift;
    const AppliedMigration* newest = nullptr;
    std::map<std::string, const AppliedMigration*> recorded;
    for (const auto& entry : applied) {
        recorded.emplace(entry.version, &entry);
        if (newest == nullptr || compare_versions(entry.version_parts, newest->version_parts) > 0) {
            newest = &entry;
        }
        const auto file = files.find(entry.version);
        if (file == files.end()) {
            if (!entry.script.empty()) {
                Drift missing;
                missing.kind = DriftKind::file_missing;
                missing.version = entry.version;
                missing.script = entry.script;
                drift.push_back(std::move(missing));
            }
            continue;
        }
        // A baseline marker or a row adopted without a checksum has nothing to compare; a repeatable
        // migration that changed is no drift: it runs again.
        if (!file->second->repeatable && !entry.checksum.empty() && entry.checksum != file->second->checksum) {
            Drift changed;
            changed.kind = DriftKind::checksum_changed;
            changed.version = entry.version;
            changed.script = file->second->display_path;
            changed.applied_checksum = entry.checksum;
            changed.file_checksum = file->second->checksum;
            drift.push_back(std::move(changed));
        }
    }
    if (newest != nullptr) {
        for (const auto& [version, file] : files) {
            if (!file->repeatable && recorded.count(version) == 0 &&
                compare_versions(file->version.parts, newest->version_parts) < 0) {
                Drift late;
                late.kind = DriftKind::out_of_order;
                late.version = version;
                late.script = file->display_path;
                late.newest_applied = newest->version;
                drift.push_back(std::move(late));
            }
        }
    }
    return drift;
}

std::vector<RepairAction> repair(HistoryStore& store, const std::vector<catalog::Migration>& migrations)
{
    std::vector<RepairAction> actions;
    const auto applied = store.load();
    if (applied.empty()) {
        return actions;
    }
    const auto files = files_by_version(migrations);
    store.in_transaction([&] {
        for (const auto& entry : applied) {
            const auto file = files.find(entry.version);
            const bool failed = entry.status == MigrationStatus::failed || entry.status == MigrationStatus::running;
            if (file != files.end() && !file->second->repeatable && !entry.checksum.empty() &&
                entry.checksum != file->second->checksum) {
                store.update_checksum(entry.version, file->second->checksum);
                actions.push_back({entry.version, fmt::format("{} ({}): recorded the new checksum {} (was {})",
                                                              entry.version, file->second->display_path,
                                                              file->second->checksum, entry.checksum)});
            }
            if (failed) {
                // The row stays (deleting it would turn the retry into an out-of-order migration when a newer
                // one has run); the cleared error marks it repaired.
                store.clear_error(entry.version);
                actions.push_back(
                    {entry.version, fmt::format("{}: cleared the error of the {} entry ({} of {} steps committed); "
                                                "the next run resumes at step {}",
                                                entry.version, status_name(entry.status), entry.steps_done,
                                                entry.steps_total, entry.steps_done + 1)});
            }
        }
    });
    return actions;
}

} // namespace lockwise::history
