// RAII over libpq: a move-only Connection and Result. Queries are sent
// asynchronously and waited for against a deadline, cancelled on timeout, and
// the connection is always drained (pgBackRest's client is the model).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lockwise/pg/sql_error.hpp"

struct pg_conn;
struct pg_result;
struct pg_cancel;

namespace lockwise::pg {

using Clock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;

// Text-format query result. Values are borrowed from the PGresult; copy them to keep them.
class Result {
public:
    Result() = default;
    explicit Result(pg_result* result) noexcept : m_result(result) {}
    Result(Result&& other) noexcept;
    Result& operator=(Result&& other) noexcept;
    Result(const Result&) = delete;
    Result& operator=(const Result&) = delete;
    ~Result();

    int rows() const noexcept;
    int columns() const noexcept;
    bool is_null(int row, int column) const noexcept;
    // The value as text, "" for NULL.
    std::string_view get(int row, int column) const noexcept;
    std::optional<std::string> value(int row, int column) const;
    long long get_int(int row, int column) const;
    bool get_bool(int row, int column) const;
    // Index of the column named `name`; throws core::Error(internal) if absent.
    int column(std::string_view name) const;
    std::string column_name(int column) const;
    // Rows affected by INSERT/UPDATE/DELETE/..., 0 otherwise.
    long long affected_rows() const noexcept;
    std::string command_status() const;

private:
    pg_result* m_result = nullptr;
};

// A message the server sent while a statement ran (NOTICE, WARNING, ...).
struct Notice {
    std::string severity;
    std::string message;
};

// Thread-safe: cancels the query running on a connection from any thread.
class CancelHandle {
public:
    explicit CancelHandle(pg_cancel* cancel) noexcept : m_cancel(cancel) {}
    CancelHandle(CancelHandle&& other) noexcept;
    CancelHandle& operator=(CancelHandle&& other) noexcept;
    CancelHandle(const CancelHandle&) = delete;
    CancelHandle& operator=(const CancelHandle&) = delete;
    ~CancelHandle();
    // Ask the server to cancel whatever the connection is running. Returns false if the request failed.
    bool cancel() const noexcept;

private:
    pg_cancel* m_cancel = nullptr;
};

using Params = std::vector<std::optional<std::string>>;

class Connection {
public:
    // Connects with libpq (conninfo or URI; empty means PG* environment and defaults;
    // .pgpass works as libpq does it). application_name defaults to "lockwise".
    // Throws SqlError(connection_failed code) with secrets scrubbed from the message.
    static Connection connect(std::string_view conninfo, std::string_view application_name = "lockwise",
                              std::chrono::seconds connect_timeout = std::chrono::seconds(10));

    Connection() noexcept;
    Connection(Connection&& other) noexcept;
    Connection& operator=(Connection&& other) noexcept;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection();

    explicit operator bool() const noexcept { return m_state != nullptr; }

    // Runs `sql` (one or more statements, simple query protocol) and returns the last result.
    // With a deadline, the query is cancelled when it runs out and SqlError(57014) is thrown.
    Result exec(std::string_view sql, std::optional<Millis> timeout = std::nullopt);
    // One statement with $1..$n text parameters (extended protocol).
    Result exec_params(std::string_view sql, const Params& params,
                       std::optional<Millis> timeout = std::nullopt);

    // Asynchronous use: send, then poll `wait` (e.g. while a lock watch looks on from another connection).
    void send(std::string_view sql);
    void send_params(std::string_view sql, const Params& params);
    // Waits up to `max_wait` for the sent query. Returns the result when done (throws SqlError if it
    // failed), nullopt if it is still running.
    std::optional<Result> wait(Millis max_wait);
    // Cancel the running query and drain the connection; the query's error is swallowed.
    void cancel_and_drain() noexcept;
    bool busy() const noexcept;

    CancelHandle cancel_handle() const;
    int backend_pid() const noexcept;
    int server_version() const noexcept; // e.g. 150004
    bool in_transaction() const noexcept; // inside a transaction block (or a failed one)
    bool is_ok() const noexcept;          // the connection is alive as far as libpq knows
    std::vector<Notice> take_notices();
    const std::string& conninfo() const noexcept; // as given: never print it, use redacted()
    std::string redacted() const;
    std::string parameter_status(std::string_view name) const; // server_version, ...

    std::string quote_identifier(std::string_view identifier) const;
    std::string quote_literal(std::string_view literal) const;

private:
    struct State;
    explicit Connection(std::unique_ptr<State> state) noexcept;
    Result collect(std::optional<Clock::time_point> deadline, std::string_view sql);
    [[noreturn]] void throw_connection_error(std::string_view sql) const;

    std::unique_ptr<State> m_state;
};

// Quote an identifier without a connection (same rules as PQescapeIdentifier for UTF-8).
std::string quote_identifier(std::string_view identifier);
// Quote a string literal without a connection (standard_conforming_strings on).
std::string quote_literal(std::string_view literal);

// The version of the libpq lockwise runs with (PQlibVersion), e.g. "15.5".
std::string libpq_version();

} // namespace lockwise::pg
