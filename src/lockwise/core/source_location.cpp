// Line/column arithmetic and caret rendering for diagnostics (mold-style: every
// problem of a phase is rendered the same way so a user can jump to it).
#include "lockwise/core/source_location.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace lockwise::core {

LineColumn line_column_at(std::string_view text, std::size_t offset)
{
    offset = std::min(offset, text.size());
    LineColumn result;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++result.line;
            line_start = i + 1;
        }
    }
    result.column = static_cast<int>(offset - line_start) + 1;
    return result;
}

std::string_view source_line(std::string_view text, int line)
{
    std::size_t start = 0;
    for (int current = 1; current < line; ++current) {
        const auto newline = text.find('\n', start);
        if (newline == std::string_view::npos) {
            return {};
        }
        start = newline + 1;
    }
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) {
        end = text.size();
    }
    if (end > start && text[end - 1] == '\r') {
        --end;
    }
    return text.substr(start, end - start);
}

std::string printable_source_line(std::string_view line)
{
    std::string out;
    out.reserve(line.size());
    for (std::size_t i = 0; i < line.size(); ++i) {
        const auto byte = static_cast<unsigned char>(line[i]);
        const bool c1 = byte == 0xC2 && i + 1 < line.size() && static_cast<unsigned char>(line[i + 1]) >= 0x80 &&
                        static_cast<unsigned char>(line[i + 1]) <= 0x9F;
        if ((byte < 0x20 && byte != '\t') || byte == 0x7F || c1) {
            out += "\xEF\xBF\xBD"; // U+FFFD
            i += c1 ? 1 : 0;
        } else {
            out += line[i];
        }
    }
    return out;
}

std::string render_diagnostic(std::string_view file, std::string_view text, std::size_t offset,
                              std::string_view severity, std::string_view message,
                              std::string_view hint)
{
    const auto position = line_column_at(text, offset);
    const auto line = source_line(text, position.line);
    // Keep tabs in the caret line so the caret stays under the right character.
    std::string caret_pad;
    for (int i = 0; i < position.column - 1 && i < static_cast<int>(line.size()); ++i) {
        caret_pad += line[static_cast<std::size_t>(i)] == '\t' ? '\t' : ' ';
    }
    std::string out = fmt::format("{}:{}:{}: {}: {}\n", file, position.line, position.column,
                                  severity, message);
    out += fmt::format("  {:>4} | {}\n", position.line, printable_source_line(line));
    out += fmt::format("       | {}^\n", caret_pad);
    if (!hint.empty()) {
        out += fmt::format("  hint: {}\n", hint);
    }
    return out;
}

} // namespace lockwise::core
