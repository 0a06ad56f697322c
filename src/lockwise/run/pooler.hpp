// Detection of a connection pooler that does not pin a server session to our client
// (PgBouncer in transaction or statement mode): the runner lock, session SETs and
// autocommit CONCURRENTLY steps need one server session for the whole run.
#pragma once

#include <string>
#include <string_view>

#include "lockwise/pg/connection.hpp"

namespace lockwise::run {

enum class SessionPinning {
    pinned,     // direct connection, or a pooler in session mode: everything works as direct
    not_pinned, // another client was handed our server session: transaction/statement pooling
};

struct PinningProbe {
    SessionPinning pinning = SessionPinning::pinned;
    std::string evidence; // one line for logs: what the probe saw
};

// Probes whether `conninfo` keeps one server session per client connection. Method (docs/operations.md):
// client A reads pg_backend_pid() (P) and goes idle; up to 3 other clients each open a transaction and
// read their pg_backend_pid() while holding it. A session pooler or a direct server never gives P to
// anyone else while A is connected; a transaction pooler returns P to its pool after A's statement and
// hands it to the next transaction (PgBouncer's default LIFO reuse makes that the first one). A pooler
// that refuses BEGIN (statement mode) is not pinned either. Throws pg::SqlError if it can't connect.
PinningProbe probe_session_pinning(std::string_view conninfo);

// Throws core::Error(usage) naming --direct-url when `conninfo` is not session-pinned.
void require_session_pinning(std::string_view conninfo);

} // namespace lockwise::run
