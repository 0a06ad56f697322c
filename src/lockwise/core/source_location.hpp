// A position in a migration file and the rendering of "file:line:col" with the
// offending source line and a caret, shared by every stage that reports input errors.
#pragma once

#include <string>
#include <string_view>

namespace lockwise::core {

struct LineColumn {
    int line = 1;   // 1-based
    int column = 1; // 1-based, in bytes
};

// Line and column of byte `offset` in `text`.
LineColumn line_column_at(std::string_view text, std::size_t offset);

// The full text of 1-based line `line` of `text`, without its line ending.
std::string_view source_line(std::string_view text, int line);

// `line` fit for a terminal: each control character but tab (C0, DEL, C1) shown as U+FFFD, so
// a source line quoted in a diagnostic can't carry an escape sequence or a NUL to the output.
std::string printable_source_line(std::string_view line);

// "file:line:col: error: message\n  <source line>\n  ^\nhint: ..." (hint omitted when empty).
std::string render_diagnostic(std::string_view file, std::string_view text, std::size_t offset,
                              std::string_view severity, std::string_view message,
                              std::string_view hint = {});

} // namespace lockwise::core
