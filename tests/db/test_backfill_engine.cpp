// The backfill engine against a real PostgreSQL: its result equals the plain UPDATE
// (with and without concurrent application writes, skewed partitions, rows with no
// source, rows the app holds), it resumes after a stop or a killed backend, retries
// lock timeouts, throttles, bounds its range, and refuses specs it can't run safely.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <set>
#include <thread>

#include "support/testing.hpp"
#include "test_backfill_support.hpp"

using namespace lockwise;
using namespace lockwise::backfill;
using namespace lockwise::backfill::testing;
using namespace std::chrono_literals;

namespace {

const std::vector<int> k_skewed = {2500, 400, 60, 7, 1};

long long pending_with_calls(pg::Connection& connection)
{
    return connection
        .exec("SELECT count(*) FROM leads l WHERE l.last_call_direction IS NULL "
              "AND EXISTS (SELECT 1 FROM call_log c WHERE c.lead_id = l.id)")
        .get_int(0, 0);
}

} // namespace

TEST(BackfillEngine, EqualsPlainUpdateAcrossSkewedPartitions)
{
    const auto conninfo = testkit::fresh_database();
    auto connection = pg::Connection::connect(conninfo);
    seed(connection, k_skewed);
    plain_update_copy(connection, false);
    const auto no_calls = connection.exec("SELECT count(*) FROM leads_plain WHERE last_call_direction IS NULL").get_int(0, 0);
    ASSERT_GT(no_calls, 500) << "the data must have leads without calls";

    RecordingObserver observer;
    auto spec = seed_spec({{"key", "id"}, {"partition", "tenant_id"}, {"batch", "auto"}, {"min-batch", "50"}});
    spec.initial_batch = 100;
    const auto result = run_backfill(connection, spec, test_options(), observer);

    EXPECT_EQ(differences(connection), 0);
    EXPECT_FALSE(result.interrupted);
    EXPECT_FALSE(result.resumed);
    EXPECT_EQ(result.partitions, 5U);
    EXPECT_EQ(result.rows_left_locked, 0);
    const long long total = 2500 + 400 + 60 + 7 + 1;
    EXPECT_EQ(result.rows_scanned, total) << "each row walked past exactly once: no endless loop on rows that stay NULL";
    EXPECT_EQ(result.rows_updated, total) << "every row was pending, and the UPDATE counts rows set to NULL too";
    ASSERT_TRUE(result.estimated_total.has_value());
    EXPECT_EQ(*result.estimated_total, total) << "small table: an exact count";
    EXPECT_EQ(observer.partitions_started.size(), 5U);
    EXPECT_EQ(observer.partitions_done.size(), 5U);
    EXPECT_EQ(observer.last_progress.rows_updated, total);
    EXPECT_EQ(observer.last_progress.partitions_finished, 5U);

    // Round-robin: the small tenants finish while the big one still has batches to go.
    ASSERT_GE(observer.batches.size(), 8U);
    EXPECT_EQ(observer.partitions_done.back(), "1") << "the largest tenant finishes last";
    std::set<std::string> first_round;
    for (std::size_t i = 0; i < 5; ++i) {
        first_round.insert(observer.batches[i].partition);
    }
    EXPECT_EQ(first_round.size(), 5U) << "the first five batches visit all five partitions";
    for (const auto& batch : observer.batches) {
        EXPECT_LE(batch.scanned, batch.limit);
    }

    // Checkpoint: one row per partition, all done, range max recorded.
    const auto checkpoint = connection.exec(
        "SELECT count(*), bool_and(done), max(range_max::bigint) FROM lockwise.backfill_progress "
        "WHERE migration_version = '36' AND step_index = 3");
    EXPECT_EQ(checkpoint.get_int(0, 0), 5);
    EXPECT_TRUE(checkpoint.get_bool(0, 1));
    EXPECT_EQ(checkpoint.get_int(0, 2), connection.exec("SELECT max(id) FROM leads").get_int(0, 0));

    // A finished backfill reruns as a no-op.
    RecordingObserver again;
    const auto rerun = run_backfill(connection, spec, test_options(), again);
    EXPECT_TRUE(rerun.already_done);
    EXPECT_EQ(rerun.batches, 0);
    EXPECT_TRUE(again.batches.empty());
}

TEST(BackfillEngine, UnpartitionedWithFixedBatchAndNoWhere)
{
    auto connection = pg::Connection::connect(testkit::fresh_database());
    seed(connection, {300, 200});
    auto statement = seed_update_statement();
    statement.update->where_text.clear();
    std::vector<catalog::Diagnostic> errors;
    const auto spec = parse_backfill_spec(backfill_directive({{"batch", "77"}}), statement, errors);
    ASSERT_TRUE(errors.empty());
    EXPECT_TRUE(spec.pending.empty());
    connection.exec("UPDATE leads SET last_call_direction = 'stale' WHERE id % 7 = 0");
    plain_update_copy(connection, false);
    // The plain copy ran with the WHERE; without it every row is recomputed.
    connection.exec(std::string("UPDATE leads_plain AS l ") + k_set_first_call);
    RecordingObserver observer;
    const auto result = run_backfill(connection, spec, test_options(), observer);
    EXPECT_EQ(differences(connection), 0);
    EXPECT_EQ(result.partitions, 1U);
    EXPECT_EQ(result.rows_updated, 500);
    for (const auto& batch : observer.batches) {
        EXPECT_EQ(batch.limit, 77) << "batch=77 fixes the size";
    }
    EXPECT_EQ(result.batches, 500 / 77 + 1 + 1) << "full batches, the tail, and the empty scan that ends the pass";
}

TEST(BackfillEngine, EqualsPlainUpdateWhileTheApplicationWrites)
{
    const auto conninfo = testkit::fresh_database();
    auto connection = pg::Connection::connect(conninfo);
    seed(connection, k_skewed);
    const auto max_id = connection.exec("SELECT max(id) FROM leads").get_int(0, 0);

    // The application after migration 36: logs calls (keeping last_call_direction right for
    // a lead's first call, as the new release does), touches leads, and creates leads.
    std::atomic<bool> stop{false};
    std::atomic<long long> app_transactions{0};
    std::atomic<long long> app_failures{0};
    std::thread application([&] {
        auto app = pg::Connection::connect(conninfo, "app");
        std::mt19937 rng(36);
        while (!stop.load()) {
            const auto lead = std::uniform_int_distribution<long long>(1, max_id)(rng);
            const auto kind = rng() % 3;
            try {
                app.exec("BEGIN");
                if (kind == 0) {
                    app.exec_params("INSERT INTO call_log (tenant_id, lead_id, direction) "
                                    "SELECT tenant_id, id, $2 FROM leads WHERE id = $1::bigint",
                                    {std::to_string(lead), rng() % 2 ? "inbound" : "outbound"});
                    app.exec_params(std::string("UPDATE leads AS l ") + k_set_first_call +
                                        " WHERE l.id = $1::bigint AND l.last_call_direction IS NULL",
                                    {std::to_string(lead)});
                } else if (kind == 1) {
                    app.exec_params("UPDATE leads SET status = 'contacted', updated_at = now() WHERE id = $1::bigint",
                                    {std::to_string(lead)});
                } else {
                    app.exec("WITH n AS (INSERT INTO leads (tenant_id, name) VALUES (2, 'new lead') RETURNING id, tenant_id) "
                             "INSERT INTO call_log (tenant_id, lead_id, direction) SELECT tenant_id, id, 'inbound' FROM n");
                    app.exec(std::string("UPDATE leads AS l ") + k_set_first_call +
                             " WHERE l.id = currval('leads_id_seq') AND l.last_call_direction IS NULL");
                }
                app.exec("COMMIT");
                ++app_transactions;
            } catch (const pg::SqlError&) {
                ++app_failures;
                try {
                    app.exec("ROLLBACK");
                } catch (const pg::SqlError&) {
                }
            }
            std::this_thread::sleep_for(1ms);
        }
    });

    RecordingObserver observer;
    auto spec = seed_spec({{"key", "id"}, {"partition", "tenant_id"}, {"batch", "50"}});
    auto options = test_options();
    options.window_rows = 300; // several key windows, so the sweep runs beside the application too
    BackfillResult result;
    try {
        result = run_backfill(connection, spec, options, observer);
    } catch (...) {
        stop = true;
        application.join();
        throw;
    }
    stop = true;
    application.join();

    EXPECT_GT(app_transactions.load(), 20) << "the application ran during the backfill";
    EXPECT_EQ(app_failures.load(), 0) << "the backfill made no application transaction fail";
    EXPECT_EQ(result.rows_left_locked, 0);
    EXPECT_GT(connection.exec("SELECT max(id) FROM leads").get_int(0, 0), max_id) << "the app inserted leads";
    // Reference: the plain UPDATE over the final data, from scratch.
    plain_update_copy(connection, true);
    EXPECT_EQ(differences(connection), 0);
    EXPECT_EQ(pending_with_calls(connection), 0);
}

TEST(BackfillEngine, RowsTheApplicationHoldsAreRevisited)
{
    const auto conninfo = testkit::fresh_database();
    auto connection = pg::Connection::connect(conninfo);
    seed(connection, {600, 300});
    plain_update_copy(connection, false);

    // The app holds some leads with calls (in both tenants) for ~600 ms, then lets go.
    const AppHoldsRows app(conninfo, "SELECT id FROM leads WHERE id % 4 <> 0 AND id % 50 = 1 FOR UPDATE", 600ms);
    ASSERT_GT(app.rows(), 10);
    RecordingObserver observer;
    auto options = test_options();
    options.revisit_delay = 300ms;
    const auto started = pg::Clock::now();
    const auto result = run_backfill(connection, seed_spec({{"key", "id"}, {"partition", "tenant_id"}, {"batch", "100"}}),
                                     options, observer);
    EXPECT_LT(pg::Clock::now() - started, 10s) << "never waited on the held rows";
    EXPECT_GE(observer.skipped(), app.rows()) << "the held rows were skipped, not waited for";
    EXPECT_EQ(result.rows_left_locked, 0);
    EXPECT_EQ(differences(connection), 0) << "revisited and done once the app let go";
    const auto passes = connection.exec("SELECT max(pass) FROM lockwise.backfill_progress").get_int(0, 0);
    EXPECT_GE(passes, 2);
}

// The seed guide's form of the backfill: the UPDATE has its own FROM (the first call of
// each lead by DISTINCT ON), parsed by libpg_query. The engine adds the rows it holds to
// that FROM list (after the comment that ends the list's line); leads with no call match
// no source row: locked, left NULL, walked past once (not mistaken for rows the
// application holds), and rows the app holds are revisited.
TEST(BackfillEngine, UpdateWithItsOwnFromJoinsTheRowsItHolds)
{
    const auto conninfo = testkit::fresh_database();
    auto connection = pg::Connection::connect(conninfo);
    seed(connection, {500, 200, 30});
    plain_update_copy(connection, false);
    const std::string text = "UPDATE leads AS l\n"
                             "   SET last_call_direction = first_call.direction\n"
                             "  FROM (SELECT DISTINCT ON (c.lead_id) c.lead_id, c.direction FROM call_log AS c\n"
                             "         ORDER BY c.lead_id, c.created_at, c.id) AS first_call -- the first call of each lead\n"
                             " WHERE first_call.lead_id = l.id AND l.last_call_direction IS NULL";
    const auto spec = spec_from_sql(
        text, {{"key", "id"}, {"partition", "tenant_id"}, {"batch", "64"}, {"pending", "l.last_call_direction IS NULL"}});
    ASSERT_TRUE(spec.has_value());
    ASSERT_TRUE(spec->has_from);

    // Held long enough to outlast the plan-time checks run_backfill repeats on a loaded machine,
    // released before the third pass (revisits after 600 ms and 1.2 s more).
    const AppHoldsRows app(conninfo, "SELECT id FROM leads WHERE id % 4 <> 0 AND id % 40 = 1 FOR UPDATE", 1500ms);
    ASSERT_GT(app.rows(), 5);
    RecordingObserver observer;
    auto options = test_options();
    options.revisit_delay = 600ms;
    const auto result = run_backfill(connection, *spec, options, observer);

    EXPECT_EQ(differences(connection), 0);
    EXPECT_EQ(result.rows_left_locked, 0);
    const auto with_calls = connection.exec("SELECT count(*) FROM leads_plain WHERE last_call_direction IS NOT NULL").get_int(0, 0);
    EXPECT_EQ(result.rows_updated, with_calls) << "leads without a call match no source row: not updated";
    EXPECT_GE(observer.skipped(), app.rows()) << "rows the app held were skipped and revisited";
    EXPECT_LT(observer.skipped(), app.rows() + 64) << "leads without a call were held by us, not counted as the app's";
}

// A batch locks each row right before it updates it, not all of its rows at the start:
// while the first batch (100 rows, ~10 ms each) is a third done, the application can still
// take its last row, without waiting; the batch then skips that row and a later pass
// revisits it. Locked all at the start, the NOWAIT lock would fail.
TEST(BackfillEngine, BatchLocksEachRowRightBeforeItsUpdate)
{
    const auto conninfo = testkit::fresh_database();
    auto connection = pg::Connection::connect(conninfo);
    // A table big enough that the planner reaches the rows by index (on a few hundred rows
    // it hashes the locked keys, which locks them all first: harmless there); all but the
    // first 150 leads already done (those without a call stay pending), and only those 150
    // take 10 ms each.
    seed(connection, {20000});
    plain_update_copy(connection, false);
    connection.exec("UPDATE leads AS l SET last_call_direction = p.last_call_direction FROM leads_plain AS p "
                    "WHERE p.id = l.id AND l.id > 150; ANALYZE leads");
    connection.exec("CREATE FUNCTION slow_first_direction(lead bigint) RETURNS text LANGUAGE sql VOLATILE AS $$"
                    " SELECT pg_sleep(CASE WHEN lead <= 150 THEN 0.01 ELSE 0 END);"
                    " SELECT c.direction FROM call_log AS c WHERE c.lead_id = lead ORDER BY c.created_at, c.id LIMIT 1 $$");
    const auto spec = spec_from_sql("UPDATE leads AS l SET last_call_direction = slow_first_direction(l.id)\n"
                                    " WHERE l.last_call_direction IS NULL",
                                    {{"key", "id"}, {"batch", "100"}});
    ASSERT_TRUE(spec.has_value());
    // The first batch's last key: the 100th lead (leads 4, 8, ... have no call but are pending too).
    const auto last_of_first_batch = connection.exec("SELECT id FROM leads ORDER BY id OFFSET 99 LIMIT 1").get_int(0, 0);

    RecordingObserver observer;
    auto options = test_options();
    options.revisit_delay = 100ms;
    BackfillResult result;
    std::exception_ptr failure;
    std::thread backfill([&] {
        try {
            auto own = pg::Connection::connect(conninfo);
            result = run_backfill(own, *spec, options, observer);
        } catch (...) {
            failure = std::current_exception();
        }
    });
    // Wait until the first batch statement runs (not the EXPLAIN of the plan-time check),
    // then about a third of the batch.
    auto app = pg::Connection::connect(conninfo, "app");
    const auto deadline = pg::Clock::now() + 20s;
    while (pg::Clock::now() < deadline &&
           app.exec("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'WITH lockwise_keys%' AND state = 'active' "
                    "AND pid <> pg_backend_pid()").get_int(0, 0) == 0) {
        std::this_thread::sleep_for(5ms);
    }
    std::this_thread::sleep_for(300ms);
    app.exec("BEGIN");
    bool took_it = true;
    try {
        app.exec_params("SELECT id FROM leads WHERE id = $1::bigint FOR UPDATE NOWAIT", {std::to_string(last_of_first_batch)});
    } catch (const pg::SqlError& error) {
        EXPECT_EQ(error.sqlstate(), pg::sqlstate::lock_not_available);
        took_it = false;
    }
    std::this_thread::sleep_for(1s);
    app.exec("COMMIT");
    backfill.join();
    if (failure) {
        std::rethrow_exception(failure);
    }
    EXPECT_TRUE(took_it) << "a third into the batch, its last row was already locked: rows were locked all at the start";
    ASSERT_FALSE(observer.batches.empty());
    EXPECT_GE(observer.batches.front().skipped, took_it ? 1 : 0) << "the batch skipped the row the app took";
    EXPECT_EQ(result.rows_left_locked, 0);
    EXPECT_EQ(differences(connection), 0) << "revisited once the app let go";
}

TEST(BackfillEngine, RowsHeldThroughEveryPassAreReportedNotDropped)
{
    const auto conninfo = testkit::fresh_database();
    auto connection = pg::Connection::connect(conninfo);
    seed(connection, {400});
    auto holder = pg::Connection::connect(conninfo, "app");
    holder.exec("BEGIN");
    const auto held = holder.exec("SELECT id FROM leads WHERE id IN (5, 6, 7, 201, 399) FOR UPDATE").rows();
    ASSERT_EQ(held, 5);
    RecordingObserver observer;
    const auto result = run_backfill(connection, seed_spec({{"key", "id"}, {"passes", "2"}, {"batch", "64"}}),
                                     test_options(), observer);
    holder.exec("COMMIT");
    // Lead ids divisible by 4 have no calls but still count: they are pending rows the app held.
    EXPECT_EQ(result.rows_left_locked, 5);
    EXPECT_EQ(connection.exec("SELECT skipped, pass, done FROM lockwise.backfill_progress").get_int(0, 0), 5);
    EXPECT_EQ(connection.exec("SELECT pass FROM lockwise.backfill_progress").get_int(0, 0), 2);
    EXPECT_EQ(connection.exec("SELECT count(*) FROM leads WHERE id IN (5, 6, 7, 201, 399) AND last_call_direction IS NOT NULL")
                  .get_int(0, 0),
              0);
}

// Tenants whose rows interleave in key order (as ids handed out to every tenant do) walk
// the table together, one key window at a time, so its pages are visited while cached.
TEST(BackfillEngine, PartitionsSweepTheTableInKeyWindowsTogether)
{
    auto connection = pg::Connection::connect(testkit::fresh_database());
    seed(connection, {1000, 1000, 1000});
    connection.exec("UPDATE leads SET tenant_id = CASE WHEN id % 10 < 6 THEN 1 WHEN id % 10 < 9 THEN 2 ELSE 3 END; ANALYZE leads");
    plain_update_copy(connection, false);
    std::atomic<bool> stop{false};
    auto options = test_options();
    options.stop_requested = &stop;
    options.window_rows = 400; // per window: tenant 1 has 240 rows (3 batches), 2 has 120 (2), 3 has 40 (1)
    RecordingObserver observer;
    observer.on_batch_hook = [&](const BatchReport&) {
        if (observer.batches.size() == 9) {
            stop = true;
        }
    };
    const auto spec = seed_spec({{"key", "id"}, {"partition", "tenant_id"}, {"batch", "100"}});
    const auto first = run_backfill(connection, spec, options, observer);
    ASSERT_TRUE(first.interrupted);
    std::vector<long long> bounds;
    for (const auto& line : observer.debug_lines) {
        const std::string prefix = "key window: up to key ";
        if (line.starts_with(prefix)) {
            bounds.push_back(std::stoll(line.substr(prefix.size())));
        }
    }
    ASSERT_EQ(bounds.size(), 2U) << "six batches finish the first window; the ninth is in the second";
    EXPECT_EQ(bounds[0], 400);
    EXPECT_EQ(bounds[1], 800);
    // Every partition walked all its rows of the first window and none beyond the second.
    const auto cursors = connection.exec_params(
        "SELECT p.partition_value, p.last_key::bigint, "
        "(SELECT max(id) FROM leads WHERE tenant_id = p.partition_value::bigint AND id <= $1::bigint) "
        "FROM lockwise.backfill_progress p ORDER BY 1",
        {std::to_string(bounds[0])});
    ASSERT_EQ(cursors.rows(), 3);
    for (int row = 0; row < cursors.rows(); ++row) {
        SCOPED_TRACE(std::string(cursors.get(row, 0)));
        EXPECT_LE(cursors.get_int(row, 1), bounds[1]);
        EXPECT_GE(cursors.get_int(row, 1), cursors.get_int(row, 2));
    }

    stop = false;
    RecordingObserver resumed_observer;
    const auto second = run_backfill(connection, spec, options, resumed_observer);
    EXPECT_TRUE(second.resumed);
    EXPECT_FALSE(second.interrupted);
    EXPECT_EQ(first.rows_scanned + second.rows_scanned, 3000) << "no row walked twice across windows and the resume";
    EXPECT_EQ(differences(connection), 0);
    const auto empty = std::count_if(resumed_observer.batches.begin(), resumed_observer.batches.end(),
                                     [](const BatchReport& batch) { return batch.scanned == 0; });
    EXPECT_EQ(empty, 3) << "an empty look below a window's bound is not a batch; only each pass's last scan is";
}

TEST(BackfillEngine, StopFlagCheckpointsAndResumes)
{
    auto connection = pg::Connection::connect(testkit::fresh_database());
    seed(connection, k_skewed);
    plain_update_copy(connection, false);
    std::atomic<bool> stop{false};
    auto options = test_options();
    options.stop_requested = &stop;
    RecordingObserver observer;
    observer.on_batch_hook = [&](const BatchReport&) {
        if (observer.batches.size() == 7) {
            stop = true; // what the SIGINT handler does
        }
    };
    const auto spec = seed_spec({{"key", "id"}, {"partition", "tenant_id"}, {"batch", "100"}});
    const auto first = run_backfill(connection, spec, options, observer);
    EXPECT_TRUE(first.interrupted);
    EXPECT_EQ(first.batches, 7) << "finishes the current batch, starts no other";
    EXPECT_GT(differences(connection), 0) << "stopped part-way";
    const auto checkpointed = connection.exec("SELECT sum(rows_updated) FROM lockwise.backfill_progress").get_int(0, 0);
    EXPECT_EQ(checkpointed, first.rows_updated) << "every finished batch is checkpointed";

    stop = false;
    RecordingObserver resumed_observer;
    const auto second = run_backfill(connection, spec, options, resumed_observer);
    EXPECT_TRUE(second.resumed);
    EXPECT_FALSE(second.interrupted);
    EXPECT_EQ(first.rows_scanned + second.rows_scanned, 2500 + 400 + 60 + 7 + 1) << "no row walked twice";
    EXPECT_EQ(resumed_observer.last_progress.rows_updated, first.rows_updated + second.rows_updated);
    EXPECT_EQ(differences(connection), 0);
}

TEST(BackfillEngine, KilledBackendThenRerunFinishes)
{
    const auto conninfo = testkit::fresh_database();
    auto connection = pg::Connection::connect(conninfo);
    seed(connection, k_skewed);
    plain_update_copy(connection, false);
    auto killer = pg::Connection::connect(conninfo, "killer");
    const auto victim = connection.backend_pid();
    RecordingObserver observer;
    observer.on_batch_hook = [&](const BatchReport&) {
        if (observer.batches.size() == 5) {
            killer.exec_params("SELECT pg_terminate_backend($1::int)", {std::to_string(victim)});
        }
    };
    const auto spec = seed_spec({{"key", "id"}, {"partition", "tenant_id"}, {"batch", "100"}});
    try {
        run_backfill(connection, spec, test_options(), observer);
        FAIL() << "the engine's backend was terminated";
    } catch (const pg::SqlError& error) {
        EXPECT_TRUE(error.connection_lost()) << error.what();
    }
    long long committed = 0;
    for (const auto& batch : observer.batches) {
        committed += batch.scanned;
    }
    auto fresh = pg::Connection::connect(conninfo);
    EXPECT_EQ(fresh.exec("SELECT sum(rows_scanned) FROM lockwise.backfill_progress").get_int(0, 0), committed)
        << "the five committed batches survived, nothing more";
    RecordingObserver second_observer;
    const auto second = run_backfill(fresh, spec, test_options(), second_observer);
    EXPECT_TRUE(second.resumed);
    EXPECT_EQ(differences(fresh), 0);
}

TEST(BackfillEngine, RowsInsertedAfterTheStartAreTheApplicationsJob)
{
    const auto conninfo = testkit::fresh_database();
    auto connection = pg::Connection::connect(conninfo);
    seed(connection, {300, 300});
    auto app = pg::Connection::connect(conninfo, "app");
    long long new_lead = 0;
    RecordingObserver observer;
    observer.on_batch_hook = [&](const BatchReport&) {
        if (observer.batches.size() == 1) {
            // A new lead with a call, written by an app that does not maintain the column.
            new_lead = app.exec("INSERT INTO leads (tenant_id, name) VALUES (1, 'late') RETURNING id").get_int(0, 0);
            app.exec_params("INSERT INTO call_log (tenant_id, lead_id, direction) VALUES (1, $1::bigint, 'outbound')",
                            {std::to_string(new_lead)});
        }
    };
    run_backfill(connection, seed_spec({{"key", "id"}, {"partition", "tenant_id"}, {"batch", "50"}}), test_options(),
                 observer);
    ASSERT_GT(new_lead, 0);
    EXPECT_TRUE(connection.exec_params("SELECT last_call_direction IS NULL FROM leads WHERE id = $1::bigint",
                                       {std::to_string(new_lead)})
                    .get_bool(0, 0))
        << "beyond the range recorded at the start: left to the application";
    EXPECT_LT(connection.exec("SELECT max(range_max::bigint) FROM lockwise.backfill_progress").get_int(0, 0), new_lead);
    EXPECT_EQ(pending_with_calls(connection), 1) << "only the late lead";
}

TEST(BackfillEngine, LockTimeoutIsRetried)
{
    const auto conninfo = testkit::fresh_database();
    auto connection = pg::Connection::connect(conninfo);
    seed(connection, {500});
    plain_update_copy(connection, false);
    // After the first batch, something holds call_log exclusively for a moment: the next
    // batch's subquery can't read it and fails on lock_timeout.
    auto ddl = pg::Connection::connect(conninfo, "ddl");
    std::thread release;
    auto options = test_options();
    options.lock_timeout = 100ms;
    RecordingObserver observer;
    observer.on_batch_hook = [&](const BatchReport&) {
        if (observer.batches.size() == 1) {
            ddl.exec("BEGIN; LOCK TABLE call_log IN ACCESS EXCLUSIVE MODE");
            release = std::thread([&] {
                std::this_thread::sleep_for(700ms);
                ddl.exec("COMMIT");
            });
        }
    };
    const auto result = run_backfill(connection, seed_spec({{"key", "id"}, {"batch", "100"}}), options, observer);
    release.join();
    EXPECT_GT(result.retries, 0);
    ASSERT_FALSE(observer.retries.empty());
    EXPECT_EQ(observer.retries.front(), "55P03");
    EXPECT_EQ(differences(connection), 0);
}

TEST(BackfillEngine, OtherErrorsAreNotRetried)
{
    auto connection = pg::Connection::connect(testkit::fresh_database());
    seed(connection, {50});
    connection.exec("ALTER TABLE leads ADD CONSTRAINT direction_known CHECK (last_call_direction <> 'inbound')");
    RecordingObserver observer;
    try {
        run_backfill(connection, seed_spec({{"key", "id"}}), test_options(), observer);
        FAIL();
    } catch (const pg::SqlError& error) {
        EXPECT_EQ(error.sqlstate(), "23514");
    }
    EXPECT_TRUE(observer.retries.empty());
    EXPECT_FALSE(connection.in_transaction()) << "the failed batch was rolled back";
}

TEST(BackfillEngine, PauseAndMaxRateThrottleAndAreCounted)
{
    auto connection = pg::Connection::connect(testkit::fresh_database());
    seed(connection, {400});
    RecordingObserver observer;
    const auto started = pg::Clock::now();
    const auto result = run_backfill(connection, seed_spec({{"key", "id"}, {"batch", "100"}, {"max-rate", "1000"}, {"pause", "10ms"}}),
                                     test_options(), observer);
    EXPECT_GE(pg::Clock::now() - started, 300ms) << "400 rows at 1000 rows/s take at least ~0.3 s after the first batch";
    EXPECT_GT(result.throttle_events, 4);
    EXPECT_EQ(static_cast<std::size_t>(result.throttle_events), observer.throttles.size());
    const auto logged = std::count_if(observer.debug_lines.begin(), observer.debug_lines.end(),
                                      [](const std::string& line) { return line.starts_with("throttle:"); });
    EXPECT_EQ(logged, result.throttle_events) << "every throttle decision is logged";
}

TEST(BackfillEngine, AdaptiveBatchGrowsTowardsTheTarget)
{
    auto connection = pg::Connection::connect(testkit::fresh_database());
    seed(connection, {3000});
    RecordingObserver observer;
    auto spec = seed_spec({{"key", "id"}, {"target-ms", "100"}, {"min-batch", "10"}});
    spec.initial_batch = 10;
    run_backfill(connection, spec, test_options(), observer);
    ASSERT_GE(observer.batches.size(), 3U);
    EXPECT_EQ(observer.batches.front().limit, 10);
    EXPECT_GT(observer.batches[observer.batches.size() - 2].limit, 10) << "tiny batches finish far under 100 ms: it grows";
    for (std::size_t i = 1; i < observer.batches.size(); ++i) {
        EXPECT_LE(observer.batches[i].limit, observer.batches[i - 1].limit * 2) << "at most doubles per batch";
    }
}

TEST(BackfillEngine, ValidationAgainstTheDatabase)
{
    auto connection = pg::Connection::connect(testkit::fresh_database());
    seed(connection, {10});
    connection.exec("CREATE TABLE pairs (a int, b int, v text, PRIMARY KEY (a, b)); CREATE TABLE nokey (v text)");
    const auto messages = [&](const BackfillSpec& spec) {
        std::string all;
        for (const auto& d : validate_against_database(connection, spec)) {
            all += d.message + "\n";
            EXPECT_FALSE(d.hint.empty());
            EXPECT_GT(d.line, 0);
        }
        return all;
    };
    EXPECT_EQ(messages(seed_spec()), "");
    EXPECT_NE(messages(seed_spec({{"key", "nosuch"}})).find("key column \"nosuch\" does not exist"), std::string::npos);
    EXPECT_NE(messages(seed_spec({{"key", "tenant_id"}})).find("is not unique"), std::string::npos);
    EXPECT_NE(messages(seed_spec({{"partition", "tenantid"}})).find("partition column \"tenantid\" does not exist"), std::string::npos);
    EXPECT_NE(messages(seed_spec({{"pending", "l.nosuch IS NULL"}})).find("pending predicate does not run"), std::string::npos);

    auto on = [&](const std::string& table) {
        auto spec = seed_spec({});
        spec.table = table;
        spec.alias.clear();
        spec.head_text = "UPDATE " + table + " SET v = 'x'";
        spec.where_text.clear();
        spec.pending.clear();
        return spec;
    };
    EXPECT_NE(messages(on("pairs")).find("has 2 columns"), std::string::npos);
    EXPECT_NE(messages(on("nokey")).find("has no primary key"), std::string::npos);
    EXPECT_NE(messages(on("missing")).find("does not exist"), std::string::npos);
    try {
        RecordingObserver observer;
        run_backfill(connection, on("pairs"), test_options(), observer);
        FAIL();
    } catch (const core::Error& error) {
        EXPECT_EQ(error.code(), core::ExitCode::usage);
    }
}

namespace {

// The seed guide's one-shot UPDATE, verbatim, and the directive line of examples/ migration 36.
const std::string k_seed_guide_update =
    "UPDATE leads l SET last_call_direction = fc.direction FROM (SELECT DISTINCT ON (lead_id) lead_id, direction "
    "FROM call_log WHERE lead_id IS NOT NULL ORDER BY lead_id, created_at) fc WHERE l.id = fc.lead_id AND "
    "l.last_call_direction IS NULL";
const std::map<std::string, std::string> k_example_directive = {
    {"key", "id"}, {"partition", "tenant_id"}, {"batch", "auto"}, {"target-ms", "200"}};

// leads_plain: a copy of leads with the seed guide's UPDATE run on it in one statement.
void seed_guide_update_copy(pg::Connection& connection)
{
    connection.exec("DROP TABLE IF EXISTS leads_plain; CREATE TABLE leads_plain AS SELECT * FROM leads");
    const auto pos = k_seed_guide_update.find("leads l");
    connection.exec(k_seed_guide_update.substr(0, pos) + "leads_plain l" + k_seed_guide_update.substr(pos + 7));
}

} // namespace

// Issue 16 item 1: the seed guide's join runs with each batch's keys pushed into its
// DISTINCT ON subquery (a parse-tree edit), so a batch reads its own calls only, and the
// result is the one-shot UPDATE's.
TEST(BackfillEngine, SeedGuideJoinRunsWithTheBatchPushedIntoItsSubquery)
{
    auto connection = pg::Connection::connect(testkit::fresh_database());
    seed(connection, {3000, 900, 100});
    seed_guide_update_copy(connection);
    const auto spec = spec_from_sql(k_seed_guide_update, k_example_directive);
    ASSERT_TRUE(spec.has_value());
    EXPECT_EQ(spec->pushdown_key, "id");
    EXPECT_EQ(spec->pushdown_problem, "");
    EXPECT_NE(spec->batch_head_text.find("lead_id = ANY(ARRAY(SELECT lockwise_locked.k FROM lockwise_locked))"),
              std::string::npos)
        << spec->batch_head_text;
    EXPECT_NE(spec->batch_head_text.find("lead_id IS NOT NULL AND"), std::string::npos) << "ANDed to its own WHERE";

    const auto scaling = estimate_batch_scaling(connection, *spec);
    ASSERT_TRUE(scaling.has_value());
    EXPECT_TRUE(scaling->scales) << describe_batch_scaling(*scaling, "leads");
    EXPECT_TRUE(validate_against_database(connection, *spec).empty());

    RecordingObserver observer;
    const auto result = run_backfill(connection, *spec, test_options(), observer);
    EXPECT_EQ(differences(connection), 0) << "the same rows as the one-shot UPDATE";
    EXPECT_EQ(result.rows_updated,
              connection.exec("SELECT count(*) FROM leads_plain WHERE last_call_direction IS NOT NULL").get_int(0, 0));
}

// Issue 16 item 2: a batch that recomputes the whole DISTINCT ON is refused with the estimate
// and the rewrite: the seed guide's UPDATE when its subquery can't be narrowed (here: the
// pushdown withheld), and a form whose LIMIT makes the narrowing unprovable.
TEST(BackfillEngine, BatchThatReadsTheWholeSubqueryIsRefused)
{
    auto connection = pg::Connection::connect(testkit::fresh_database());
    seed(connection, {3000, 900, 100});
    auto small_batches = k_example_directive;
    small_batches["batch"] = "10"; // 400 batches of the 4,000 leads: each would sort every call again
    auto unpushed = spec_from_sql(k_seed_guide_update, small_batches);
    ASSERT_TRUE(unpushed.has_value());
    unpushed->batch_head_text.clear();
    const auto scaling = estimate_batch_scaling(connection, *unpushed);
    ASSERT_TRUE(scaling.has_value());
    EXPECT_FALSE(scaling->scales);
    EXPECT_EQ(scaling->widest_scan, "public.call_log");
    EXPECT_GT(scaling->widest_scan_rows, 5000) << "every call, each batch";
    ASSERT_TRUE(scaling->seconds.has_value());
    const auto text = describe_batch_scaling(*scaling, "leads");
    EXPECT_NE(text.find("each batch reads ~"), std::string::npos) << text;
    EXPECT_NE(text.find("call_log rows; about "), std::string::npos) << text;
    EXPECT_NE(text.find(" leads rows"), std::string::npos) << text;

    const auto limited = spec_from_sql(
        "UPDATE leads l SET last_call_direction = fc.direction FROM (SELECT DISTINCT ON (lead_id) lead_id, direction "
        "FROM call_log WHERE lead_id IS NOT NULL ORDER BY lead_id, created_at LIMIT 1000000) fc WHERE l.id = fc.lead_id AND "
        "l.last_call_direction IS NULL",
        small_batches);
    ASSERT_TRUE(limited.has_value());
    EXPECT_TRUE(limited->batch_head_text.empty());
    EXPECT_NE(limited->pushdown_problem.find("LIMIT"), std::string::npos) << limited->pushdown_problem;
    const auto errors = validate_against_database(connection, *limited);
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_NE(errors[0].message.find("a batch does not scale: each batch reads ~"), std::string::npos) << errors[0].message;
    EXPECT_NE(errors[0].message.find("LIMIT"), std::string::npos) << errors[0].message;
    EXPECT_NE(errors[0].hint.find("instead:"), std::string::npos) << errors[0].hint;
    EXPECT_NE(errors[0].hint.find("LIMIT 1"), std::string::npos) << errors[0].hint;
    RecordingObserver observer;
    EXPECT_THROW(run_backfill(connection, *limited, test_options(), observer), core::Error);
    EXPECT_EQ(connection.exec("SELECT count(*) FROM leads WHERE last_call_direction IS NOT NULL").get_int(0, 0), 0)
        << "nothing ran";

    // The example's correlated form reads only its own rows: it scales.
    const auto example = estimate_batch_scaling(connection, seed_spec());
    ASSERT_TRUE(example.has_value());
    EXPECT_TRUE(example->scales) << describe_batch_scaling(*example, "leads");
}
