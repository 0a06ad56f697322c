// The history stage's pure parts: version keys, drift between history and files,
// the status model and its JSON, the runner lock key, tool names.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "db/test_history_support.hpp"
#include "lockwise/history/baseline.hpp"
#include "lockwise/history/drift.hpp"
#include "lockwise/history/runner_lock.hpp"
#include "lockwise/history/status.hpp"

using namespace lockwise;
using history::testing::migration;

namespace {

history::AppliedMigration applied(const std::string& version, const std::string& checksum,
                                  history::MigrationStatus status = history::MigrationStatus::succeeded,
                                  const std::string& script = "db/x.sql")
{
    history::AppliedMigration entry;
    entry.version = version;
    entry.version_parts = history::parse_version_parts(version).value();
    entry.checksum = checksum;
    entry.status = status;
    entry.script = script;
    return entry;
}

} // namespace

TEST(HistoryVersions, ParseCanonicalAndOrder)
{
    EXPECT_EQ(history::parse_version_parts("007"), (history::VersionParts{7}));
    EXPECT_EQ(history::parse_version_parts("1_2.3"), (history::VersionParts{1, 2, 3}));
    EXPECT_EQ(history::parse_version_parts("20240101120000"), (history::VersionParts{20240101120000LL}));
    for (const auto* bad : {"", "1.", ".1", "v1", "1..2", "1-2", "99999999999999999999"}) {
        EXPECT_FALSE(history::parse_version_parts(bad).has_value()) << bad;
    }
    EXPECT_EQ(history::canonical_version(history::VersionParts{1, 0, 12}), "1.0.12");
    EXPECT_EQ(history::version_sort_literal({1, 0, 12}), "{1,0,12}");
    EXPECT_LT(history::compare_versions({2}, {10}), 0);
    EXPECT_LT(history::compare_versions({1}, {1, 0}), 0);
    EXPECT_GT(history::compare_versions({1, 1}, {1, 0, 5}), 0);
    EXPECT_EQ(history::compare_versions({3, 1}, {3, 1}), 0);
}

TEST(HistoryDrift, EachKind)
{
    const std::vector<history::AppliedMigration> history_rows{
        applied("1", "sha256:1"), applied("2", "sha256:2"), applied("4", "sha256:4"),
        applied("4.5", "", history::MigrationStatus::baselined, "") /* marker: never missing */};
    const std::vector<catalog::Migration> files{migration("1", "sha256:1"), migration("2", "sha256:2-edited"),
                                                migration("3", "sha256:3"), migration("5", "sha256:5")};
    const auto drift = history::find_drift(history_rows, files);
    ASSERT_EQ(drift.size(), 3U);
    EXPECT_EQ(drift[0].kind, history::DriftKind::checksum_changed);
    EXPECT_EQ(drift[0].version, "2");
    EXPECT_EQ(drift[0].applied_checksum, "sha256:2");
    EXPECT_EQ(drift[0].file_checksum, "sha256:2-edited");
    EXPECT_EQ(drift[0].message(), "2 (db/V2__step.sql): file changed since it was applied (sha256:2 -> sha256:2-edited)");
    EXPECT_EQ(drift[1].kind, history::DriftKind::file_missing);
    EXPECT_EQ(drift[1].message(), "4 (db/x.sql): applied, but its file is gone");
    EXPECT_EQ(drift[2].kind, history::DriftKind::out_of_order);
    EXPECT_EQ(drift[2].version, "3");
    EXPECT_EQ(drift[2].newest_applied, "4.5");
    EXPECT_EQ(drift[2].message(), "3 (db/V3__step.sql): pending, but older than the newest applied migration 4.5");

    EXPECT_TRUE(history::find_drift({}, files).empty()) << "nothing applied: nothing out of order";
    const auto long_checksum = "sha256:" + std::string(64, 'f');
    const auto shortened = history::find_drift({applied("1", long_checksum)}, {migration("1", "sha256:0")});
    EXPECT_EQ(shortened.at(0).message(), "1 (db/V1__step.sql): file changed since it was applied (sha256:ffffffffffff... -> sha256:0)");
}

TEST(HistoryStatus, MergesHistoryAndFiles)
{
    auto failed = applied("3", "sha256:3", history::MigrationStatus::failed);
    failed.steps_done = 1;
    failed.steps_total = 2;
    failed.last_error = "lock timeout";
    failed.last_error_position = "db/V3.sql:2:1";
    const std::vector<history::AppliedMigration> history_rows{
        applied("1", "sha256:1", history::MigrationStatus::baselined), applied("2", "sha256:2"), failed,
        applied("4", "sha256:4-old"), applied("5", "sha256:5", history::MigrationStatus::running),
        applied("7", "sha256:7")};
    const std::vector<catalog::Migration> files{migration("1", "sha256:1"), migration("1.5", "sha256:15"),
                                                migration("2", "sha256:2"), migration("3", "sha256:3"),
                                                migration("4", "sha256:4-new"), migration("5", "sha256:5"),
                                                migration("10", "sha256:10")};
    const auto rows = history::status(history_rows, files);
    std::vector<std::string> states;
    for (const auto& row : rows) {
        states.push_back(row.version + " " + std::string(history::state_name(row.state)) + (row.out_of_order ? " late" : ""));
    }
    EXPECT_EQ(states, (std::vector<std::string>{"1 baselined", "1.5 pending late", "2 applied", "3 failed", "4 drifted",
                                                 "5 running", "7 missing-file", "10 pending"}));
    EXPECT_EQ(rows[4].recorded_status, "succeeded");
    EXPECT_EQ(rows[4].applied_checksum, "sha256:4-old");
    EXPECT_EQ(rows[4].file_checksum, "sha256:4-new");

    nlohmann::json json = rows[3];
    EXPECT_EQ(json["state"], "failed");
    EXPECT_EQ(json["steps_done"], 1);
    EXPECT_EQ(json["last_error"], "lock timeout");
    EXPECT_EQ(json["last_error_position"], "db/V3.sql:2:1");
    EXPECT_TRUE(json["execution_ms"].is_null());
    nlohmann::json pending = rows[1];
    EXPECT_EQ(pending["state"], "pending");
    EXPECT_EQ(pending["out_of_order"], true);
    EXPECT_TRUE(pending["applied_checksum"].is_null());
    EXPECT_EQ(pending["file_checksum"], "sha256:15");
    EXPECT_EQ(nlohmann::json(rows).size(), rows.size());
}

TEST(HistoryRunnerLock, KeyIsStable)
{
    // Documented in docs/history.md: changing it would let an old and a new lockwise run at once.
    EXPECT_EQ(history::runner_lock_key({}), history::runner_lock_key({"lockwise", "schema_history"}));
    EXPECT_EQ(history::runner_lock_key({}), static_cast<std::int64_t>(0xdb9a084696a65b8fULL)); // -2622774733721674865
}

TEST(HistoryBaselineTools, NamesAndDefaultTables)
{
    for (auto tool : {history::Tool::flyway, history::Tool::golang_migrate, history::Tool::goose, history::Tool::diesel,
                      history::Tool::dbmate}) {
        EXPECT_EQ(history::tool_from_name(history::tool_name(tool)), tool);
        EXPECT_FALSE(history::default_table(tool).empty());
    }
    EXPECT_FALSE(history::tool_from_name("liquibase").has_value());
    EXPECT_EQ(history::default_table(history::Tool::goose), "goose_db_version");
}
