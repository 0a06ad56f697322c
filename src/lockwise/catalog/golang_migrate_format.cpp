// golang-migrate: <version>_<name>.up.sql and .down.sql side by side. golang-migrate
// sends each file as one multi-statement query, which PostgreSQL runs as one implicit
// transaction, so lockwise reads each file as one migration with run_in_transaction.
#include <map>

#include "lockwise/catalog/diagnostic.hpp"
#include "lockwise/catalog/file_names.hpp"
#include "lockwise/catalog/reader.hpp"

namespace lockwise::catalog {

namespace {

constexpr std::string_view k_naming_hint =
    "Name golang-migrate files <version>_<name>.up.sql and <version>_<name>.down.sql, e.g. "
    "1_create_users.up.sql; the version is an unsigned integer.";

} // namespace

void read_golang_migrate(Reading& reading)
{
    struct Down {
        Version version;
        std::filesystem::path path;
        std::string display;
        std::string text;
    };
    std::vector<Down> downs;
    for (const auto& entry : reading.entries()) {
        if (entry.depth > 0 || entry.is_directory) {
            if (entry.depth == 0) {
                reading.ignore(entry, "golang-migrate reads only the files directly in the migrations directory");
            }
            continue;
        }
        // golang-migrate's own pattern, restricted to SQL: ^([0-9]+)_(.*)\.(down|up)\.(.*)$
        const bool is_down = ends_with(entry.name, ".down.sql");
        const auto match = match_numbered(entry.name, is_down ? ".down.sql" : ".up.sql");
        if (!match) {
            const bool looks_like = ends_with(entry.name, ".sql") &&
                                    (leading_digits(entry.name) > 0 || is_down || ends_with(entry.name, ".up.sql"));
            if (looks_like) {
                reading.error(file_diagnostic(reading.display(entry.relative),
                                              "not a golang-migrate file name", std::string(k_naming_hint)));
            } else {
                reading.ignore(entry, "not a migration file (<version>_<name>.up.sql)");
            }
            continue;
        }
        auto version = Version::parse(match->version);
        if (!version) {
            reading.error(file_diagnostic(reading.display(entry.relative), "version " + std::string(match->version) + " is too large",
                                          std::string(k_naming_hint)));
            continue;
        }
        const auto text = reading.read_text(entry);
        if (!text) {
            continue;
        }
        if (is_down) {
            downs.push_back({std::move(*version), entry.path, reading.display(entry.relative), *text});
            continue;
        }
        auto migration = reading.start_migration(entry, std::move(*version), match->name, Format::golang_migrate);
        migration.text = *text;
        migration.up_end = migration.text.size();
        reading.add(std::move(migration));
    }
    std::map<const Migration*, std::string> down_of;
    for (auto& down : downs) {
        Migration* target = nullptr;
        for (auto& migration : reading.migrations()) {
            if (migration.version == down.version) {
                target = &migration;
            }
        }
        if (target == nullptr) {
            reading.error(file_diagnostic(down.display,
                                          "down migration for version " + down.version.text + ", which has no up migration",
                                          "Add the matching .up.sql file or remove this one."));
        } else if (target->has_down) {
            reading.error(file_diagnostic(down.display,
                                          "duplicate down migration for version " + down.version.text + ": " +
                                              down_of[target] + " and " + down.display,
                                          "Keep one .down.sql file per version."));
        } else {
            down_of[target] = down.display;
            target->has_down = true;
            target->down_path = down.path;
            target->down_text = std::move(down.text);
        }
    }
}

} // namespace lockwise::catalog
