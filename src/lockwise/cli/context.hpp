// What every command shares: the global flags, the effective configuration, the
// logger, and the helpers that load and plan migrations the same way everywhere.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lockwise/catalog/migration.hpp"
#include "lockwise/cli/config.hpp"
#include "lockwise/history/store.hpp"
#include "lockwise/pg/connection.hpp"
#include "lockwise/plan/plan.hpp"
#include "lockwise/report/logger.hpp"

namespace CLI {
class App;
}

namespace lockwise::cli {

// lock_timeout of the sessions commands open outside any step: short, so a lock held by someone
// else makes a check degrade or fail with a message instead of waiting silently.
inline constexpr std::chrono::milliseconds k_inspection_lock_timeout{1000};

struct GlobalFlags {
    std::optional<std::string> config_file;
    std::optional<std::string> database_url;
    std::optional<std::string> migrations;
    std::optional<std::string> format;
    std::optional<std::string> log_format;
    bool verbose = false;
    bool quiet = false;
};

class Context {
public:
    explicit Context(const GlobalFlags& flags);

    Config& config() { return m_config; }
    const Config& config() const { return m_config; }
    report::Logger& log() { return *m_logger; }
    // The database the command works on, as given ("" = libpq's PG* defaults).
    const std::string& database_url() const { return m_config.database_url(); }

    // Connects to the database, retrying with backoff for runner.wait_for_db (--wait-for-db).
    // Throws core::Error(connection_failed) with the password redacted. The session runs under
    // lock_timeout k_inspection_lock_timeout: it reads, outside any step, and never waits behind a lock.
    pg::Connection connect(std::string_view application_name = "lockwise") const;
    history::HistoryLocation history_location() const;

    // Loads the migrations directory; prints notes; throws core::Error(usage) with every error.
    catalog::Catalog load_catalog() const;
    // Plans every migration; throws core::Error(usage) with every parse/plan error of every file.
    // Each migration is classified knowing what the earlier ones declare and, when given, what
    // the live catalog says (`facts`, locks::read_schema_facts): the relations a statement locks
    // without naming them.
    std::vector<plan::MigrationPlan> plan_all(const catalog::Catalog& catalog, const sql::SchemaFacts* facts = nullptr) const;

private:
    Config m_config;
    std::unique_ptr<report::Logger> m_logger;
};

// Adds the shared flags (--database-url, --migrations, --format, --config, --log-format, -v, -q).
void add_global_flags(CLI::App& app, GlobalFlags& flags);

// Writes `text` to stdout, sanitized like every output (commands' results; logs go to stderr).
void print(const std::string& text);
// Writes `json` to stdout, indented, every string sanitized before it is serialized.
void print_json(const nlohmann::json& json);

} // namespace lockwise::cli
