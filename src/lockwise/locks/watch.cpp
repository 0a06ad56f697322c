// The lock watch thread. It keeps polling through errors (a failed poll is
// reported in the snapshot and the connection is reopened), because losing the
// watcher must never fail the migration it watches.
#include "lockwise/locks/watch.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "lockwise/locks/json_text.hpp"

namespace lockwise::locks {

std::vector<int> WatchSnapshot::blocker_pids() const
{
    std::vector<int> pids;
    for (const auto& blocker : blockers) {
        pids.push_back(blocker.pid);
    }
    std::sort(pids.begin(), pids.end());
    return pids;
}

namespace {

std::string session_json_fields(const Session& session)
{
    return fmt::format(R"("pid":{},"user":{},"application":{},"client_addr":{},"state":{},"backend_type":{},)"
                       R"("state_age_ms":{},"xact_age_ms":{},"query":{})",
                       session.pid, json_string(session.user), json_string(session.application),
                       json_string(session.client_addr), json_string(session.state), json_string(session.backend_type),
                       json_millis(session.state_age), json_millis(session.xact_age), json_string(session.query));
}

} // namespace

std::string WatchSnapshot::to_json() const
{
    std::string blocker_list;
    for (const auto& blocker : blockers) {
        std::string held;
        for (const auto& mode : blocker.held_modes) {
            held += (held.empty() ? "" : ",") + json_string(mode);
        }
        blocker_list += fmt::format(R"({}{{{},"held":[{}],"waiting":{}}})", blocker_list.empty() ? "" : ",",
                                    session_json_fields(blocker), held, blocker.waiting);
    }
    std::string lock_text = "null";
    if (lock) {
        lock_text = fmt::format(R"({{"locktype":{},"mode":{},"relation":{},"detail":{},"waiting_ms":{}}})",
                                json_string(lock->locktype), json_string(lock->mode), json_string(lock->relation),
                                json_string(lock->detail), json_millis(lock->waiting_for));
    }
    return fmt::format(R"({{"found":{},"waiting":{},"lock":{},"blockers":[{}],"queued_behind":{},"error":{}}})", found,
                       waiting, lock_text, blocker_list, queued.size(), json_string(error));
}

LockWatch::LockWatch(std::string_view conninfo, int pid, Callback on_change, WatchOptions options)
    : m_conninfo(conninfo),
      m_pid(pid),
      m_on_change(std::move(on_change)),
      m_options(std::move(options)),
      m_connection(pg::Connection::connect(conninfo, m_options.application_name))
{
    // A watcher query must never hang the watch.
    m_connection->exec("SET statement_timeout = '2s'");
    m_thread = std::thread([this] { run(); });
}

LockWatch::~LockWatch()
{
    stop();
}

void LockWatch::stop()
{
    {
        const std::lock_guard lock(m_mutex);
        if (m_stopping && !m_thread.joinable()) {
            return;
        }
        m_stopping = true;
    }
    m_changed.notify_all();
    if (m_thread.joinable() && m_thread.get_id() != std::this_thread::get_id()) {
        m_thread.join();
    }
}

WatchSnapshot LockWatch::snapshot() const
{
    const std::lock_guard lock(m_mutex);
    return m_snapshot;
}

WatchSnapshot LockWatch::wait_for_poll(std::uint64_t after, std::chrono::milliseconds timeout) const
{
    std::unique_lock lock(m_mutex);
    m_changed.wait_for(lock, timeout, [&] { return m_snapshot.sequence > after || m_stopping; });
    return m_snapshot;
}

WatchSnapshot LockWatch::poll()
{
    WatchSnapshot snapshot;
    if (!m_connection || !m_connection->is_ok()) {
        m_connection.reset();
        m_connection.emplace(pg::Connection::connect(m_conninfo, m_options.application_name));
        m_connection->exec("SET statement_timeout = '2s'");
    }
    auto info = blocking_info(*m_connection, m_pid);
    snapshot.found = info.found;
    snapshot.waiting = info.waiting;
    snapshot.lock = std::move(info.lock);
    snapshot.blockers = std::move(info.blockers);
    if (info.found) {
        snapshot.queued = queued_behind(*m_connection, m_pid);
    }
    return snapshot;
}

void LockWatch::run()
{
    std::vector<int> previous_blockers;
    bool previous_waiting = false;
    bool previous_alert = false;
    bool first = true;
    std::uint64_t sequence = 0;
    for (;;) {
        WatchSnapshot snapshot;
        try {
            snapshot = poll();
        } catch (const std::exception& error) {
            snapshot.error = error.what();
            m_connection.reset(); // reopened on the next poll
        }
        snapshot.sequence = ++sequence;
        snapshot.taken_at = std::chrono::steady_clock::now();
        const auto pids = snapshot.blocker_pids();
        const bool alert = m_options.queued_alert > 0 &&
                           static_cast<int>(snapshot.queued.size()) >= m_options.queued_alert;
        const bool changed = snapshot.error.empty() &&
                             (first ? (snapshot.waiting || alert)
                                    : (pids != previous_blockers || snapshot.waiting != previous_waiting ||
                                       alert != previous_alert));
        if (snapshot.error.empty()) {
            first = false;
            previous_blockers = pids;
            previous_waiting = snapshot.waiting;
            previous_alert = alert;
        }
        {
            const std::lock_guard lock(m_mutex);
            m_snapshot = snapshot;
        }
        m_changed.notify_all();
        if (changed && m_on_change) {
            // An exception must not escape the thread (std::terminate); the runner's callback
            // failing is its own bug, and the watch goes on.
            try {
                m_on_change(snapshot);
            } catch (...) {
            }
        }
        std::unique_lock lock(m_mutex);
        const auto pause = snapshot.error.empty() ? m_options.interval : std::max(m_options.interval, std::chrono::milliseconds(1000));
        if (m_changed.wait_for(lock, pause, [this] { return m_stopping; })) {
            break;
        }
    }
    m_connection.reset();
}

} // namespace lockwise::locks
