// A lexer that finds `--` comments in SQL without being fooled by string literals,
// quoted identifiers, dollar-quoted bodies or block comments. The catalog needs only
// comments (directives) and "is there any SQL here", not statements, so it does not
// depend on the full parser.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace lockwise::catalog {

// A `-- ...` comment: text[begin, end) starts at "--" and stops before the line ending.
struct LineComment {
    std::size_t begin = 0;
    std::size_t end = 0;
};

struct CommentScan {
    std::vector<LineComment> comments;            // in file order
    std::size_t first_code = std::string_view::npos; // offset of the first character that is SQL, not comment or space
    bool has_code() const noexcept { return first_code != std::string_view::npos; }
};

// Scans text[begin, end). Understands '...' (with '' and, for E'...', backslash escapes),
// "..." identifiers, $tag$...$tag$ bodies, nested /* */ comments and -- comments.
// An unterminated literal runs to `end` (the SQL parser reports it, not the catalog).
CommentScan scan_comments(std::string_view text, std::size_t begin = 0,
                          std::size_t end = std::string_view::npos);

} // namespace lockwise::catalog
