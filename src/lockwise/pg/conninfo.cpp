// Redaction of connection strings through libpq's own conninfo parser, so every
// syntax libpq accepts (key=value, URIs, quoting) is redacted correctly.
#include "lockwise/pg/conninfo.hpp"

#include <libpq-fe.h>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <array>
#include <memory>
#include <utility>
#include <vector>

#include "lockwise/core/secrets.hpp"

namespace lockwise::pg {
namespace {

struct ConninfoOptionsDeleter {
    void operator()(PQconninfoOption* options) const noexcept { PQconninfoFree(options); }
};
using ConninfoOptions = std::unique_ptr<PQconninfoOption, ConninfoOptionsDeleter>;

ConninfoOptions parse(std::string_view conninfo, std::string* error)
{
    char* message = nullptr;
    ConninfoOptions options(PQconninfoParse(std::string(conninfo).c_str(), &message));
    if (message != nullptr) {
        if (error != nullptr) {
            *error = message;
        }
        PQfreemem(message);
    }
    return options;
}

bool is_secret(std::string_view keyword)
{
    return keyword == "password" || keyword == "sslpassword";
}

std::string quote_value(std::string_view value)
{
    if (!value.empty() && value.find_first_of(" '\\") == std::string_view::npos) {
        return std::string(value);
    }
    std::string quoted = "'";
    for (char c : value) {
        if (c == '\'' || c == '\\') {
            quoted += '\\';
        }
        quoted += c;
    }
    return quoted + "'";
}

} // namespace

std::string redact_conninfo(std::string_view conninfo)
{
    if (conninfo.empty()) {
        return "(libpq defaults: PG* environment)";
    }
    auto options = parse(conninfo, nullptr);
    if (!options) {
        return "(unparsable connection string, not shown)";
    }
    std::vector<std::string> parts;
    for (auto* option = options.get(); option->keyword != nullptr; ++option) {
        if (option->val == nullptr) {
            continue;
        }
        const std::string keyword = option->keyword;
        parts.push_back(fmt::format("{}={}", keyword,
                                    is_secret(keyword) ? "***" : quote_value(option->val)));
    }
    return fmt::format("{}", fmt::join(parts, " "));
}

std::string scrub_secrets(std::string text, std::string_view conninfo)
{
    auto options = parse(conninfo, nullptr);
    if (!options) {
        return text;
    }
    for (auto* option = options.get(); option->keyword != nullptr; ++option) {
        if (option->val == nullptr || !is_secret(option->keyword) || option->val[0] == '\0') {
            continue;
        }
        const std::string secret = option->val;
        for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
            text.replace(at, secret.size(), "***");
            at += 3;
        }
    }
    return text;
}

bool conninfo_is_valid(std::string_view conninfo, std::string& error)
{
    std::string message;
    if (conninfo.empty() || parse(conninfo, &message) != nullptr) {
        return true;
    }
    error = conninfo_problem(message);
    return false;
}

std::string conninfo_problem(std::string_view libpq_message)
{
    // libpq's messages (fe-connect.c, conninfo_parse and conninfo_uri_parse_options), by the
    // words before their first quoted token.
    static const std::array<std::pair<std::string_view, std::string_view>, 12> k_problems = {{
        {"missing \"=\" after", "a word without \"=\" (write key=value pairs, and quote a value that has spaces)"},
        {"unterminated quoted string", "a quoted value is not terminated"},
        {"invalid connection option", "an unknown connection option"},
        {"invalid percent-encoded token", "an invalid percent-encoded token in the URI (write a literal \"%\" as %25)"},
        {"forbidden value %00", "a percent-encoded NUL (%00) in the URI"},
        {"invalid URI query parameter", "an invalid query parameter in the URI"},
        {"missing key/value separator", "a query parameter without \"=\" in the URI"},
        {"extra key/value separator", "a query parameter with more than one \"=\" in the URI"},
        {"unexpected character", "an unexpected character in the URI's host part (percent-encode it)"},
        {"IPv6 host address may not be empty", "an empty IPv6 host address in the URI"},
        {"end of string reached when looking for matching", "an IPv6 host address without its closing \"]\" in the URI"},
        {"out of memory", "out of memory"},
    }};
    for (const auto& [prefix, problem] : k_problems) {
        if (libpq_message.find(prefix) != std::string_view::npos) {
            return fmt::format("{}; the value is not shown", problem);
        }
    }
    return "libpq could not parse it; the value is not shown";
}

std::vector<std::string> conninfo_hosts(std::string_view conninfo)
{
    std::vector<std::string> hosts;
    auto options = parse(conninfo, nullptr);
    if (!options) {
        return hosts;
    }
    for (auto* option = options.get(); option->keyword != nullptr; ++option) {
        const std::string_view keyword = option->keyword;
        if (option->val == nullptr || (keyword != "host" && keyword != "hostaddr")) {
            continue;
        }
        const std::string_view value = option->val;
        for (std::size_t start = 0;;) {
            const auto comma = value.find(',', start);
            hosts.emplace_back(value.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
            if (comma == std::string_view::npos) {
                break;
            }
            start = comma + 1;
        }
    }
    return hosts;
}

void register_conninfo_secrets(std::string_view conninfo)
{
    auto options = parse(conninfo, nullptr);
    if (!options) {
        return;
    }
    for (auto* option = options.get(); option->keyword != nullptr; ++option) {
        if (option->val != nullptr && is_secret(option->keyword)) {
            core::register_secret(option->val);
        }
    }
}

} // namespace lockwise::pg
