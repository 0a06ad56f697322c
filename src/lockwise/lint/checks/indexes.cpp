// Rules about building and dropping indexes on existing tables: CREATE INDEX, DROP INDEX and
// REINDEX without CONCURRENTLY.
#include <fmt/format.h>

#include "lockwise/lint/checks/walker.hpp"

namespace lockwise::lint::checks {

void Walker::lint_create_index(const Statement& st)
{
    if (!st.index || st.concurrently || st.index->concurrently) {
        return;
    }
    const auto& index = *st.index;
    if (is_new_relation(index.schema, index.table)) {
        return;
    }
    static const std::regex head(R"(^\s*CREATE\s+(UNIQUE\s+)?INDEX)", std::regex::icase);
    auto& f = add("index-not-concurrent", st.span, qualified(index.schema, index.table), LockMode::share,
                  TableWork::full_scan,
                  fmt::format("CREATE INDEX on existing table {} takes SHARE: inserts, updates and deletes wait for the whole index build",
                              qualified(index.schema, index.table)),
                  with_concurrently(st.text, head),
                  "CREATE INDEX CONCURRENTLY takes SHARE UPDATE EXCLUSIVE, so the application keeps reading and writing; lockwise runs it outside the transaction, and drops and rebuilds an INVALID index left by a failed attempt.");
    grade(f, index.schema, index.table);
}

void Walker::lint_drop_index(const Statement& st)
{
    if (st.concurrently) {
        return;
    }
    std::string name = st.index ? qualified(st.index->schema, st.index->name) : "";
    if (name.empty() && !st.locks.empty()) {
        name = qualified(st.locks.front().schema, st.locks.front().name);
    }
    if (m_new_indexes.contains(name) || (st.index && m_new_indexes.contains(st.index->name)) ||
        m_context.created_in_run.contains(name)) {
        return;
    }
    static const std::regex head(R"(^\s*DROP\s+INDEX)", std::regex::icase);
    // The lock model names the index's table when it knows it (the live catalog, or an
    // earlier migration's CREATE INDEX).
    std::string its_table = "its table";
    for (const auto& lock : st.locks) {
        if (lock.reason.starts_with("table of ")) {
            its_table = fmt::format("its table {}", qualified(lock.schema, lock.name));
            break;
        }
    }
    add("drop-index-not-concurrent", st.span, name, LockMode::access_exclusive, TableWork::metadata_only,
        fmt::format("DROP INDEX {} takes ACCESS EXCLUSIVE on {}: while it waits for the lock, every query on the table queues behind it",
                    name, its_table),
        st.cascade ? "" : with_concurrently(st.text, head),
        "DROP INDEX CONCURRENTLY waits for running queries without blocking new ones (it cannot drop several indexes or use CASCADE).");
}

void Walker::lint_reindex(const Statement& st)
{
    if (st.concurrently) {
        return;
    }
    const auto* rel = target(st);
    if (rel != nullptr && is_new_relation(rel->schema, rel->name)) {
        return;
    }
    const auto name = rel != nullptr ? qualified(rel->schema, rel->name) : "";
    if (m_new_indexes.contains(name) || m_context.created_in_run.contains(name)) {
        return;
    }
    static const std::regex head(R"(^\s*REINDEX\s+(\([^)]*\)\s*)?(INDEX|TABLE|SCHEMA|DATABASE|SYSTEM))", std::regex::icase);
    auto& f = add("reindex-not-concurrent", st.span, name, LockMode::share, TableWork::full_scan,
                  version_below(120000)
                      ? "REINDEX blocks writes to the table (and reads that use the index) while it rebuilds; this server (before PostgreSQL 12) has no REINDEX CONCURRENTLY"
                      : "REINDEX blocks writes to the table (and reads that use the index) while it rebuilds",
                  version_below(120000) ? "" : with_concurrently(st.text, head),
                  version_below(120000)
                      ? "Build a replacement with CREATE INDEX CONCURRENTLY, then DROP INDEX CONCURRENTLY the old one and rename the new one."
                      : "REINDEX CONCURRENTLY (PostgreSQL 12+) rebuilds without blocking writes; it cannot run in a transaction, so lockwise runs it on its own.");
    if (rel != nullptr) {
        grade(f, rel->schema, rel->name);
    }
}

} // namespace lockwise::lint::checks
