// load_catalog: lists the migrations directory, picks the format (detected or forced),
// lets that format's reader find the migrations, then does what is the same for every
// format: directives, checksums, empty-migration and duplicate-version checks, order.
#include <algorithm>
#include <map>
#include <system_error>
#include <tuple>

#include "lockwise/catalog/checksum.hpp"
#include "lockwise/catalog/comment_scanner.hpp"
#include "lockwise/catalog/diagnostic.hpp"
#include "lockwise/catalog/directive.hpp"
#include "lockwise/catalog/file_names.hpp"
#include "lockwise/catalog/reader.hpp"

namespace lockwise::catalog {

namespace {

namespace fs = std::filesystem;

// The root of display paths: the migrations directory relative to the current directory when it
// is below it (so `-m db/migrations` shows db/migrations/V1__x.sql, a path an editor or a GitHub
// annotation resolves), else the directory's own name.
std::string display_root(const fs::path& directory)
{
    std::error_code cwd_error;
    std::error_code dir_error;
    const auto cwd = fs::weakly_canonical(fs::current_path(cwd_error), cwd_error);
    const auto absolute_dir = fs::weakly_canonical(fs::absolute(directory), dir_error);
    if (!cwd_error && !dir_error) {
        const auto relative = absolute_dir.lexically_relative(cwd);
        if (!relative.empty() && relative != "." && *relative.begin() != "..") {
            return relative.generic_string();
        }
    }
    auto normal = directory.lexically_normal();
    if (!normal.has_filename() && normal.has_parent_path() && normal != normal.root_path()) {
        normal = normal.parent_path(); // "migrations/" -> "migrations"
    }
    auto name = normal.filename().string();
    if (name.empty() || name == "." || name == "..") {
        std::error_code error;
        const auto absolute = fs::weakly_canonical(fs::absolute(directory), error);
        name = error ? directory.string() : absolute.filename().string();
    }
    return name;
}

// Every file and folder below `directory`, sorted by relative path; false on a listing error.
bool list_directory(const fs::path& directory, const std::string& root, std::vector<DirectoryEntry>& entries,
                    std::vector<Diagnostic>& errors)
{
    std::error_code error;
    fs::recursive_directory_iterator it(directory, error);
    for (const fs::recursive_directory_iterator end; !error && it != end; it.increment(error)) {
        DirectoryEntry entry;
        entry.path = it->path();
        entry.relative = it->path().lexically_relative(directory);
        entry.name = it->path().filename().string();
        std::error_code type_error;
        entry.is_directory = it->is_directory(type_error);
        entry.depth = it.depth();
        entries.push_back(std::move(entry));
    }
    if (error) {
        errors.push_back(file_diagnostic(root, "cannot list the migrations directory: " + error.message(),
                                         "Check that lockwise may read the directory and its subfolders."));
        return false;
    }
    std::sort(entries.begin(), entries.end(),
              [](const DirectoryEntry& a, const DirectoryEntry& b) { return a.relative < b.relative; });
    return true;
}

// The formats that files of the listing give evidence for, each with its first example.
std::map<Format, std::string> detect_formats(const std::vector<DirectoryEntry>& entries, Reading& reading)
{
    // Native: ^([VU][0-9].*|[VUR].*__.*)\.sql$
    const auto is_native = [](std::string_view name) {
        const bool prefixed = starts_with(name, "V") || starts_with(name, "U") || starts_with(name, "R");
        return ends_with(name, ".sql") && prefixed &&
               (name.find("__") != std::string_view::npos || (name[0] != 'R' && leading_digits(name.substr(1)) > 0));
    };
    std::map<Format, std::string> found;
    const auto evidence = [&](Format format, const DirectoryEntry& entry) {
        found.emplace(format, reading.display(entry.relative));
    };
    for (const auto& entry : entries) {
        if (entry.is_directory) {
            if (entry.depth == 0 && match_diesel_folder(entry.name) &&
                (fs::exists(entry.path / "up.sql") || fs::exists(entry.path / "down.sql"))) {
                evidence(Format::diesel, entry);
            }
            continue;
        }
        if (is_native(entry.name)) {
            evidence(Format::native, entry);
        } else if (entry.depth > 0) {
            continue;
        } else if (match_numbered(entry.name, ".up.sql") || match_numbered(entry.name, ".down.sql")) {
            evidence(Format::golang_migrate, entry);
        } else if (match_numbered(entry.name, ".go")) {
            evidence(Format::goose, entry);
        } else if (leading_digits(entry.name) > 0 && ends_with(entry.name, ".sql")) {
            const auto text = reading.read_bytes(entry.path, reading.display(entry.relative)).value_or("");
            if (has_goose_marker(text)) {
                evidence(Format::goose, entry);
            } else if (has_dbmate_marker(text)) {
                evidence(Format::dbmate, entry);
            }
        }
    }
    return found;
}

bool has_numbered_sql(const std::vector<DirectoryEntry>& entries)
{
    return std::any_of(entries.begin(), entries.end(), [](const DirectoryEntry& entry) {
        return entry.depth == 0 && !entry.is_directory && leading_digits(entry.name) > 0 &&
               ends_with(entry.name, ".sql");
    });
}

// Directives, the checksum and the empty check: the same for every format.
void finish_migration(Migration& migration, Catalog& catalog)
{
    const std::string_view text = migration.text;
    const auto scan = scan_comments(text, migration.up_begin, migration.up_end);
    if (!scan.has_code()) {
        const std::string message = "empty migration: no SQL in the up part";
        const std::string hint = "A migration must contain at least one statement; add its SQL or delete it.";
        catalog.errors.push_back(migration.up_begin == 0
                                     ? file_diagnostic(migration.display_path, message, hint)
                                     : text_diagnostic(migration.display_path, text, migration.up_begin, message, hint));
    }
    auto directives = parse_directives(text, migration.up_begin, migration.up_end, migration.display_path);
    for (auto& error : directives.errors) {
        catalog.errors.push_back(std::move(error));
    }
    migration.directives = std::move(directives.directives);
    for (const auto& directive : migration.directives) {
        if (directive.name == "no-transaction") {
            migration.run_in_transaction = false;
        }
    }
    migration.checksum = checksum_sql(text.substr(migration.up_begin, migration.up_end - migration.up_begin));
}

} // namespace

Catalog load_catalog(const std::filesystem::path& directory, std::optional<Format> forced)
{
    LoadOptions options;
    options.format = forced;
    return load_catalog(directory, options);
}

Catalog load_catalog(const std::filesystem::path& directory, const LoadOptions& options)
{
    const auto& forced = options.format;
    Catalog catalog;
    catalog.directory = directory;
    const auto root = display_root(directory);
    std::error_code error;
    const auto status = fs::status(directory, error);
    if (!fs::exists(status)) {
        catalog.errors.push_back(file_diagnostic(directory.string(), "migrations directory does not exist",
                                                 "Pass the directory that holds the migration files, or create it."));
        return catalog;
    }
    if (!fs::is_directory(status)) {
        catalog.errors.push_back(file_diagnostic(directory.string(), "not a directory",
                                                 "Pass the directory that holds the migration files, not a file."));
        return catalog;
    }
    std::vector<DirectoryEntry> entries;
    if (!list_directory(directory, root, entries, catalog.errors)) {
        return catalog;
    }
    const auto real_root = fs::canonical(directory, error);
    if (error) {
        catalog.errors.push_back(file_diagnostic(root, "cannot resolve the migrations directory: " + error.message(),
                                                 "Check that lockwise may read the directory."));
        return catalog;
    }
    Reading reading(catalog, std::move(entries), root, real_root, options.max_file_bytes);
    if (forced) {
        catalog.format = *forced;
    } else {
        const auto found = detect_formats(reading.entries(), reading);
        if (found.size() > 1) {
            std::string kinds;
            for (const auto& [format, example] : found) {
                kinds += (kinds.empty() ? "" : ", ") + std::string(format_name(format)) + " (" + example + ")";
            }
            catalog.errors.push_back(file_diagnostic(
                root, "mixed migration formats: " + kinds,
                "Keep one format per directory, or force one with --format (native, golang-migrate, dbmate, "
                "goose, diesel); files of other formats are then ignored or reported."));
            return catalog;
        }
        if (found.empty() && has_numbered_sql(reading.entries())) {
            catalog.errors.push_back(file_diagnostic(
                root, "cannot tell the migration format",
                "The files are named <version>_<name>.sql but carry neither '-- migrate:up' (dbmate) nor "
                "'-- +goose Up' (goose). Add the markers, or force the format with --format."));
            return catalog;
        }
        catalog.format = found.empty() ? Format::native : found.begin()->first;
    }
    switch (catalog.format) {
    case Format::native: read_native(reading); break;
    case Format::golang_migrate: read_golang_migrate(reading); break;
    case Format::dbmate: read_dbmate(reading); break;
    case Format::goose: read_goose(reading); break;
    case Format::diesel: read_diesel(reading); break;
    }
    for (auto& migration : catalog.migrations) {
        finish_migration(migration, catalog);
    }
    // Flyway's order: every versioned migration, then the repeatable ones by description.
    std::stable_sort(catalog.migrations.begin(), catalog.migrations.end(),
                     [](const Migration& a, const Migration& b) {
                         if (a.repeatable || b.repeatable) {
                             return a.repeatable != b.repeatable ? b.repeatable
                                                                 : std::tie(a.description, a.display_path) <
                                                                       std::tie(b.description, b.display_path);
                         }
                         const auto order = a.version <=> b.version;
                         return order == std::strong_ordering::equal ? a.display_path < b.display_path
                                                                     : order == std::strong_ordering::less;
                     });
    for (std::size_t i = 1; i < catalog.migrations.size(); ++i) {
        const auto& previous = catalog.migrations[i - 1];
        const auto& current = catalog.migrations[i];
        if (previous.repeatable && current.repeatable && previous.version.text == current.version.text) {
            catalog.errors.push_back(file_diagnostic(
                current.display_path,
                "duplicate repeatable migration " + current.version.text + ": " + previous.display_path + " and " +
                    current.display_path,
                "Each repeatable migration needs its own description; rename one of them."));
        } else if (!previous.repeatable && !current.repeatable && previous.version == current.version) {
            catalog.errors.push_back(file_diagnostic(
                current.display_path,
                "duplicate version " + current.version.canonical() + ": " + previous.display_path + " and " +
                    current.display_path,
                "Each migration needs its own version (leading zeros and trailing '.0' do not count); renumber "
                "one of them."));
        }
    }
    return catalog;
}

} // namespace lockwise::catalog
