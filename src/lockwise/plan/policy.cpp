// Default lock policies and the growth of lock_timeout across attempts.
#include "lockwise/plan/policy.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace lockwise::plan {

using namespace std::chrono_literals;

std::string_view policy_class_name(PolicyClass policy_class) noexcept
{
    switch (policy_class) {
    case PolicyClass::ddl: return "ddl";
    case PolicyClass::dml: return "dml";
    case PolicyClass::concurrent_index: return "concurrent-index";
    case PolicyClass::backfill: return "backfill";
    }
    return "ddl";
}

std::optional<PolicyClass> policy_class_from_name(std::string_view name) noexcept
{
    for (auto candidate : {PolicyClass::ddl, PolicyClass::dml, PolicyClass::concurrent_index, PolicyClass::backfill}) {
        if (policy_class_name(candidate) == name) {
            return candidate;
        }
    }
    return std::nullopt;
}

const Policy& PolicySet::of(PolicyClass policy_class) const noexcept
{
    switch (policy_class) {
    case PolicyClass::ddl: return ddl;
    case PolicyClass::dml: return dml;
    case PolicyClass::concurrent_index: return concurrent_index;
    case PolicyClass::backfill: return backfill;
    }
    return ddl;
}

Policy& PolicySet::of(PolicyClass policy_class) noexcept
{
    return const_cast<Policy&>(static_cast<const PolicySet*>(this)->of(policy_class));
}

PolicySet default_policies()
{
    PolicySet set;
    // While an ACCESS EXCLUSIVE request waits, every later query on the table queues
    // behind it: the wait must be short, and grows only as attempts fail.
    set.ddl.lock_timeout = 100ms;
    set.ddl.lock_timeout_max = 2s;
    set.ddl.statement_timeout = 10min;
    set.ddl.idle_in_transaction_timeout = 60s;
    set.ddl.retry_budget = 5min;
    set.ddl.backoff_initial = 200ms;
    set.ddl.backoff_max = 10s;
    set.ddl.max_queued_sessions = 20;
    // Row-lock waits block only the rows involved, not the table.
    set.dml.lock_timeout = 2s;
    set.dml.lock_timeout_max = 10s;
    set.dml.statement_timeout = 0ms;
    set.dml.idle_in_transaction_timeout = 60s;
    set.dml.retry_budget = 10min;
    set.dml.backoff_initial = 500ms;
    set.dml.backoff_max = 15s;
    // SHARE UPDATE EXCLUSIVE blocks no reads or writes, and a concurrent build must
    // wait for every older transaction: that wait is long by nature and harmless.
    set.concurrent_index.lock_timeout = 10min;
    set.concurrent_index.lock_timeout_max = 30min;
    set.concurrent_index.statement_timeout = 0ms;
    set.concurrent_index.idle_in_transaction_timeout = 60s;
    set.concurrent_index.retry_budget = 60min;
    set.concurrent_index.backoff_initial = 1s;
    set.concurrent_index.backoff_max = 30s;
    // One batch: short and bounded; locked rows are skipped, not waited for.
    set.backfill.lock_timeout = 1s;
    set.backfill.lock_timeout_max = 5s;
    set.backfill.statement_timeout = 30s;
    set.backfill.idle_in_transaction_timeout = 60s;
    set.backfill.retry_budget = 5min;
    set.backfill.backoff_initial = 200ms;
    set.backfill.backoff_max = 5s;
    return set;
}

Millis lock_timeout_for_attempt(const Policy& policy, int attempt) noexcept
{
    double value = static_cast<double>(policy.lock_timeout.count());
    for (int i = 1; i < attempt; ++i) {
        value *= policy.lock_timeout_growth;
        if (value >= static_cast<double>(policy.lock_timeout_max.count())) {
            break;
        }
    }
    const auto cap = std::max(policy.lock_timeout_max, policy.lock_timeout);
    return std::min(Millis(static_cast<long long>(std::llround(value))), cap);
}

std::string format_millis(Millis value)
{
    const auto ms = value.count();
    if (ms == 0) {
        return "off";
    }
    if (ms % 3'600'000 == 0) {
        return fmt::format("{}h", ms / 3'600'000);
    }
    if (ms % 60'000 == 0) {
        return fmt::format("{}min", ms / 60'000);
    }
    if (ms % 1000 == 0) {
        return fmt::format("{}s", ms / 1000);
    }
    return fmt::format("{}ms", ms);
}

} // namespace lockwise::plan
