// Baseline and adoption of flyway, golang-migrate, goose, diesel and dbmate
// histories, each read the way that tool reads its own table.
#include "lockwise/history/baseline.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "lockwise/core/error.hpp"

namespace lockwise::history {

namespace {

// What the other tool says was applied: exact versions, and/or "everything up to" a version.
struct Adopted {
    std::set<VersionParts> versions;
    std::optional<VersionParts> up_to; // golang-migrate's single row, flyway's BASELINE row
    std::map<std::string, std::string> repeatables; // flyway: description -> script of its last successful run
    std::vector<std::string> notes;
};

VersionParts parse_or_refuse(std::string_view text, std::string_view what)
{
    auto parts = parse_version_parts(text);
    if (!parts) {
        throw core::Error(core::ExitCode::usage, fmt::format("{} \"{}\" is not a version", what, text),
                          "Use a version made of numbers separated by dots, like 3 or 1.2.");
    }
    return *parts;
}

bool table_exists(pg::Connection& connection, std::string_view table)
{
    return connection.exec_params("SELECT to_regclass($1) IS NOT NULL", {pg::quote_identifier(table)}).get_bool(0, 0);
}

std::string table_reference(pg::Connection& connection, const BaselineSource& source)
{
    const std::string table = source.table.empty() ? std::string(default_table(source.tool)) : source.table;
    std::string reference = source.schema.empty()
                                      ? pg::quote_identifier(table)
                                      : pg::quote_identifier(source.schema) + "." + pg::quote_identifier(table);
    if (!connection.exec_params("SELECT to_regclass($1) IS NOT NULL", {reference}).get_bool(0, 0)) {
        throw core::Error(core::ExitCode::usage,
                          fmt::format("{} history table {} does not exist", tool_name(source.tool), reference),
                          "Pass the schema and table the other tool used, or baseline at a version instead.");
    }
    return reference;
}

Adopted read_flyway(pg::Connection& connection, const std::string& table)
{
    Adopted adopted;
    const auto result = connection.exec(fmt::format(
        "SELECT installed_rank, version, type, script, success, description FROM {} ORDER BY installed_rank", table));
    for (int row = 0; row < result.rows(); ++row) {
        const std::string type(result.get(row, 2));
        const std::string script(result.get(row, 3));
        if (type == "SCHEMA") {
            continue; // flyway's marker for the schemas it created
        }
        if (result.is_null(row, 1)) {
            // A repeatable migration (R__): one row per run, keyed by description; its checksum is
            // flyway's CRC32, which lockwise cannot compare, so the file as it is now counts as run.
            const std::string description(result.get(row, 5));
            if (type == "DELETE") {
                adopted.repeatables.erase(description);
                continue;
            }
            if (!result.get_bool(row, 4)) {
                throw core::Error(core::ExitCode::usage,
                                  fmt::format("{} records repeatable migration {} as failed", table, script),
                                  "Finish it with flyway (fix the file and run flyway migrate, or flyway repair), then "
                                  "adopt its history again.");
            }
            adopted.repeatables[description] = script;
            continue;
        }
        const auto version = parse_or_refuse(result.get(row, 1), "flyway version");
        if (!result.get_bool(row, 4)) {
            throw core::Error(core::ExitCode::usage,
                              fmt::format("{} records migration {} ({}) as failed", table,
                                          canonical_version(version), script),
                              "Finish or undo it with flyway (flyway repair), then adopt its history again.");
        }
        if (type == "BASELINE") {
            adopted.up_to = adopted.up_to ? std::max(*adopted.up_to, version) : version;
        } else if (type == "DELETE" || type.rfind("UNDO_", 0) == 0) {
            adopted.versions.erase(version); // flyway repair's DELETE marker, or an undone migration
        } else {
            adopted.versions.insert(version);
        }
    }
    return adopted;
}

Adopted read_golang_migrate(pg::Connection& connection, const std::string& table)
{
    Adopted adopted;
    const auto result = connection.exec(fmt::format("SELECT version, dirty FROM {}", table));
    if (result.rows() > 1) {
        throw core::Error(core::ExitCode::usage, fmt::format("{} has {} rows; golang-migrate keeps one", table,
                                                             result.rows()),
                          "Check that the table belongs to golang-migrate.");
    }
    if (result.rows() == 1) {
        const auto version = parse_or_refuse(result.get(0, 0), "golang-migrate version");
        if (result.get_bool(0, 1)) {
            throw core::Error(core::ExitCode::usage,
                              fmt::format("golang-migrate marks version {} dirty: it failed half-way",
                                          canonical_version(version)),
                              "Fix the database by hand and clear the flag (migrate force <version>), then adopt "
                              "its history again.");
        }
        adopted.up_to = version;
        adopted.versions.insert(version);
    }
    return adopted;
}

Adopted read_goose(pg::Connection& connection, const std::string& table)
{
    Adopted adopted;
    // goose appends a row per up and per down: the latest row of each version decides.
    const auto result = connection.exec(fmt::format(
        "SELECT DISTINCT ON (version_id) version_id, is_applied FROM {} ORDER BY version_id, id DESC", table));
    for (int row = 0; row < result.rows(); ++row) {
        const auto version = parse_or_refuse(result.get(row, 0), "goose version");
        if (version == VersionParts{0}) {
            continue; // the row goose writes when it creates its table
        }
        if (result.get_bool(row, 1)) {
            adopted.versions.insert(version);
        }
    }
    return adopted;
}

// diesel and dbmate: one row per applied version.
Adopted read_version_rows(pg::Connection& connection, const std::string& table, Tool tool)
{
    Adopted adopted;
    const auto result = connection.exec(fmt::format("SELECT version FROM {}", table));
    for (int row = 0; row < result.rows(); ++row) {
        std::string text(result.get(row, 0));
        if (tool == Tool::diesel) {
            // diesel stores the folder name's prefix without dashes ("2024-01-02-030405" -> "20240102030405").
            text.erase(std::remove(text.begin(), text.end(), '-'), text.end());
        }
        adopted.versions.insert(parse_or_refuse(text, fmt::format("{} version", tool_name(tool))));
    }
    return adopted;
}

BaselineReport record(HistoryStore& store, const std::vector<catalog::Migration>& migrations, const Adopted& adopted,
                      const std::optional<std::string>& marker_description)
{
    BaselineReport report;
    report.notes = adopted.notes;
    std::map<VersionParts, const catalog::Migration*> files;
    std::map<std::string, const catalog::Migration*> repeatable_files; // by description, as flyway keys them
    for (const auto& migration : migrations) {
        if (migration.repeatable) {
            repeatable_files.emplace(migration.description, &migration);
        } else {
            files.emplace(migration.version.parts, &migration);
        }
    }
    std::set<VersionParts> wanted = adopted.versions;
    if (adopted.up_to) {
        for (const auto& [parts, file] : files) {
            if (compare_versions(parts, *adopted.up_to) <= 0) {
                wanted.insert(parts);
            }
        }
    }
    if (adopted.up_to && marker_description) {
        wanted.insert(*adopted.up_to);
    }
    store.ensure_created();
    store.in_transaction([&] {
        for (const auto& parts : wanted) {
            const auto file = files.find(parts);
            const auto version = canonical_version(parts);
            bool inserted = false;
            if (file != files.end()) {
                inserted = store.record_baselined(*file->second);
            } else if (marker_description && adopted.up_to && parts == *adopted.up_to) {
                inserted = store.record_baseline_marker(parts, *marker_description);
            } else {
                report.missing_from_catalog.push_back(version);
                continue;
            }
            (inserted ? report.recorded : report.already_recorded).push_back(version);
        }
        for (const auto& [description, script] : adopted.repeatables) {
            const auto file = repeatable_files.find(description);
            if (file == repeatable_files.end()) {
                report.missing_from_catalog.push_back(script);
                continue;
            }
            const auto key = canonical_version(file->second->version);
            (store.record_baselined(*file->second) ? report.recorded : report.already_recorded).push_back(key);
        }
    });
    return report;
}

} // namespace

std::string_view tool_name(Tool tool) noexcept
{
    switch (tool) {
    case Tool::flyway:
        return "flyway";
    case Tool::golang_migrate:
        return "golang-migrate";
    case Tool::goose:
        return "goose";
    case Tool::diesel:
        return "diesel";
    case Tool::dbmate:
        return "dbmate";
    }
    return "unknown";
}

std::optional<Tool> tool_from_name(std::string_view name) noexcept
{
    for (auto tool : {Tool::flyway, Tool::golang_migrate, Tool::goose, Tool::diesel, Tool::dbmate}) {
        if (tool_name(tool) == name) {
            return tool;
        }
    }
    return std::nullopt;
}

std::string_view default_table(Tool tool) noexcept
{
    switch (tool) {
    case Tool::flyway:
        return "flyway_schema_history";
    case Tool::golang_migrate:
    case Tool::dbmate:
        return "schema_migrations";
    case Tool::goose:
        return "goose_db_version";
    case Tool::diesel:
        return "__diesel_schema_migrations";
    }
    return "";
}

BaselineReport baseline(HistoryStore& store, const std::vector<catalog::Migration>& migrations,
                        std::string_view version, std::string_view description)
{
    Adopted adopted;
    adopted.up_to = parse_or_refuse(version, "baseline version");
    return record(store, migrations, adopted, std::string(description));
}

BaselineReport baseline_from(HistoryStore& store, const std::vector<catalog::Migration>& migrations,
                             const BaselineSource& source)
{
    auto& connection = store.connection();
    const auto table = table_reference(connection, source);
    Adopted adopted;
    switch (source.tool) {
    case Tool::flyway:
        adopted = read_flyway(connection, table);
        break;
    case Tool::golang_migrate:
        adopted = read_golang_migrate(connection, table);
        break;
    case Tool::goose:
        adopted = read_goose(connection, table);
        break;
    case Tool::diesel:
    case Tool::dbmate:
        adopted = read_version_rows(connection, table, source.tool);
        break;
    }
    // A flyway BASELINE row with no file here is recorded as a marker, as flyway itself does.
    const std::optional<std::string> marker =
        source.tool == Tool::flyway ? std::optional<std::string>("baseline adopted from flyway") : std::nullopt;
    return record(store, migrations, adopted, marker);
}

std::optional<OtherRunner> find_other_runner(pg::Connection& connection)
{
    for (const auto tool : {Tool::flyway, Tool::goose, Tool::diesel}) {
        if (table_exists(connection, default_table(tool))) {
            return OtherRunner{tool, std::string(default_table(tool))};
        }
    }
    if (!table_exists(connection, "schema_migrations")) {
        return std::nullopt;
    }
    const bool dirty = connection
                           .exec("SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('schema_migrations') "
                                 "AND attname = 'dirty' AND NOT attisdropped)")
                           .get_bool(0, 0);
    return OtherRunner{dirty ? Tool::golang_migrate : Tool::dbmate, "schema_migrations"};
}

} // namespace lockwise::history
