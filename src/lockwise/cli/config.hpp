// Effective configuration with one precedence everywhere: flags > environment
// (LOCKWISE_*, DATABASE_URL, libpq's PG*) > lockwise.toml > defaults. Every value
// remembers where it came from, for `lockwise config`.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lockwise/plan/policy.hpp"

namespace lockwise::cli {

enum class ValueType { string, duration, byte_size, integer, boolean, choice, secret_url, rule_list };

struct ConfigKey {
    std::string name;        // "history.schema", "policy.ddl.lock_timeout"
    std::string env;         // "LOCKWISE_HISTORY_SCHEMA" ("" when none)
    ValueType type = ValueType::string;
    std::string default_value;
    std::vector<std::string> choices; // for ValueType::choice
    std::string description;
};

// Every key lockwise knows, in display order.
const std::vector<ConfigKey>& config_keys();

struct ConfigValue {
    std::string value;
    std::string source; // "default", "lockwise.toml:12", "env LOCKWISE_X", "flag --x"
};

class Config {
public:
    // Loads defaults, then the TOML file (explicit path, or ./lockwise.toml if present), then the
    // environment. Throws core::Error(usage) listing every bad key/value with file:line and valid choices.
    static Config load(const std::optional<std::filesystem::path>& explicit_file);

    // A flag the user gave: highest precedence. Validated like any other value.
    void set_from_flag(const std::string& key, const std::string& value, const std::string& flag);

    const std::string& get(const std::string& key) const;
    const std::string& source(const std::string& key) const;
    plan::Millis duration(const std::string& key) const;
    long long integer(const std::string& key) const;
    long long byte_size(const std::string& key) const;
    bool boolean(const std::string& key) const;

    // The database conninfo ("" = libpq defaults from PG* variables).
    const std::string& database_url() const { return get("database.url"); }
    plan::PolicySet policies() const;

    // Every key with value (secrets redacted) and source.
    std::vector<std::pair<const ConfigKey*, ConfigValue>> entries() const;
    const std::optional<std::filesystem::path>& file() const { return m_file; }

private:
    void set(const std::string& key, const std::string& value, const std::string& source);
    std::map<std::string, ConfigValue> m_values;
    std::optional<std::filesystem::path> m_file;
};

// The ids of a rule_list value ("a, b" -> {"a", "b"}).
std::vector<std::string> split_rule_list(const std::string& value);

// Validates `value` for `key`; returns an error message ("" when valid).
std::string validate_value(const ConfigKey& key, const std::string& value);

} // namespace lockwise::cli
