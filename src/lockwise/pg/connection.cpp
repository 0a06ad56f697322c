// libpq connection and result wrappers: asynchronous send, deadline-bounded wait
// with cancel, full error fields, notices captured per connection.
#include "lockwise/pg/connection.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <cstdlib>
#include <fmt/format.h>
#include <utility>

#include "lockwise/core/secrets.hpp"
#include "lockwise/pg/conninfo.hpp"

namespace lockwise::pg {

// ---------------------------------------------------------------- Result

Result::Result(Result&& other) noexcept : m_result(std::exchange(other.m_result, nullptr)) {}

Result& Result::operator=(Result&& other) noexcept
{
    if (this != &other) {
        PQclear(m_result);
        m_result = std::exchange(other.m_result, nullptr);
    }
    return *this;
}

Result::~Result() { PQclear(m_result); }

int Result::rows() const noexcept { return m_result != nullptr ? PQntuples(m_result) : 0; }
int Result::columns() const noexcept { return m_result != nullptr ? PQnfields(m_result) : 0; }

bool Result::is_null(int row, int column) const noexcept
{
    return m_result == nullptr || PQgetisnull(m_result, row, column) != 0;
}

std::string_view Result::get(int row, int column) const noexcept
{
    if (m_result == nullptr || row >= rows() || column >= columns()) {
        return {};
    }
    return {PQgetvalue(m_result, row, column),
            static_cast<std::size_t>(PQgetlength(m_result, row, column))};
}

std::optional<std::string> Result::value(int row, int column) const
{
    if (is_null(row, column)) {
        return std::nullopt;
    }
    return std::string(get(row, column));
}

long long Result::get_int(int row, int column) const
{
    const auto text = std::string(get(row, column));
    return text.empty() ? 0 : std::stoll(text);
}

bool Result::get_bool(int row, int column) const { return get(row, column) == "t"; }

int Result::column(std::string_view name) const
{
    const int index = m_result != nullptr ? PQfnumber(m_result, std::string(name).c_str()) : -1;
    if (index < 0) {
        throw core::Error(core::ExitCode::internal, fmt::format("result has no column \"{}\"", name));
    }
    return index;
}

std::string Result::column_name(int column) const
{
    return m_result != nullptr ? PQfname(m_result, column) : "";
}

long long Result::affected_rows() const noexcept
{
    if (m_result == nullptr) {
        return 0;
    }
    const char* tuples = PQcmdTuples(m_result);
    return (tuples != nullptr && tuples[0] != '\0') ? std::atoll(tuples) : 0;
}

std::string Result::command_status() const { return m_result != nullptr ? PQcmdStatus(m_result) : ""; }

// ---------------------------------------------------------------- CancelHandle

CancelHandle::CancelHandle(CancelHandle&& other) noexcept
    : m_cancel(std::exchange(other.m_cancel, nullptr))
{
}

CancelHandle& CancelHandle::operator=(CancelHandle&& other) noexcept
{
    if (this != &other) {
        if (m_cancel != nullptr) {
            PQfreeCancel(m_cancel);
        }
        m_cancel = std::exchange(other.m_cancel, nullptr);
    }
    return *this;
}

CancelHandle::~CancelHandle()
{
    if (m_cancel != nullptr) {
        PQfreeCancel(m_cancel);
    }
}

bool CancelHandle::cancel() const noexcept
{
    if (m_cancel == nullptr) {
        return false;
    }
    char error[256];
    return PQcancel(m_cancel, error, sizeof error) == 1;
}

// ---------------------------------------------------------------- Connection

struct Connection::State {
    PGconn* conn = nullptr;
    std::string conninfo;
    std::vector<Notice> notices;
    std::string pending_sql; // the statement sent asynchronously, for error reports

    ~State()
    {
        if (conn != nullptr) {
            PQfinish(conn);
        }
    }
};

namespace {

void receive_notice(void* arg, const PGresult* result)
{
    auto* notices = static_cast<std::vector<Notice>*>(arg);
    const char* severity = PQresultErrorField(result, PG_DIAG_SEVERITY_NONLOCALIZED);
    const char* message = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    notices->push_back({severity != nullptr ? severity : "NOTICE", message != nullptr ? message : ""});
}

std::string field(const PGresult* result, int code)
{
    const char* value = PQresultErrorField(result, code);
    return value != nullptr ? value : "";
}

SqlError error_from_result(const PGresult* result, std::string_view sql)
{
    ErrorFields fields;
    fields.sqlstate = field(result, PG_DIAG_SQLSTATE);
    fields.severity = field(result, PG_DIAG_SEVERITY_NONLOCALIZED);
    fields.message = field(result, PG_DIAG_MESSAGE_PRIMARY);
    if (fields.message.empty()) {
        fields.message = PQresultErrorMessage(result);
    }
    fields.detail = field(result, PG_DIAG_MESSAGE_DETAIL);
    fields.hint = field(result, PG_DIAG_MESSAGE_HINT);
    fields.context = field(result, PG_DIAG_CONTEXT);
    const auto position = field(result, PG_DIAG_STATEMENT_POSITION);
    if (!position.empty()) {
        fields.position = std::atoi(position.c_str());
    }
    fields.schema = field(result, PG_DIAG_SCHEMA_NAME);
    fields.table = field(result, PG_DIAG_TABLE_NAME);
    fields.column = field(result, PG_DIAG_COLUMN_NAME);
    fields.constraint = field(result, PG_DIAG_CONSTRAINT_NAME);
    fields.statement = std::string(sql);
    return SqlError(std::move(fields));
}

// Waits until the socket is readable or the deadline passes. Returns false on timeout.
bool wait_readable(PGconn* conn, std::optional<Clock::time_point> deadline)
{
    pollfd descriptor{PQsocket(conn), POLLIN, 0};
    int timeout_ms = -1;
    if (deadline) {
        const auto left = std::chrono::duration_cast<Millis>(*deadline - Clock::now()).count();
        if (left <= 0) {
            return false;
        }
        timeout_ms = static_cast<int>(std::min<long long>(left, 1'000'000));
    }
    const int ready = poll(&descriptor, 1, timeout_ms);
    return ready != 0;
}

std::vector<const char*> param_pointers(const Params& params)
{
    std::vector<const char*> pointers;
    pointers.reserve(params.size());
    for (const auto& param : params) {
        pointers.push_back(param ? param->c_str() : nullptr);
    }
    return pointers;
}

} // namespace

Connection::Connection() noexcept = default;
Connection::Connection(std::unique_ptr<State> state) noexcept : m_state(std::move(state)) {}
Connection::Connection(Connection&& other) noexcept = default;
Connection& Connection::operator=(Connection&& other) noexcept = default;
Connection::~Connection() = default;

Connection Connection::connect(std::string_view conninfo, std::string_view application_name,
                               std::chrono::seconds connect_timeout)
{
    auto state = std::make_unique<State>();
    state->conninfo = std::string(conninfo);
    const std::string app(application_name);
    const std::string timeout = std::to_string(connect_timeout.count());
    // Defaults first, the user's connection string last: what the user wrote wins.
    const char* keywords[] = {"application_name", "connect_timeout", "dbname", nullptr};
    const char* values[] = {app.c_str(), timeout.c_str(),
                            state->conninfo.empty() ? nullptr : state->conninfo.c_str(), nullptr};
    state->conn = PQconnectdbParams(keywords, values, 1);
    register_conninfo_secrets(conninfo);
    std::string parse_problem;
    if (state->conn == nullptr || PQstatus(state->conn) != CONNECTION_OK) {
        std::string message = state->conn != nullptr ? PQerrorMessage(state->conn) : "out of memory";
        while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
            message.pop_back();
        }
        ErrorFields fields;
        // libpq's parse errors quote the offending token, which may be the password: say what is
        // wrong without it.
        fields.message = conninfo_is_valid(conninfo, parse_problem)
                             ? fmt::format("could not connect to {}: {}", redact_conninfo(conninfo),
                                           scrub_secrets(message, conninfo))
                             : fmt::format("invalid connection string: {}", parse_problem);
        fields.hint = "Check the connection string (--database-url or DATABASE_URL), that the server "
                      "is running, and the credentials.";
        SqlError error(std::move(fields));
        error.set_connection_lost(true);
        throw error;
    }
    // The password libpq used: from the string, PGPASSWORD or the .pgpass entry that matched.
    if (const char* password = PQpass(state->conn); password != nullptr) {
        core::register_secret(password);
    }
    PQsetNoticeReceiver(state->conn, receive_notice, &state->notices);
    // lockwise parses, checks and hashes migrations as UTF-8 text with standard conforming
    // strings (libpg_query's view); the server must read the same bytes the same way, whatever
    // the database, the role, PGCLIENTENCODING or the connection string set. With another
    // client_encoding UTF-8 text is stored garbled; with standard_conforming_strings off
    // 'a\' is an unterminated string to the server and the statements it sees are not the
    // ones lockwise split. Both settings are reported by the server and tracked by PgBouncer.
    Connection connection(std::move(state));
    const auto* encoding = PQparameterStatus(connection.m_state->conn, "client_encoding");
    if ((encoding == nullptr || std::string_view(encoding) != "UTF8") &&
        PQsetClientEncoding(connection.m_state->conn, "UTF8") != 0) {
        connection.throw_connection_error("SET client_encoding = 'UTF8'");
    }
    const auto* conforming = PQparameterStatus(connection.m_state->conn, "standard_conforming_strings");
    if (conforming == nullptr || std::string_view(conforming) != "on") {
        connection.exec("SET standard_conforming_strings = on");
    }
    return connection;
}

void Connection::throw_connection_error(std::string_view sql) const
{
    ErrorFields fields;
    std::string message = PQerrorMessage(m_state->conn);
    while (!message.empty() && message.back() == '\n') {
        message.pop_back();
    }
    fields.message = message.empty() ? "connection to the server was lost" : message;
    fields.statement = std::string(sql);
    SqlError error(std::move(fields));
    error.set_connection_lost(PQstatus(m_state->conn) != CONNECTION_OK);
    throw error;
}

void Connection::send(std::string_view sql)
{
    m_state->pending_sql = std::string(sql);
    if (PQsendQuery(m_state->conn, m_state->pending_sql.c_str()) != 1) {
        throw_connection_error(sql);
    }
}

void Connection::send_params(std::string_view sql, const Params& params)
{
    m_state->pending_sql = std::string(sql);
    const auto pointers = param_pointers(params);
    if (PQsendQueryParams(m_state->conn, m_state->pending_sql.c_str(), static_cast<int>(params.size()),
                          nullptr, pointers.data(), nullptr, nullptr, 0) != 1) {
        throw_connection_error(sql);
    }
}

bool Connection::busy() const noexcept
{
    if (PQconsumeInput(m_state->conn) != 1) {
        return false;
    }
    return PQisBusy(m_state->conn) != 0;
}

std::optional<Result> Connection::wait(Millis max_wait)
{
    const auto deadline = Clock::now() + max_wait;
    while (true) {
        if (PQconsumeInput(m_state->conn) != 1) {
            throw_connection_error(m_state->pending_sql);
        }
        if (PQisBusy(m_state->conn) == 0) {
            return collect(std::nullopt, m_state->pending_sql);
        }
        if (!wait_readable(m_state->conn, deadline)) {
            return std::nullopt;
        }
    }
}

// Reads every result of the sent query (draining the connection even after an
// error) and returns the last one, or throws the first error.
Result Connection::collect(std::optional<Clock::time_point> deadline, std::string_view sql)
{
    std::optional<SqlError> first_error;
    Result last;
    bool cancelled = false;
    while (true) {
        while (PQisBusy(m_state->conn) != 0) {
            if (!wait_readable(m_state->conn, cancelled ? std::nullopt : deadline)) {
                // The deadline passed: cancel and keep draining until the server answers.
                cancel_handle().cancel();
                cancelled = true;
            }
            if (PQconsumeInput(m_state->conn) != 1) {
                throw_connection_error(sql);
            }
        }
        PGresult* raw = PQgetResult(m_state->conn);
        if (raw == nullptr) {
            break;
        }
        Result result(raw);
        const auto status = PQresultStatus(raw);
        if (status == PGRES_FATAL_ERROR) {
            if (!first_error) {
                first_error = error_from_result(raw, sql);
            }
        } else if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH) {
            // lockwise never streams COPY data through this path: end it so the connection stays usable.
            if (status == PGRES_COPY_IN) {
                PQputCopyEnd(m_state->conn, "COPY from stdin is not supported by lockwise");
            }
        } else {
            last = std::move(result);
        }
        if (PQstatus(m_state->conn) != CONNECTION_OK) {
            break;
        }
    }
    if (PQstatus(m_state->conn) != CONNECTION_OK) {
        if (first_error) {
            first_error->set_connection_lost(true);
            throw *first_error;
        }
        throw_connection_error(sql);
    }
    if (first_error) {
        if (cancelled && first_error->sqlstate() == sqlstate::query_canceled) {
            auto fields = first_error->fields();
            fields.message = "canceling statement: lockwise's deadline for it passed";
            throw SqlError(std::move(fields));
        }
        throw *first_error;
    }
    return last;
}

Result Connection::exec(std::string_view sql, std::optional<Millis> timeout)
{
    const auto deadline = timeout ? std::optional(Clock::now() + *timeout) : std::nullopt;
    send(sql);
    return collect(deadline, sql);
}

Result Connection::exec_params(std::string_view sql, const Params& params, std::optional<Millis> timeout)
{
    const auto deadline = timeout ? std::optional(Clock::now() + *timeout) : std::nullopt;
    send_params(sql, params);
    return collect(deadline, sql);
}

void Connection::cancel_and_drain() noexcept
{
    if (!m_state || m_state->conn == nullptr) {
        return;
    }
    cancel_handle().cancel();
    while (PGresult* raw = PQgetResult(m_state->conn)) {
        PQclear(raw);
        if (PQstatus(m_state->conn) != CONNECTION_OK) {
            break;
        }
    }
}

CancelHandle Connection::cancel_handle() const { return CancelHandle(PQgetCancel(m_state->conn)); }
int Connection::backend_pid() const noexcept { return PQbackendPID(m_state->conn); }
int Connection::server_version() const noexcept { return PQserverVersion(m_state->conn); }

bool Connection::in_transaction() const noexcept
{
    const auto status = PQtransactionStatus(m_state->conn);
    return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

bool Connection::is_ok() const noexcept
{
    return m_state && m_state->conn != nullptr && PQstatus(m_state->conn) == CONNECTION_OK;
}

std::vector<Notice> Connection::take_notices() { return std::exchange(m_state->notices, {}); }
const std::string& Connection::conninfo() const noexcept { return m_state->conninfo; }
std::string Connection::redacted() const { return redact_conninfo(m_state->conninfo); }

std::string Connection::parameter_status(std::string_view name) const
{
    const char* value = PQparameterStatus(m_state->conn, std::string(name).c_str());
    return value != nullptr ? value : "";
}

std::string Connection::quote_identifier(std::string_view identifier) const
{
    char* quoted = PQescapeIdentifier(m_state->conn, identifier.data(), identifier.size());
    if (quoted == nullptr) {
        throw core::Error(core::ExitCode::usage, fmt::format("invalid identifier: {}", PQerrorMessage(m_state->conn)));
    }
    std::string out = quoted;
    PQfreemem(quoted);
    return out;
}

std::string Connection::quote_literal(std::string_view literal) const
{
    char* quoted = PQescapeLiteral(m_state->conn, literal.data(), literal.size());
    if (quoted == nullptr) {
        throw core::Error(core::ExitCode::usage, fmt::format("invalid literal: {}", PQerrorMessage(m_state->conn)));
    }
    std::string out = quoted;
    PQfreemem(quoted);
    return out;
}

std::string quote_identifier(std::string_view identifier)
{
    std::string out = "\"";
    for (char c : identifier) {
        if (c == '"') {
            out += '"';
        }
        out += c;
    }
    return out + "\"";
}

std::string quote_literal(std::string_view literal)
{
    std::string out = "'";
    for (char c : literal) {
        if (c == '\'') {
            out += '\'';
        }
        out += c;
    }
    return out + "'";
}

std::string libpq_version()
{
    const int number = PQlibVersion();
    // From PostgreSQL 10 on, major * 10000 + minor.
    return number >= 100000 ? fmt::format("{}.{}", number / 10000, number % 10000)
                            : fmt::format("{}.{}.{}", number / 10000, number / 100 % 100, number % 100);
}

} // namespace lockwise::pg
