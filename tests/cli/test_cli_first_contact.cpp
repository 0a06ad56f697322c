// A new user's first commands: typos are usage errors (exit 2) that name the word and suggest the
// closest one; --help and --version say enough; the man page lists what --help lists. No server.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "support/testing.hpp"

using namespace lockwise;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// "--target", "-d", ... as a help text or a rendered man page shows them.
std::set<std::string> flags_in(const std::string& text)
{
    std::set<std::string> flags;
    const std::regex flag(R"((^|[\s,\[])(--?[a-zA-Z][a-zA-Z0-9-]*))");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), flag); it != std::sregex_iterator(); ++it) {
        flags.insert((*it)[2].str());
    }
    return flags;
}

// The man page's text with roff's escapes and font changes removed.
std::string man_text()
{
    auto text = testkit::read_file(testkit::lockwise_binary().parent_path() / "lockwise.1");
    text = std::regex_replace(text, std::regex(R"(\\f[BIRP])"), "");
    text = std::regex_replace(text, std::regex(R"(\\-)"), "-");
    return std::regex_replace(text, std::regex(R"(\\&)"), "");
}

} // namespace

TEST(CliFirstContact, MistypedCommandIsAUsageErrorWithASuggestion)
{
    const auto result = testkit::run_lockwise({"migrte"});
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_TRUE(contains(result.output, "unknown command \"migrte\"")) << result.output;
    EXPECT_TRUE(contains(result.output, "Did you mean migrate?")) << result.output;
}

TEST(CliFirstContact, MistypedFlagIsAUsageErrorWithASuggestion)
{
    const auto result = testkit::run_lockwise({"migrate", "--taget", "3"});
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_TRUE(contains(result.output, "unknown option --taget for `lockwise migrate`")) << result.output;
    EXPECT_TRUE(contains(result.output, "Did you mean --target?")) << result.output;
    const auto global = testkit::run_lockwise({"plan", "--migrtions", "x"});
    EXPECT_EQ(global.exit_code, 2) << global.output;
    EXPECT_TRUE(contains(global.output, "Did you mean --migrations?")) << global.output;
}

TEST(CliFirstContact, MistypedChoiceIsAUsageErrorWithASuggestion)
{
    const auto result = testkit::run_lockwise({"lint", "--output", "githib"});
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_TRUE(contains(result.output, "\"githib\" is not one of human, json, github")) << result.output;
    EXPECT_TRUE(contains(result.output, "Did you mean --output github?")) << result.output;
}

TEST(CliFirstContact, NoCommandListsTheCommands)
{
    const auto result = testkit::run_lockwise({});
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_TRUE(contains(result.output, "a command is required")) << result.output;
    EXPECT_TRUE(contains(result.output, "migrate, plan")) << result.output;
}

TEST(CliFirstContact, CommandHelpShowsTheGlobalOptions)
{
    const auto result = testkit::run_lockwise({"status", "--help"});
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_TRUE(contains(result.output, "Global options")) << result.output;
    EXPECT_TRUE(contains(result.output, "-d, --database-url VALUE")) << result.output;
    EXPECT_TRUE(contains(result.output, "-m, --migrations VALUE")) << result.output;
}

TEST(CliFirstContact, VersionNamesTheParserAndLibpq)
{
    const auto result = testkit::run_lockwise({"--version"});
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_TRUE(std::regex_search(result.output, std::regex(R"(^lockwise \d+\.\d+\.\d+\n)"))) << result.output;
    EXPECT_TRUE(std::regex_search(result.output, std::regex(R"(libpg_query \(PostgreSQL 1\d\.\d+ grammar\))"))) << result.output;
    EXPECT_TRUE(std::regex_search(result.output, std::regex(R"(libpq: 1\d\.\d+)"))) << result.output;
}

TEST(CliFirstContact, MissingMigrationsFolderNamesTheAbsolutePathAndTheWayOut)
{
    testkit::TempDir dir;
    const auto result = testkit::run_lockwise({"plan"}, {}, dir.path());
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_TRUE(contains(result.output, (dir.path() / "migrations").string())) << result.output;
    EXPECT_TRUE(contains(result.output, "working directory " + dir.path().string())) << result.output;
    EXPECT_TRUE(contains(result.output, "--migrations DIR")) << result.output;
}

TEST(CliFirstContact, MisspelledUrlSchemeGetsAHint)
{
    testkit::TempDir dir;
    dir.write("migrations/V1__a.sql", "CREATE TABLE a (id bigint);\n");
    const auto result = testkit::run_lockwise({"status", "-d", "postgress://app:secret@localhost/app"}, {}, dir.path());
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_TRUE(contains(result.output, "\"postgress://\"")) << result.output;
    EXPECT_TRUE(contains(result.output, "Did you mean postgres://?")) << result.output;
    EXPECT_FALSE(contains(result.output, "secret")) << result.output;
}

TEST(CliFirstContact, BaselineTakesTheVersionAsDocumented)
{
    const auto help = testkit::run_lockwise({"baseline", "--help"});
    EXPECT_EQ(help.exit_code, 0) << help.output;
    EXPECT_TRUE(contains(help.output, "VERSION")) << help.output;
    const auto neither = testkit::run_lockwise({"baseline"});
    EXPECT_EQ(neither.exit_code, 2) << neither.output;
    EXPECT_TRUE(contains(neither.output, "lockwise baseline 36")) << neither.output;
}

TEST(CliFirstContact, ManPageListsEveryCommandAndFlagOfHelp)
{
    const auto man = man_text();
    const auto top = testkit::run_lockwise({"--help"});
    ASSERT_EQ(top.exit_code, 0) << top.output;
    std::vector<std::string> commands;
    const std::regex command_line(R"(\n  ([a-z]+)  )");
    const auto subcommands = top.output.substr(std::min(top.output.find("Subcommands:"), top.output.size()));
    for (auto it = std::sregex_iterator(subcommands.begin(), subcommands.end(), command_line); it != std::sregex_iterator(); ++it) {
        commands.push_back((*it)[1].str());
    }
    ASSERT_GT(commands.size(), 8U) << top.output;
    for (const auto& flag : flags_in(top.output)) {
        EXPECT_TRUE(contains(man, flag)) << flag << " of lockwise --help is not in lockwise.1";
    }
    for (const auto& command : commands) {
        EXPECT_TRUE(contains(man, "lockwise " + command)) << command << " is not in lockwise.1";
        const auto help = testkit::run_lockwise({command, "--help"});
        ASSERT_EQ(help.exit_code, 0) << help.output;
        for (const auto& flag : flags_in(help.output)) {
            EXPECT_TRUE(contains(man, flag)) << flag << " of lockwise " << command << " --help is not in lockwise.1";
        }
    }
}
