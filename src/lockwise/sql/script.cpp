// parse_script: splits a migration's SQL with the real PostgreSQL 15 parser,
// gives each statement its exact span in the file, classifies it, and on
// failure reports every broken statement (mold-style), not just the first.
#include <algorithm>

#include "lockwise/core/source_location.hpp"
#include "lockwise/sql/classify.hpp"
#include "lockwise/sql/facts.hpp"
#include "lockwise/sql/pg_query_api.hpp"
#include "lockwise/sql/statement.hpp"

namespace lockwise::sql {
namespace {

constexpr std::string_view k_copy_message = "COPY FROM STDIN data is not supported in migrations";
constexpr std::string_view k_copy_hint =
    "Write the rows as INSERT statements, or load the data in a separate step (psql \\copy or an "
    "application job) outside the migration.";

struct Section {
    std::string_view file;
    std::size_t begin = 0;       // file offset of the section
    std::string_view text;       // file.substr(begin, ...)
};

Span span_at(std::string_view file, std::size_t offset, std::size_t length)
{
    const auto position = core::line_column_at(file, offset);
    return {offset, length, position.line, position.column};
}

// The range from the first to the last token that is not a comment, within [begin, end).
std::optional<detail::Piece> real_range(const std::vector<detail::Token>& tokens, std::size_t begin, std::size_t end)
{
    std::optional<detail::Piece> range;
    auto it = std::lower_bound(tokens.begin(), tokens.end(), begin,
                               [](const detail::Token& token, std::size_t at) { return token.begin < at; });
    for (; it != tokens.end() && it->begin < end; ++it) {
        if (it->is_comment) {
            continue;
        }
        if (!range) {
            range = detail::Piece{it->begin, it->end};
        }
        range->end = std::min(it->end, end);
    }
    return range;
}

// The psql backslash command ("\set") at `offset` of `text` when PostgreSQL's parser stopped
// at a backslash that starts its statement or its line; nullopt otherwise. psql runs these
// itself (they end at the line's end, no ';'), so the server never sees them.
std::optional<std::string> psql_meta_command_at(std::string_view text, std::size_t offset, bool statement_start)
{
    if (offset >= text.size() || text[offset] != '\\') {
        return std::nullopt;
    }
    const auto newline = offset == 0 ? std::string_view::npos : text.rfind('\n', offset - 1);
    const auto line_begin = newline == std::string_view::npos ? 0 : newline + 1;
    const auto before = text.substr(line_begin, offset - line_begin);
    const bool line_start = before.find_first_not_of(" \t\r\f") == std::string_view::npos;
    if (!statement_start && !line_start) {
        return std::nullopt;
    }
    auto end = text.find_first_of(" \t\r\n\f", offset + 1);
    end = std::min({end == std::string_view::npos ? text.size() : end, offset + 32});
    return std::string(text.substr(offset, end - offset));
}

std::string psql_meta_command_hint(std::string_view command)
{
    std::string hint = "lockwise sends SQL to the server; backslash commands are psql's own and the server rejects them.";
    if (command == "\\set" || command == "\\unset" || command == "\\pset") {
        hint += " Remove the line: lockwise always stops at the first failing statement (psql's ON_ERROR_STOP), "
                "and psql variables do not exist outside psql.";
    } else if (command == "\\i" || command == "\\ir" || command == "\\include" || command == "\\include_relative") {
        hint += " Put the included file's SQL into the migration itself, or make it a migration of its own.";
    } else if (command == "\\c" || command == "\\connect") {
        hint += " A migration runs on the one database lockwise connects to; migrate another database with its "
                "own --database-url.";
    } else {
        hint += " Remove the line, or write what it does in SQL.";
    }
    return hint;
}

ParseError syntax_error(const Section& section, std::size_t offset, std::string message, bool statement_start = false)
{
    offset = std::min(offset, section.text.size());
    ParseError error;
    error.span = span_at(section.file, section.begin + offset, offset < section.text.size() ? 1 : 0);
    error.message = std::move(message);
    if (const auto command = psql_meta_command_at(section.text, offset, statement_start)) {
        error.message = "psql meta-command " + *command + " is not SQL";
        error.hint = psql_meta_command_hint(*command);
    }
    return error;
}

ParseError copy_error(const Span& span)
{
    ParseError error;
    error.span = span;
    error.message = std::string(k_copy_message);
    error.hint = std::string(k_copy_hint);
    return error;
}

// Where psql's COPY data ends: after the line "\." that follows the statement, or the section's end.
std::size_t end_of_copy_data(std::string_view text, std::size_t statement_end)
{
    auto line_begin = text.find('\n', statement_end);
    while (line_begin != std::string_view::npos) {
        ++line_begin;
        auto line_end = text.find('\n', line_begin);
        auto line = text.substr(line_begin, (line_end == std::string_view::npos ? text.size() : line_end) - line_begin);
        if (line.ends_with('\r')) {
            line.remove_suffix(1);
        }
        if (line == "\\.") {
            return line_end == std::string_view::npos ? text.size() : line_end + 1;
        }
        line_begin = line_end;
    }
    return text.size();
}

// The first non-comment token's span in `text` (the piece), shifted to file coordinates.
Span statement_span(const Section& section, std::size_t piece_offset, std::string_view piece)
{
    const auto scanned = detail::scan(piece);
    if (!scanned.error) {
        if (auto range = real_range(scanned.tokens, 0, piece.size())) {
            return span_at(section.file, section.begin + piece_offset + range->begin, range->end - range->begin);
        }
    }
    return span_at(section.file, section.begin + piece_offset, piece.size());
}

// Statement pieces of `text`: each ends with its ';' token (so PostgreSQL reports
// "at or near ";"" as it would for the whole file). Dollar-quoted bodies and
// strings are single tokens, so their semicolons never split. libpg_query's
// split_with_scanner is not used: it drops a statement whose first word is not
// a keyword ("SELEC 1"), which is exactly the statement a user needs to see.
std::vector<detail::Piece> split_at_semicolons(std::string_view text, const std::vector<detail::Token>& tokens)
{
    std::vector<detail::Piece> pieces;
    std::size_t begin = 0;
    bool has_content = false;
    for (const auto& token : tokens) {
        if (text.substr(token.begin, token.end - token.begin) == ";") {
            if (has_content) {
                pieces.push_back({begin, token.end});
            }
            begin = token.end;
            has_content = false;
        } else if (!token.is_comment) {
            has_content = true;
        }
    }
    if (has_content) {
        pieces.push_back({begin, text.size()});
    }
    return pieces;
}

// After a failed parse of the whole section: parse each statement on its own so
// that every broken one is reported with its own position.
std::vector<ParseError> collect_errors(const Section& section)
{
    std::vector<ParseError> errors;
    std::size_t position = 0;
    while (position < section.text.size()) {
        auto rest = section.text.substr(position);
        auto scanned = detail::scan(rest);
        std::optional<ParseError> lexical_error;
        if (scanned.error) {
            // An unterminated quote or comment swallows the rest: check what comes before it.
            const auto offset = scanned.error->offset.value_or(0);
            lexical_error = syntax_error(section, position + offset, scanned.error->message);
            rest = rest.substr(0, offset);
            scanned = detail::scan(rest);
        }
        auto pieces = split_at_semicolons(rest, scanned.tokens);
        if (lexical_error && !pieces.empty() && pieces.back().end == rest.size()) {
            pieces.pop_back(); // the statement the lexical error is in
        }
        bool restarted = false;
        for (const auto& piece : pieces) {
            const auto piece_text = rest.substr(piece.begin, piece.end - piece.begin);
            const auto parsed = detail::parse(piece_text);
            const auto piece_offset = position + piece.begin;
            if (parsed.error) {
                const auto first_token = statement_span(section, piece_offset, piece_text).offset - section.begin;
                const auto offset = parsed.error->offset ? piece_offset + *parsed.error->offset : first_token;
                errors.push_back(syntax_error(section, offset, parsed.error->message, offset == first_token));
                continue;
            }
            const auto* statements = detail::member(parsed.tree, "stmts");
            const bool copy = statements != nullptr &&
                              std::any_of(statements->begin(), statements->end(), [](const detail::Json& item) {
                                  return detail::is_copy_from_stdin(item.at("stmt"));
                              });
            if (copy) {
                errors.push_back(copy_error(statement_span(section, piece_offset, piece_text)));
                // The data lines are not SQL: resume after them.
                position = end_of_copy_data(section.text, position + piece.end);
                restarted = true;
                break;
            }
        }
        if (lexical_error && !restarted) {
            errors.push_back(*lexical_error);
        }
        if (!restarted) {
            break;
        }
    }
    return errors;
}

// Statements of a section the parser accepted as a whole.
ParsedScript classify_section(const Section& section, const detail::Json& tree)
{
    ParsedScript script;
    const auto scanned = detail::scan(section.text);
    const auto* statements = detail::member(tree, "stmts");
    if (statements == nullptr) {
        return script;
    }
    for (const auto& item : *statements) {
        const auto location = static_cast<std::size_t>(detail::integer_of(item, "stmt_location"));
        const auto length = static_cast<std::size_t>(detail::integer_of(item, "stmt_len"));
        const auto end = length == 0 ? section.text.size() : location + length;
        const auto range = real_range(scanned.tokens, location, end);
        if (!range) {
            continue;
        }
        Statement statement;
        statement.span = span_at(section.file, section.begin + range->begin, range->end - range->begin);
        statement.text = std::string(section.text.substr(range->begin, range->end - range->begin));
        detail::classify(item.at("stmt"), statement);
        if (statement.is_copy_from_stdin) {
            script.errors.push_back(copy_error(statement.span));
        }
        script.statements.push_back(std::move(statement));
    }
    return script;
}

} // namespace

ParsedScript parse_script(std::string_view file_text, std::size_t section_begin, std::size_t section_end)
{
    SchemaFacts facts;
    return parse_script(file_text, section_begin, section_end, facts);
}

ParsedScript parse_script(std::string_view file_text, std::size_t section_begin, std::size_t section_end,
                          SchemaFacts& facts)
{
    section_end = std::min(section_end, file_text.size());
    section_begin = std::min(section_begin, section_end);
    const Section section{file_text, section_begin, file_text.substr(section_begin, section_end - section_begin)};
    const auto parsed = detail::parse(section.text);
    ParsedScript script;
    if (parsed.error) {
        script.errors = collect_errors(section);
        if (script.errors.empty()) {
            // The statements parse one by one but not together: report PostgreSQL's own position.
            script.errors.push_back(
                syntax_error(section, parsed.error->offset.value_or(0), parsed.error->message));
        }
    } else {
        script = classify_section(section, parsed.tree);
        // What earlier statements declared tells what later ones lock without naming it.
        for (auto& statement : script.statements) {
            add_dependent_locks(statement, facts);
            learn_facts(facts, statement);
        }
    }
    if (!script.errors.empty()) {
        script.statements.clear();
    }
    return script;
}

} // namespace lockwise::sql
