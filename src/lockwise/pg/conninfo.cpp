// Redaction of connection strings through libpq's own conninfo parser, so every
// syntax libpq accepts (key=value, URIs, quoting) is redacted correctly.
#include "lockwise/pg/conninfo.hpp"

#include <libpq-fe.h>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <memory>
#include <vector>

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
    return conninfo.empty() || parse(conninfo, &error) != nullptr;
}

} // namespace lockwise::pg
