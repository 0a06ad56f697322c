// Where a fleet's databases come from: a targets file (TOML or plain lines) or a query on a
// catalogue database. Every bad line is reported at once, with file:line.
#include "lockwise/fleet/fleet.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "lockwise/core/error.hpp"
#include "lockwise/core/text.hpp"
#include "lockwise/pg/connection.hpp"
#include "lockwise/pg/conninfo.hpp"

namespace lockwise::fleet {
namespace {

// Target files may have CRLF line ends: \r is trimmed with the other white space.
std::string trim(std::string_view text)
{
    return std::string(core::trim_space(text));
}

bool valid_name(const std::string& name)
{
    return !name.empty() && name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
                                std::string::npos;
}

// Checks names (valid, unique), conninfos (parsable) and hosts (allowed); registers every
// password as a known secret; appends messages to `errors`.
void check_targets(const std::vector<Target>& targets, const AllowedHosts& allowed_hosts, std::vector<std::string>& errors)
{
    std::set<std::string> seen;
    for (const auto& target : targets) {
        pg::register_conninfo_secrets(target.conninfo);
        if (!valid_name(target.name)) {
            errors.push_back(fmt::format("{}: error: target name \"{}\" may only use letters, digits, '_', '.' and '-'",
                                         target.where, target.name));
        } else if (!seen.insert(target.name).second) {
            errors.push_back(fmt::format("{}: error: target \"{}\" is listed twice", target.where, target.name));
        }
        std::string message;
        if (trim(target.conninfo).empty()) {
            errors.push_back(fmt::format("{}: error: target \"{}\" has no connection string", target.where, target.name));
        } else if (!pg::conninfo_is_valid(target.conninfo, message)) {
            errors.push_back(fmt::format("{}: error: target \"{}\": invalid connection string: {}", target.where, target.name,
                                         message));
        } else if (!allowed_hosts.empty()) {
            const auto hosts = pg::conninfo_hosts(target.conninfo);
            if (hosts.empty()) {
                errors.push_back(fmt::format("{}: error: target \"{}\" names no host (fleet.allowed_hosts is set, so every "
                                             "target must name its host)",
                                             target.where, target.name));
            }
            for (const auto& host : hosts) {
                if (!host_allowed(host, allowed_hosts)) {
                    errors.push_back(fmt::format("{}: error: target \"{}\": host \"{}\" is not in fleet.allowed_hosts ({})",
                                                 target.where, target.name, host, fmt::join(allowed_hosts, ", ")));
                }
            }
        }
    }
}

[[noreturn]] void throw_errors(const std::string& what, const std::vector<std::string>& errors)
{
    throw core::Error(core::ExitCode::usage, fmt::format("invalid {}:\n  {}", what, fmt::join(errors, "\n  ")),
                      "Write one target per line as `name conninfo`, or a TOML [targets] table of name = \"conninfo\".");
}

bool looks_like_toml(const std::filesystem::path& path, const std::string& content)
{
    if (path.extension() == ".toml") {
        return true;
    }
    std::istringstream lines(content);
    for (std::string line; std::getline(lines, line);) {
        if (trim(line) == "[targets]") {
            return true;
        }
    }
    return false;
}

std::vector<Target> parse_toml(const std::string& file, const std::string& content, std::vector<std::string>& errors)
{
    std::vector<Target> targets;
    try {
        const auto table = toml::parse(content, file);
        for (const auto& [key, node] : table) {
            if (key.str() != "targets" || !node.is_table()) {
                errors.push_back(fmt::format("{}:{}: error: unexpected \"{}\" (a targets file has one [targets] table)", file,
                                             node.source().begin.line, key.str()));
            }
        }
        if (const auto* entries = table["targets"].as_table()) {
            for (const auto& [key, node] : *entries) {
                const auto where = fmt::format("{}:{}", file, node.source().begin.line);
                if (const auto* text = node.as_string()) {
                    targets.push_back({std::string(key.str()), text->get(), where});
                } else {
                    errors.push_back(fmt::format("{}: error: target \"{}\" must be a connection string", where, key.str()));
                }
            }
        }
    } catch (const toml::parse_error& error) {
        errors.push_back(fmt::format("{}:{}:{}: error: {}", file, error.source().begin.line, error.source().begin.column,
                                     error.description()));
    }
    return targets;
}

std::vector<Target> parse_plain(const std::string& file, const std::string& content)
{
    std::vector<Target> targets;
    std::istringstream lines(content);
    int number = 0;
    for (std::string line; std::getline(lines, line);) {
        ++number;
        const auto text = trim(line);
        if (text.empty() || text[0] == '#') {
            continue;
        }
        const auto space = text.find_first_of(" \t");
        targets.push_back({text.substr(0, space), space == std::string::npos ? std::string() : trim(text.substr(space)),
                           fmt::format("{}:{}", file, number)});
    }
    return targets;
}

} // namespace

AllowedHosts parse_allowed_hosts(std::string_view text)
{
    AllowedHosts hosts;
    for (std::size_t start = 0; start <= text.size();) {
        auto comma = text.find(',', start);
        if (comma == std::string_view::npos) {
            comma = text.size();
        }
        const auto entry = core::trim_space(text.substr(start, comma - start));
        if (!entry.empty()) {
            hosts.emplace_back(entry);
        }
        start = comma + 1;
    }
    return hosts;
}

bool host_allowed(std::string_view host, const AllowedHosts& allowed)
{
    const auto lower = [](std::string_view text) {
        std::string out(text);
        for (auto& c : out) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        return out;
    };
    if (host.empty()) {
        return false;
    }
    // Host names compare without case; a socket directory (a path) exactly.
    const auto name = host.front() == '/' ? std::string(host) : lower(host);
    for (const auto& pattern : allowed) {
        const auto wanted = pattern.front() == '/' ? pattern : lower(pattern);
        if (wanted == name) {
            return true;
        }
        if (wanted.starts_with("*.") && name.size() > wanted.size() - 1 && name.ends_with(wanted.substr(1))) {
            return true;
        }
    }
    return false;
}

std::vector<Target> load_targets_file(const std::filesystem::path& path, const AllowedHosts& allowed_hosts)
{
    std::ifstream input(path, std::ios::binary);
    if (!input) {
        throw core::Error(core::ExitCode::usage, fmt::format("cannot read targets file {}", path.string()),
                          "Check the path given to --targets.");
    }
    std::stringstream buffer;
    buffer << input.rdbuf();
    return parse_targets(path, buffer.str(), allowed_hosts);
}

std::vector<Target> parse_targets(const std::filesystem::path& path, const std::string& content,
                                  const AllowedHosts& allowed_hosts)
{
    std::vector<std::string> errors;
    auto targets = looks_like_toml(path, content) ? parse_toml(path.string(), content, errors) : parse_plain(path.string(), content);
    check_targets(targets, allowed_hosts, errors);
    if (targets.empty() && errors.empty()) {
        errors.push_back(fmt::format("{}: error: no targets", path.string()));
    }
    if (!errors.empty()) {
        throw_errors(fmt::format("targets file {}", path.string()), errors);
    }
    return targets;
}

std::vector<Target> query_targets(const std::string& catalog_conninfo, const std::string& sql, const AllowedHosts& allowed_hosts)
{
    pg::Connection connection;
    try {
        connection = pg::Connection::connect(catalog_conninfo, "lockwise fleet catalogue");
    } catch (const pg::SqlError& error) {
        throw core::Error(core::ExitCode::connection_failed, fmt::format("catalogue database: {}", error.what()),
                          "Check --catalog-url.");
    }
    pg::Result result;
    try {
        result = connection.exec(sql);
    } catch (const pg::SqlError& error) {
        throw core::Error(core::ExitCode::usage, fmt::format("--targets-query failed: {}", error.what()),
                          "The query must return rows of (name, conninfo).");
    }
    if (result.columns() < 2) {
        throw core::Error(core::ExitCode::usage, "--targets-query must return two columns: name, conninfo",
                          "For example: SELECT shard_name, conninfo FROM shards ORDER BY shard_name.");
    }
    std::vector<Target> targets;
    std::vector<std::string> errors;
    for (int row = 0; row < result.rows(); ++row) {
        const auto where = fmt::format("--targets-query row {}", row + 1);
        if (result.is_null(row, 0) || result.is_null(row, 1)) {
            errors.push_back(fmt::format("{}: error: name and conninfo must not be NULL", where));
            continue;
        }
        targets.push_back({std::string(result.get(row, 0)), std::string(result.get(row, 1)), where});
    }
    check_targets(targets, allowed_hosts, errors);
    if (targets.empty() && errors.empty()) {
        errors.push_back("--targets-query: error: the query returned no targets");
    }
    if (!errors.empty()) {
        throw_errors("targets from --targets-query", errors);
    }
    return targets;
}

} // namespace lockwise::fleet
