// Reading files for the format readers: every file goes through the same UTF-8 and
// BOM handling, so offsets mean the same thing in every format.
#include "lockwise/catalog/reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "lockwise/catalog/diagnostic.hpp"
#include "lockwise/catalog/utf8.hpp"

namespace lockwise::catalog {

std::vector<Line> split_lines(std::string_view text)
{
    std::vector<Line> lines;
    std::size_t begin = 0;
    while (begin < text.size()) {
        auto newline = text.find('\n', begin);
        const auto next = newline == std::string_view::npos ? text.size() : newline + 1;
        auto end = newline == std::string_view::npos ? text.size() : newline;
        if (end > begin && text[end - 1] == '\r') {
            --end;
        }
        lines.push_back({begin, end, next});
        begin = next;
    }
    return lines;
}

bool is_blank_text(std::string_view text) noexcept
{
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; });
}

std::string description_from(std::string_view name)
{
    std::string out(name);
    std::replace(out.begin(), out.end(), '_', ' ');
    return out;
}

Reading::Reading(Catalog& catalog, std::vector<DirectoryEntry> entries, std::string display_root)
    : m_catalog(catalog), m_entries(std::move(entries)), m_display_root(std::move(display_root))
{
}

std::string Reading::display(const std::filesystem::path& relative) const
{
    return m_display_root + "/" + relative.generic_string();
}

const DirectoryEntry* Reading::find(const std::filesystem::path& relative) const noexcept
{
    for (const auto& entry : m_entries) {
        if (entry.relative == relative) {
            return &entry;
        }
    }
    return nullptr;
}

std::optional<std::string> Reading::read_text(const DirectoryEntry& entry)
{
    return read_text(entry.path, display(entry.relative));
}

std::optional<std::string> Reading::read_text(const std::filesystem::path& path, const std::string& display)
{
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buffer;
    if (in) {
        buffer << in.rdbuf();
    }
    if (!in || in.bad()) {
        const std::string reason = errno != 0 ? std::strerror(errno) : "read failed";
        error(file_diagnostic(display, "cannot read file: " + reason,
                              "Check that the file exists and that lockwise may read it."));
        return std::nullopt;
    }
    const std::string raw = std::move(buffer).str();
    const auto text = strip_bom(raw);
    if (const auto bad = find_invalid_utf8(text)) {
        const auto byte = static_cast<unsigned char>(text[*bad]);
        static constexpr char k_hex[] = "0123456789abcdef";
        const std::string shown = {'0', 'x', k_hex[byte >> 4], k_hex[byte & 0x0F]};
        error(text_diagnostic(display, text, *bad, "invalid UTF-8 (byte " + shown + ")",
                              "lockwise reads migration files as UTF-8, as PostgreSQL does with a UTF8 "
                              "client encoding; re-save the file as UTF-8."));
        return std::nullopt;
    }
    return std::string(text);
}

void Reading::ignore(const DirectoryEntry& entry, std::string why)
{
    note(file_diagnostic(display(entry.relative), "ignored: " + why));
}

Migration Reading::start_migration(const DirectoryEntry& entry, Version version, std::string_view name,
                                   Format format) const
{
    Migration migration;
    migration.version = std::move(version);
    migration.description = description_from(name);
    migration.format = format;
    migration.path = entry.path;
    migration.display_path = display(entry.relative);
    return migration;
}

} // namespace lockwise::catalog
