// Rules about the transactions a migration's statements run in: BEGIN/COMMIT pairing,
// CONCURRENTLY inside a transaction, explicit LOCK TABLE, and write locks spread over several tables.
#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "lockwise/lint/checks/walker.hpp"

namespace lockwise::lint::checks {

void Walker::place_statements()
{
    const auto& statements = m_script.statements;
    m_places.resize(statements.size());
    int group = 0;
    constexpr auto k_none = static_cast<std::size_t>(-1);
    std::size_t open_begin = k_none; // index of the open BEGIN (a sentinel: optional trips -Wmaybe-uninitialized)
    for (std::size_t i = 0; i < statements.size(); ++i) {
        const auto& st = statements[i];
        auto& place = m_places[i];
        if (st.transaction_control) {
            const auto word = first_keyword(st.text);
            const bool opens = word == "BEGIN" || word == "START";
            const bool closes = word == "COMMIT" || word == "END" || word == "ABORT" ||
                                (word == "ROLLBACK" && upper(st.text).find(" TO ") == std::string::npos) ||
                                (word == "PREPARE");
            if (opens) {
                if (open_begin != k_none) {
                    add_at(i, "nested-transaction", st.span, "", LockMode::none, TableWork::none,
                           fmt::format("BEGIN inside the transaction opened on line {}: PostgreSQL ignores it with a warning and the first COMMIT ends both",
                                       statements[open_begin].span.line),
                           "", "Remove the inner BEGIN/COMMIT pair; a transaction cannot nest (use SAVEPOINT for a partial rollback).");
                } else {
                    open_begin = i;
                    ++group;
                }
            } else if (closes) {
                if (open_begin == k_none) {
                    add_at(i, "nested-transaction", st.span, "", LockMode::none, TableWork::none,
                           m_migration.run_in_transaction
                               ? "COMMIT without BEGIN ends the transaction lockwise runs this migration in, before its history row is written"
                               : "COMMIT without BEGIN does nothing but warn",
                           "", "Pair every COMMIT with a BEGIN in the same file, or remove it and let lockwise manage the transaction.");
                }
                open_begin = k_none;
                ++group;
            }
            place.group = group;
            place.in_explicit = open_begin != k_none;
            place.in_transaction = place.in_explicit;
            continue;
        }
        if (open_begin != k_none) {
            place = {group, true, true};
        } else if (st.transactional && m_migration.run_in_transaction) {
            place = {group, true, false};
        } else { // autocommit: a group of its own
            place = {++group, false, false};
            ++group;
        }
    }
    if (open_begin != k_none) {
        const auto& st = statements[open_begin];
        add_at(open_begin, "nested-transaction", st.span, "", LockMode::none, TableWork::none,
               "BEGIN is never committed: the migration ends inside an open transaction", "",
               "Add COMMIT at the end of the block.");
    }
}

void Walker::lint_concurrently_in_transaction(const Statement& st)
{
    const auto& place = m_places[m_index];
    if (st.concurrently && place.in_explicit) {
        add("concurrently-in-transaction", locate(st, "CONCURRENTLY"), "", LockMode::share_update_exclusive,
            TableWork::none,
            fmt::format("{} CONCURRENTLY cannot run inside a transaction block: the file's own BEGIN ... COMMIT makes it fail", st.kind),
            st.text + ";",
            "Move the statement out of the BEGIN ... COMMIT block; lockwise runs CONCURRENTLY statements in autocommit on their own.");
    }
}

void Walker::lint_lock_table(const Statement& st)
{
    const auto* rel = target(st);
    const auto mode = strongest_lock(st);
    if (rel != nullptr && !is_new_relation(rel->schema, rel->name)) {
        add("lock-table", st.span, qualified(rel->schema, rel->name), mode, TableWork::none,
            fmt::format("LOCK TABLE takes {} on {} and holds it until the transaction ends, blocking {} of the application",
                        sql::lock_mode_name(mode), qualified(rel->schema, rel->name), blocks_description(mode)),
            "", "Rely on the locks the statements take themselves, and keep the transaction short; lockwise already bounds lock waits with lock_timeout.");
    }
}

// The relation whose rows a statement blocks, for the lock-spread rule: a table, partition or
// materialized view (by its partitioned parent when it is a partition this transaction attached
// or detached). Views, sequences and indexes hold no rows of their own: a view dropped and
// recreated, a sequence renamed or an index dropped adds no lock an application could deadlock
// on beyond its table's (an index counts as its table when the table is known).
const sql::RelationLock* Walker::data_relation(const Statement& st) const
{
    const auto kind = upper(st.kind);
    if (kind == "DROP VIEW" || kind == "CREATE VIEW" || kind == "ALTER VIEW" || kind.find("SEQUENCE") != std::string::npos) {
        return nullptr;
    }
    if (kind == "DROP INDEX" || kind == "ALTER INDEX") {
        for (const auto& lock : st.locks) {
            if (lock.reason.starts_with("table of ")) {
                return &lock;
            }
        }
        return nullptr;
    }
    return target(st);
}

// The seed's deadlock: one transaction holding write-blocking locks on two tables that hold data,
// at least one of them ACCESS EXCLUSIVE or held over long work. An application transaction that writes the second table and then
// touches the first waits for us, while we wait for it: PostgreSQL aborts one of the two after
// deadlock_timeout, and until then both tables are blocked. Judged per statement by the table it
// is about (a statement's own extra locks, e.g. the referenced table of a foreign key, are taken
// atomically by PostgreSQL). A pair of weaker locks taken only for catalog work (new tables with
// foreign keys to two existing ones: SHARE ROW EXCLUSIVE each) is left out: reads go on, and the
// transaction holds them for milliseconds; one held over an index build, a scan or a rewrite counts.
void Walker::lint_lock_spread(const Statement& st)
{
    const auto& place = m_places[m_index];
    const auto* rel = data_relation(st);
    if (!place.in_transaction || rel == nullptr || rel->created_by_statement ||
        is_new_relation(rel->schema, rel->name) || !sql::lock_blocks_writes(rel->mode)) {
        return;
    }
    auto& held = m_group_locks[place.group];
    const auto family = [&](const std::string& name) {
        const auto it = m_partition_parent.find(name);
        return it == m_partition_parent.end() ? name : it->second;
    };
    const auto key = family(qualified(rel->schema, rel->name));
    const bool heavy = rel->mode == LockMode::access_exclusive || st.work == TableWork::full_scan ||
                       st.work == TableWork::rewrite || kind_is(st, "CREATE INDEX");
    auto remember_renames = [&](const HeldLock& lock) {
        // The same table under its new name is no second table.
        for (const auto& action : st.actions) {
            if (action.kind == AlterAction::Kind::rename_table) {
                held.emplace(family(qualified(rel->schema, action.name)), lock);
            }
        }
    };
    if (auto it = held.find(key); it != held.end()) {
        it->second.mode = std::max(it->second.mode, rel->mode);
        it->second.heavy = it->second.heavy || heavy;
        remember_renames(it->second);
        return;
    }
    const auto strongest = std::max_element(held.begin(), held.end(), [](const auto& a, const auto& b) {
        return std::pair(a.second.heavy, a.second.mode) < std::pair(b.second.heavy, b.second.mode);
    });
    if (strongest != held.end() && (heavy || strongest->second.heavy)) {
        const auto& [first, lock] = *strongest;
        add("multiple-exclusive-locks", st.span, key, rel->mode, st.work,
            fmt::format("takes {} on {} while the same transaction still holds {} on {} (line {}): an application that locks them in the other order deadlocks with it, and both tables stay blocked until commit",
                        sql::lock_mode_name(rel->mode), key, sql::lock_mode_name(lock.mode), first, lock.line),
            "", "Put statements that lock different busy tables in separate migrations (or separate BEGIN ... COMMIT blocks) unless they must be atomic.");
    }
    const HeldLock lock{st.span.line, rel->mode, heavy};
    held.emplace(key, lock);
    remember_renames(lock);
}

} // namespace lockwise::lint::checks
