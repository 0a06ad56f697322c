// The history tables against a real server: creation (idempotent, concurrent, format
// guard), the begin/step/finish records, steps that commit or roll back with the caller's transaction.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <latch>
#include <thread>

#include "db/test_history_support.hpp"
#include "lockwise/core/error.hpp"
#include "lockwise/core/version.hpp"
#include "lockwise/history/drift.hpp"
#include "lockwise/history/status.hpp"
#include "lockwise/history/store.hpp"
#include "support/testing.hpp"

using namespace lockwise;
using history::testing::migration;

namespace {

bool table_exists(pg::Connection& connection, const std::string& qualified)
{
    return connection.exec_params("SELECT to_regclass($1) IS NOT NULL", {qualified}).get_bool(0, 0);
}

} // namespace

TEST(HistoryStore, CreationIsIdempotentAndRecordsTheFormat)
{
    auto connection = pg::Connection::connect(testkit::fresh_database());
    history::HistoryStore store(connection);
    EXPECT_FALSE(store.exists());
    EXPECT_TRUE(store.load().empty()) << "load does not create anything";
    EXPECT_FALSE(table_exists(connection, "lockwise.schema_history"));
    store.ensure_created();
    store.ensure_created();
    history::HistoryStore again(connection);
    again.ensure_created();
    EXPECT_TRUE(store.exists());
    for (const auto* table : {"lockwise.schema_history", "lockwise.schema_history_steps", "lockwise.schema_history_meta"}) {
        EXPECT_TRUE(table_exists(connection, table)) << table;
    }
    EXPECT_EQ(connection.exec("SELECT value FROM lockwise.schema_history_meta WHERE key = 'format_version'").get(0, 0),
              std::to_string(history::k_created_format_version));
    EXPECT_FALSE(connection.in_transaction());
}

TEST(HistoryStore, ConcurrentCreationNeverFails)
{
    const auto conninfo = testkit::fresh_database();
    auto first = pg::Connection::connect(conninfo);
    auto second = pg::Connection::connect(conninfo);
    for (int round = 0; round < 10; ++round) {
        // A new schema each round, so both runners really race to create it.
        const history::HistoryLocation location{"race_" + std::to_string(round), "schema_history"};
        std::latch start(2);
        std::string errors[2];
        auto create = [&](pg::Connection& connection, std::string& error) {
            try {
                history::HistoryStore store(connection, location);
                start.arrive_and_wait();
                store.ensure_created();
            } catch (const std::exception& e) {
                error = e.what();
            }
        };
        std::thread a([&] { create(first, errors[0]); });
        std::thread b([&] { create(second, errors[1]); });
        a.join();
        b.join();
        EXPECT_EQ(errors[0], "") << "round " << round;
        EXPECT_EQ(errors[1], "") << "round " << round;
        EXPECT_TRUE(table_exists(first, location.qualified_steps()));
        EXPECT_EQ(first.exec(fmt::format("SELECT count(*) FROM {}", location.qualified_meta())).get(0, 0), "2");
    }
}

TEST(HistoryStore, HistoryOfANewerLockwiseIsRefused)
{
    auto connection = pg::Connection::connect(testkit::fresh_database());
    history::HistoryStore(connection).ensure_created();
    connection.exec(fmt::format("UPDATE lockwise.schema_history_meta SET value = '{}' WHERE key = 'format_version'",
                                history::k_format_version + 1));
    history::HistoryStore store(connection);
    for (int call = 0; call < 2; ++call) {
        try {
            if (call == 0) {
                store.ensure_created();
            } else {
                store.load();
            }
            FAIL() << "expected a refusal";
        } catch (const core::Error& error) {
            EXPECT_EQ(error.code(), core::ExitCode::usage);
            EXPECT_NE(std::string(error.what()).find("newer lockwise"), std::string::npos) << error.what();
            EXPECT_NE(error.hint().find("Upgrade lockwise"), std::string::npos) << error.hint();
        }
    }
}

// A role with CREATE on the database made the `lockwise` schema first (it could later add a
// trigger that runs as the migrator): refused before anything is read or written, even for a
// superuser migrator. A schema owned by a role the migrator is a member of is accepted.
TEST(HistoryStore, SchemaOwnedByAnotherRoleIsRefused)
{
    const auto db = testkit::fresh_database();
    const auto dbname = db.substr(db.rfind('=') + 1);
    auto admin = pg::Connection::connect(db);
    admin.exec("DO $$ BEGIN CREATE ROLE squatter LOGIN NOSUPERUSER; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
    admin.exec(fmt::format("GRANT CREATE ON DATABASE {} TO squatter", pg::quote_identifier(dbname)));
    {
        auto squatter = pg::Connection::connect(db + " user=squatter");
        squatter.exec("CREATE SCHEMA lockwise");
    }
    for (int call = 0; call < 3; ++call) {
        history::HistoryStore store(admin);
        try {
            if (call == 0) {
                store.ensure_created();
            } else if (call == 1) {
                store.load();
            } else {
                store.exists();
            }
            FAIL() << "expected a refusal";
        } catch (const core::Error& error) {
            EXPECT_EQ(error.code(), core::ExitCode::usage);
            EXPECT_NE(std::string(error.what()).find("history schema \"lockwise\" is owned by role \"squatter\""), std::string::npos)
                << error.what();
            EXPECT_NE(error.hint().find("trigger"), std::string::npos) << error.hint();
        }
    }
    EXPECT_FALSE(table_exists(admin, "lockwise.schema_history")) << "nothing was created in the squatter's schema";

    // A history table squatted inside the migrator's own schema is refused the same way.
    admin.exec("DROP SCHEMA lockwise CASCADE; CREATE SCHEMA lockwise; GRANT CREATE, USAGE ON SCHEMA lockwise TO squatter");
    {
        auto squatter = pg::Connection::connect(db + " user=squatter");
        squatter.exec("CREATE TABLE lockwise.schema_history_meta (key text PRIMARY KEY, value text NOT NULL)");
    }
    try {
        history::HistoryStore(admin).ensure_created();
        FAIL() << "expected a refusal";
    } catch (const core::Error& error) {
        EXPECT_NE(std::string(error.what()).find("history table \"lockwise\".\"schema_history_meta\" is owned by role \"squatter\""),
                  std::string::npos)
            << error.what();
    }

    // Owned by a role the migrator is a member of: that is the migrator's own.
    admin.exec("DROP SCHEMA lockwise CASCADE; DO $$ BEGIN CREATE ROLE migrators NOLOGIN; "
               "EXCEPTION WHEN duplicate_object THEN NULL; END $$; GRANT migrators TO squatter");
    admin.exec(fmt::format("GRANT CREATE ON DATABASE {} TO migrators", pg::quote_identifier(dbname)));
    admin.exec("CREATE SCHEMA lockwise AUTHORIZATION migrators");
    auto member = pg::Connection::connect(db + " user=squatter");
    history::HistoryStore store(member);
    EXPECT_NO_THROW(store.ensure_created());
    EXPECT_TRUE(store.exists());
}

TEST(HistoryStore, BeginStepFinishAreRecorded)
{
    auto connection = pg::Connection::connect(testkit::fresh_database());
    history::HistoryStore store(connection);
    const auto m = migration("3", "sha256:abc", "add_direction");
    EXPECT_EQ(store.begin_migration(m, 2), 0);
    auto applied = store.load();
    ASSERT_EQ(applied.size(), 1U);
    EXPECT_EQ(applied[0].status, history::MigrationStatus::running);
    EXPECT_EQ(applied[0].finished_at, "");
    store.record_step_done({"3", 0, "transaction", history::StepStatus::succeeded, 1, std::chrono::milliseconds(12), {}});
    store.record_step_done({"3", 1, "autocommit", history::StepStatus::succeeded, 3, std::chrono::milliseconds(40), {}});
    EXPECT_EQ(store.steps_done("3"), 2);
    store.finish_migration("3", history::Outcome::succeeded);

    applied = store.load();
    ASSERT_EQ(applied.size(), 1U);
    const auto& row = applied[0];
    EXPECT_EQ(row.version, "3");
    EXPECT_EQ(row.description, "add_direction");
    EXPECT_EQ(row.script, "db/V3__add_direction.sql");
    EXPECT_EQ(row.checksum, "sha256:abc");
    EXPECT_EQ(row.status, history::MigrationStatus::succeeded);
    EXPECT_EQ(row.steps_done, 2);
    EXPECT_EQ(row.steps_total, 2);
    EXPECT_EQ(row.installed_by, connection.exec("SELECT current_user").get(0, 0));
    EXPECT_EQ(row.lockwise_version, core::k_version);
    EXPECT_TRUE(row.execution_ms.has_value());
    EXPECT_NE(row.finished_at, "");
    EXPECT_EQ(row.started_at.size(), std::string("2024-01-02T03:04:05.678Z").size()) << row.started_at;
    EXPECT_EQ(row.last_error, "");

    const auto steps = store.load_steps("3");
    ASSERT_EQ(steps.size(), 2U);
    EXPECT_EQ(steps[0].kind, "transaction");
    EXPECT_EQ(steps[1].kind, "autocommit");
    EXPECT_EQ(steps[1].attempts, 3);
    EXPECT_EQ(steps[1].duration_ms, 40);
    EXPECT_EQ(steps[1].status, "succeeded");

    try {
        store.begin_migration(m, 2);
        FAIL() << "a succeeded migration must not start again";
    } catch (const core::Error& error) {
        EXPECT_EQ(error.code(), core::ExitCode::internal);
    }
    try {
        store.record_step_done({"99", 0, "transaction", history::StepStatus::succeeded, 1, {}, {}});
        FAIL() << "a step of an unknown migration must not be recorded";
    } catch (const core::Error& error) {
        EXPECT_NE(std::string(error.what()).find("99"), std::string::npos);
    }
}

TEST(HistoryStore, StepRecordCommitsAndRollsBackWithTheCallersTransaction)
{
    const auto conninfo = testkit::fresh_database();
    auto history_connection = pg::Connection::connect(conninfo);
    auto work = pg::Connection::connect(conninfo);
    history::HistoryStore store(history_connection);
    store.begin_migration(migration("1"), 2);

    // Step 0 fails after its record was written: both roll back.
    work.exec("BEGIN");
    work.exec("CREATE TABLE leads (id bigint PRIMARY KEY)");
    const auto statement = store.step_done_sql({"1", 0, "transaction", history::StepStatus::succeeded, 1, {}, {}});
    work.exec_params(statement.sql, statement.params);
    EXPECT_EQ(store.steps_done("1"), 0) << "uncommitted record invisible to the history connection";
    EXPECT_THROW(work.exec("SELECT 1/0"), pg::SqlError);
    work.exec("ROLLBACK");
    EXPECT_EQ(store.steps_done("1"), 0);
    EXPECT_TRUE(store.load_steps("1").empty());
    EXPECT_FALSE(table_exists(history_connection, "public.leads"));

    // The retry commits: the table and the record exist together.
    work.exec("BEGIN");
    work.exec("CREATE TABLE leads (id bigint PRIMARY KEY)");
    store.record_step_done(work, {"1", 0, "transaction", history::StepStatus::succeeded, 2, {}, {}});
    work.exec("COMMIT");
    EXPECT_EQ(store.steps_done("1"), 1);
    EXPECT_TRUE(table_exists(history_connection, "public.leads"));
    ASSERT_EQ(store.load_steps("1").size(), 1U);
    EXPECT_EQ(store.load_steps("1")[0].attempts, 2);
}

TEST(HistoryStore, FailedMigrationResumesAtTheFirstUnfinishedStep)
{
    auto connection = pg::Connection::connect(testkit::fresh_database());
    history::HistoryStore store(connection);
    store.begin_migration(migration("2"), 3);
    store.record_step_done({"2", 0, "transaction", history::StepStatus::succeeded, 1, {}, {}});
    store.record_step_done({"2", 1, "autocommit", history::StepStatus::failed, 5, {}, {}});
    store.finish_migration("2", history::Outcome::failed, "canceling statement due to lock timeout",
                           "db/V2__step.sql:4:1");
    auto applied = store.load();
    ASSERT_EQ(applied.size(), 1U);
    EXPECT_EQ(applied[0].status, history::MigrationStatus::failed);
    EXPECT_EQ(applied[0].steps_done, 1) << "a failed step does not count";
    EXPECT_EQ(applied[0].last_error, "canceling statement due to lock timeout");
    EXPECT_EQ(applied[0].last_error_position, "db/V2__step.sql:4:1");

    EXPECT_EQ(store.begin_migration(migration("2"), 3), 1) << "resume at step index 1";
    applied = store.load();
    EXPECT_EQ(applied[0].status, history::MigrationStatus::running);
    EXPECT_EQ(applied[0].last_error, "");
    store.record_step_done({"2", 1, "autocommit", history::StepStatus::succeeded, 1, {}, {}});
    store.record_step_done({"2", 2, "backfill", history::StepStatus::warned, 1, {}, {}});
    store.finish_migration("2", history::Outcome::succeeded);
    EXPECT_EQ(store.steps_done("2"), 3);
    EXPECT_EQ(store.load_steps("2")[1].status, "succeeded");
}

TEST(HistoryStore, LoadSortsByVersionNumerically)
{
    auto connection = pg::Connection::connect(testkit::fresh_database());
    history::HistoryStore store(connection);
    for (const auto* version : {"10", "2", "1.1", "1", "1.0", "9.10", "9.9"}) {
        store.begin_migration(migration(version), 1);
        store.finish_migration(history::canonical_version(history::parse_version_parts(version).value()),
                               history::Outcome::succeeded);
    }
    std::vector<std::string> order;
    for (const auto& entry : store.load()) {
        order.push_back(entry.version);
    }
    EXPECT_EQ(order, (std::vector<std::string>{"1", "1.0", "1.1", "2", "9.9", "9.10", "10"}));
}

TEST(HistoryStore, QuotedLocation)
{
    auto connection = pg::Connection::connect(testkit::fresh_database());
    history::HistoryStore store(connection, {"My Schema", "hist\"ory"});
    store.ensure_created();
    store.begin_migration(migration("1"), 1);
    EXPECT_TRUE(table_exists(connection, "\"My Schema\".\"hist\"\"ory_steps\""));
    EXPECT_EQ(store.load().size(), 1U);
    EXPECT_THROW(history::HistoryStore(connection, {"s", std::string(60, 't')}), core::Error);
}

TEST(HistoryStore, DriftIsFoundAndRepaired)
{
    auto connection = pg::Connection::connect(testkit::fresh_database());
    history::HistoryStore store(connection);
    auto apply = [&](const catalog::Migration& m, int steps, history::Outcome outcome) {
        store.begin_migration(m, 2);
        for (int step = 0; step < steps; ++step) {
            store.record_step_done({history::canonical_version(m.version), step, "transaction",
                                    history::StepStatus::succeeded, 1, {}, {}});
        }
        store.finish_migration(history::canonical_version(m.version), outcome, outcome == history::Outcome::failed ? "boom" : "");
    };
    apply(migration("1", "sha256:one"), 2, history::Outcome::succeeded);
    apply(migration("2", "sha256:two"), 2, history::Outcome::succeeded);
    apply(migration("3", "sha256:three"), 2, history::Outcome::succeeded);
    apply(migration("5", "sha256:five"), 0, history::Outcome::failed);
    apply(migration("6", "sha256:six"), 1, history::Outcome::failed);

    // Files now: 2 and 6 changed, 3 gone, 1.5 added below the newest applied one.
    const std::vector<catalog::Migration> files{migration("1", "sha256:one"), migration("1.5", "sha256:late"),
                                                migration("2", "sha256:two-edited"), migration("5", "sha256:five"),
                                                migration("6", "sha256:six-fixed")};
    auto drift = history::find_drift(store.load(), files);
    std::vector<std::string> found;
    for (const auto& d : drift) {
        found.push_back(std::string(history::drift_kind_name(d.kind)) + " " + d.version);
    }
    std::sort(found.begin(), found.end());
    EXPECT_EQ(found, (std::vector<std::string>{"checksum-changed 2", "checksum-changed 6", "file-missing 3",
                                                "out-of-order 1.5"}));

    const auto actions = history::repair(store, files);
    std::string printed;
    for (const auto& action : actions) {
        printed += action.message + "\n";
    }
    EXPECT_NE(printed.find("2 (db/V2__step.sql): recorded the new checksum sha256:two-edited (was sha256:two)"),
              std::string::npos)
        << printed;
    EXPECT_NE(printed.find("5: cleared the error of the failed entry (0 of 2 steps committed); the next run resumes "
                           "at step 1"),
              std::string::npos)
        << printed;
    EXPECT_NE(printed.find("6: cleared the error of the failed entry (1 of 2 steps committed); the next run resumes "
                           "at step 2"),
              std::string::npos)
        << printed;
    EXPECT_EQ(actions.size(), 4U) << printed; // 2 checksum, 5 cleared, 6 checksum + cleared

    const auto applied = store.load();
    drift = history::find_drift(applied, files);
    found.clear();
    for (const auto& d : drift) {
        found.push_back(std::string(history::drift_kind_name(d.kind)) + " " + d.version);
    }
    std::sort(found.begin(), found.end());
    EXPECT_EQ(found, (std::vector<std::string>{"file-missing 3", "out-of-order 1.5"}));
    const auto six = std::find_if(applied.begin(), applied.end(), [](const auto& a) { return a.version == "6"; });
    ASSERT_NE(six, applied.end());
    EXPECT_EQ(six->last_error, "");
    EXPECT_EQ(six->checksum, "sha256:six-fixed");
    EXPECT_EQ(store.begin_migration(files[4], 2), 1);
    EXPECT_EQ(store.begin_migration(files[3], 2), 0) << "5 runs from its first step";

    const auto rows = history::status(store.load(), files);
    ASSERT_EQ(rows.size(), 6U);
    EXPECT_EQ(rows[1].version, "1.5");
    EXPECT_TRUE(rows[1].out_of_order);
    EXPECT_EQ(rows[3].state, history::State::missing_file);
}
