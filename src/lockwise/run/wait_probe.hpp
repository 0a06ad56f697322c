// What the runner asks the lock watch while a step runs: is our statement waiting
// for a lock, on what, behind whom, and how many application sessions queue behind us.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lockwise/sql/statement.hpp"

namespace lockwise::run {

struct BlockerView {
    int pid = 0;
    std::string user;
    std::string application;
    std::string state;          // "idle in transaction", "active", ...
    std::string backend_type;   // "client backend", "autovacuum worker", ...
    std::chrono::milliseconds in_state{0};
    std::chrono::milliseconds transaction_age{0};
    std::string query;          // cut to a sane length
    bool superuser = false;     // a superuser's session (spared unless runner.terminate_superusers)
    bool other_database = false; // another database's session (spared unless runner.terminate_other_databases)
    // "pid 4242 (user app, app crm-api, idle in transaction for 12.0s, xact 14.1s): SELECT ..."
    std::string describe() const;
};

struct WaitSnapshot {
    bool waiting = false;        // the runner's backend waits for a heavyweight lock
    std::string waiting_for;     // "AccessExclusiveLock on relation leads"
    std::vector<BlockerView> blockers;
    int queued_behind = 0;       // application sessions waiting behind the runner
};

class WaitProbe {
public:
    virtual ~WaitProbe() = default;
    // The runner backend `pid` as the watch connection sees it now.
    virtual WaitSnapshot probe(int pid) = 0;
    // Sessions (other than `self_pid`) holding a lock on one of `relations` that conflicts with `mode`.
    virtual std::vector<BlockerView> conflicting_holders(const std::vector<std::string>& relations, sql::LockMode mode,
                                                         int self_pid) = 0;
    // Whether the terminate-blockers policy selects `blocker`; the reason when it does.
    virtual std::optional<std::string> should_terminate(const BlockerView& blocker) = 0;
    virtual bool terminate(int pid, const std::string& reason) = 0;
};

// A probe over its own connection to `conninfo`. `terminate_policy` "" = never terminate;
// superusers' and other databases' sessions only with `terminate_superusers` / `terminate_other_databases`.
std::unique_ptr<WaitProbe> make_wait_probe(const std::string& conninfo, const std::string& terminate_policy,
                                           const std::string& application_name = "lockwise lock watch",
                                           bool terminate_superusers = false, bool terminate_other_databases = false);

} // namespace lockwise::run
