// Generic secret scrubbing with small hand-written scanners (no std::regex:
// it is slow on every log line and trips GCC 12's sanitizer build warnings).
#include "lockwise/report/redact.hpp"

#include <cctype>

#include <nlohmann/json.hpp>

#include "lockwise/core/secrets.hpp"
#include "lockwise/core/text.hpp"

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
// a backslash; SQL style doubles the quote, and an E'' string also takes backslash escapes.
// An unterminated value runs to the end.
std::size_t quoted_end(const std::string& text, std::size_t at, bool backslash, bool doubled)
{
    for (std::size_t i = at + 1; i < text.size(); ++i) {
        if (backslash && text[i] == '\\') {
            ++i;
        } else if (text[i] == '\'') {
            if (doubled && i + 1 < text.size() && text[i + 1] == '\'') {
                ++i;
            } else {
                return i + 1;
            }
        }
    }
    return text.size();
}

bool is_word_char(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// End of a dollar-quoted string starting at `at` (on its first '$'), or npos if `at` does not
// open one. An unterminated string runs to the end.
std::size_t dollar_quoted_end(const std::string& text, std::size_t at)
{
    std::size_t tag_end = at + 1;
    while (tag_end < text.size() && is_word_char(text[tag_end]) &&
           !(tag_end == at + 1 && std::isdigit(static_cast<unsigned char>(text[tag_end])) != 0)) {
        ++tag_end;
    }
    if (tag_end >= text.size() || text[tag_end] != '$') {
        return std::string::npos;
    }
    const auto tag = text.substr(at, tag_end - at + 1);
    const auto close = text.find(tag, tag_end + 1);
    return close == std::string::npos ? text.size() : close + tag.size();
}

// A conninfo-style value after "password=": quoted, or up to white space (and, in a URI's
// query, up to the next parameter). Commas, semicolons and quotes belong to the value: a
// password may hold them, and hiding a little too much is the safe side.
std::size_t conninfo_value_end(const std::string& text, std::size_t at, bool in_uri_query)
{
    if (at < text.size() && text[at] == '\'') {
        return quoted_end(text, at, true, false);
    }
    std::size_t end = at;
    while (end < text.size() && !is_space(text[end]) && !(in_uri_query && (text[end] == '&' || text[end] == '#'))) {
        ++end;
    }
    return end;
}

// A SQL literal after the PASSWORD keyword: '..', E'..', U&'..', $$..$$ or $tag$..$tag$; npos if none.
std::size_t sql_literal_end(const std::string& text, std::size_t at)
{
    if (at >= text.size()) {
        return std::string::npos;
    }
    const char c = text[at];
    if (c == '\'') {
        return quoted_end(text, at, false, true);
    }
    if ((c == 'E' || c == 'e') && at + 1 < text.size() && text[at + 1] == '\'') {
        return quoted_end(text, at + 1, true, true);
    }
    if ((c == 'U' || c == 'u') && at + 2 < text.size() && text[at + 1] == '&' && text[at + 2] == '\'') {
        return quoted_end(text, at + 2, false, true);
    }
    if (c == '$') {
        return dollar_quoted_end(text, at);
    }
    return std::string::npos;
}

// "password=value", "password = 'v'" (also sslpassword, PGPASSWORD), and SQL "PASSWORD 'v'".
std::string scrub_passwords(std::string text)
{
    constexpr std::string_view k_word = "password";
    for (std::size_t at = 0; at < text.size(); ++at) {
        if (!matches_word_at(text, at, k_word)) {
            continue;
        }
        std::size_t word_start = at;
        while (word_start > 0 && is_word_char(text[word_start - 1])) {
            --word_start;
        }
        const bool in_uri_query = word_start > 0 && (text[word_start - 1] == '?' || text[word_start - 1] == '&');
        std::size_t cursor = at + k_word.size();
        while (cursor < text.size() && is_space(text[cursor])) {
            ++cursor;
        }
        if (cursor < text.size() && text[cursor] == '=') {
            ++cursor;
            while (cursor < text.size() && is_space(text[cursor])) {
                ++cursor;
            }
            const auto end = conninfo_value_end(text, cursor, in_uri_query);
            if (end > cursor) {
                text.replace(cursor, end - cursor, "***");
                at = cursor + 2;
            }
        } else if (const auto end = sql_literal_end(text, cursor); end != std::string::npos) {
            text.replace(cursor, end - cursor, "'***'");
            at = cursor + 4;
        }
    }
    return text;
}

// scheme://user:password@host -> scheme://user:***@host. The user info ends at the last '@'
// before white space: a password libpq can't parse may hold a raw '@' or '/'.
std::string scrub_uri_passwords(std::string text)
{
    for (auto at = text.find("://"); at != std::string::npos; at = text.find("://", at + 3)) {
        const std::size_t start = at + 3;
        std::size_t end = start;
        while (end < text.size() && !is_space(text[end])) {
            ++end;
        }
        const auto token = std::string_view(text).substr(start, end - start);
        const auto last_at = token.rfind('@');
        if (last_at == std::string_view::npos) {
            continue;
        }
        const auto colon = token.substr(0, last_at).find(':');
        if (colon != std::string_view::npos) {
            text.replace(start + colon + 1, last_at - colon - 1, "***");
        }
    }
    return text;
}

} // namespace

std::string scrub_text(std::string_view text)
{
    return scrub_uri_passwords(scrub_passwords(std::string(text)));
}

std::string sanitize(std::string_view text)
{
    // Masked first (a secret may hold bytes the later steps change) and again last: scrubbing a
    // password literal or escaping a control byte can join text into a secret's spelling
    // (found by fuzz_report_redact: "...\x13t$$" around the secret "3t$$").
    return core::mask_secrets(core::strip_control_bytes(scrub_text(core::mask_secrets(text))));
}

nlohmann::json sanitize_json(const nlohmann::json& value)
{
    if (value.is_string()) {
        return sanitize(value.get_ref<const std::string&>());
    }
    if (value.is_object()) {
        nlohmann::json out = nlohmann::json::object();
        for (const auto& [key, item] : value.items()) {
            out[key] = sanitize_json(item);
        }
        return out;
    }
    if (value.is_array()) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& item : value) {
            out.push_back(sanitize_json(item));
        }
        return out;
    }
    return value;
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
