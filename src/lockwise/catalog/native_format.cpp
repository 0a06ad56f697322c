// The native format, Flyway's naming: V<version>__<description>.sql, U<version>__*.sql
// undo files, R__<description>.sql repeatable migrations and an optional <file>.conf with
// executeInTransaction=false. Like Flyway, files are found in subfolders too.
#include <map>

#include "lockwise/catalog/diagnostic.hpp"
#include "lockwise/catalog/file_names.hpp"
#include "lockwise/catalog/reader.hpp"

namespace lockwise::catalog {

namespace {

constexpr std::string_view k_naming_hint =
    "Name versioned migrations V<version>__<description>.sql (two underscores), e.g. V1__create_users.sql "
    "or V1.1__add_email.sql; undo files U<version>__<description>.sql.";

// Flyway's script configuration file: only executeInTransaction matters to lockwise.
void read_script_config(Reading& reading, const DirectoryEntry& config, Migration& migration)
{
    const auto text = reading.read_text(config);
    if (!text) {
        return;
    }
    const auto display = reading.display(config.relative);
    for (const auto& line : split_lines(*text)) {
        const auto content = trim_blanks(std::string_view(*text).substr(line.begin, line.end - line.begin));
        if (content.empty() || content.front() == '#') {
            continue;
        }
        const auto equals = content.find('=');
        if (equals == std::string_view::npos) {
            reading.error(text_diagnostic(display, *text, line.begin, "expected key=value",
                                          "Flyway script configuration lines look like executeInTransaction=false."));
            continue;
        }
        const auto key = trim_blanks(content.substr(0, equals));
        const auto value = trim_blanks(content.substr(equals + 1));
        if (key == "executeInTransaction" && (value == "false" || value == "true")) {
            migration.run_in_transaction = value == "true";
        } else if (key == "executeInTransaction") {
            reading.error(text_diagnostic(display, *text, line.begin, "executeInTransaction must be true or false",
                                          "Write executeInTransaction=false or executeInTransaction=true."));
        } else {
            reading.note(text_diagnostic(display, *text, line.begin,
                                         "ignored: lockwise does not use the setting '" + std::string(key) + "'"));
        }
    }
}

// R__<description>.sql: like Flyway, no version; its history key is "R__<description>".
void read_repeatable(Reading& reading, const DirectoryEntry& entry, const std::string& display)
{
    const std::string_view name = entry.name;
    if (!name.starts_with("R__")) {
        reading.error(file_diagnostic(display, "a repeatable migration has no version: name it R__<description>.sql",
                                      "Repeatable migrations are named R__<description>.sql (two underscores, no "
                                      "version), e.g. R__views.sql; they run after the versioned ones whenever they change."));
        return;
    }
    const auto stem = name.substr(3, name.size() - 4 - 3);
    if (stem.empty()) {
        reading.error(file_diagnostic(display, "missing description after 'R__'",
                                      "Name repeatable migrations R__<description>.sql, e.g. R__views.sql."));
        return;
    }
    Version key;
    key.text = "R__" + std::string(stem);
    auto migration = reading.start_migration(entry, std::move(key), stem, Format::native);
    migration.repeatable = true;
    const auto text = reading.read_text(entry);
    if (!text) {
        return;
    }
    migration.text = *text;
    migration.up_end = migration.text.size();
    if (const auto* config = reading.find(entry.relative.generic_string() + ".conf")) {
        read_script_config(reading, *config, migration);
    }
    reading.add(std::move(migration));
}

} // namespace

void read_native(Reading& reading)
{
    std::vector<Migration> undos;
    std::vector<std::string> configs; // relative paths of .sql.conf files, matched below
    for (const auto& entry : reading.entries()) {
        if (entry.is_directory) {
            continue;
        }
        const std::string_view name = entry.name;
        const auto display = reading.display(entry.relative);
        if (ends_with(name, ".sql.conf")) {
            configs.push_back(entry.relative.generic_string());
            continue;
        }
        const bool sql = ends_with(name, ".sql");
        const bool prefixed = !name.empty() && (name[0] == 'V' || name[0] == 'U' || name[0] == 'R');
        const auto separator = name.find("__");
        const bool looks_like_migration =
            sql && prefixed && (separator != std::string_view::npos || leading_digits(name.substr(1)) > 0);
        if (!looks_like_migration) {
            reading.ignore(entry, "not a migration file (V<version>__<description>.sql)");
            continue;
        }
        if (name[0] == 'R') {
            read_repeatable(reading, entry, display);
            continue;
        }
        if (separator == std::string_view::npos) {
            reading.error(file_diagnostic(display, "missing '__' between the version and the description",
                                          std::string(k_naming_hint)));
            continue;
        }
        const auto version_text = name.substr(1, separator - 1);
        if (version_text.empty()) {
            reading.error(file_diagnostic(display, "missing version after '" + std::string(1, name[0]) + "'",
                                          std::string(k_naming_hint)));
            continue;
        }
        auto version = Version::parse(version_text);
        if (!version) {
            reading.error(file_diagnostic(
                display, "invalid version '" + std::string(version_text) + "'",
                "Versions are numbers separated by '.' or '_' (V1, V1.1, V2_1). " + std::string(k_naming_hint)));
            continue;
        }
        const auto description = name.substr(separator + 2, name.size() - 4 - (separator + 2));
        auto migration = reading.start_migration(entry, std::move(*version), description, Format::native);
        const auto text = reading.read_text(entry);
        if (!text) {
            continue;
        }
        migration.text = *text;
        migration.up_end = migration.text.size();
        if (name[0] == 'U') {
            undos.push_back(std::move(migration));
            continue;
        }
        if (const auto* config = reading.find(entry.relative.generic_string() + ".conf")) {
            read_script_config(reading, *config, migration);
        }
        reading.add(std::move(migration));
    }

    std::map<const Migration*, std::string> undo_of; // the undo file already matched, for messages
    for (auto& undo : undos) {
        Migration* target = nullptr;
        for (auto& migration : reading.migrations()) {
            if (!migration.repeatable && migration.version == undo.version) {
                target = &migration;
            }
        }
        if (target == nullptr) {
            reading.error(file_diagnostic(undo.display_path,
                                          "undo migration for version " + undo.version.text +
                                              ", which has no versioned migration",
                                          "Add V" + undo.version.text + "__<description>.sql or remove this file."));
        } else if (target->has_down) {
            reading.error(file_diagnostic(undo.display_path,
                                          "second undo migration for version " + undo.version.text +
                                              " (the first is " + undo_of[target] + ")",
                                          "Keep one U" + undo.version.text + "__*.sql file."));
        } else {
            undo_of[target] = undo.display_path;
            target->has_down = true;
            target->down_path = undo.path;
            target->down_text = std::move(undo.text);
        }
    }
    for (const auto& config : configs) {
        const auto migration_path = config.substr(0, config.size() - 5);
        const auto* migration_entry = reading.find(migration_path);
        if (migration_entry == nullptr) {
            reading.ignore(*reading.find(config), "script configuration without a migration file");
        }
    }
}

} // namespace lockwise::catalog
