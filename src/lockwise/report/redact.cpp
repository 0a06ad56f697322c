// Generic secret scrubbing. Regexes are compiled once; they run on log lines,
// not on bulk data, so std::regex is fast enough and easy to audit.
#include "lockwise/report/redact.hpp"

#include <regex>

namespace lockwise::report {
namespace {

// key=value in conninfo style, quoted with ' (backslash escapes) or bare up to whitespace.
const std::regex& key_value_pattern()
{
    static const std::regex pattern(R"(((?:ssl)?password|pgpassword)(\s*=\s*)('(?:[^'\\]|\\.)*'?|[^\s'&;,]+))",
                                    std::regex::icase | std::regex::ECMAScript);
    return pattern;
}

// SQL: CREATE/ALTER ROLE ... PASSWORD 'secret' (doubled quotes inside a literal).
const std::regex& sql_password_pattern()
{
    static const std::regex pattern(R"((password\s+)('(?:[^']|'')*'?))", std::regex::icase | std::regex::ECMAScript);
    return pattern;
}

// scheme://user:password@host
const std::regex& uri_pattern()
{
    static const std::regex pattern(R"(([a-zA-Z][a-zA-Z0-9+.\-]*://[^\s/:@]*):([^\s/@]*)@)", std::regex::ECMAScript);
    return pattern;
}

} // namespace

std::string scrub_text(std::string_view text)
{
    // Cheap pre-check: almost every log line has neither a password nor a URI.
    std::string out(text);
    bool maybe_password = false;
    for (std::size_t i = 0; i + 8 <= out.size(); ++i) {
        if ((out[i] | 0x20) == 'p' && (out[i + 1] | 0x20) == 'a' && (out[i + 2] | 0x20) == 's' &&
            (out[i + 3] | 0x20) == 's' && (out[i + 4] | 0x20) == 'w') {
            maybe_password = true;
            break;
        }
    }
    if (maybe_password) {
        out = std::regex_replace(out, key_value_pattern(), "$1$2***");
        out = std::regex_replace(out, sql_password_pattern(), "$1'***'");
    }
    if (out.find("://") != std::string::npos) {
        out = std::regex_replace(out, uri_pattern(), "$1:***@");
    }
    return out;
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
