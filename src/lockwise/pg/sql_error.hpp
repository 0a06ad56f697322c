// A failed statement, with everything PostgreSQL said about it (libpqxx-style:
// one function turns every failed result into this).
#pragma once

#include <optional>
#include <string>

#include "lockwise/core/error.hpp"

namespace lockwise::pg {

// Well-known SQLSTATEs lockwise reacts to.
namespace sqlstate {
inline constexpr const char* lock_not_available = "55P03";
inline constexpr const char* deadlock_detected = "40P01";
inline constexpr const char* serialization_failure = "40001";
inline constexpr const char* query_canceled = "57014"; // statement_timeout or cancel
inline constexpr const char* admin_shutdown = "57P01";
inline constexpr const char* undefined_table = "42P01";
inline constexpr const char* duplicate_table = "42P07";
inline constexpr const char* duplicate_object = "42710";
inline constexpr const char* read_only_transaction = "25006";
inline constexpr const char* insufficient_privilege = "42501";
inline constexpr const char* invalid_password = "28P01";
} // namespace sqlstate

struct ErrorFields {
    std::string sqlstate;  // "" when the error did not come from the server (connection lost)
    std::string severity;
    std::string message;
    std::string detail;
    std::string hint;
    std::string context;
    std::optional<int> position; // 1-based character position in the statement
    std::string schema;
    std::string table;
    std::string column;
    std::string constraint;
    std::string statement;
};

class SqlError : public core::Error {
public:
    explicit SqlError(ErrorFields fields);

    const ErrorFields& fields() const noexcept { return m_fields; }
    const std::string& sqlstate() const noexcept { return m_fields.sqlstate; }
    // True when the connection itself is gone (terminated backend, server restart, network).
    bool connection_lost() const noexcept { return m_connection_lost; }
    void set_connection_lost(bool lost) noexcept { m_connection_lost = lost; }

private:
    ErrorFields m_fields;
    bool m_connection_lost = false;
};

} // namespace lockwise::pg
