// The wait probe over the locks stage: one watcher connection, a few catalog
// queries per probe, only while a statement has been running for a while.
#include "lockwise/run/wait_probe.hpp"

#include <fmt/format.h>

#include "lockwise/locks/blocking.hpp"
#include "lockwise/locks/terminate.hpp"
#include "lockwise/pg/connection.hpp"

namespace lockwise::run {
namespace {

std::string seconds(std::chrono::milliseconds value) { return fmt::format("{:.1f}s", static_cast<double>(value.count()) / 1000.0); }

BlockerView view_of(const locks::Session& session)
{
    BlockerView view;
    view.pid = session.pid;
    view.user = session.user;
    view.application = session.application;
    view.state = session.state;
    view.backend_type = session.backend_type;
    view.in_state = session.state_age.value_or(std::chrono::milliseconds(0));
    view.transaction_age = session.xact_age.value_or(std::chrono::milliseconds(0));
    view.query = session.query;
    view.superuser = session.superuser;
    view.other_database = session.other_database;
    return view;
}

class LocksWaitProbe final : public WaitProbe {
public:
    LocksWaitProbe(const std::string& conninfo, const std::string& terminate_policy, const std::string& application_name,
                   bool superusers, bool other_databases)
        : m_connection(pg::Connection::connect(conninfo, application_name))
    {
        if (!terminate_policy.empty()) {
            m_policy = locks::parse_terminate_policy(terminate_policy);
            m_policy->superusers = superusers;
            m_policy->other_databases = other_databases;
        }
    }

    WaitSnapshot probe(int pid) override
    {
        WaitSnapshot snapshot;
        const auto info = locks::blocking_info(m_connection, pid);
        if (!info.found || !info.waiting) {
            return snapshot;
        }
        snapshot.waiting = true;
        snapshot.waiting_for = info.lock ? info.lock->describe() : "a lock";
        for (const auto& blocker : info.blockers) {
            snapshot.blockers.push_back(view_of(blocker));
        }
        const auto queued = locks::queued_behind(m_connection, pid);
        snapshot.queued_behind = static_cast<int>(queued.size());
        return snapshot;
    }

    std::vector<BlockerView> conflicting_holders(const std::vector<std::string>& relations, sql::LockMode mode,
                                                 int self_pid) override
    {
        const auto wanted = locks::parse_lock_mode(sql::lock_mode_name(mode));
        if (!wanted) {
            return {};
        }
        std::vector<BlockerView> views;
        for (const auto& holder : locks::conflicting_holders(m_connection, relations, *wanted, self_pid)) {
            views.push_back(view_of(holder));
        }
        return views;
    }

    std::optional<std::string> should_terminate(const BlockerView& blocker) override
    {
        if (!m_policy) {
            return std::nullopt;
        }
        locks::Blocker candidate;
        candidate.pid = blocker.pid;
        candidate.state = blocker.state;
        candidate.backend_type = blocker.backend_type;
        candidate.state_age = blocker.in_state;
        candidate.xact_age = blocker.transaction_age;
        candidate.query = blocker.query;
        candidate.application = blocker.application;
        candidate.user = blocker.user;
        candidate.superuser = blocker.superuser;
        candidate.other_database = blocker.other_database;
        return locks::should_terminate(candidate, *m_policy);
    }

    bool terminate(int pid, const std::string& reason) override
    {
        return m_policy && locks::terminate_blocker(m_connection, pid, reason, *m_policy);
    }

private:
    pg::Connection m_connection;
    std::optional<locks::TerminatePolicy> m_policy;
};

} // namespace

std::string BlockerView::describe() const
{
    std::string text = fmt::format("pid {} (user {}", pid, user.empty() ? "?" : user);
    if (!application.empty()) {
        text += ", app " + application;
    }
    if (!state.empty()) {
        text += fmt::format(", {} for {}", state, seconds(in_state));
    }
    if (transaction_age.count() > 0) {
        text += ", transaction open " + seconds(transaction_age);
    }
    text += ")";
    if (!query.empty()) {
        text += ": " + query;
    }
    return text;
}

std::unique_ptr<WaitProbe> make_wait_probe(const std::string& conninfo, const std::string& terminate_policy,
                                           const std::string& application_name, bool terminate_superusers,
                                           bool terminate_other_databases)
{
    return std::make_unique<LocksWaitProbe>(conninfo, terminate_policy, application_name, terminate_superusers,
                                            terminate_other_databases);
}

} // namespace lockwise::run
