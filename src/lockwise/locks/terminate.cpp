// Termination policy and its parser. The policy errs towards leaving sessions
// alone: only a client backend sitting idle inside a transaction (it holds
// locks while doing nothing) for longer than the threshold qualifies.
#include "lockwise/locks/terminate.hpp"

#include <charconv>
#include <limits>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "lockwise/core/checked.hpp"
#include "lockwise/core/error.hpp"
#include "lockwise/core/format.hpp"

namespace lockwise::locks {

std::optional<Millis> parse_duration(std::string_view text)
{
    bool too_large = false;
    return parse_duration(text, too_large);
}

std::optional<Millis> parse_duration(std::string_view text, bool& too_large)
{
    too_large = false;
    if (text.empty()) {
        return std::nullopt;
    }
    long long total = 0;
    std::size_t at = 0;
    while (at < text.size()) {
        const auto number = core::leading_number(text.substr(at), std::numeric_limits<long long>::max());
        if (number && number->digits == 0) {
            too_large = false; // malformed, whatever came before
            return std::nullopt;
        }
        std::size_t unit_begin = at;
        while (unit_begin < text.size() && text[unit_begin] >= '0' && text[unit_begin] <= '9') {
            ++unit_begin;
        }
        std::size_t unit_end = unit_begin;
        while (unit_end < text.size() && text[unit_end] >= 'a' && text[unit_end] <= 'z') {
            ++unit_end;
        }
        const auto unit = text.substr(unit_begin, unit_end - unit_begin);
        long long scale = 0;
        if (unit == "ms") {
            scale = 1;
        } else if (unit == "s") {
            scale = 1000;
        } else if (unit == "m" || unit == "min") {
            scale = 60'000;
        } else if (unit == "h") {
            scale = 3'600'000;
        } else {
            too_large = false;
            return std::nullopt;
        }
        // Checked: "2562047788016h" once wrapped to a negative total that passed the zero check.
        const auto sum = number ? core::checked_mul_add(number->value, scale, total, core::k_max_duration.count())
                                : std::nullopt;
        if (!sum) {
            too_large = true;
        } else {
            total = *sum;
        }
        at = unit_end;
    }
    if (too_large) {
        return std::nullopt;
    }
    return Millis(total);
}

TerminatePolicy parse_terminate_policy(std::string_view text)
{
    constexpr std::string_view k_kind = "idle-in-transaction";
    const auto reject = [&](std::string message) -> TerminatePolicy {
        throw core::Error(core::ExitCode::usage, std::move(message),
                          "Use --terminate-blockers=idle-in-transaction or idle-in-transaction:<duration>, "
                          "for example idle-in-transaction:30s; lockwise never terminates active sessions.");
    };
    if (!text.starts_with(k_kind)) {
        return reject(fmt::format("unknown terminate policy \"{}\"", text));
    }
    TerminatePolicy policy;
    const auto rest = text.substr(k_kind.size());
    if (rest.empty()) {
        return policy;
    }
    if (rest.front() != ':') {
        return reject(fmt::format("unknown terminate policy \"{}\"", text));
    }
    bool too_large = false;
    const auto duration = parse_duration(rest.substr(1), too_large);
    if (too_large) {
        return reject(fmt::format("duration \"{}\" in terminate policy \"{}\" is too large: the largest is {}", rest.substr(1),
                                  text, core::k_max_duration_text));
    }
    if (!duration) {
        return reject(fmt::format("invalid duration \"{}\" in terminate policy \"{}\"", rest.substr(1), text));
    }
    if (duration->count() == 0) {
        return reject(fmt::format("terminate policy \"{}\" would end every idle transaction at once", text));
    }
    policy.min_idle = *duration;
    return policy;
}

std::optional<std::string> should_terminate(const Blocker& blocker, const TerminatePolicy& policy)
{
    if (blocker.backend_type != "client backend" || !blocker.idle_in_transaction() || !blocker.state_age ||
        *blocker.state_age < policy.min_idle) {
        return std::nullopt;
    }
    if ((blocker.superuser && !policy.superusers) || (blocker.other_database && !policy.other_databases)) {
        return std::nullopt;
    }
    std::string who = fmt::format("pid {}", blocker.pid);
    if (!blocker.user.empty()) {
        who += fmt::format(" (user {}", blocker.user);
        who += blocker.application.empty() ? ")" : fmt::format(", application {})", blocker.application);
    }
    return fmt::format("{} has been {} for {} (policy: at least {}) and blocks lockwise", who, blocker.state,
                       core::format_duration(*blocker.state_age), core::format_duration(policy.min_idle));
}

namespace {

// pg_terminate_backend(pid, wait) for the session `pid` if `guard` (a condition on
// pg_stat_activity a; its parameters from $3 on are `guard_params`) holds at the moment of the call.
bool terminate_where(pg::Connection& conn, int pid, std::string_view reason, Millis wait, std::string_view guard,
                     const std::vector<std::string>& guard_params)
{
    // The reason travels inside a /* */ comment; PostgreSQL nests block comments, so both
    // openers and closers are broken up, and the reason can neither end nor extend it.
    std::string comment;
    for (char c : reason) {
        if (!comment.empty() && ((comment.back() == '/' && c == '*') || (comment.back() == '*' && c == '/'))) {
            comment += ' ';
        }
        comment += c;
    }
    pg::Params params = {std::to_string(pid), std::to_string(wait.count())};
    params.insert(params.end(), guard_params.begin(), guard_params.end());
    // pg_terminate_backend(pid, timeout) waits for the backend to exit from PostgreSQL 14 on;
    // 13 has only pg_terminate_backend(pid), so there lockwise waits for the pid to go itself.
    const bool server_waits = conn.server_version() >= 140000;
    try {
        const auto result = conn.exec_params(
            fmt::format("SELECT pg_terminate_backend(a.pid{}) /* lockwise: {} */ FROM pg_stat_activity a "
                        "WHERE a.pid = $1 AND ({}){}",
                        server_waits ? ", $2" : "", comment, guard, server_waits ? "" : " AND $2::bigint >= 0"),
            params, wait + std::chrono::seconds(5));
        const bool terminated = result.rows() == 1 && result.get_bool(0, 0);
        if (terminated && !server_waits) {
            const auto deadline = std::chrono::steady_clock::now() + wait;
            while (conn.exec_params("SELECT 1 FROM pg_stat_activity WHERE pid = $1", {std::to_string(pid)}).rows() > 0) {
                if (std::chrono::steady_clock::now() >= deadline) {
                    return false; // as pg_terminate_backend(pid, timeout) does when the wait runs out
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
        }
        return terminated;
    } catch (const pg::SqlError& error) {
        if (error.connection_lost()) {
            throw;
        }
        return false;
    }
}

} // namespace

bool terminate_backend(pg::Connection& conn, int pid, std::string_view reason, Millis wait)
{
    return terminate_where(conn, pid, reason, wait, "true", {});
}

bool terminate_blocker(pg::Connection& conn, int pid, std::string_view reason, const TerminatePolicy& policy, Millis wait)
{
    return terminate_where(conn, pid, reason, wait,
                           "($3::boolean OR NOT coalesce((SELECT r.rolsuper FROM pg_roles r WHERE r.oid = a.usesysid), false)) "
                           "AND ($4::boolean OR a.datname = current_database())",
                           {policy.superusers ? "true" : "false", policy.other_databases ? "true" : "false"});
}

} // namespace lockwise::locks
