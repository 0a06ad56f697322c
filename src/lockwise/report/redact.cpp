// Generic secret scrubbing with small hand-written scanners (no std::regex:
// it is slow on every log line and trips GCC 12's sanitizer build warnings).
#include "lockwise/report/redact.hpp"

#include <cctype>

namespace lockwise::report {
namespace {

bool is_space(char c)
{
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}

bool matches_word_at(const std::string& text, std::size_t at, std::string_view word)
{
    if (at + word.size() > text.size()) {
        return false;
    }
    for (std::size_t i = 0; i < word.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(text[at + i])) != word[i]) {
            return false;
        }
    }
    return true;
}

// End of a quoted value starting at `at` (on the opening quote). Conninfo style escapes with
// a backslash; SQL style doubles the quote. An unterminated value runs to the end.
std::size_t quoted_end(const std::string& text, std::size_t at, bool sql_style)
{
    for (std::size_t i = at + 1; i < text.size(); ++i) {
        if (!sql_style && text[i] == '\\') {
            ++i;
        } else if (text[i] == '\'') {
            if (sql_style && i + 1 < text.size() && text[i + 1] == '\'') {
                ++i;
            } else {
                return i + 1;
            }
        }
    }
    return text.size();
}

// "password=value", "password = 'v'" (also sslpassword, PGPASSWORD), and SQL "PASSWORD 'v'".
std::string scrub_passwords(std::string text)
{
    constexpr std::string_view k_word = "password";
    for (std::size_t at = 0; at < text.size(); ++at) {
        if (!matches_word_at(text, at, k_word)) {
            continue;
        }
        std::size_t cursor = at + k_word.size();
        std::size_t spaces = 0;
        while (cursor < text.size() && is_space(text[cursor])) {
            ++cursor;
            ++spaces;
        }
        if (cursor < text.size() && text[cursor] == '=') {
            ++cursor;
            while (cursor < text.size() && is_space(text[cursor])) {
                ++cursor;
            }
            std::size_t end = cursor;
            if (end < text.size() && text[end] == '\'') {
                end = quoted_end(text, end, false);
            } else {
                while (end < text.size() && !is_space(text[end]) && text[end] != '\'' && text[end] != '&' &&
                       text[end] != ';' && text[end] != ',') {
                    ++end;
                }
            }
            if (end > cursor) {
                text.replace(cursor, end - cursor, "***");
            }
            at = cursor + 2;
        } else if (spaces > 0 && cursor < text.size() && text[cursor] == '\'') {
            const auto end = quoted_end(text, cursor, true);
            text.replace(cursor, end - cursor, "'***'");
            at = cursor + 4;
        }
    }
    return text;
}

// scheme://user:password@host -> scheme://user:***@host
std::string scrub_uri_passwords(std::string text)
{
    for (auto at = text.find("://"); at != std::string::npos; at = text.find("://", at + 3)) {
        const std::size_t start = at + 3;
        std::size_t end = start;
        std::size_t colon = std::string::npos;
        while (end < text.size() && text[end] != '@' && text[end] != '/' && !is_space(text[end])) {
            if (text[end] == ':' && colon == std::string::npos) {
                colon = end;
            }
            ++end;
        }
        if (end < text.size() && text[end] == '@' && colon != std::string::npos) {
            text.replace(colon + 1, end - colon - 1, "***");
        }
    }
    return text;
}

} // namespace

std::string scrub_text(std::string_view text)
{
    return scrub_uri_passwords(scrub_passwords(std::string(text)));
}

Redactor literal_redactor(std::vector<std::string> secrets)
{
    std::erase_if(secrets, [](const std::string& secret) { return secret.empty(); });
    return [secrets = std::move(secrets)](std::string_view text) {
        std::string out(text);
        for (const auto& secret : secrets) {
            for (auto at = out.find(secret); at != std::string::npos; at = out.find(secret, at + 3)) {
                out.replace(at, secret.size(), "***");
            }
        }
        return out;
    };
}

} // namespace lockwise::report
