// Which failures a step retries, and how long it waits between attempts:
// exponential backoff with full jitter, so many runners never retry in lockstep.
#pragma once

#include <chrono>
#include <random>

#include "lockwise/pg/sql_error.hpp"
#include "lockwise/plan/policy.hpp"

namespace lockwise::run {

enum class FailureClass {
    lock,      // 55P03 lock_not_available, or a cancel/statement_timeout while waiting for a lock
    conflict,  // 40P01 deadlock, 40001 serialization failure
    connection,// the session died (terminated, server restart): reconnect and retry the step
    fatal,     // syntax, permission, constraint, data errors: retrying can't help
};

// `waited_on_lock`: the lock watch saw the statement waiting for a lock when it failed.
FailureClass classify_failure(const pg::SqlError& error, bool waited_on_lock) noexcept;
bool is_retryable(FailureClass failure) noexcept;

// Backoff before attempt `attempt` (2-based: the first retry), full jitter in [base/2, base].
plan::Millis backoff_for_attempt(const plan::Policy& policy, int attempt, std::mt19937_64& random);

} // namespace lockwise::run
