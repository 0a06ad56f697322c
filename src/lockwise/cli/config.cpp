// Configuration keys, their validation, and the layered loading. toml++ gives
// each value's source line, so a bad value in lockwise.toml is reported at file:line.
#include "lockwise/cli/config.hpp"

#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include "lockwise/catalog/byte_size.hpp"
#include "lockwise/catalog/duration.hpp"
#include "lockwise/core/checked.hpp"
#include "lockwise/core/error.hpp"
#include "lockwise/lint/lint.hpp"
#include "lockwise/pg/conninfo.hpp"

namespace lockwise::cli {
namespace {

std::vector<ConfigKey> make_keys()
{
    std::vector<ConfigKey> keys = {
        {"database.url", "LOCKWISE_DATABASE_URL", ValueType::secret_url, "", {},
         "connection string or postgres:// URI; DATABASE_URL is read too; empty = libpq's PG* variables"},
        {"database.direct_url", "LOCKWISE_DIRECT_URL", ValueType::secret_url, "", {},
         "connection that bypasses a transaction pooler (PgBouncer); when set, migrate runs everything over it"},
        {"migrations.dir", "LOCKWISE_MIGRATIONS", ValueType::string, "migrations", {}, "directory of migration files"},
        {"migrations.max_file_size", "LOCKWISE_MAX_FILE_SIZE", ValueType::byte_size, "16MB", {},
         "largest migration file lockwise reads; a bigger file is an error"},
        {"migrations.format", "LOCKWISE_FORMAT", ValueType::choice, "auto",
         {"auto", "native", "golang-migrate", "dbmate", "goose", "diesel"}, "migration file format"},
        {"history.schema", "LOCKWISE_HISTORY_SCHEMA", ValueType::string, "lockwise", {}, "schema of the history tables"},
        {"history.table", "LOCKWISE_HISTORY_TABLE", ValueType::string, "schema_history", {}, "name of the history table"},
        {"runner.lock_wait", "LOCKWISE_LOCK_WAIT", ValueType::duration, "10min", {},
         "how long a second runner waits for the runner lock before exiting with code 4"},
        {"runner.wait_for_db", "LOCKWISE_WAIT_FOR_DB", ValueType::duration, "0ms", {},
         "retry the first connection with backoff for this long (containers starting together)"},
        {"runner.terminate_blockers", "LOCKWISE_TERMINATE_BLOCKERS", ValueType::string, "", {},
         "opt-in: terminate sessions idle in transaction that block a step, e.g. idle-in-transaction:30s"},
        {"runner.terminate_superusers", "LOCKWISE_TERMINATE_SUPERUSERS", ValueType::boolean, "false", {},
         "opt-in on top of terminate_blockers: also terminate superusers' sessions (a DBA's)"},
        {"runner.terminate_other_databases", "LOCKWISE_TERMINATE_OTHER_DATABASES", ValueType::boolean, "false", {},
         "opt-in on top of terminate_blockers: also terminate sessions of other databases"},
        {"runner.out_of_order", "LOCKWISE_OUT_OF_ORDER", ValueType::boolean, "false", {},
         "apply a pending migration older than the newest applied one"},
        {"runner.ignore_missing", "LOCKWISE_IGNORE_MISSING", ValueType::boolean, "false", {},
         "go on (with a warning) when applied migrations are missing from the migrations folder"},
        {"fleet.allowed_hosts", "LOCKWISE_FLEET_ALLOWED_HOSTS", ValueType::string, "", {},
         "--targets/--targets-query: the only hosts targets may name, comma-separated (db1.internal, *.internal, "
         "/run/postgresql); empty = any"},
        {"fleet.parallel", "LOCKWISE_PARALLEL", ValueType::integer, "4", {}, "migrate --targets: databases migrated at once"},
        {"fleet.canary", "LOCKWISE_CANARY", ValueType::integer, "0", {},
         "migrate --targets: migrate this many targets first and stop unless all of them succeed"},
        {"fleet.on_failure", "LOCKWISE_ON_FAILURE", ValueType::choice, "stop", {"stop", "continue"},
         "migrate --targets: after a failed target, stop starting new ones or continue"},
        {"log.format", "LOCKWISE_LOG_FORMAT", ValueType::choice, "auto", {"auto", "plain", "json", "pretty"},
         "log output: auto = pretty on a terminal, plain otherwise"},
        {"log.level", "LOCKWISE_LOG_LEVEL", ValueType::choice, "info", {"debug", "info", "warn", "error"}, "log level"},
    };
    const auto defaults = plan::default_policies();
    for (auto policy_class : {plan::PolicyClass::ddl, plan::PolicyClass::dml, plan::PolicyClass::concurrent_index,
                              plan::PolicyClass::backfill}) {
        std::string name(plan::policy_class_name(policy_class));
        std::string env_name = name;
        std::replace(env_name.begin(), env_name.end(), '-', '_');
        std::transform(env_name.begin(), env_name.end(), env_name.begin(), [](unsigned char c) { return std::toupper(c); });
        std::replace(name.begin(), name.end(), '-', '_');
        const auto& policy = defaults.of(policy_class);
        auto add = [&](const std::string& leaf, ValueType type, std::string value, std::string description) {
            std::string env_leaf = leaf;
            std::transform(env_leaf.begin(), env_leaf.end(), env_leaf.begin(), [](unsigned char c) { return std::toupper(c); });
            keys.push_back({fmt::format("policy.{}.{}", name, leaf), fmt::format("LOCKWISE_{}_{}", env_name, env_leaf), type,
                            std::move(value), {}, std::move(description)});
        };
        add("lock_timeout", ValueType::duration, plan::format_millis(policy.lock_timeout), "lock_timeout of the first attempt");
        add("lock_timeout_max", ValueType::duration, plan::format_millis(policy.lock_timeout_max),
            "cap of the lock_timeout as it doubles across attempts");
        add("statement_timeout", ValueType::duration, plan::format_millis(policy.statement_timeout), "statement_timeout (off = none)");
        add("idle_in_transaction_timeout", ValueType::duration, plan::format_millis(policy.idle_in_transaction_timeout),
            "idle_in_transaction_session_timeout of lockwise's own sessions");
        add("retry_budget", ValueType::duration, plan::format_millis(policy.retry_budget),
            "total time a step may spend retrying lock failures");
        add("max_queued_sessions", ValueType::integer, std::to_string(policy.max_queued_sessions),
            "cancel an attempt once this many application sessions queue behind it (0 = never)");
    }
    // lint (issue 13): project-wide lint settings, and one severity key per rule.
    keys.push_back({"lint.since", "LOCKWISE_LINT_SINCE", ValueType::string, "", {},
                    "migrations at or below this version are history: lint and migrate's gate do not check them"});
    keys.push_back({"lint.disable", "LOCKWISE_LINT_DISABLE", ValueType::rule_list, "", {},
                    "lint rules never reported (TOML array, or ids separated by commas)"});
    keys.push_back({"lint.server_version", "LOCKWISE_LINT_SERVER_VERSION", ValueType::string, "", {},
                    "PostgreSQL version lint and plan assume without a database, like 14 or 15.4 (default: 13, the oldest "
                    "supported); with a database the connected server's version is used"});
    keys.push_back({"lint.small_table_rows", "LOCKWISE_LINT_SMALL_TABLE_ROWS", ValueType::integer, "10000", {},
                    "with a database, size-sensitive findings on tables with fewer estimated rows are graded down to info"});
    for (const auto& rule : lint::rules()) {
        std::string env(rule.id);
        std::replace(env.begin(), env.end(), '-', '_');
        std::transform(env.begin(), env.end(), env.begin(), [](unsigned char c) { return std::toupper(c); });
        keys.push_back({fmt::format("lint.severity.{}", rule.id), "LOCKWISE_LINT_SEVERITY_" + env, ValueType::choice, "default",
                        {"default", "error", "warning", "info"},
                        fmt::format("severity of {} (default: {})", rule.id, lint::severity_name(rule.severity))});
    }
    return keys;
}

const ConfigKey* find_key(const std::string& name)
{
    const auto& keys = config_keys();
    const auto it = std::find_if(keys.begin(), keys.end(), [&](const ConfigKey& key) { return key.name == name; });
    return it == keys.end() ? nullptr : &*it;
}

std::string suggestion_list(const std::string& prefix)
{
    std::vector<std::string> names;
    for (const auto& key : config_keys()) {
        if (key.name.rfind(prefix, 0) == 0) {
            names.push_back(key.name.substr(prefix.size()));
        }
    }
    return fmt::format("{}", fmt::join(names, ", "));
}

// The top-level sections, from the keys themselves ("database, migrations, ...").
std::string section_list()
{
    std::vector<std::string> sections;
    for (const auto& key : config_keys()) {
        auto section = key.name.substr(0, key.name.find('.'));
        if (std::find(sections.begin(), sections.end(), section) == sections.end()) {
            sections.push_back(std::move(section));
        }
    }
    return fmt::format("{}", fmt::join(sections, ", "));
}

// Flattens a TOML table into dotted keys, collecting values and their source lines.
void flatten(const toml::table& table, const std::string& prefix, const std::string& file,
             std::vector<std::tuple<std::string, std::string, std::string>>& out, std::vector<std::string>& errors)
{
    for (const auto& [raw_key, node] : table) {
        const std::string key = prefix.empty() ? std::string(raw_key.str()) : prefix + "." + std::string(raw_key.str());
        const auto where = fmt::format("{}:{}:{}", file, node.source().begin.line, node.source().begin.column);
        if (const auto* sub = node.as_table()) {
            flatten(*sub, key, file, out, errors);
        } else if (const auto* text = node.as_string()) {
            out.emplace_back(key, text->get(), where);
        } else if (const auto* number = node.as_integer()) {
            out.emplace_back(key, std::to_string(number->get()), where);
        } else if (const auto* flag = node.as_boolean()) {
            out.emplace_back(key, flag->get() ? "true" : "false", where);
        } else if (const auto* array = node.as_array(); array != nullptr && (array->empty() || array->is_homogeneous<std::string>())) {
            std::vector<std::string> items;
            for (const auto& item : *array) {
                items.push_back(item.as_string()->get());
            }
            out.emplace_back(key, fmt::format("{}", fmt::join(items, ",")), where);
        } else {
            errors.push_back(fmt::format("{}: error: \"{}\" must be a string, integer, boolean or array of strings", where, key));
        }
    }
}

} // namespace

std::vector<std::string> split_rule_list(const std::string& value)
{
    std::vector<std::string> ids;
    std::size_t begin = 0;
    while (begin <= value.size()) {
        auto end = value.find(',', begin);
        if (end == std::string::npos) {
            end = value.size();
        }
        auto id = value.substr(begin, end - begin);
        id.erase(0, id.find_first_not_of(" \t"));
        id.erase(id.find_last_not_of(" \t") + 1);
        if (!id.empty()) {
            ids.push_back(std::move(id));
        }
        begin = end + 1;
    }
    return ids;
}

const std::vector<ConfigKey>& config_keys()
{
    static const std::vector<ConfigKey> keys = make_keys();
    return keys;
}

std::string validate_value(const ConfigKey& key, const std::string& value)
{
    switch (key.type) {
    case ValueType::duration:
        if (!catalog::parse_duration(value) && value != "off" && value != "0") {
            const auto problem = catalog::duration_problem(value);
            return problem.starts_with("too large") ? fmt::format("\"{}\" is {}", value, problem)
                                                    : fmt::format("\"{}\" is not a duration (write e.g. 250ms, 5s, 2min, off)", value);
        }
        break;
    case ValueType::byte_size:
        if (!catalog::parse_byte_size(value) || *catalog::parse_byte_size(value) == 0) {
            const auto problem = catalog::byte_size_problem(value);
            return problem.starts_with("too large") ? fmt::format("\"{}\" is {}", value, problem)
                                                    : fmt::format("\"{}\" is not a size greater than zero (write e.g. 512kB, 16MB, 1GB)", value);
        }
        break;
    case ValueType::integer:
        if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos) {
            return fmt::format("\"{}\" is not a non-negative whole number", value);
        }
        if (!core::leading_number(value, core::k_max_count)) {
            return fmt::format("\"{}\" is too large: the largest is {}", value, core::k_max_count);
        }
        break;
    case ValueType::boolean:
        if (value != "true" && value != "false") {
            return fmt::format("\"{}\" is not a boolean (valid: true, false)", value);
        }
        break;
    case ValueType::choice:
        if (std::find(key.choices.begin(), key.choices.end(), value) == key.choices.end()) {
            return fmt::format("\"{}\" is not valid (valid: {})", value, fmt::join(key.choices, ", "));
        }
        break;
    case ValueType::secret_url: {
        std::string error;
        if (!pg::conninfo_is_valid(value, error)) {
            return fmt::format("invalid connection string: {}", error);
        }
        break;
    }
    case ValueType::rule_list: {
        std::vector<std::string> unknown;
        for (const auto& id : split_rule_list(value)) {
            if (lint::find_rule(id) == nullptr) {
                unknown.push_back(id);
            }
        }
        if (!unknown.empty()) {
            std::vector<std::string_view> valid;
            for (const auto& rule : lint::rules()) {
                valid.push_back(rule.id);
            }
            return fmt::format("unknown lint rule {} (valid: {})", fmt::join(unknown, ", "), fmt::join(valid, ", "));
        }
        break;
    }
    case ValueType::string: break;
    }
    return {};
}

Config Config::load(const std::optional<std::filesystem::path>& explicit_file)
{
    Config config;
    for (const auto& key : config_keys()) {
        config.m_values[key.name] = {key.default_value, "default"};
    }
    std::vector<std::string> errors;
    std::optional<std::filesystem::path> file = explicit_file;
    if (!file && std::filesystem::exists("lockwise.toml")) {
        file = "lockwise.toml";
    }
    if (file) {
        config.m_file = file;
        if (!std::filesystem::exists(*file)) {
            throw core::Error(core::ExitCode::usage, fmt::format("config file {} does not exist", file->string()),
                              "Check the path given to --config.");
        }
        try {
            const auto table = toml::parse_file(file->string());
            std::vector<std::tuple<std::string, std::string, std::string>> entries;
            flatten(table, "", file->string(), entries, errors);
            for (const auto& [name, value, where] : entries) {
                const auto* key = find_key(name);
                if (key == nullptr) {
                    const auto dot = name.rfind('.');
                    const auto section = dot == std::string::npos ? std::string() : name.substr(0, dot + 1);
                    // A top-level key or an unknown section lists the sections; a known section lists its keys.
                    const auto valid = section.empty() ? std::string() : suggestion_list(section);
                    errors.push_back(fmt::format("{}: error: unknown key \"{}\"{}", where, name,
                                                 valid.empty() ? fmt::format(" (valid sections: {})", section_list())
                                                               : fmt::format(" (valid in [{}]: {})", section.substr(0, section.size() - 1), valid)));
                    continue;
                }
                if (auto message = validate_value(*key, value); !message.empty()) {
                    errors.push_back(fmt::format("{}: error: {}: {}", where, name, message));
                    continue;
                }
                config.m_values[name] = {value, where};
            }
        } catch (const toml::parse_error& error) {
            errors.push_back(fmt::format("{}:{}:{}: error: {}", file->string(), error.source().begin.line,
                                         error.source().begin.column, error.description()));
        }
    }
    // Environment: LOCKWISE_* for every key, plus DATABASE_URL (LOCKWISE_DATABASE_URL wins over it).
    for (const auto& key : config_keys()) {
        const char* value = key.env.empty() ? nullptr : std::getenv(key.env.c_str());
        std::string env_name = key.env;
        if (value == nullptr && key.name == "database.url") {
            value = std::getenv("DATABASE_URL");
            env_name = "DATABASE_URL";
        }
        if (value == nullptr) {
            continue;
        }
        if (auto message = validate_value(key, value); !message.empty()) {
            errors.push_back(fmt::format("environment {}: error: {}", env_name, message));
            continue;
        }
        config.m_values[key.name] = {value, "env " + env_name};
    }
    if (!errors.empty()) {
        throw core::Error(core::ExitCode::usage, fmt::format("invalid configuration:\n  {}", fmt::join(errors, "\n  ")),
                          "Fix the values above; `lockwise config` prints every key with its valid values.");
    }
    return config;
}

void Config::set_from_flag(const std::string& key_name, const std::string& value, const std::string& flag)
{
    const auto* key = find_key(key_name);
    if (key == nullptr) {
        throw core::Error(core::ExitCode::internal, fmt::format("unknown config key {}", key_name));
    }
    if (auto message = validate_value(*key, value); !message.empty()) {
        throw core::Error(core::ExitCode::usage, fmt::format("{}: {}", flag, message));
    }
    set(key_name, value, "flag " + flag);
}

void Config::set(const std::string& key, const std::string& value, const std::string& source)
{
    m_values[key] = {value, source};
}

const std::string& Config::get(const std::string& key) const
{
    const auto it = m_values.find(key);
    if (it == m_values.end()) {
        throw core::Error(core::ExitCode::internal, fmt::format("unknown config key {}", key));
    }
    return it->second.value;
}

const std::string& Config::source(const std::string& key) const { return m_values.at(key).source; }

plan::Millis Config::duration(const std::string& key) const
{
    const auto& value = get(key);
    if (value == "off" || value == "0") {
        return plan::Millis(0);
    }
    return catalog::parse_duration(value).value_or(plan::Millis(0));
}

long long Config::integer(const std::string& key) const { return std::stoll(get(key)); }
long long Config::byte_size(const std::string& key) const { return catalog::parse_byte_size(get(key)).value_or(0); }
bool Config::boolean(const std::string& key) const { return get(key) == "true"; }

plan::PolicySet Config::policies() const
{
    auto set = plan::default_policies();
    for (auto policy_class : {plan::PolicyClass::ddl, plan::PolicyClass::dml, plan::PolicyClass::concurrent_index,
                              plan::PolicyClass::backfill}) {
        std::string name(plan::policy_class_name(policy_class));
        std::replace(name.begin(), name.end(), '-', '_');
        auto& policy = set.of(policy_class);
        const auto prefix = "policy." + name + ".";
        policy.lock_timeout = duration(prefix + "lock_timeout");
        policy.lock_timeout_max = std::max(duration(prefix + "lock_timeout_max"), policy.lock_timeout);
        policy.statement_timeout = duration(prefix + "statement_timeout");
        policy.idle_in_transaction_timeout = duration(prefix + "idle_in_transaction_timeout");
        policy.retry_budget = duration(prefix + "retry_budget");
        policy.max_queued_sessions = static_cast<int>(integer(prefix + "max_queued_sessions"));
    }
    return set;
}

std::vector<std::pair<const ConfigKey*, ConfigValue>> Config::entries() const
{
    std::vector<std::pair<const ConfigKey*, ConfigValue>> out;
    for (const auto& key : config_keys()) {
        auto value = m_values.at(key.name);
        if (key.type == ValueType::secret_url) {
            value.value = pg::redact_conninfo(value.value);
        }
        out.emplace_back(&key, value);
    }
    return out;
}

} // namespace lockwise::cli
