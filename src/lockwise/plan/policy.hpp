// Lock policies: how long each class of step may wait for its locks, how long
// it may run, and how it retries. Defaults follow what careful operators use
// (README, "Lock policies"); every value is overridable by config and directive.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace lockwise::plan {

using Millis = std::chrono::milliseconds;

enum class PolicyClass {
    ddl,              // a group that takes a lock blocking writes or reads (ACCESS EXCLUSIVE, SHARE, ...)
    dml,              // a group that only takes row-level-write locks (ROW EXCLUSIVE and weaker)
    concurrent_index, // CREATE/DROP/REINDEX ... CONCURRENTLY and other autocommit statements
    backfill,         // one batch of a backfill
};
std::string_view policy_class_name(PolicyClass policy_class) noexcept; // "ddl", "dml", "concurrent-index", "backfill"
std::optional<PolicyClass> policy_class_from_name(std::string_view name) noexcept;

struct Policy {
    // lock_timeout of the first attempt; each retry multiplies it by lock_timeout_growth up to the cap.
    Millis lock_timeout{0};
    Millis lock_timeout_max{0};
    double lock_timeout_growth = 2.0;
    // statement_timeout per statement; 0 = off.
    Millis statement_timeout{0};
    Millis idle_in_transaction_timeout{0};
    // Total time a step may spend retrying lock failures before it gives up (exit code 3).
    Millis retry_budget{0};
    Millis backoff_initial{0};
    Millis backoff_max{0};
    // Cancel an attempt as soon as this many application sessions queue behind it (0 = never).
    int max_queued_sessions = 0;
    // Attempts per step (0 = as many as the retry budget allows).
    int max_attempts = 0;
    bool best_effort = false; // warn and continue instead of failing the migration
};

struct PolicySet {
    Policy ddl;
    Policy dml;
    Policy concurrent_index;
    Policy backfill;
    const Policy& of(PolicyClass policy_class) const noexcept;
    Policy& of(PolicyClass policy_class) noexcept;
};

// The defaults documented in the README.
PolicySet default_policies();

// lock_timeout for attempt `attempt` (1-based) under `policy`.
Millis lock_timeout_for_attempt(const Policy& policy, int attempt) noexcept;

// "250ms", "5s", "2min", "off" for 0.
std::string format_millis(Millis value);

} // namespace lockwise::plan
