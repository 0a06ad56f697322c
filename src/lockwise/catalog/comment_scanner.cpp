// The comment lexer: PostgreSQL's lexical rules (manual, "Lexical Structure") for the
// tokens that can contain "--", reduced to skipping over them.
#include "lockwise/catalog/comment_scanner.hpp"

#include <algorithm>

namespace lockwise::catalog {

namespace {

bool is_identifier_start(char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           static_cast<unsigned char>(c) >= 0x80;
}

bool is_identifier_char(char c) noexcept
{
    return is_identifier_start(c) || (c >= '0' && c <= '9') || c == '$';
}

bool is_space(char c) noexcept
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

class Scanner {
public:
    Scanner(std::string_view text, std::size_t begin, std::size_t end)
        : m_text(text.substr(0, std::min(end, text.size()))), m_position(begin)
    {
    }

    CommentScan run()
    {
        while (m_position < m_text.size()) {
            const char c = m_text[m_position];
            if (is_space(c)) {
                ++m_position;
            } else if (starts_with("--")) {
                line_comment();
            } else if (starts_with("/*")) {
                block_comment();
            } else {
                code_token();
            }
        }
        return std::move(m_result);
    }

private:
    bool starts_with(std::string_view prefix) const noexcept
    {
        return m_text.substr(m_position, prefix.size()) == prefix;
    }

    void line_comment()
    {
        const auto begin = m_position;
        auto end = m_text.find('\n', m_position);
        if (end == std::string_view::npos) {
            end = m_text.size();
        }
        m_position = end;
        if (end > begin && m_text[end - 1] == '\r') {
            --end;
        }
        m_result.comments.push_back({begin, end});
    }

    void block_comment()
    {
        int depth = 0; // PostgreSQL block comments nest
        while (m_position < m_text.size()) {
            if (starts_with("/*")) {
                ++depth;
                m_position += 2;
            } else if (starts_with("*/")) {
                m_position += 2;
                if (--depth == 0) {
                    return;
                }
            } else {
                ++m_position;
            }
        }
    }

    void code_token()
    {
        if (m_result.first_code == std::string_view::npos) {
            m_result.first_code = m_position;
        }
        const char c = m_text[m_position];
        const bool after_identifier = m_position > 0 && is_identifier_char(m_text[m_position - 1]);
        if (c == '\'') {
            const bool escapes = m_position > 0 && (m_text[m_position - 1] == 'E' || m_text[m_position - 1] == 'e') &&
                                 (m_position < 2 || !is_identifier_char(m_text[m_position - 2]));
            quoted('\'', escapes);
        } else if (c == '"') {
            quoted('"', false);
        } else if (c == '$' && !after_identifier && dollar_quote()) {
            return;
        } else if (is_identifier_start(c)) {
            // Consume the whole word so "$" inside an identifier (a$b) is not a quote.
            while (m_position < m_text.size() && is_identifier_char(m_text[m_position])) {
                ++m_position;
            }
        } else {
            ++m_position;
        }
    }

    // A '...' or "..." token; a doubled quote is an escaped quote.
    void quoted(char quote, bool backslash_escapes)
    {
        ++m_position;
        while (m_position < m_text.size()) {
            const char c = m_text[m_position];
            if (backslash_escapes && c == '\\') {
                m_position += 2;
            } else if (c == quote) {
                if (m_position + 1 < m_text.size() && m_text[m_position + 1] == quote) {
                    m_position += 2;
                } else {
                    ++m_position;
                    return;
                }
            } else {
                ++m_position;
            }
        }
        m_position = std::min(m_position, m_text.size());
    }

    // $tag$ ... $tag$; returns false (consuming nothing) when this "$" opens no quote ($1).
    bool dollar_quote()
    {
        auto tag_end = m_position + 1;
        if (tag_end < m_text.size() && is_identifier_start(m_text[tag_end])) {
            while (tag_end < m_text.size() && is_identifier_char(m_text[tag_end]) && m_text[tag_end] != '$') {
                ++tag_end;
            }
        }
        if (tag_end >= m_text.size() || m_text[tag_end] != '$') {
            return false;
        }
        const auto tag = m_text.substr(m_position, tag_end - m_position + 1);
        const auto close = m_text.find(tag, tag_end + 1);
        m_position = close == std::string_view::npos ? m_text.size() : close + tag.size();
        return true;
    }

    std::string_view m_text;
    std::size_t m_position;
    CommentScan m_result;
};

} // namespace

CommentScan scan_comments(std::string_view text, std::size_t begin, std::size_t end)
{
    return Scanner(text, begin, end).run();
}

} // namespace lockwise::catalog
