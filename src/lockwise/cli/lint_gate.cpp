// The lint gate in front of `migrate`: error findings refuse the run before any
// statement reaches the database, with the same rendering as `lockwise lint`.
#include "lockwise/cli/lint_gate.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "lockwise/backfill/engine.hpp"
#include "lockwise/core/error.hpp"
#include "lockwise/core/source_location.hpp"
#include "lockwise/history/baseline.hpp"
#include "lockwise/locks/dependencies.hpp"

namespace lockwise::cli {

namespace {

void apply_config(lint::Context& context, const Config* config)
{
    if (config == nullptr) {
        return;
    }
    for (auto& id : split_rule_list(config->get("lint.disable"))) {
        context.disabled_rules.insert(std::move(id));
    }
    for (const auto& rule : lint::rules()) {
        const auto& value = config->get(fmt::format("lint.severity.{}", rule.id));
        if (value == "error") {
            context.severity_overrides[std::string(rule.id)] = lint::Severity::error;
        } else if (value == "warning") {
            context.severity_overrides[std::string(rule.id)] = lint::Severity::warning;
        } else if (value == "info") {
            context.severity_overrides[std::string(rule.id)] = lint::Severity::info;
        }
    }
    context.small_table_rows = config->integer("lint.small_table_rows");
}

// Offline lint and plan assume lint.server_version when set (online the connected server's
// version is the truth and this is not read).
void apply_server_version(lint::Context& context, const Config& config)
{
    if (const auto version = configured_server_version(config)) {
        context.server_version_num = *version;
        context.server_version_source = fmt::format("lint.server_version (set by {})", config.source("lint.server_version"));
    }
}

} // namespace

std::optional<int> configured_server_version(const Config& config)
{
    const auto& text = config.get("lint.server_version");
    if (text.empty()) {
        return std::nullopt;
    }
    // "14" or "15.4" (PostgreSQL 10+ numbering): major * 10000 + minor, as server_version_num.
    const auto number = [](std::string_view part) -> std::optional<int> {
        if (part.empty() || part.size() > 2 || part.find_first_not_of("0123456789") != std::string_view::npos) {
            return std::nullopt;
        }
        return std::stoi(std::string(part));
    };
    const std::string_view view(text);
    const auto dot = view.find('.');
    const auto major = number(view.substr(0, dot));
    const auto minor = dot == std::string_view::npos ? std::optional<int>(0) : number(view.substr(dot + 1));
    if (!major || !minor || *major * 10000 < lint::k_oldest_supported_server) {
        throw core::Error(core::ExitCode::usage,
                          fmt::format("{}: lint.server_version \"{}\" is not a PostgreSQL version lockwise supports",
                                      config.source("lint.server_version"), text),
                          fmt::format("Use the major version you deploy to, like 14 or 16.2 ({} and newer are supported).",
                                      lint::k_oldest_supported_server / 10000));
    }
    return *major * 10000 + *minor;
}

std::string assumed_server_text(const lint::Context& context)
{
    if (!context.server_version_num) {
        return fmt::format("PostgreSQL {} assumed (the oldest supported; set lint.server_version or --server-version, "
                           "or connect to the database)",
                           lint::server_version_name(lint::k_oldest_supported_server));
    }
    const auto name = lint::server_version_name(*context.server_version_num);
    return context.server_version_source.empty() ? fmt::format("PostgreSQL {} (the connected server)", name)
                                                 : fmt::format("PostgreSQL {} assumed: {}", name, context.server_version_source);
}

std::vector<std::string> versions_after_since(const std::vector<std::string>& versions, const Config& config)
{
    const auto& since_text = config.get("lint.since");
    if (since_text.empty()) {
        return versions;
    }
    const auto since = catalog::Version::parse(since_text);
    if (!since) {
        throw core::Error(core::ExitCode::usage,
                          fmt::format("{}: lint.since \"{}\" is not a version", config.source("lint.since"), since_text),
                          "Use the version of the last migration that is history, like 20230115120000 or 42.");
    }
    std::vector<std::string> out;
    for (const auto& text : versions) {
        const auto version = catalog::Version::parse(text);
        if (!version || *version > *since) {
            out.push_back(text);
        }
    }
    return out;
}

lint::Context lint_context(pg::Connection* connection, const Config* config, report::Logger* log,
                           const sql::SchemaFacts* facts)
{
    if (connection == nullptr) {
        lint::Context offline;
        apply_config(offline, config);
        if (config != nullptr) {
            apply_server_version(offline, *config);
        }
        return offline;
    }
    std::vector<std::vector<std::string>> rows;
    try {
        const auto result = connection->exec(std::string(lint::k_table_facts_query));
        for (int row = 0; row < result.rows(); ++row) {
            std::vector<std::string> values;
            values.reserve(static_cast<std::size_t>(result.columns()));
            for (int column = 0; column < result.columns(); ++column) {
                values.emplace_back(result.get(row, column));
            }
            rows.push_back(std::move(values));
        }
    } catch (const pg::SqlError& error) {
        if (error.sqlstate() != pg::sqlstate::lock_not_available) {
            throw;
        }
        if (log != nullptr) {
            log->event(report::Level::warn, "table_facts_skipped",
                       fmt::format("table sizes not read (a lock on the catalog: {}); lint grades without them", error.what()));
        }
    }
    std::vector<std::string> search_path;
    const auto schemas = connection->exec("SELECT unnest(current_schemas(false))");
    search_path.reserve(static_cast<std::size_t>(schemas.rows()));
    for (int row = 0; row < schemas.rows(); ++row) {
        search_path.emplace_back(schemas.get(row, 0));
    }
    auto context = lint::context_from_rows(rows, search_path);
    std::vector<std::vector<std::string>> objects;
    const auto existing = connection->exec(std::string(lint::k_existing_objects_query));
    objects.reserve(static_cast<std::size_t>(existing.rows()));
    for (int row = 0; row < existing.rows(); ++row) {
        objects.push_back({std::string(existing.get(row, 0)), std::string(existing.get(row, 1))});
    }
    lint::add_existing_objects(context, objects, search_path);
    context.server_version_num = connection->server_version();
    // The lock model's full list per statement (an index's table, views over a dropped table).
    try {
        context.schema_facts = facts != nullptr ? *facts : locks::read_schema_facts(*connection);
    } catch (const pg::SqlError& error) {
        if (error.sqlstate() != pg::sqlstate::lock_not_available) {
            throw;
        }
        if (log != nullptr) {
            log->event(report::Level::warn, "schema_facts_skipped",
                       fmt::format("dependencies not read (a lock on the catalog: {}); lint names only the relations each statement names",
                                   error.what()));
        }
    }
    const auto timezone = std::string(connection->exec("SHOW TimeZone").get(0, 0));
    context.timezone_is_utc = timezone == "UTC" || timezone == "Etc/UTC" || timezone == "GMT";
    apply_config(context, config);
    return context;
}

std::vector<lint::MigrationLint> lint_and_refuse(const catalog::Catalog& catalog, const lint::Context& context,
                                                 const std::vector<std::string>& versions_to_check, report::Logger& log)
{
    auto results = lint::lint_migrations(catalog.migrations, context);
    std::string refused;
    int count = 0;
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& migration = catalog.migrations[i];
        const bool checked = versions_to_check.empty() ||
                             std::find(versions_to_check.begin(), versions_to_check.end(), migration.version.text) != versions_to_check.end();
        if (!checked) {
            continue;
        }
        for (const auto& warning : results[i].warnings) {
            log.warn(fmt::format("{}:{}:{}: {}", warning.file, warning.line, warning.column, warning.message));
        }
        if (lint::has_blocking_errors(results[i])) {
            lint::RenderOptions options;
            options.show_info = false;
            refused += lint::render_human(results[i], migration.text, options);
            ++count;
        }
    }
    if (count > 0) {
        throw core::Error(core::ExitCode::lint_refused,
                          fmt::format("{} migration(s) refused by lint; nothing was run:\n{}", count, refused),
                          "Use the safe alternative shown, or suppress a finding you have judged safe with "
                          "`-- lockwise:allow <rule> <reason>` on the line above the statement.");
    }
    return results;
}

void refuse_unscalable_backfills(pg::Connection& connection, const std::vector<const plan::MigrationPlan*>& pending)
{
    std::string refused;
    int count = 0;
    for (const auto* migration_plan : pending) {
        for (const auto& step : migration_plan->steps) {
            if (!step.backfill_spec) {
                continue;
            }
            if (auto problem = backfill::batch_scaling_problem(connection, *step.backfill_spec)) {
                if (problem->source_line.empty() && !step.statements.empty()) {
                    problem->source_line = std::string(core::source_line(migration_plan->migration->text, problem->line));
                }
                refused += catalog::render(*problem);
                ++count;
            }
        }
    }
    if (count > 0) {
        throw core::Error(core::ExitCode::lint_refused,
                          fmt::format("{} backfill(s) refused (backfill-batch-scans-whole); nothing was run:\n{}", count, refused),
                          "Rewrite the UPDATE as shown so one batch reads only its own rows.");
    }
}

void judge_backfill_scaling(pg::Connection& connection, const std::vector<const plan::MigrationPlan*>& pending,
                            lint::Context& context)
{
    if (context.disabled_rules.contains("backfill-batch-scans-whole")) {
        return; // lint.disable: not even the EXPLAINs
    }
    for (const auto* migration_plan : pending) {
        const auto& migration = *migration_plan->migration;
        const auto file = migration.display_path.empty() ? migration.path.string() : migration.display_path;
        for (const auto& step : migration_plan->steps) {
            if (!step.backfill_spec) {
                continue;
            }
            if (const auto problem = backfill::batch_scaling_problem(connection, *step.backfill_spec)) {
                context.unscalable_backfills[{file, step.backfill_spec->statement_offset}] = lint::UnscalableBackfill{
                    problem->message, backfill::batch_scaling_rewrite(*step.backfill_spec),
                    fmt::format("Make each batch read only its own rows: a correlated subquery per row as above, {}",
                                backfill::k_scaling_alternative)};
            }
        }
    }
}

void refuse_unadopted_history(pg::Connection& connection)
{
    const auto other = history::find_other_runner(connection);
    if (!other) {
        return;
    }
    const auto tool = history::tool_name(other->tool);
    throw core::Error(core::ExitCode::usage,
                      fmt::format("this database was migrated by {} (its history table {} is here) but lockwise has no history in it; "
                                  "running would apply every migration again, so nothing was run",
                                  tool, other->table),
                      fmt::format("Adopt {}'s history first, with the same database and migrations options:\n"
                                  "    lockwise baseline --from {}\n"
                                  "then run `lockwise migrate` again; only migrations {} has not applied will run.",
                                  tool, tool, tool));
}

} // namespace lockwise::cli
