// The shared command context: configuration precedence applied once, a logger
// that redacts the database password everywhere, and uniform error collection.
#include "lockwise/cli/context.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <iostream>
#include <thread>

#include "lockwise/cli/lint_gate.hpp"
#include "lockwise/core/error.hpp"
#include "lockwise/pg/conninfo.hpp"

namespace lockwise::cli {

void add_global_flags(CLI::App& app, GlobalFlags& flags)
{
    app.add_option("--database-url,-d", flags.database_url,
                   "PostgreSQL connection string or postgres:// URI (else DATABASE_URL, else PG* variables)")
        ->group("Global");
    app.add_option("--migrations,-m", flags.migrations, "migrations directory (default ./migrations, LOCKWISE_MIGRATIONS)")
        ->group("Global");
    app.add_option("--format", flags.format, "migration file format: auto, native, golang-migrate, dbmate, goose, diesel")
        ->group("Global");
    app.add_option("--config", flags.config_file, "configuration file (default ./lockwise.toml if present)")->group("Global");
    app.add_option("--log-format", flags.log_format, "log output: auto, plain, json, pretty")->group("Global");
    app.add_flag("--verbose,-v", flags.verbose, "debug logging")->group("Global");
    app.add_flag("--quiet,-q", flags.quiet, "warnings and errors only")->group("Global");
}

Context::Context(const GlobalFlags& flags)
    : m_config(Config::load(flags.config_file ? std::optional<std::filesystem::path>(*flags.config_file) : std::nullopt))
{
    if (flags.database_url) {
        m_config.set_from_flag("database.url", *flags.database_url, "--database-url");
    }
    if (flags.migrations) {
        m_config.set_from_flag("migrations.dir", *flags.migrations, "--migrations");
    }
    if (flags.format) {
        m_config.set_from_flag("migrations.format", *flags.format, "--format");
    }
    if (flags.log_format) {
        m_config.set_from_flag("log.format", *flags.log_format, "--log-format");
    }
    if (flags.verbose) {
        m_config.set_from_flag("log.level", "debug", "--verbose");
    } else if (flags.quiet) {
        m_config.set_from_flag("log.level", "warn", "--quiet");
    }
    report::LoggerOptions options;
    options.format = report::resolve_log_format(*report::parse_log_format(m_config.get("log.format")), report::stderr_is_tty());
    options.min_level = *report::parse_level(m_config.get("log.level"));
    m_logger = std::make_unique<report::Logger>(options);
    const std::string conninfo = m_config.database_url();
    const std::string direct = m_config.get("database.direct_url");
    pg::register_conninfo_secrets(conninfo);
    pg::register_conninfo_secrets(direct);
    m_logger->set_redactor([conninfo, direct](std::string_view text) {
        return pg::scrub_secrets(pg::scrub_secrets(std::string(text), conninfo), direct);
    });
}

catalog::Catalog Context::load_catalog() const
{
    const auto& format_text = m_config.get("migrations.format");
    const auto forced = format_text == "auto" ? std::nullopt : catalog::format_from_name(format_text);
    catalog::LoadOptions options;
    options.format = forced;
    options.max_file_bytes = m_config.byte_size("migrations.max_file_size");
    auto loaded = catalog::load_catalog(m_config.get("migrations.dir"), options);
    for (const auto& note : loaded.notes) {
        m_logger->debug(fmt::format("{}: ignored: {}", note.file, note.message));
    }
    if (!loaded.errors.empty()) {
        std::string message;
        for (const auto& error : loaded.errors) {
            message += catalog::render(error);
        }
        // The caret lines quote migration files, which may hold a password (CREATE ROLE ... PASSWORD).
        throw core::Error(core::ExitCode::usage,
                          fmt::format("{} problem(s) in {}:\n{}", loaded.errors.size(), m_config.get("migrations.dir"),
                                      m_logger->redact(message)),
                          "Fix the files above; nothing was run.");
    }
    return loaded;
}

std::vector<plan::MigrationPlan> Context::plan_all(const catalog::Catalog& catalog, const sql::SchemaFacts* facts) const
{
    const auto policies = m_config.policies();
    // Applied migrations are replayed over the live facts too: what they declare is there already.
    auto known = facts != nullptr ? *facts : sql::SchemaFacts{};
    if (facts == nullptr) {
        known.server_version_num = configured_server_version(m_config); // the locks of that version
    }
    std::vector<plan::MigrationPlan> plans;
    std::string message;
    std::size_t error_count = 0;
    for (const auto& migration : catalog.migrations) {
        plans.push_back(plan::plan_migration(migration, policies, known));
        for (const auto& error : plans.back().errors) {
            message += catalog::render(error);
            ++error_count;
        }
    }
    if (error_count > 0) {
        throw core::Error(core::ExitCode::usage,
                          fmt::format("{} error(s) in migration files:\n{}", error_count, m_logger->redact(message)),
                          "Fix the files above; nothing was run.");
    }
    return plans;
}

pg::Connection Context::connect(std::string_view application_name) const
{
    const auto wait_for = m_config.duration("runner.wait_for_db");
    const auto started = std::chrono::steady_clock::now();
    auto backoff = std::chrono::milliseconds(200);
    while (true) {
        try {
            auto connection = pg::Connection::connect(database_url(), application_name);
            // Everything this connection runs is outside a step (facts, history, status): it must
            // never queue behind a lock. Its callers degrade or fail with a message on 55P03.
            connection.exec(fmt::format("SET lock_timeout = '{}ms'", k_inspection_lock_timeout.count()));
            return connection;
        } catch (const pg::SqlError& error) {
            const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
            if (waited + backoff > wait_for) {
                throw core::Error(core::ExitCode::connection_failed, error.what(),
                                  wait_for.count() > 0 ? fmt::format("The database did not accept connections within --wait-for-db {}.",
                                                                     plan::format_millis(wait_for))
                                                       : "Check the connection string (--database-url or DATABASE_URL), that the "
                                                         "server is running, and the credentials; --wait-for-db retries at start-up.");
            }
            m_logger->event(report::Level::info, "waiting_for_database",
                            fmt::format("database not reachable yet ({}); retrying in {}", m_logger->redact(error.what()),
                                        plan::format_millis(backoff)));
            std::this_thread::sleep_for(backoff);
            backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
        }
    }
}

history::HistoryLocation Context::history_location() const
{
    history::HistoryLocation location;
    location.schema = m_config.get("history.schema");
    location.table = m_config.get("history.table");
    return location;
}

void print(const std::string& text)
{
    const auto clean = report::sanitize(text);
    std::fwrite(clean.data(), 1, clean.size(), stdout);
    std::fflush(stdout);
}

void print_json(const nlohmann::json& json)
{
    const auto text = report::sanitize_json(json).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
}

} // namespace lockwise::cli
