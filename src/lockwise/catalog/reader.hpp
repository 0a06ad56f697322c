// What the format readers share: the listing of the migrations directory, reading a
// file as text (UTF-8 checked, BOM removed), and collecting migrations and diagnostics.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lockwise/catalog/migration.hpp"

namespace lockwise::catalog {

struct DirectoryEntry {
    std::filesystem::path path;     // as found (directory / relative)
    std::filesystem::path relative; // to the migrations directory
    std::string name;               // the last component
    bool is_directory = false;
    int depth = 0;                  // 0: directly in the migrations directory
};

// One line of a text: text[begin, end) without its line ending; `next` starts the next line.
struct Line {
    std::size_t begin = 0;
    std::size_t end = 0;
    std::size_t next = 0;
};
std::vector<Line> split_lines(std::string_view text);

// Whether text[begin, end) is only blanks.
bool is_blank_text(std::string_view text) noexcept;

// "1_create_users" -> "create users": descriptions show '_' as a space, like Flyway.
std::string description_from(std::string_view name);

// The state of one load_catalog call, handed to the reader of the chosen format.
class Reading {
public:
    // `real_root`: the migrations directory with every symlink resolved (files must resolve below it).
    Reading(Catalog& catalog, std::vector<DirectoryEntry> entries, std::string display_root,
            std::filesystem::path real_root, long long max_file_bytes);

    const std::vector<DirectoryEntry>& entries() const noexcept { return m_entries; }
    // "migrations/V1__init.sql" for "V1__init.sql".
    std::string display(const std::filesystem::path& relative) const;
    const DirectoryEntry* find(const std::filesystem::path& relative) const noexcept;

    // The file's text with a BOM removed; nullopt (after recording an error) when it
    // cannot be read, is no regular file inside the migrations directory, is too large, is
    // not valid UTF-8 or holds a control character (a NUL ends the text PostgreSQL parses).
    std::optional<std::string> read_text(const DirectoryEntry& entry);
    std::optional<std::string> read_text(const std::filesystem::path& path, const std::string& display);
    // The file's bytes as they are, under the same file checks as read_text (format detection).
    std::optional<std::string> read_bytes(const std::filesystem::path& path, const std::string& display);

    void error(Diagnostic diagnostic) { m_catalog.errors.push_back(std::move(diagnostic)); }
    void note(Diagnostic diagnostic) { m_catalog.notes.push_back(std::move(diagnostic)); }
    // "ignored: <why>" for a file that is no migration of this format.
    void ignore(const DirectoryEntry& entry, std::string why);
    // A migration whose version, description, paths, text, up range, down part and
    // transaction flag are set; the catalog adds directives and the checksum.
    void add(Migration migration) { m_catalog.migrations.push_back(std::move(migration)); }
    std::vector<Migration>& migrations() noexcept { return m_catalog.migrations; }
    Migration start_migration(const DirectoryEntry& entry, Version version, std::string_view name, Format format) const;

private:
    Catalog& m_catalog;
    std::vector<DirectoryEntry> m_entries;
    std::string m_display_root;
    std::filesystem::path m_real_root;
    long long m_max_file_bytes;
    std::vector<std::string> m_refused; // files already reported: detection and the reader may both read one
};

// The readers, one per format (each in <format>_format.cpp).
void read_native(Reading& reading);
void read_golang_migrate(Reading& reading);
void read_dbmate(Reading& reading);
void read_goose(Reading& reading);
void read_diesel(Reading& reading);

// Evidence for detection: whether this top-level SQL text carries the format's markers.
bool has_dbmate_marker(std::string_view text);
bool has_goose_marker(std::string_view text);

} // namespace lockwise::catalog
