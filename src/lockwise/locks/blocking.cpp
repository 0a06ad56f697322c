// Blocking diagnostics. pg_blocking_pids() is costly (it takes every lock
// manager partition lock), so it only runs for backends already waiting on a
// Lock (filtered in a subquery with OFFSET 0 so the planner can't reorder it).
#include "lockwise/locks/blocking.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <deque>
#include <map>
#include <set>

#include <fmt/format.h>

#include "lockwise/report/redact.hpp"

namespace lockwise::locks {
namespace detail {

const char* const k_session_columns = R"(
    a.pid,
    coalesce(a.usename::text, '') AS usename,
    coalesce(a.application_name, '') AS application_name,
    coalesce(host(a.client_addr), '') AS client_addr,
    coalesce(a.datname::text, '') AS datname,
    coalesce(a.state, '') AS state,
    coalesce(a.backend_type, '') AS backend_type,
    greatest(0, (extract(epoch FROM clock_timestamp() - a.state_change) * 1000))::bigint AS state_age_ms,
    greatest(0, (extract(epoch FROM clock_timestamp() - a.xact_start) * 1000))::bigint AS xact_age_ms,
    coalesce(a.wait_event_type, '') AS wait_event_type,
    coalesce(a.wait_event, '') AS wait_event,
    left(regexp_replace(coalesce(a.query, ''), '\s+', ' ', 'g'), 200) AS query,
    coalesce((SELECT r.rolsuper FROM pg_roles r WHERE r.oid = a.usesysid), false) AS superuser,
    a.datname IS DISTINCT FROM current_database() AS other_database)";

const char* const k_lock_columns = R"(
    l.locktype AS lock_type,
    l.mode AS lock_mode,
    CASE WHEN l.relation IS NULL THEN ''
         WHEN l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              THEN l.relation::regclass::text
         ELSE 'oid ' || l.relation END AS lock_relation,
    concat_ws(' ',
        CASE WHEN l.locktype IN ('tuple', 'page') THEN 'page ' || l.page END,
        CASE WHEN l.locktype = 'tuple' THEN 'tuple ' || l.tuple END,
        CASE WHEN l.transactionid IS NOT NULL THEN 'transaction ' || l.transactionid END,
        CASE WHEN l.locktype = 'virtualxid' THEN 'virtualxid ' || l.virtualxid END,
        CASE WHEN l.locktype IN ('advisory', 'object', 'userlock')
             THEN 'object ' || l.classid || ':' || l.objid || ':' || l.objsubid END) AS lock_detail,
    -- pg_locks.waitstart is new in PostgreSQL 14: read through to_jsonb so 13 gets NULL, not an error.
    greatest(0, (extract(epoch FROM clock_timestamp() - (to_jsonb(l) ->> 'waitstart')::timestamptz) * 1000))::bigint
        AS lock_waiting_ms)";

namespace {

std::optional<Millis> optional_millis(const pg::Result& result, int row, int column)
{
    if (result.is_null(row, column)) {
        return std::nullopt;
    }
    return Millis(result.get_int(row, column));
}

} // namespace

Session read_session(const pg::Result& result, int row)
{
    Session session;
    session.pid = static_cast<int>(result.get_int(row, result.column("pid")));
    session.user = result.get(row, result.column("usename"));
    // Text other sessions chose (their application_name and query) is sanitized on the way in:
    // it may carry a password literal or terminal escape sequences.
    session.application = report::sanitize(result.get(row, result.column("application_name")));
    session.client_addr = result.get(row, result.column("client_addr"));
    session.database = result.get(row, result.column("datname"));
    session.state = result.get(row, result.column("state"));
    session.backend_type = result.get(row, result.column("backend_type"));
    session.state_age = optional_millis(result, row, result.column("state_age_ms"));
    session.xact_age = optional_millis(result, row, result.column("xact_age_ms"));
    session.wait_event_type = result.get(row, result.column("wait_event_type"));
    session.wait_event = result.get(row, result.column("wait_event"));
    session.query = report::sanitize(result.get(row, result.column("query")));
    session.superuser = result.get_bool(row, result.column("superuser"));
    session.other_database = result.get_bool(row, result.column("other_database"));
    return session;
}

std::optional<LockDescription> read_lock(const pg::Result& result, int row)
{
    const int type_column = result.column("lock_type");
    if (result.is_null(row, type_column)) {
        return std::nullopt;
    }
    LockDescription lock;
    lock.locktype = result.get(row, type_column);
    lock.mode = result.get(row, result.column("lock_mode"));
    lock.relation = result.get(row, result.column("lock_relation"));
    lock.detail = result.get(row, result.column("lock_detail"));
    lock.waiting_for = optional_millis(result, row, result.column("lock_waiting_ms"));
    return lock;
}

std::vector<int> parse_int_list(std::string_view text)
{
    std::vector<int> values;
    std::size_t at = 0;
    while (at < text.size()) {
        while (at < text.size() && (text[at] < '0' || text[at] > '9')) {
            ++at;
        }
        int value = 0;
        const auto [end, error] = std::from_chars(text.data() + at, text.data() + text.size(), value);
        if (error != std::errc()) {
            break;
        }
        values.push_back(value);
        at = static_cast<std::size_t>(end - text.data());
    }
    return values;
}

std::string text_array_literal(const std::vector<std::string>& items)
{
    std::string out = "{";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i != 0) {
            out += ',';
        }
        out += '"';
        for (char c : items[i]) {
            if (c == '"' || c == '\\') {
                out += '\\';
            }
            out += c;
        }
        out += '"';
    }
    return out + "}";
}

} // namespace detail

using detail::k_lock_columns;
using detail::k_session_columns;

std::string LockDescription::describe() const
{
    std::string text = mode.empty() ? locktype : mode;
    if (!relation.empty()) {
        text += " on relation " + relation;
        if (!detail.empty()) {
            text += " (" + detail + ")";
        }
    } else if (!detail.empty()) {
        text += " on " + detail;
    } else {
        text += " (" + locktype + ")";
    }
    return text;
}

BlockingInfo blocking_info(pg::Connection& conn, int pid)
{
    BlockingInfo info;
    const auto target = conn.exec_params(
        fmt::format("SELECT {}, {} FROM pg_stat_activity a "
                    "LEFT JOIN LATERAL (SELECT * FROM pg_locks l WHERE l.pid = a.pid AND NOT l.granted LIMIT 1) l "
                    "ON true WHERE a.pid = $1",
                    k_session_columns, k_lock_columns),
        {std::to_string(pid)});
    if (target.rows() == 0) {
        return info;
    }
    info.found = true;
    info.session = detail::read_session(target, 0);
    info.lock = detail::read_lock(target, 0);
    info.waiting = info.lock.has_value();
    if (!info.waiting) {
        return info;
    }
    // The blockers, and the granted modes each holds on exactly the lock we wait for.
    const auto blockers = conn.exec_params(
        fmt::format(R"(
        WITH w AS (SELECT * FROM pg_locks WHERE pid = $1 AND NOT granted LIMIT 1)
        SELECT {},
            coalesce((SELECT string_agg(h.mode, ',' ORDER BY h.mode) FROM pg_locks h, w
                      WHERE h.pid = a.pid AND h.granted AND h.locktype = w.locktype
                        AND h.database IS NOT DISTINCT FROM w.database AND h.relation IS NOT DISTINCT FROM w.relation
                        AND h.page IS NOT DISTINCT FROM w.page AND h.tuple IS NOT DISTINCT FROM w.tuple
                        AND h.virtualxid IS NOT DISTINCT FROM w.virtualxid
                        AND h.transactionid IS NOT DISTINCT FROM w.transactionid
                        AND h.classid IS NOT DISTINCT FROM w.classid AND h.objid IS NOT DISTINCT FROM w.objid
                        AND h.objsubid IS NOT DISTINCT FROM w.objsubid), '') AS held,
            a.wait_event_type = 'Lock' AS blocker_waiting
        FROM unnest(pg_blocking_pids($1)) WITH ORDINALITY AS b(pid, n)
        JOIN pg_stat_activity a ON a.pid = b.pid
        ORDER BY b.n)",
                    k_session_columns),
        {std::to_string(pid)});
    for (int row = 0; row < blockers.rows(); ++row) {
        Blocker blocker;
        static_cast<Session&>(blocker) = detail::read_session(blockers, row);
        const auto held = std::string(blockers.get(row, blockers.column("held")));
        for (std::size_t start = 0; start < held.size();) {
            const auto comma = std::min(held.find(',', start), held.size());
            blocker.held_modes.push_back(held.substr(start, comma - start));
            start = comma + 1;
        }
        blocker.waiting = blockers.get_bool(row, blockers.column("blocker_waiting"));
        info.blockers.push_back(std::move(blocker));
    }
    return info;
}

std::vector<QueuedSession> queued_behind(pg::Connection& conn, int pid)
{
    const auto waiters = conn.exec(fmt::format(R"(
        WITH ungranted AS MATERIALIZED (SELECT DISTINCT ON (pid) * FROM pg_locks WHERE NOT granted ORDER BY pid)
        SELECT {}, {}, array_to_string(pg_blocking_pids(a.pid), ',') AS blocked_by
        FROM (SELECT * FROM pg_stat_activity WHERE wait_event_type = 'Lock' OFFSET 0) a
        LEFT JOIN ungranted l ON l.pid = a.pid)",
                                               k_session_columns, k_lock_columns));
    std::map<int, std::vector<int>> waiters_of; // blocker pid -> rows waiting on it
    for (int row = 0; row < waiters.rows(); ++row) {
        for (int blocker : detail::parse_int_list(waiters.get(row, waiters.column("blocked_by")))) {
            waiters_of[blocker].push_back(row);
        }
    }
    std::vector<QueuedSession> queued;
    std::set<int> seen = {pid};
    std::deque<std::pair<int, int>> frontier = {{pid, 0}};
    while (!frontier.empty()) {
        const auto [blocker, depth] = frontier.front();
        frontier.pop_front();
        for (int row : waiters_of[blocker]) {
            QueuedSession session;
            static_cast<Session&>(session) = detail::read_session(waiters, row);
            if (!seen.insert(session.pid).second) {
                continue;
            }
            session.depth = depth + 1;
            session.lock = detail::read_lock(waiters, row);
            frontier.emplace_back(session.pid, session.depth);
            queued.push_back(std::move(session));
        }
    }
    return queued;
}

std::vector<Blocker> conflicting_holders(pg::Connection& conn, const std::vector<std::string>& relations,
                                         LockMode wanted, std::optional<int> exclude_pid)
{
    // Resolved one by one: to_regclass() returns NULL for a missing relation but raises an
    // error for a malformed name, which must not fail the whole check.
    std::vector<std::string> oids;
    for (const auto& relation : relations) {
        if (!relation.empty() && relation.find_first_not_of("0123456789") == std::string::npos) {
            std::uint32_t oid = 0;
            const auto [end, error] = std::from_chars(relation.data(), relation.data() + relation.size(), oid);
            if (error == std::errc() && end == relation.data() + relation.size()) {
                oids.push_back(relation);
            }
            continue;
        }
        try {
            const auto resolved = conn.exec_params("SELECT to_regclass($1)::oid", {relation});
            if (!resolved.is_null(0, 0)) {
                oids.emplace_back(resolved.get(0, 0));
            }
        } catch (const pg::SqlError& error) {
            if (error.connection_lost()) {
                throw;
            }
        }
    }
    if (oids.empty()) {
        return {};
    }
    std::vector<std::string> modes;
    for (auto mode : conflicting_modes(wanted)) {
        modes.emplace_back(pg_locks_name(mode));
    }
    const auto result = conn.exec_params(
        fmt::format(R"(
        SELECT {}, l.mode AS held_mode, l.relation::regclass::text AS held_relation,
               a.wait_event_type = 'Lock' AS holder_waiting
        FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.granted AND l.locktype = 'relation'
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND l.relation = ANY ($1::oid[])
          AND l.mode = ANY ($2::text[])
          AND l.pid <> pg_backend_pid() AND l.pid <> $3
        ORDER BY a.xact_start NULLS LAST, a.pid, l.relation, l.mode)",
                    k_session_columns),
        {detail::text_array_literal(oids), detail::text_array_literal(modes),
         std::to_string(exclude_pid.value_or(0))});
    std::vector<Blocker> holders;
    for (int row = 0; row < result.rows(); ++row) {
        const int holder_pid = static_cast<int>(result.get_int(row, result.column("pid")));
        const auto held = fmt::format("{} on {}", result.get(row, result.column("held_mode")),
                                      result.get(row, result.column("held_relation")));
        auto existing = std::find_if(holders.begin(), holders.end(),
                                     [&](const Blocker& holder) { return holder.pid == holder_pid; });
        if (existing == holders.end()) {
            Blocker holder;
            static_cast<Session&>(holder) = detail::read_session(result, row);
            holder.waiting = result.get_bool(row, result.column("holder_waiting"));
            holders.push_back(std::move(holder));
            existing = std::prev(holders.end());
        }
        existing->held_modes.push_back(held);
    }
    return holders;
}

std::vector<Session> old_transactions(pg::Connection& conn, Millis older_than, std::optional<int> exclude_pid)
{
    const auto result = conn.exec_params(
        fmt::format(R"(
        SELECT {} FROM pg_stat_activity a
        WHERE a.backend_type = 'client backend' AND a.xact_start IS NOT NULL
          AND a.xact_start <= clock_timestamp() - $1::bigint * interval '1 millisecond'
          AND a.pid <> pg_backend_pid() AND a.pid <> $2
        ORDER BY a.xact_start)",
                    k_session_columns),
        {std::to_string(older_than.count()), std::to_string(exclude_pid.value_or(0))});
    std::vector<Session> sessions;
    for (int row = 0; row < result.rows(); ++row) {
        sessions.push_back(detail::read_session(result, row));
    }
    return sessions;
}

} // namespace lockwise::locks
