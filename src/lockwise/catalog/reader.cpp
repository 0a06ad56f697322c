// Reading files for the format readers: every file goes through the same checks (a
// regular file inside the migrations directory, under the size cap; UTF-8 without control
// characters; BOM removed), so offsets mean the same thing in every format and a pull
// request cannot make lockwise read, hang on or print anything but its migration files.
#include "lockwise/catalog/reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

namespace {

namespace fs = std::filesystem;

// Whether `path` lies strictly below `root` (both canonical).
bool is_below(const fs::path& path, const fs::path& root)
{
    const auto [root_end, path_at] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
    return root_end == root.end() && path_at != path.end();
}

std::string file_kind(mode_t mode)
{
    if (S_ISFIFO(mode)) {
        return "a FIFO (named pipe)";
    }
    if (S_ISCHR(mode)) {
        return "a character device";
    }
    if (S_ISBLK(mode)) {
        return "a block device";
    }
    if (S_ISSOCK(mode)) {
        return "a socket";
    }
    if (S_ISDIR(mode)) {
        return "a directory";
    }
    return "not a regular file";
}

// "16MB" for 16 MiB, "1000 bytes" for 1000: the limit as a user would write it.
std::string size_text(long long bytes)
{
    constexpr long long k_kib = 1024;
    if (bytes > 0 && bytes % (k_kib * k_kib * k_kib) == 0) {
        return std::to_string(bytes / (k_kib * k_kib * k_kib)) + "GB";
    }
    if (bytes > 0 && bytes % (k_kib * k_kib) == 0) {
        return std::to_string(bytes / (k_kib * k_kib)) + "MB";
    }
    if (bytes > 0 && bytes % k_kib == 0) {
        return std::to_string(bytes / k_kib) + "kB";
    }
    return std::to_string(bytes) + " bytes";
}

class FileDescriptor {
public:
    explicit FileDescriptor(int fd) noexcept : m_fd(fd) {}
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    ~FileDescriptor()
    {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
    }
    int get() const noexcept { return m_fd; }

private:
    int m_fd;
};

// The first byte of `text` that is a control character other than tab, LF, CR and form feed
// (C0, DEL, and the C1 range U+0080..U+009F), with its code point. `text` is valid UTF-8.
std::optional<std::pair<std::size_t, unsigned>> find_control_character(std::string_view text) noexcept
{
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if ((byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r' && byte != '\f') || byte == 0x7F) {
            return std::pair{i, static_cast<unsigned>(byte)};
        }
        if (byte == 0xC2 && i + 1 < text.size()) {
            const auto next = static_cast<unsigned char>(text[i + 1]);
            if (next >= 0x80 && next <= 0x9F) {
                return std::pair{i, static_cast<unsigned>(next)};
            }
        }
    }
    return std::nullopt;
}

// "ff" (a byte, as in "byte 0xff") or "FF" (a code point, as in "U+00FF").
std::string hex_byte(unsigned byte, bool upper = false)
{
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    return {digits[(byte >> 4) & 0x0F], digits[byte & 0x0F]};
}

} // namespace

std::string description_from(std::string_view name)
{
    std::string out(name);
    std::replace(out.begin(), out.end(), '_', ' ');
    return out;
}

Reading::Reading(Catalog& catalog, std::vector<DirectoryEntry> entries, std::string display_root,
                 std::filesystem::path real_root, long long max_file_bytes)
    : m_catalog(catalog), m_entries(std::move(entries)), m_display_root(std::move(display_root)),
      m_real_root(std::move(real_root)), m_max_file_bytes(max_file_bytes)
{
}

std::string Reading::display(const std::filesystem::path& relative) const
{
    // A file name is text from whoever wrote the directory: no control byte reaches a terminal.
    auto out = m_display_root + "/" + relative.generic_string();
    std::replace_if(out.begin(), out.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; }, '?');
    return out;
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

std::optional<std::string> Reading::read_bytes(const std::filesystem::path& path, const std::string& display)
{
    // Each check happens before anything is read, and the opened descriptor is checked
    // again: a FIFO would hang, /dev/zero never ends, a link to /proc/self/environ would
    // put the environment into an error message.
    const auto refuse = [&](const std::string& message, const std::string& hint) -> std::optional<std::string> {
        if (std::find(m_refused.begin(), m_refused.end(), display) == m_refused.end()) {
            m_refused.push_back(display);
            error(file_diagnostic(display, message, hint));
        }
        return std::nullopt;
    };
    const std::string cannot_read_hint = "Check that the file exists and that lockwise may read it.";
    const std::string regular_hint = "A migrations directory holds regular files only; lockwise never opens "
                                     "anything else. Remove it, or replace it with the migration file itself.";
    struct stat link_status {};
    if (::lstat(path.c_str(), &link_status) != 0) {
        return refuse("cannot read file: " + std::string(std::strerror(errno)), cannot_read_hint);
    }
    const bool is_link = S_ISLNK(link_status.st_mode);
    std::error_code resolve_error;
    const auto resolved = fs::canonical(path, resolve_error);
    if (resolve_error) {
        return refuse("cannot resolve the file's path: " + resolve_error.message(),
                      is_link ? "The symbolic link points at nothing; remove it or point it at a file in the "
                                "migrations directory."
                              : cannot_read_hint);
    }
    if (!is_below(resolved, m_real_root)) {
        return refuse(std::string(is_link ? "a symbolic link" : "a path") +
                          " that resolves outside the migrations directory: refused, not read",
                      "Migration files must lie inside the migrations directory; copy the file in instead of "
                      "linking to it. lockwise reads nothing outside the directory it was given.");
    }
    struct stat target {};
    if (::stat(resolved.c_str(), &target) != 0) {
        return refuse("cannot read file: " + std::string(std::strerror(errno)), cannot_read_hint);
    }
    if (!S_ISREG(target.st_mode)) {
        return refuse((is_link ? "a symbolic link to " : "") + file_kind(target.st_mode) + ": refused, not read",
                      regular_hint);
    }
    const auto too_large = [&](long long size) {
        return refuse("file too large: " + std::to_string(size) + " bytes, more than migrations.max_file_size (" +
                          size_text(m_max_file_bytes) + ")",
                      "Split the migration, or raise migrations.max_file_size in lockwise.toml (or "
                      "LOCKWISE_MAX_FILE_SIZE) if a file this big is intended.");
    };
    if (target.st_size > m_max_file_bytes) {
        return too_large(target.st_size);
    }
    // O_NOFOLLOW: `resolved` has no symlink left, so one appearing now is a swap; O_NONBLOCK:
    // opening a FIFO swapped in after the stat above does not wait for a writer.
    const FileDescriptor fd(::open(resolved.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
    if (fd.get() < 0) {
        return refuse("cannot read file: " + std::string(std::strerror(errno)), cannot_read_hint);
    }
    struct stat opened {};
    if (::fstat(fd.get(), &opened) != 0 || !S_ISREG(opened.st_mode) || opened.st_dev != target.st_dev ||
        opened.st_ino != target.st_ino) {
        return refuse("the file changed while lockwise opened it: refused, not read", regular_hint);
    }
    std::string bytes;
    bytes.reserve(static_cast<std::size_t>(opened.st_size));
    char buffer[65536];
    while (true) {
        const auto count = ::read(fd.get(), buffer, sizeof buffer);
        if (count < 0 && errno == EINTR) {
            continue;
        }
        if (count < 0) {
            return refuse("cannot read file: " + std::string(std::strerror(errno)), cannot_read_hint);
        }
        if (count == 0) {
            break;
        }
        if (static_cast<long long>(bytes.size()) + count > m_max_file_bytes) {
            return too_large(static_cast<long long>(bytes.size()) + count);
        }
        bytes.append(buffer, static_cast<std::size_t>(count));
    }
    return bytes;
}

std::optional<std::string> Reading::read_text(const std::filesystem::path& path, const std::string& display)
{
    const auto raw = read_bytes(path, display);
    if (!raw) {
        return std::nullopt;
    }
    const auto text = strip_bom(*raw);
    if (const auto bad = find_invalid_utf8(text)) {
        const auto byte = static_cast<unsigned char>(text[*bad]);
        const bool utf16_bom = raw->starts_with("\xFF\xFE") || raw->starts_with("\xFE\xFF");
        error(text_diagnostic(display, text, *bad, "invalid UTF-8 (byte 0x" + hex_byte(byte) + ")",
                              utf16_bom ? "The file starts with a UTF-16 byte-order mark; re-save it as UTF-8."
                                        : "lockwise reads migration files as UTF-8, as PostgreSQL does with a UTF8 "
                                          "client encoding; re-save the file as UTF-8."));
        return std::nullopt;
    }
    // PostgreSQL's parser reads a C string: SQL after a NUL would be checked, hashed and then
    // silently never run. Other control characters have no place in SQL source either.
    if (const auto control = find_control_character(text)) {
        const auto [offset, code] = *control;
        if (code == 0) {
            error(text_diagnostic(display, text, offset, "NUL byte in a migration file",
                                  "PostgreSQL would stop reading the SQL at it and lose every statement after "
                                  "it. A file saved as UTF-16 without a byte-order mark looks like this: re-save "
                                  "it as UTF-8."));
        } else {
            error(text_diagnostic(display, text, offset, "control character U+00" + hex_byte(code, true) + " in a migration file",
                                  "Only tab, line feed, carriage return and form feed may appear in a migration "
                                  "file; where data needs the character, write it as an escape such as E'\\x" +
                                      hex_byte(code, true) + "' or chr(" + std::to_string(code) + ")."));
        }
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
