// The team's corpus (tests/data/corpus): each long history applied by `lockwise migrate`
// to an empty database equals the same files applied by psql one file at a time, in
// schema (pg_dump) and in rows (count and checksum per table, sequence positions).
#include <gtest/gtest.h>

#include <limits>

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "lockwise/core/process.hpp"
#include "lockwise/core/version.hpp"
#include "lockwise/pg/connection.hpp"
#include "support/testing.hpp"

using namespace lockwise;
namespace fs = std::filesystem;

namespace {

struct History {
    std::string name;   // folder under tests/data/corpus
    std::string format; // how its files are named, as `--format` spells it
};

std::ostream& operator<<(std::ostream& out, const History& history) { return out << history.name; }

fs::path corpus_dir(const History& history) { return testkit::source_dir() / "tests" / "data" / "corpus" / history.name; }

// One migration's up SQL as psql gets it: a file and whether it runs inside a transaction.
struct UpScript {
    std::vector<long long> version; // numeric parts, for ordering
    fs::path file;
    bool in_transaction = true;
};

std::vector<long long> numeric_parts(const std::string& text)
{
    std::vector<long long> parts;
    std::string digits;
    for (const char c : text) {
        if (c >= '0' && c <= '9') {
            digits += c;
        } else if (!digits.empty()) {
            parts.push_back(std::stoll(digits));
            digits.clear();
        }
    }
    if (!digits.empty()) {
        parts.push_back(std::stoll(digits));
    }
    return parts;
}

bool contains(const std::string& haystack, std::string_view needle) { return haystack.find(needle) != std::string::npos; }

// The up part of a goose file: the lines after `-- +goose Up` up to `-- +goose Down`,
// which is what goose sends; written next to the other temp files for psql.
fs::path goose_up_section(const fs::path& file, const fs::path& out_dir)
{
    std::istringstream lines(testkit::read_file(file));
    std::string line;
    std::string up;
    bool in_up = false;
    while (std::getline(lines, line)) {
        std::string lower = line;
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
        if (lower.rfind("-- +goose up", 0) == 0) {
            in_up = true;
            continue;
        }
        if (lower.rfind("-- +goose down", 0) == 0) {
            break;
        }
        if (in_up) {
            up += line + "\n";
        }
    }
    const auto out = out_dir / file.filename();
    std::ofstream(out) << up;
    return out;
}

// Every migration's up SQL in version order, read the way each runner reads its layout
// (independently of lockwise's catalog, so a catalog bug cannot hide on both sides).
std::vector<UpScript> up_scripts(const History& history, const fs::path& scratch)
{
    std::vector<UpScript> scripts;
    for (const auto& entry : fs::directory_iterator(corpus_dir(history))) {
        const auto name = entry.path().filename().string();
        if (history.format == "diesel" && entry.is_directory()) {
            const auto metadata = entry.path() / "metadata.toml";
            const bool no_transaction = fs::exists(metadata) && contains(testkit::read_file(metadata), "run_in_transaction = false");
            scripts.push_back({numeric_parts(name.substr(0, name.find('_'))), entry.path() / "up.sql", !no_transaction});
        } else if (history.format == "goose" && name.size() > 4 && name.substr(name.size() - 4) == ".sql") {
            std::string text = testkit::read_file(entry.path());
            std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
            scripts.push_back({numeric_parts(name.substr(0, name.find('_'))), goose_up_section(entry.path(), scratch),
                               !contains(text, "-- +goose no transaction")});
        } else if (history.format == "native" && name[0] == 'V' && name.size() > 4 && name.substr(name.size() - 4) == ".sql") {
            const auto conf = fs::path(entry.path().string() + ".conf");
            const bool no_transaction = fs::exists(conf) && contains(testkit::read_file(conf), "executeInTransaction=false");
            scripts.push_back({numeric_parts(name.substr(1, name.find("__") - 1)), entry.path(), !no_transaction});
        } else if (history.format == "native" && name.rfind("R__", 0) == 0 && name.size() > 4 && name.substr(name.size() - 4) == ".sql") {
            // Flyway runs repeatable migrations after every versioned one (the corpus has one).
            scripts.push_back({{std::numeric_limits<long long>::max()}, entry.path(), true});
        }
    }
    std::sort(scripts.begin(), scripts.end(), [](const UpScript& a, const UpScript& b) { return a.version < b.version; });
    return scripts;
}

// Applies the scripts as `psql -1 -f file` would, one file after another: `BEGIN; \i file;
// COMMIT;` is what -1 does; no-transaction files run without it. One psql session for the
// whole history, as diesel, goose and Flyway use one connection for a run (so a history
// must not depend on a fresh session per file), and 100 psql starts would cost more than
// the rest of the test on a loaded machine.
core::ProcessResult apply_with_psql(const std::vector<UpScript>& scripts, const std::string& conninfo, const fs::path& scratch)
{
    std::string driver = "\\set ON_ERROR_STOP on\n";
    for (const auto& script : scripts) {
        driver += script.in_transaction ? fmt::format("BEGIN;\n\\i '{}'\nCOMMIT;\n", script.file.string())
                                        : fmt::format("\\i '{}'\n", script.file.string());
    }
    const auto driver_file = scratch / "apply.psql";
    std::ofstream(driver_file) << driver;
    core::ProcessOptions options;
    options.env = {{"PGOPTIONS", "-c client_min_messages=warning"}};
    return core::run_process({fmt::format("{}/psql", core::k_pg_bindir), "-X", "-q", "-d", conninfo, "-f", driver_file.string()},
                             options);
}

// pg_dump --schema-only without lockwise's history schema; the \restrict lines of newer
// pg_dump carry a random key and are dropped.
std::string schema_of(const std::string& conninfo, const fs::path& scratch, const std::string& label)
{
    const auto out = scratch / (label + ".sql");
    const auto result = core::run_process({fmt::format("{}/pg_dump", core::k_pg_bindir), "--schema-only", "--exclude-schema=lockwise",
                                           "-f", out.string(), "-d", conninfo});
    EXPECT_EQ(result.exit_code, 0) << result.output;
    std::istringstream lines(testkit::read_file(out));
    std::string line;
    std::string schema;
    while (std::getline(lines, line)) {
        if (line.rfind("\\restrict", 0) == 0 || line.rfind("\\unrestrict", 0) == 0) {
            continue;
        }
        schema += line + "\n";
    }
    return schema;
}

// Columns whose default is volatile (now(), gen_random_uuid(), ...) differ between two
// runs by design; every other column, serial ids included, must hold the same values.
constexpr std::string_view k_content_columns = R"(
SELECT format('%I.%I', n.nspname, c.relname), c.relkind,
       coalesce(string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
                FILTER (WHERE a.attnum > 0 AND NOT a.attisdropped AND (d.oid IS NULL OR pg_get_expr(d.adbin, d.adrelid)
                        !~* '(now|clock_timestamp|statement_timestamp|transaction_timestamp|random|gen_random_uuid)\(|current_timestamp')),
                '')
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = c.oid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE c.relkind IN ('r', 'm', 'S') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'lockwise')
  AND n.nspname NOT LIKE 'pg_toast%'
GROUP BY n.nspname, c.relname, c.relkind
ORDER BY 1)";

// Per table: row count and a checksum of the rows (order-independent); per sequence: its position.
std::map<std::string, std::string> contents_of(const std::string& conninfo)
{
    auto connection = pg::Connection::connect(conninfo);
    const auto relations = connection.exec(k_content_columns);
    std::map<std::string, std::string> contents;
    for (int row = 0; row < relations.rows(); ++row) {
        const std::string name(relations.get(row, 0));
        const std::string columns(relations.get(row, 2));
        std::string query;
        if (relations.get(row, 1) == "S") {
            query = fmt::format("SELECT last_value || ' called=' || is_called FROM {}", name);
        } else if (columns.empty()) {
            query = fmt::format("SELECT count(*) || ' rows' FROM {}", name);
        } else {
            query = fmt::format("SELECT count(*) || ' rows, ' || coalesce(md5(string_agg(h, '' ORDER BY h)), '-') "
                                "FROM (SELECT md5(row({})::text) AS h FROM {}) t",
                                columns, name);
        }
        contents[name] = std::string(connection.exec(query).get(0, 0));
    }
    return contents;
}

// The first lines where two dumps differ, with a little context, for the failure message.
std::string first_difference(const std::string& left, const std::string& right)
{
    std::istringstream a(left);
    std::istringstream b(right);
    std::string line_a;
    std::string line_b;
    int number = 0;
    while (true) {
        const bool more_a = static_cast<bool>(std::getline(a, line_a));
        const bool more_b = static_cast<bool>(std::getline(b, line_b));
        ++number;
        if (!more_a && !more_b) {
            return "no difference";
        }
        if (!more_a || !more_b || line_a != line_b) {
            return fmt::format("line {}:\n  lockwise: {}\n  psql:     {}", number, more_a ? line_a : "<end>", more_b ? line_b : "<end>");
        }
    }
}

// The relations whose rows (or sequence position) differ, for the failure message.
std::string different_contents(const std::map<std::string, std::string>& lockwise, const std::map<std::string, std::string>& psql)
{
    std::string out;
    auto names = lockwise;
    names.insert(psql.begin(), psql.end());
    for (const auto& [name, ignored] : names) {
        const auto left = lockwise.find(name);
        const auto right = psql.find(name);
        const auto left_text = left == lockwise.end() ? std::string("<missing>") : left->second;
        const auto right_text = right == psql.end() ? std::string("<missing>") : right->second;
        if (left_text != right_text) {
            out += fmt::format("{}:\n  lockwise: {}\n  psql:     {}\n", name, left_text, right_text);
        }
    }
    return out;
}

std::vector<std::string> files_with_allow_comments(const fs::path& dir)
{
    std::vector<std::string> found;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        if (entry.is_regular_file() && contains(testkit::read_file(entry.path()), "lockwise:allow")) {
            found.push_back(entry.path().string());
        }
    }
    return found;
}

class CliCorpus : public ::testing::TestWithParam<History> {};

TEST_P(CliCorpus, MigrateOnAnEmptyDatabaseEqualsPsqlFileByFile)
{
    const auto& history = GetParam();
    const auto dir = corpus_dir(history);
    EXPECT_EQ(files_with_allow_comments(dir), std::vector<std::string>{}) << "the corpus must pass without suppressions";

    testkit::TempDir scratch;
    const auto scripts = up_scripts(history, scratch.path());
    ASSERT_GE(scripts.size(), 100u) << "a corpus history has at least 100 migrations";

    const auto by_psql = testkit::fresh_database();
    const auto applied = apply_with_psql(scripts, by_psql, scratch.path());
    ASSERT_EQ(applied.exit_code, 0) << "psql could not apply " << history.name << ":\n" << applied.output;

    const auto by_lockwise = testkit::fresh_database();
    const auto migrated = testkit::run_lockwise({"--log-format", "plain", "migrate", "-m", dir.string()}, {{"DATABASE_URL", by_lockwise}});
    ASSERT_EQ(migrated.exit_code, 0) << migrated.output;
    EXPECT_TRUE(contains(migrated.output, fmt::format("{} migration(s) applied", scripts.size()))) << migrated.output;

    // Debian's pg_dump 15 refuses newer servers (the matrix's 16 and 17 come without client
    // tools, docs/versions.md): there the schema is compared on 13-15 runs only.
    if (testkit::cluster().major_version() <= 15) {
        const auto schema_lockwise = schema_of(by_lockwise, scratch.path(), "lockwise");
        const auto schema_psql = schema_of(by_psql, scratch.path(), "psql");
        EXPECT_GT(schema_psql.size(), 10'000u);
        EXPECT_TRUE(schema_lockwise == schema_psql) << first_difference(schema_lockwise, schema_psql);
    }

    const auto contents_psql = contents_of(by_psql);
    EXPECT_GT(contents_psql.size(), 50u);
    const auto contents_lockwise = contents_of(by_lockwise);
    EXPECT_TRUE(contents_lockwise == contents_psql) << different_contents(contents_lockwise, contents_psql);
}

INSTANTIATE_TEST_SUITE_P(Histories, CliCorpus,
                         ::testing::Values(History{"deskfox", "diesel"}, History{"larder", "goose"}, History{"fieldline", "native"}),
                         [](const ::testing::TestParamInfo<History>& param_info) { return param_info.param.name; });

// Adoption must not switch safety off: the shop's history applied by goose (psql plus
// goose's own history table), adopted with `baseline --from goose`, and then a new plain
// CREATE INDEX on a table of a million rows is still refused, and nothing runs.
TEST(CliCorpusAdopted, NewDangerousMigrationAfterBaselineIsStillRefused)
{
    const History history{"larder", "goose"};
    testkit::TempDir scratch;
    const auto scripts = up_scripts(history, scratch.path());
    const auto conninfo = testkit::fresh_database();
    const auto applied = apply_with_psql(scripts, conninfo, scratch.path());
    ASSERT_EQ(applied.exit_code, 0) << applied.output;
    {
        auto goose = pg::Connection::connect(conninfo);
        // What goose leaves behind: its version table with version 0 and one row per applied file.
        goose.exec("CREATE TABLE goose_db_version (id serial PRIMARY KEY, version_id bigint NOT NULL, "
                   "is_applied boolean NOT NULL, tstamp timestamp DEFAULT now());"
                   "INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true)");
        for (const auto& script : scripts) {
            goose.exec(fmt::format("INSERT INTO goose_db_version (version_id, is_applied) VALUES ({}, true)", script.version.at(0)));
        }
        // A million gift card transactions (a table with one index, so loading is cheap),
        // without the foreign-key triggers, and analysed so the lint gate sees the size.
        goose.exec("SET session_replication_role = replica;"
                   "INSERT INTO gift_card_transactions (gift_card_id, order_id, delta_cents, created_at) "
                   "SELECT 1 + g % 5000, NULL, -100 - g % 900, timestamptz '2025-01-01' + g * interval '1 second' "
                   "FROM generate_series(1, 1000000) AS g;"
                   "RESET session_replication_role;"
                   "ANALYZE gift_card_transactions");
    }
    const auto dir = scratch.path() / "migrations";
    fs::copy(corpus_dir(history), dir, fs::copy_options::recursive);
    std::ofstream(dir / "20990101000000_index_gift_card_transactions.sql")
        << "-- +goose Up\nCREATE INDEX gift_card_transactions_gift_card_id_idx ON gift_card_transactions (gift_card_id);\n\n"
           "-- +goose Down\nDROP INDEX gift_card_transactions_gift_card_id_idx;\n";
    const std::map<std::string, std::string> env{{"DATABASE_URL", conninfo}};

    const auto adopted = testkit::run_lockwise({"--log-format", "plain", "baseline", "-m", dir.string(), "--from", "goose"}, env);
    ASSERT_EQ(adopted.exit_code, 0) << adopted.output;

    const auto migrated = testkit::run_lockwise({"--log-format", "plain", "migrate", "-m", dir.string()}, env);
    EXPECT_EQ(migrated.exit_code, 6) << migrated.output;
    EXPECT_TRUE(contains(migrated.output, "1 migration(s) refused by lint")) << migrated.output;
    EXPECT_TRUE(contains(migrated.output, "error[index-not-concurrent]")) << migrated.output;
    EXPECT_TRUE(contains(migrated.output, "20990101000000_index_gift_card_transactions.sql")) << migrated.output;

    auto check = pg::Connection::connect(conninfo);
    EXPECT_EQ(check.exec("SELECT count(*) FROM pg_class WHERE relname = 'gift_card_transactions_gift_card_id_idx'").get(0, 0), "0");
    EXPECT_EQ(check.exec("SELECT count(*) FROM lockwise.schema_history WHERE status = 'baselined'").get(0, 0),
              std::to_string(scripts.size()));
}

} // namespace
