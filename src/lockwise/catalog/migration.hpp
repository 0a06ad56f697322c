// Migration sources: a directory of migration files in lockwise's native
// (Flyway-compatible) format or another runner's, read as that runner reads them.
#pragma once

#include <compare>
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lockwise::catalog {

enum class Format {
    native,         // V<version>__<description>.sql (Flyway-compatible), optional U<version>__*.sql undo
    golang_migrate, // <version>_<name>.up.sql / .down.sql
    dbmate,         // <version>_<name>.sql with -- migrate:up / -- migrate:down
    goose,          // <version>_<name>.sql with -- +goose Up / Down
    diesel,         // <version>_<name>/up.sql, down.sql, metadata.toml
};
std::string_view format_name(Format format) noexcept; // "native", "golang-migrate", "dbmate", "goose", "diesel"
std::optional<Format> format_from_name(std::string_view name) noexcept;

// Dotted numeric version: "2" < "10" < "10.1". Leading zeros are insignificant.
struct Version {
    std::vector<long long> parts;
    std::string text; // as written in the file name
    // Parses "1", "1.2.3", "1_2" (Flyway allows '_' as separator), "20240101120000". nullopt if invalid.
    static std::optional<Version> parse(std::string_view text);
    std::strong_ordering operator<=>(const Version& other) const noexcept;
    bool operator==(const Version& other) const noexcept;
    std::string canonical() const; // parts joined with '.', no leading zeros
};

// A `-- lockwise:<name> <arguments>` comment.
struct Directive {
    std::string name;                          // "no-transaction", "backfill", "allow", ...
    std::string arguments;                     // raw text after the name
    std::vector<std::string> words;            // positional words (quoted strings unquoted)
    std::map<std::string, std::string> options; // key=value pairs (values unquoted)
    std::size_t offset = 0;                    // byte offset of the comment in the file
    int line = 1;
    int column = 1;
};

struct Migration {
    Version version;
    std::string description;             // from the file name, '_' shown as ' '
    Format format = Format::native;
    std::filesystem::path path;          // the file holding the up SQL
    std::string display_path;            // path relative to the migrations dir's parent, for messages
    std::string text;                    // the whole file as read (a UTF-8 BOM removed)
    std::size_t up_begin = 0;            // the up SQL is text[up_begin, up_end)
    std::size_t up_end = 0;
    std::optional<std::filesystem::path> down_path; // separate down file, or the same file (sections)
    std::string down_text;               // the down SQL ("" when there is none)
    bool has_down = false;
    bool run_in_transaction = true;      // false: format metadata or `-- lockwise:no-transaction`
    // Flyway's R__<description>.sql (native format only): no version (parts empty; text is
    // "R__<description>", its history key); runs after every versioned migration, in description
    // order, and again whenever its checksum changes.
    bool repeatable = false;
    std::string checksum;                // "<algorithm>:<hex>" of the up SQL, line endings normalised
    std::vector<Directive> directives;   // all lockwise directives in the up SQL, in file order
};

struct Diagnostic {
    std::string file;     // display path
    std::size_t offset = 0;
    int line = 0;         // 0 when the problem is the file as a whole
    int column = 0;
    std::string message;
    std::string hint;
    std::string source_line; // the offending line, when there is one
};

struct Catalog {
    std::filesystem::path directory;
    Format format = Format::native;
    std::vector<Migration> migrations;  // sorted by version; repeatable ones last, by description
    std::vector<Diagnostic> notes;      // files ignored (README, helper SQL): not errors
    std::vector<Diagnostic> errors;     // every problem found; migrations must not be used when non-empty
};

inline constexpr long long k_default_max_file_bytes = 16LL * 1024 * 1024;

struct LoadOptions {
    std::optional<Format> format;                        // nullopt: detected from the files
    long long max_file_bytes = k_default_max_file_bytes; // migrations.max_file_size
};

// Reads `directory`. The format is detected from the files unless `forced`. Only regular
// files that resolve inside `directory` are read (symlinks between its files are fine).
// Never throws for bad input: every problem is collected in `errors`.
Catalog load_catalog(const std::filesystem::path& directory, std::optional<Format> forced = std::nullopt);
Catalog load_catalog(const std::filesystem::path& directory, const LoadOptions& options);

// "file:line:col: error: message", the source line with a caret, and the hint.
std::string render(const Diagnostic& diagnostic, std::string_view severity = "error");

} // namespace lockwise::catalog
