// Who blocks whom, read from pg_stat_activity, pg_locks and pg_blocking_pids()
// over a watcher connection: what a backend waits for, who holds it, and who
// queues behind it. Every function is one or two short catalog queries.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "lockwise/locks/lock_mode.hpp"
#include "lockwise/pg/connection.hpp"

namespace lockwise::locks {

using Millis = std::chrono::milliseconds;

// Queries are cut to this many characters (whitespace collapsed) in everything locks/ returns.
inline constexpr int k_query_chars = 200;

// One backend as pg_stat_activity shows it.
struct Session {
    int pid = 0;
    std::string user{};
    std::string application{};
    std::string client_addr{};     // "" for unix-socket clients
    std::string database{};
    std::string state{};           // "active", "idle in transaction", ... ("" for background workers)
    std::string backend_type{};    // "client backend", "autovacuum worker", ...
    std::optional<Millis> state_age{}; // now() - state_change
    std::optional<Millis> xact_age{};  // now() - xact_start; nullopt outside a transaction
    std::string wait_event_type{}; // "Lock" while waiting for a heavyweight lock
    std::string wait_event{};      // "relation", "transactionid", ...
    std::string query{};           // current (active) or last (idle) statement, cut to k_query_chars
    bool superuser = false;        // its role is a superuser (pg_roles.rolsuper)
    bool other_database = false;   // connected to another database than the watcher's (or to none)

    bool idle_in_transaction() const noexcept { return state.starts_with("idle in transaction"); }
};

// A lock from pg_locks, described for people.
struct LockDescription {
    std::string locktype{};  // "relation", "transactionid", "virtualxid", "tuple", "advisory", ...
    std::string mode{};      // pg_locks spelling, "AccessExclusiveLock"
    std::string relation{};  // qualified as regclass prints it, "" when the lock is not on a relation
    std::string detail{};    // "transaction 1234", "virtualxid 3/45", "page 0 tuple 5", ...
    std::optional<Millis> waiting_for{}; // now() - waitstart, for a lock not yet granted

    // "AccessExclusiveLock on relation leads", "ShareLock on transaction 1234".
    std::string describe() const;
};

// A session that blocks the one we look at.
struct Blocker : Session {
    std::vector<std::string> held_modes{}; // granted modes it holds on the awaited lock; empty = queued ahead of us
    bool waiting = false;                // itself waiting for a lock (a chain)
};

// A session waiting (directly or through others) behind the one we look at.
struct QueuedSession : Session {
    int depth = 1;                    // 1 = blocked by it directly
    std::optional<LockDescription> lock{}; // what it waits for
};

struct BlockingInfo {
    bool found = false;                  // the backend exists
    Session session;                     // the backend itself
    bool waiting = false;                // waiting for a heavyweight lock right now
    std::optional<LockDescription> lock{}; // the lock it waits for
    std::vector<Blocker> blockers{};       // pg_blocking_pids order
};

// What `pid` waits for and who blocks it (two queries; the second only while it waits).
BlockingInfo blocking_info(pg::Connection& conn, int pid);

// Sessions waiting behind `pid`, directly or transitively (one query; BFS over pg_blocking_pids).
std::vector<QueuedSession> queued_behind(pg::Connection& conn, int pid);

// Sessions holding a granted lock that conflicts with `wanted` on any of `relations` (names as
// written in SQL, resolved with to_regclass, or decimal oids; unknown ones are ignored). `held_modes` lists
// "Mode on relation" for each conflicting lock. The calling backend and `exclude_pid` are skipped.
std::vector<Blocker> conflicting_holders(pg::Connection& conn, const std::vector<std::string>& relations,
                                         LockMode wanted, std::optional<int> exclude_pid = std::nullopt);

// Client sessions whose transaction has been open for at least `older_than` (they hold snapshots
// that CREATE INDEX CONCURRENTLY must wait out, and often locks). Oldest first.
std::vector<Session> old_transactions(pg::Connection& conn, Millis older_than,
                                      std::optional<int> exclude_pid = std::nullopt);

namespace detail {
// The select list that fills a Session from pg_stat_activity aliased `a`.
extern const char* const k_session_columns;
// The select list that describes a pg_locks row aliased `l` (columns lock_*; all NULL when `l` is).
extern const char* const k_lock_columns;
Session read_session(const pg::Result& result, int row);
std::optional<LockDescription> read_lock(const pg::Result& result, int row);
// "{1,2,3}" or "1,2,3" -> {1, 2, 3}
std::vector<int> parse_int_list(std::string_view text);
// A PostgreSQL text[] literal.
std::string text_array_literal(const std::vector<std::string>& items);
} // namespace detail

} // namespace lockwise::locks
