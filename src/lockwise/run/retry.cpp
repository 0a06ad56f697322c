// Retry classification by SQLSTATE (README, "Retries": 55P03, 40P01, 40001, and statement
// timeouts caused by lock waits; never syntax, permission or constraint errors).
#include "lockwise/run/retry.hpp"

#include <algorithm>

namespace lockwise::run {

FailureClass classify_failure(const pg::SqlError& error, bool waited_on_lock) noexcept
{
    const auto& state = error.sqlstate();
    if (error.connection_lost() || state == pg::sqlstate::admin_shutdown || state == "57P02" || state == "57P03" ||
        state.rfind("08", 0) == 0) {
        return FailureClass::connection;
    }
    if (state == pg::sqlstate::lock_not_available) {
        return FailureClass::lock;
    }
    if (state == pg::sqlstate::deadlock_detected || state == pg::sqlstate::serialization_failure) {
        return FailureClass::conflict;
    }
    if (state == pg::sqlstate::query_canceled && waited_on_lock) {
        return FailureClass::lock;
    }
    return FailureClass::fatal;
}

bool is_retryable(FailureClass failure) noexcept { return failure != FailureClass::fatal; }

plan::Millis backoff_for_attempt(const plan::Policy& policy, int attempt, std::mt19937_64& random)
{
    long long base = std::max<long long>(policy.backoff_initial.count(), 1);
    for (int i = 2; i < attempt && base < policy.backoff_max.count(); ++i) {
        base *= 2;
    }
    base = std::min<long long>(base, std::max<long long>(policy.backoff_max.count(), 1));
    std::uniform_int_distribution<long long> jitter(base / 2, base);
    return plan::Millis(jitter(random));
}

} // namespace lockwise::run
