// Directive parsing. Argument tokens are words separated by blanks; a token may hold
// double-quoted parts ("a b", with \" and \\ escapes); key=value tokens become options.
#include "lockwise/catalog/directive.hpp"

#include <algorithm>
#include <optional>

#include "lockwise/catalog/comment_scanner.hpp"
#include "lockwise/catalog/diagnostic.hpp"
#include "lockwise/catalog/duration.hpp"
#include "lockwise/core/source_location.hpp"
#include "lockwise/core/text.hpp"

namespace lockwise::catalog {

namespace {

constexpr std::string_view k_prefix = "lockwise:";
constexpr int k_max_retries = 1000;

bool is_blank(char c) noexcept
{
    return c == ' ' || c == '\t';
}

bool is_rule_id(std::string_view id) noexcept
{
    return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
               c == '_' || c == '.';
    });
}

std::string names_list()
{
    std::string out;
    for (const auto name : k_directive_names) {
        out += out.empty() ? "" : ", ";
        out += name;
    }
    return out;
}

struct Token {
    std::string value;            // quotes removed
    std::optional<std::string> key; // set for key=value (the '=' outside quotes)
    std::size_t offset = 0;       // in the file
};

// Parses one directive comment; problems go to `errors`.
class DirectiveParser {
public:
    DirectiveParser(std::string_view text, const std::string& file, std::vector<Diagnostic>& errors)
        : m_text(text), m_file(file), m_errors(errors)
    {
    }

    std::optional<Directive> parse(const LineComment& comment, std::size_t prefix_offset)
    {
        Directive directive;
        directive.offset = comment.begin;
        const auto name_begin = prefix_offset + k_prefix.size();
        auto name_end = name_begin;
        while (name_end < comment.end && !is_blank(m_text[name_end])) {
            ++name_end;
        }
        directive.name = std::string(m_text.substr(name_begin, name_end - name_begin));
        if (directive.name.empty()) {
            error(name_begin, "missing directive name after 'lockwise:'",
                  "Write the name right after the colon, e.g. '-- lockwise:no-transaction'. Valid directives: " +
                      names_list() + ".");
            return std::nullopt;
        }
        if (std::find(k_directive_names.begin(), k_directive_names.end(), directive.name) ==
            k_directive_names.end()) {
            const auto near = closest_directive_name(directive.name);
            std::string hint = near.empty() ? "" : "Did you mean '" + std::string(near) + "'? ";
            hint += "Valid directives: " + names_list() + ".";
            error(name_begin, "unknown directive 'lockwise:" + directive.name + "'", hint);
            return std::nullopt;
        }
        auto arguments_begin = name_end;
        while (arguments_begin < comment.end && is_blank(m_text[arguments_begin])) {
            ++arguments_begin;
        }
        auto arguments_end = comment.end;
        while (arguments_end > arguments_begin && is_blank(m_text[arguments_end - 1])) {
            --arguments_end;
        }
        directive.arguments = std::string(m_text.substr(arguments_begin, arguments_end - arguments_begin));
        m_arguments_begin = arguments_begin;
        m_arguments_end = arguments_end;
        if (!check(directive)) {
            return std::nullopt;
        }
        return directive;
    }

private:
    void error(std::size_t offset, std::string message, std::string hint)
    {
        m_errors.push_back(text_diagnostic(m_file, m_text, offset, std::move(message), std::move(hint)));
    }

    // Splits the arguments into tokens; false (after reporting) on an unterminated quote.
    bool tokenize(std::vector<Token>& tokens)
    {
        auto position = m_arguments_begin;
        while (position < m_arguments_end) {
            if (is_blank(m_text[position])) {
                ++position;
                continue;
            }
            Token token;
            token.offset = position;
            while (position < m_arguments_end && !is_blank(m_text[position])) {
                const char c = m_text[position];
                if (c == '"') {
                    const auto quote = position++;
                    bool closed = false;
                    while (position < m_arguments_end) {
                        const char q = m_text[position];
                        if (q == '\\' && position + 1 < m_arguments_end) {
                            token.value += m_text[position + 1];
                            position += 2;
                        } else if (q == '"') {
                            ++position;
                            closed = true;
                            break;
                        } else {
                            token.value += q;
                            ++position;
                        }
                    }
                    if (!closed) {
                        error(quote, "unterminated quoted value",
                              "Close the value with '\"'; write \\\" for a quote inside it.");
                        return false;
                    }
                } else if (c == '=' && !token.key) {
                    token.key = std::move(token.value);
                    token.value.clear();
                    ++position;
                } else {
                    token.value += c;
                    ++position;
                }
            }
            tokens.push_back(std::move(token));
        }
        return true;
    }

    bool no_arguments(const Directive& directive)
    {
        if (directive.arguments.empty()) {
            return true;
        }
        error(m_arguments_begin, "'lockwise:" + directive.name + "' takes no arguments",
              "Remove the text after '" + directive.name + "'; put remarks in a separate comment.");
        return false;
    }

    // Exactly one plain word; reports and returns nullptr otherwise.
    const Token* single_word(const Directive& directive, const std::vector<Token>& tokens, std::string_view what)
    {
        if (tokens.size() == 1 && !tokens[0].key) {
            return &tokens[0];
        }
        const auto offset = tokens.empty() ? m_arguments_end : tokens[tokens.size() > 1 ? 1 : 0].offset;
        error(offset,
              tokens.empty() ? "'lockwise:" + directive.name + "' needs " + std::string(what)
                             : "'lockwise:" + directive.name + "' takes exactly one argument, " + std::string(what),
              "Write it as '-- lockwise:" + directive.name + " <" + std::string(what) + ">'.");
        return nullptr;
    }

    bool check_allow(Directive& directive)
    {
        auto rule_end = m_arguments_begin;
        while (rule_end < m_arguments_end && !is_blank(m_text[rule_end])) {
            ++rule_end;
        }
        const auto rule = m_text.substr(m_arguments_begin, rule_end - m_arguments_begin);
        auto reason_begin = rule_end;
        while (reason_begin < m_arguments_end && is_blank(m_text[reason_begin])) {
            ++reason_begin;
        }
        const auto reason = m_text.substr(reason_begin, m_arguments_end - reason_begin);
        const std::string usage = "Write it as '-- lockwise:allow <rule-id> <reason>', e.g. "
                                  "'-- lockwise:allow add-index-non-concurrently table is created above'.";
        if (rule.empty()) {
            error(m_arguments_end, "'lockwise:allow' needs a rule id and a reason", usage);
            return false;
        }
        if (!is_rule_id(rule)) {
            error(m_arguments_begin, "invalid rule id '" + std::string(rule) + "'",
                  "Rule ids are letters, digits, '-', '_' and '.'. " + usage);
            return false;
        }
        if (reason.empty()) {
            error(m_arguments_end, "'lockwise:allow " + std::string(rule) + "' needs a reason",
                  "Say why the finding is acceptable here, after the rule id; reviewers read it. " + usage);
            return false;
        }
        directive.words = {std::string(rule), std::string(reason)};
        return true;
    }

    bool check(Directive& directive)
    {
        const auto& name = directive.name;
        if (name == "no-transaction" || name == "best-effort") {
            return no_arguments(directive);
        }
        if (name == "allow") {
            return check_allow(directive); // the reason is free text: never tokenised
        }
        std::vector<Token> tokens;
        if (!tokenize(tokens)) {
            return false;
        }
        if (name == "lock-timeout" || name == "statement-timeout") {
            const bool off_allowed = name == "statement-timeout";
            const auto* word = single_word(directive, tokens, off_allowed ? "a duration or 'off'" : "a duration");
            if (word == nullptr) {
                return false;
            }
            if (!(off_allowed && word->value == "off") && !parse_duration(word->value)) {
                const auto problem = duration_problem(word->value);
                error(word->offset,
                      problem.starts_with("too large") ? "duration '" + word->value + "' is " + problem
                                                       : "invalid duration '" + word->value + "'",
                      "A duration is " + std::string(k_duration_syntax) + (off_allowed ? ", or 'off'." : "."));
                return false;
            }
        } else if (name == "retries") {
            const auto* word = single_word(directive, tokens, "a number");
            if (word == nullptr) {
                return false;
            }
            const bool digits = !word->value.empty() && word->value.size() <= 4 &&
                                std::all_of(word->value.begin(), word->value.end(),
                                            [](char c) { return c >= '0' && c <= '9'; });
            if (!digits || std::stoi(word->value) > k_max_retries) {
                error(word->offset, "invalid retry count '" + word->value + "'",
                      "Write a whole number from 0 to " + std::to_string(k_max_retries) + ".");
                return false;
            }
        } else { // backfill: option names and values are the backfill stage's to judge
            std::vector<std::string_view> seen;
            for (const auto& token : tokens) {
                if (token.key && token.key->empty()) {
                    error(token.offset, "missing option name before '='",
                          "Write options as key=value, e.g. 'key=id batch=auto'.");
                    return false;
                }
                if (token.key && std::find(seen.begin(), seen.end(), *token.key) != seen.end()) {
                    error(token.offset, "option '" + *token.key + "' given twice", "Give each option once.");
                    return false;
                }
                if (token.key) {
                    seen.push_back(*token.key);
                }
            }
        }
        for (auto& token : tokens) {
            if (token.key) {
                directive.options.emplace(*token.key, std::move(token.value));
            } else {
                directive.words.push_back(std::move(token.value));
            }
        }
        return true;
    }

    std::string_view m_text;
    const std::string& m_file;
    std::vector<Diagnostic>& m_errors;
    std::size_t m_arguments_begin = 0;
    std::size_t m_arguments_end = 0;
};

} // namespace

std::string_view closest_directive_name(std::string_view name)
{
    std::string_view best;
    std::size_t best_distance = 3; // farther than 2 edits is a different word, not a typo
    for (const auto known : k_directive_names) {
        const auto distance = core::edit_distance(name, known);
        if (distance < best_distance) {
            best = known;
            best_distance = distance;
        }
    }
    if (best.empty()) {
        // "no-transaction-please", "retry": a known name as a prefix, or a long shared start.
        constexpr std::size_t k_shared_start = 4;
        for (const auto known : k_directive_names) {
            const auto shared = static_cast<std::size_t>(
                std::mismatch(name.begin(), name.end(), known.begin(), known.end()).first - name.begin());
            if (shared == known.size() || shared == name.size() || shared >= k_shared_start) {
                return known;
            }
        }
    }
    return best;
}

DirectiveScan parse_directives(std::string_view text, std::size_t begin, std::size_t end,
                               const std::string& file)
{
    DirectiveScan scan;
    DirectiveParser parser(text, file, scan.errors);
    for (const auto& comment : scan_comments(text, begin, end).comments) {
        auto position = comment.begin + 2; // after "--"
        while (position < comment.end && is_blank(text[position])) {
            ++position;
        }
        if (text.substr(position, k_prefix.size()) != k_prefix) {
            continue;
        }
        if (auto directive = parser.parse(comment, position)) {
            const auto where = core::line_column_at(text, comment.begin);
            directive->line = where.line;
            directive->column = where.column;
            scan.directives.push_back(std::move(*directive));
        }
    }
    return scan;
}

} // namespace lockwise::catalog
