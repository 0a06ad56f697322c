// diesel: one folder per migration, <version>_<name>/up.sql and down.sql, and an
// optional metadata.toml (run_in_transaction = false). Diesel removes the dashes of
// "2024-01-01-120000" to get the version it records; lockwise compares the same digits.
#include <algorithm>
#include <map>

#include <toml++/toml.h>

#include "lockwise/catalog/diagnostic.hpp"
#include "lockwise/catalog/file_names.hpp"
#include "lockwise/catalog/reader.hpp"

namespace lockwise::catalog {

namespace {

// Byte offset of a 1-based line and column in `text` (toml++ reports positions that way).
std::size_t offset_at(std::string_view text, std::size_t line, std::size_t column)
{
    std::size_t offset = 0;
    for (std::size_t current = 1; current < line; ++current) {
        const auto newline = text.find('\n', offset);
        if (newline == std::string_view::npos) {
            return text.size();
        }
        offset = newline + 1;
    }
    return std::min(text.size(), offset + (column > 0 ? column - 1 : 0));
}

void read_metadata(Reading& reading, const DirectoryEntry& entry, Migration& migration)
{
    const auto text = reading.read_text(entry);
    if (!text) {
        return;
    }
    const auto display = reading.display(entry.relative);
    try {
        const auto table = toml::parse(*text, display);
        const auto* node = table.get("run_in_transaction");
        if (node == nullptr) {
            return;
        }
        if (const auto value = node->value<bool>()) {
            migration.run_in_transaction = *value;
            return;
        }
        const auto& where = node->source().begin;
        reading.error(text_diagnostic(display, *text, offset_at(*text, where.line, where.column),
                                      "run_in_transaction must be true or false",
                                      "Write run_in_transaction = false (a TOML boolean, without quotes)."));
    } catch (const toml::parse_error& error) {
        const auto& where = error.source().begin;
        reading.error(text_diagnostic(display, *text, offset_at(*text, where.line, where.column),
                                      "invalid TOML: " + std::string(error.description()),
                                      "Diesel's metadata.toml holds settings such as run_in_transaction = false."));
    }
}

} // namespace

void read_diesel(Reading& reading)
{
    std::map<std::string, const DirectoryEntry*> migration_folders; // relative path -> entry
    for (const auto& entry : reading.entries()) {
        if (entry.depth != 0) {
            continue;
        }
        if (!entry.is_directory) {
            reading.ignore(entry, "diesel migrations are folders (<version>_<name>/up.sql)");
            continue;
        }
        const auto match = match_diesel_folder(entry.name);
        if (!match) {
            if (!entry.name.empty() && entry.name[0] >= '0' && entry.name[0] <= '9') {
                reading.error(file_diagnostic(reading.display(entry.relative), "not a diesel migration folder name",
                                              "Name diesel migrations <version>_<name>, e.g. 2024-01-01-120000_create_users."));
            } else {
                reading.ignore(entry, "not a migration folder (<version>_<name>)");
            }
            continue;
        }
        std::string digits(match->version);
        digits.erase(std::remove(digits.begin(), digits.end(), '-'), digits.end());
        auto version = Version::parse(digits);
        if (!version) {
            reading.error(file_diagnostic(reading.display(entry.relative), "invalid diesel version " + std::string(match->version),
                                          "Diesel versions are digits, optionally grouped with '-', e.g. 2024-01-01-120000."));
            continue;
        }
        version->text = std::string(match->version);
        migration_folders[entry.relative.generic_string()] = &entry;
        const auto* up = reading.find(entry.relative / "up.sql");
        if (up == nullptr) {
            reading.error(file_diagnostic(reading.display(entry.relative), "diesel migration folder without up.sql",
                                          "Add up.sql with the migration's SQL (and down.sql to revert it)."));
            continue;
        }
        const auto text = reading.read_text(*up);
        if (!text) {
            continue;
        }
        auto migration = reading.start_migration(*up, std::move(*version), match->name, Format::diesel);
        migration.text = *text;
        migration.up_end = migration.text.size();
        if (const auto* down = reading.find(entry.relative / "down.sql")) {
            if (const auto down_text = reading.read_text(*down)) {
                migration.has_down = true;
                migration.down_path = down->path;
                migration.down_text = *down_text;
            }
        }
        if (const auto* metadata = reading.find(entry.relative / "metadata.toml")) {
            read_metadata(reading, *metadata, migration);
        }
        reading.add(std::move(migration));
    }
    for (const auto& entry : reading.entries()) {
        if (entry.depth == 0) {
            continue;
        }
        const auto folder = migration_folders.find(entry.relative.begin()->generic_string());
        if (folder == migration_folders.end()) {
            continue; // inside an ignored folder: the folder's note covers it
        }
        if (entry.depth > 1 || entry.is_directory ||
            (entry.name != "up.sql" && entry.name != "down.sql" && entry.name != "metadata.toml")) {
            if (entry.depth == 1) {
                reading.ignore(entry, "diesel reads only up.sql, down.sql and metadata.toml");
            }
        }
    }
}

} // namespace lockwise::catalog
