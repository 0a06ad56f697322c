// Internal to sql/: the libpg_query entry points lockwise uses (parse to JSON,
// scan to tokens), as values, the C results always freed.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace lockwise::sql::detail {

// An error reported by libpg_query; `offset` is a byte offset into the input it was given.
struct PgQueryError {
    std::string message;
    std::optional<std::size_t> offset; // nullopt when PostgreSQL gave no position
};

struct ParseOutcome {
    nlohmann::json tree;               // {"version":..., "stmts":[...]} when there is no error
    std::optional<PgQueryError> error;
};

// One lexical token; comments are tokens too (the scanner reports them).
struct Token {
    std::size_t begin = 0;
    std::size_t end = 0;
    bool is_comment = false;
};

struct ScanOutcome {
    std::vector<Token> tokens;
    std::optional<PgQueryError> error;
};

// A byte range of the input (a statement, possibly with leading blanks and comments).
struct Piece {
    std::size_t begin = 0;
    std::size_t end = 0;
};

// The whole PostgreSQL 15 raw parse of `sql` as JSON.
ParseOutcome parse(std::string_view sql);
// The tokens of `sql` (works on any lexically valid input, even with syntax errors).
ScanOutcome scan(std::string_view sql);

// `sql` parsed and printed back from its parse tree by libpg_query's deparser: canonical
// text with every expression's grouping explicit. nullopt when it does not parse or deparse.
std::optional<std::string> deparse(std::string_view sql);
// The parse tree of `sql` in libpg_query's protobuf form (ParseResult), nullopt on error.
std::optional<std::string> parse_protobuf(std::string_view sql);
// SQL text printed from a protobuf ParseResult, nullopt when libpg_query can't print it.
std::optional<std::string> deparse_protobuf(std::string_view parse_result);

// Byte offset of the 1-based character position `cursor` (PostgreSQL counts characters).
std::size_t byte_offset_of_cursor(std::string_view text, int cursor);

} // namespace lockwise::sql::detail
