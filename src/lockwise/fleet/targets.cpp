// Where a fleet's databases come from: a targets file (TOML or plain lines) or a query on a
// catalogue database. Every bad line is reported at once, with file:line.
#include "lockwise/fleet/fleet.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

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

// Checks names (valid, unique) and conninfos (parsable); appends messages to `errors`.
void check_targets(const std::vector<Target>& targets, std::vector<std::string>& errors)
{
    std::set<std::string> seen;
    for (const auto& target : targets) {
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
                                         pg::scrub_secrets(trim(message), target.conninfo)));
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

std::vector<Target> load_targets_file(const std::filesystem::path& path)
{
    std::ifstream input(path, std::ios::binary);
    if (!input) {
        throw core::Error(core::ExitCode::usage, fmt::format("cannot read targets file {}", path.string()),
                          "Check the path given to --targets.");
    }
    std::stringstream buffer;
    buffer << input.rdbuf();
    const auto content = buffer.str();
    std::vector<std::string> errors;
    auto targets = looks_like_toml(path, content) ? parse_toml(path.string(), content, errors) : parse_plain(path.string(), content);
    check_targets(targets, errors);
    if (targets.empty() && errors.empty()) {
        errors.push_back(fmt::format("{}: error: no targets", path.string()));
    }
    if (!errors.empty()) {
        throw_errors(fmt::format("targets file {}", path.string()), errors);
    }
    return targets;
}

std::vector<Target> query_targets(const std::string& catalog_conninfo, const std::string& sql)
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
    check_targets(targets, errors);
    if (targets.empty() && errors.empty()) {
        errors.push_back("--targets-query: error: the query returned no targets");
    }
    if (!errors.empty()) {
        throw_errors("targets from --targets-query", errors);
    }
    return targets;
}

} // namespace lockwise::fleet
