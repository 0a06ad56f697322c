// Baseline at a version, and adoption of other runners' histories, each table created
// with the DDL the tool itself uses and filled the way the tool fills it.
#include <gtest/gtest.h>

#include "db/test_history_support.hpp"
#include "lockwise/core/error.hpp"
#include "lockwise/history/baseline.hpp"
#include "lockwise/history/drift.hpp"
#include "lockwise/history/status.hpp"
#include "support/testing.hpp"

using namespace lockwise;
using history::testing::migration;

namespace {

using Strings = std::vector<std::string>;

std::vector<catalog::Migration> files(const Strings& versions)
{
    std::vector<catalog::Migration> out;
    for (const auto& version : versions) {
        out.push_back(migration(version));
    }
    return out;
}

// version -> recorded status and checksum, as one comparable string.
Strings recorded(history::HistoryStore& store)
{
    Strings out;
    for (const auto& entry : store.load()) {
        out.push_back(entry.version + " " + std::string(history::status_name(entry.status)) +
                      (entry.checksum.empty() ? "" : " " + entry.checksum.substr(entry.checksum.size() - 2)));
    }
    return out;
}

} // namespace

TEST(HistoryBaseline, AtAVersion)
{
    auto connection = pg::Connection::connect(testkit::fresh_database());
    history::HistoryStore store(connection);
    const auto catalog = files({"1", "2", "3", "4"});
    auto report = history::baseline(store, catalog, "2");
    EXPECT_EQ(report.recorded, (Strings{"1", "2"}));
    EXPECT_TRUE(report.missing_from_catalog.empty());
    EXPECT_EQ(recorded(store), (Strings{"1 baselined a1", "2 baselined a2"}));

    // A version with no file is recorded as a marker; what is there already stays.
    report = history::baseline(store, catalog, "3.5", "prod at 3.5");
    EXPECT_EQ(report.recorded, (Strings{"3", "3.5"}));
    EXPECT_EQ(report.already_recorded, (Strings{"1", "2"}));
    const auto rows = history::status(store.load(), catalog);
    ASSERT_EQ(rows.size(), 5U);
    EXPECT_EQ(rows[3].version, "3.5");
    EXPECT_EQ(rows[3].state, history::State::baselined) << "a marker is not a missing file";
    EXPECT_EQ(rows[3].description, "prod at 3.5");
    EXPECT_EQ(rows[4].state, history::State::pending);
    EXPECT_TRUE(history::find_drift(store.load(), catalog).empty());

    EXPECT_THROW(history::baseline(store, catalog, "v3"), core::Error);
}

TEST(HistoryBaseline, FromFlyway)
{
    auto connection = pg::Connection::connect(testkit::fresh_database());
    // Flyway's PostgreSQL DDL (createMetaDataTable.sql).
    connection.exec(R"(CREATE TABLE "public"."flyway_schema_history" (
    "installed_rank" INT NOT NULL,
    "version" VARCHAR(50),
    "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL,
    "script" VARCHAR(1000) NOT NULL,
    "checksum" INTEGER,
    "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
    "execution_time" INTEGER NOT NULL,
    "success" BOOLEAN NOT NULL
);
ALTER TABLE "public"."flyway_schema_history" ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank");
CREATE INDEX "flyway_schema_history_s_idx" ON "public"."flyway_schema_history" ("success");
INSERT INTO flyway_schema_history VALUES
 (1, '1.1', '<< Flyway Baseline >>', 'BASELINE', '<< Flyway Baseline >>', NULL, 'app', now(), 0, true),
 (2, '2', 'add leads', 'SQL', 'V2__add_leads.sql', 12345, 'app', now(), 10, true),
 (3, '3', 'add calls', 'SQL', 'V3__add_calls.sql', -42, 'app', now(), 10, true),
 (4, NULL, 'views', 'SQL', 'R__views.sql', 7, 'app', now(), 3, true),
 (5, '7', 'gone', 'SQL', 'V7__gone.sql', 8, 'app', now(), 3, true))");
    history::HistoryStore store(connection);
    auto catalog = files({"1", "1.1", "2", "3", "4", "5"});
    // Flyway's repeatable row (version NULL, keyed by description) is taken over for the file here.
    catalog::Migration views;
    views.version.text = "R__views";
    views.repeatable = true;
    views.description = "views";
    views.display_path = "migrations/R__views.sql";
    views.checksum = "sha256:views";
    catalog.push_back(views);
    const auto report = history::baseline_from(store, catalog, {history::Tool::flyway, "", ""});
    EXPECT_EQ(report.recorded, (Strings{"1", "1.1", "2", "3", "R__views"}));
    EXPECT_EQ(report.missing_from_catalog, (Strings{"7"}));
    EXPECT_TRUE(report.notes.empty());
    EXPECT_EQ(recorded(store), (Strings{"1 baselined a1", "1.1 baselined .1", "2 baselined a2", "3 baselined a3",
                                        "R__views baselined ws"}))
        << "checksums are the current files'";

    const auto again = history::baseline_from(store, catalog, {history::Tool::flyway, "public", "flyway_schema_history"});
    EXPECT_TRUE(again.recorded.empty());
    EXPECT_EQ(again.already_recorded, (Strings{"1", "1.1", "2", "3", "R__views"}));

    connection.exec("INSERT INTO flyway_schema_history VALUES (6, '4', 'broken', 'SQL', 'V4__broken.sql', 1, 'app', now(), 1, false)");
    try {
        history::baseline_from(store, catalog, {history::Tool::flyway, "", ""});
        FAIL();
    } catch (const core::Error& error) {
        EXPECT_EQ(error.code(), core::ExitCode::usage);
        EXPECT_NE(std::string(error.what()).find("V4__broken.sql"), std::string::npos) << error.what();
        EXPECT_NE(std::string(error.what()).find("failed"), std::string::npos);
    }
}

TEST(HistoryBaseline, FromGolangMigrate)
{
    auto connection = pg::Connection::connect(testkit::fresh_database());
    // golang-migrate's postgres driver (ensureVersionTable), here in a custom schema and table.
    connection.exec("CREATE SCHEMA legacy; CREATE TABLE IF NOT EXISTS legacy.migs"
                    " (version bigint not null primary key, dirty boolean not null);"
                    " INSERT INTO legacy.migs VALUES (3, false)");
    history::HistoryStore store(connection);
    const auto catalog = files({"1", "2", "3", "4"});
    EXPECT_THROW(history::baseline_from(store, catalog, {history::Tool::golang_migrate, "", ""}), core::Error)
        << "no schema_migrations in public";
    const auto report = history::baseline_from(store, catalog, {history::Tool::golang_migrate, "legacy", "migs"});
    EXPECT_EQ(report.recorded, (Strings{"1", "2", "3"}));
    EXPECT_EQ(recorded(store), (Strings{"1 baselined a1", "2 baselined a2", "3 baselined a3"}));

    auto dirty_connection = pg::Connection::connect(testkit::fresh_database());
    dirty_connection.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version bigint not null primary key, dirty boolean not null);"
                          " INSERT INTO schema_migrations VALUES (2, true)");
    history::HistoryStore dirty_store(dirty_connection);
    try {
        history::baseline_from(dirty_store, catalog, {history::Tool::golang_migrate, "", ""});
        FAIL();
    } catch (const core::Error& error) {
        EXPECT_EQ(error.code(), core::ExitCode::usage);
        EXPECT_NE(std::string(error.what()).find("dirty"), std::string::npos) << error.what();
        EXPECT_NE(error.hint().find("migrate force"), std::string::npos);
    }
    EXPECT_TRUE(dirty_store.load().empty()) << "nothing recorded from a dirty history";
}

TEST(HistoryBaseline, FromGoose)
{
    auto connection = pg::Connection::connect(testkit::fresh_database());
    // goose's postgres dialect: its table, its version-0 row, then one row per up and per down.
    connection.exec(R"(CREATE TABLE goose_db_version (
    id serial NOT NULL,
    version_id bigint NOT NULL,
    is_applied boolean NOT NULL,
    tstamp timestamp NULL default now(),
    PRIMARY KEY(id)
);
INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true), (1, true), (2, true), (3, true), (3, false),
    (20240101120000, true), (4, true), (4, false), (4, true))");
    history::HistoryStore store(connection);
    const auto report = history::baseline_from(store, files({"1", "2", "3", "4", "5"}), {history::Tool::goose, "", ""});
    EXPECT_EQ(report.recorded, (Strings{"1", "2", "4"})) << "3 was rolled back; 4 re-applied";
    EXPECT_EQ(report.missing_from_catalog, (Strings{"20240101120000"}));
}

TEST(HistoryBaseline, FromDiesel)
{
    auto connection = pg::Connection::connect(testkit::fresh_database());
    // diesel_migrations' setup_migration_table.sql; versions are folder prefixes without dashes.
    connection.exec(R"(CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (
       version VARCHAR(50) PRIMARY KEY NOT NULL,
       run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO __diesel_schema_migrations (version) VALUES ('00000000000000'), ('20240101120000'), ('2024-02-01-120000'))");
    history::HistoryStore store(connection);
    const auto report = history::baseline_from(store, files({"00000000000000", "20240101120000", "20240301120000"}),
                                               {history::Tool::diesel, "", ""});
    EXPECT_EQ(report.recorded, (Strings{"0", "20240101120000"}));
    EXPECT_EQ(report.missing_from_catalog, (Strings{"20240201120000"}));
}

TEST(HistoryBaseline, FromDbmate)
{
    auto connection = pg::Connection::connect(testkit::fresh_database());
    // dbmate's postgres driver: CREATE TABLE IF NOT EXISTS schema_migrations (version varchar(128) primary key).
    connection.exec(R"(CREATE TABLE IF NOT EXISTS "public"."schema_migrations" (version varchar(128) primary key);
INSERT INTO schema_migrations (version) VALUES ('20230101000000'), ('20230201000000'))");
    history::HistoryStore store(connection);
    const auto catalog = files({"20230101000000", "20230201000000", "20230301000000"});
    const auto report = history::baseline_from(store, catalog, {history::Tool::dbmate, "", ""});
    EXPECT_EQ(report.recorded, (Strings{"20230101000000", "20230201000000"}));
    EXPECT_TRUE(report.missing_from_catalog.empty());
    const auto rows = history::status(store.load(), catalog);
    ASSERT_EQ(rows.size(), 3U);
    EXPECT_EQ(rows[2].state, history::State::pending);
    EXPECT_FALSE(rows[2].out_of_order);
}
