// Small text helpers several stages need the same way (target files, SQL slices, test
// case files), so each doesn't keep its own copy.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace lockwise::core {

// `text` without leading and trailing white space (space, tab, CR, LF, VT, FF): the
// C locale's isspace, whatever the process locale is.
std::string_view trim_space(std::string_view text) noexcept;

// `text` safe to put on an operator's terminal: every control character except newline, tab
// and the CR of a CRLF line end (C0, DEL, and the UTF-8 encoded C1 range U+0080..U+009F, e.g. ESC and CSI) is written
// as a visible escape ("\x1b", "\u009b"), so a query from another session can't move the
// cursor, recolour or retitle the terminal, or rewrite a line already printed.
std::string strip_control_bytes(std::string_view text);

// Length of the well-formed UTF-8 sequence that starts at text[at] (RFC 3629, table 3-7: no
// overlong forms, no surrogates, nothing past U+10FFFF), 0 if there is none.
std::size_t utf8_sequence_length(std::string_view text, std::size_t at) noexcept;

// Levenshtein distance (insertions, deletions, substitutions of one byte each): how "did you
// mean" suggestions pick the closest known name, for commands, options and directives alike.
std::size_t edit_distance(std::string_view a, std::string_view b);

} // namespace lockwise::core
