// locks/ against real competing sessions: an idle-in-transaction reader (A)
// blocks an ALTER (B), two readers (C, D) queue behind B. Blocking info, the
// queue, the tree, conflicting holders, LockWatch and termination are checked.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "lockwise/locks/blocking.hpp"
#include "lockwise/locks/terminate.hpp"
#include "lockwise/locks/tree.hpp"
#include "lockwise/locks/watch.hpp"
#include "support/testing.hpp"

using namespace lockwise;
using namespace std::chrono_literals;

namespace {

template <typename Predicate>
bool wait_until(Predicate predicate, std::chrono::milliseconds timeout = 5s)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (predicate()) {
            return true;
        }
        std::this_thread::sleep_for(10ms);
    }
    return predicate();
}

bool waits_on_lock(pg::Connection& watcher, int pid)
{
    return watcher.exec_params("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $1",
                               {std::to_string(pid)})
        .get_bool(0, 0);
}

// The four sessions of the lock-queue scenario on table t.
struct LockQueue {
    std::string conninfo = testkit::fresh_database();
    pg::Connection watcher = pg::Connection::connect(conninfo, "watcher");
    pg::Connection a = pg::Connection::connect(conninfo, "app-a");
    pg::Connection b = pg::Connection::connect(conninfo, "migrator-b");
    pg::Connection c = pg::Connection::connect(conninfo, "app-c");
    pg::Connection d = pg::Connection::connect(conninfo, "app-d");

    LockQueue() { watcher.exec("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1), (2)"); }

    void hold_idle_transaction() { a.exec("BEGIN; SELECT * FROM t;"); }

    void queue_alter_and_readers()
    {
        b.send("ALTER TABLE t ADD COLUMN x int");
        ASSERT_TRUE(wait_until([&] { return waits_on_lock(watcher, b.backend_pid()); })) << "B never waited";
        c.send("SELECT * FROM t");
        d.send("SELECT * FROM t");
        ASSERT_TRUE(wait_until([&] {
            return waits_on_lock(watcher, c.backend_pid()) && waits_on_lock(watcher, d.backend_pid());
        })) << "C and D never queued";
    }

    // Ends A's transaction and lets everyone finish.
    void release()
    {
        try {
            if (a.is_ok() && a.in_transaction()) {
                a.exec("ROLLBACK");
            }
        } catch (const pg::SqlError& error) {
            EXPECT_TRUE(error.connection_lost()) << error.what(); // A was terminated by the test
        }
        for (auto* session : {&b, &c, &d}) {
            if (session->busy()) {
                while (!session->wait(100ms)) {
                }
            }
        }
    }
};

std::vector<int> pids_of(const std::vector<locks::QueuedSession>& sessions)
{
    std::vector<int> pids;
    for (const auto& session : sessions) {
        pids.push_back(session.pid);
    }
    std::sort(pids.begin(), pids.end());
    return pids;
}

} // namespace

TEST(LocksBlocking, AlterWaitingBehindIdleTransactionWithReadersQueued)
{
    LockQueue q;
    q.hold_idle_transaction();
    q.queue_alter_and_readers();
    const int a_pid = q.a.backend_pid();
    const int b_pid = q.b.backend_pid();

    const auto info = locks::blocking_info(q.watcher, b_pid);
    ASSERT_TRUE(info.found);
    EXPECT_TRUE(info.waiting);
    EXPECT_EQ(info.session.application, "migrator-b");
    EXPECT_EQ(info.session.state, "active");
    EXPECT_EQ(info.session.wait_event_type, "Lock");
    ASSERT_TRUE(info.lock.has_value());
    EXPECT_EQ(info.lock->locktype, "relation");
    EXPECT_EQ(info.lock->mode, "AccessExclusiveLock");
    EXPECT_EQ(info.lock->relation, "t");
    ASSERT_TRUE(info.lock->waiting_for.has_value());
    EXPECT_EQ(info.lock->describe(), "AccessExclusiveLock on relation t");
    ASSERT_EQ(info.blockers.size(), 1U);
    const auto& blocker = info.blockers[0];
    EXPECT_EQ(blocker.pid, a_pid);
    EXPECT_EQ(blocker.state, "idle in transaction");
    EXPECT_EQ(blocker.application, "app-a");
    EXPECT_EQ(blocker.user, "postgres");
    EXPECT_EQ(blocker.backend_type, "client backend");
    EXPECT_EQ(blocker.query, "BEGIN; SELECT * FROM t;") << "the last query string A sent";
    EXPECT_EQ(blocker.held_modes, std::vector<std::string>{"AccessShareLock"});
    EXPECT_FALSE(blocker.waiting);
    ASSERT_TRUE(blocker.xact_age.has_value());
    ASSERT_TRUE(blocker.state_age.has_value());
    EXPECT_GE(*blocker.xact_age, *blocker.state_age);

    // C and D wait behind B (directly), and behind A through B.
    const auto behind_b = locks::queued_behind(q.watcher, b_pid);
    EXPECT_EQ(pids_of(behind_b), (std::vector<int>{std::min(q.c.backend_pid(), q.d.backend_pid()),
                                                   std::max(q.c.backend_pid(), q.d.backend_pid())}));
    for (const auto& session : behind_b) {
        EXPECT_EQ(session.depth, 1);
        ASSERT_TRUE(session.lock.has_value());
        EXPECT_EQ(session.lock->mode, "AccessShareLock");
        EXPECT_EQ(session.query, "SELECT * FROM t");
    }
    const auto behind_a = locks::queued_behind(q.watcher, a_pid);
    ASSERT_EQ(behind_a.size(), 3U);
    EXPECT_EQ(behind_a[0].pid, b_pid);
    EXPECT_EQ(behind_a[0].depth, 1);
    EXPECT_EQ(behind_a[1].depth, 2);
    EXPECT_TRUE(locks::queued_behind(q.watcher, q.c.backend_pid()).empty());

    // A is not waiting and blocked by no one.
    const auto a_info = locks::blocking_info(q.watcher, a_pid);
    EXPECT_TRUE(a_info.found);
    EXPECT_FALSE(a_info.waiting);
    EXPECT_TRUE(a_info.blockers.empty());
    EXPECT_FALSE(locks::blocking_info(q.watcher, 999999).found);

    // The tree: A -> B -> {C, D}.
    const auto tree = locks::blocking_tree(q.watcher);
    EXPECT_EQ(tree.nodes.size(), 4U);
    EXPECT_EQ(tree.roots, std::vector<int>{a_pid});
    EXPECT_EQ(tree.waiters.at(a_pid), std::vector<int>{b_pid});
    EXPECT_EQ(tree.waiters.at(b_pid).size(), 2U);
    const auto text = locks::render_blocking_tree_text(tree);
    EXPECT_EQ(text.rfind("pid " + std::to_string(a_pid) + " idle in transaction", 0), 0U) << text;
    EXPECT_NE(text.find("waits"), std::string::npos) << text;
    EXPECT_NE(text.find("app app-a"), std::string::npos) << text;
    EXPECT_NE(text.find("ALTER TABLE t ADD COLUMN x int"), std::string::npos) << text;
    const auto json = nlohmann::json::parse(locks::render_blocking_tree_json(tree));
    EXPECT_EQ(json["roots"][0]["pid"], a_pid);
    EXPECT_EQ(json["roots"][0]["state"], "idle in transaction");
    EXPECT_TRUE(json["roots"][0]["idle_in_transaction_ms"].is_number());
    EXPECT_EQ(json["roots"][0]["waiters"][0]["pid"], b_pid);
    EXPECT_EQ(json["roots"][0]["waiters"][0]["waiters"].size(), 2U);

    // Who stands in the way of an ACCESS EXCLUSIVE on t: A (granted ACCESS SHARE); not for ACCESS SHARE.
    const auto holders = locks::conflicting_holders(q.watcher, {"t", "no_such_table"}, locks::LockMode::access_exclusive);
    ASSERT_EQ(holders.size(), 1U);
    EXPECT_EQ(holders[0].pid, a_pid);
    EXPECT_EQ(holders[0].held_modes, std::vector<std::string>{"AccessShareLock on t"});
    EXPECT_TRUE(locks::conflicting_holders(q.watcher, {"t"}, locks::LockMode::access_share).empty());
    EXPECT_TRUE(locks::conflicting_holders(q.watcher, {"t"}, locks::LockMode::access_exclusive, a_pid).empty());

    const auto old = locks::old_transactions(q.watcher, 0ms);
    EXPECT_TRUE(std::any_of(old.begin(), old.end(), [&](const locks::Session& s) { return s.pid == a_pid; }));
    EXPECT_EQ(old.front().pid, a_pid) << "oldest first";
    EXPECT_TRUE(locks::old_transactions(q.watcher, 1h).empty());

    q.release();
    EXPECT_TRUE(locks::blocking_tree(q.watcher).empty());
}

TEST(LocksBlocking, PolicySelectsOnlyTheLongIdleBlockerAndTerminationUnblocks)
{
    LockQueue q;
    q.hold_idle_transaction();
    q.queue_alter_and_readers();
    const int a_pid = q.a.backend_pid();

    // Young idle transaction: below the threshold, not selected.
    auto info = locks::blocking_info(q.watcher, q.b.backend_pid());
    ASSERT_EQ(info.blockers.size(), 1U);
    EXPECT_FALSE(locks::should_terminate(info.blockers[0], locks::parse_terminate_policy("idle-in-transaction")));
    // The queued readers are active: never selected, whatever the threshold.
    for (const auto& queued : locks::queued_behind(q.watcher, q.b.backend_pid())) {
        locks::Blocker as_blocker;
        static_cast<locks::Session&>(as_blocker) = queued;
        EXPECT_FALSE(locks::should_terminate(as_blocker, locks::TerminatePolicy{1ms}));
    }
    std::this_thread::sleep_for(300ms);
    info = locks::blocking_info(q.watcher, q.b.backend_pid());
    ASSERT_EQ(info.blockers.size(), 1U);
    // The test's sessions are the cluster's superuser: spared unless the policy says otherwise.
    auto policy = locks::parse_terminate_policy("idle-in-transaction:200ms");
    ASSERT_TRUE(info.blockers[0].superuser);
    EXPECT_FALSE(info.blockers[0].other_database);
    EXPECT_FALSE(locks::should_terminate(info.blockers[0], policy).has_value()) << "a superuser's session was selected";
    EXPECT_FALSE(locks::terminate_blocker(q.watcher, a_pid, "spared", policy)) << "a superuser's session was terminated";
    policy.superusers = true;
    const auto reason = locks::should_terminate(info.blockers[0], policy);
    ASSERT_TRUE(reason.has_value());
    EXPECT_NE(reason->find("pid " + std::to_string(a_pid)), std::string::npos) << *reason;

    EXPECT_TRUE(locks::terminate_blocker(q.watcher, a_pid, *reason + " */ DROP TABLE t; /*", policy));
    // B gets its lock and finishes; C and D follow.
    std::optional<pg::Result> done;
    ASSERT_TRUE(wait_until([&] { return (done = q.b.wait(0ms)).has_value(); })) << "B still blocked";
    EXPECT_EQ(done->command_status(), "ALTER TABLE");
    q.release();
    EXPECT_EQ(q.watcher.exec("SELECT count(*) FROM t").get(0, 0), "2") << "the comment could not inject SQL";
    EXPECT_FALSE(locks::terminate_backend(q.watcher, a_pid, "gone already"));
}

TEST(LocksTerminate, ReasonCannotBreakOutOfItsComment)
{
    const auto conninfo = testkit::fresh_database();
    auto admin = pg::Connection::connect(conninfo, "admin");
    for (const char* reason : {"*/ SELECT 1; /*", "/* nested", "a /*/ b */ */", "*", "/"}) {
        auto victim = pg::Connection::connect(conninfo, "victim");
        EXPECT_TRUE(locks::terminate_backend(admin, victim.backend_pid(), reason)) << reason;
    }
}

TEST(LocksBlocking, ConflictingHoldersFollowTheMatrix)
{
    const auto conninfo = testkit::fresh_database();
    auto watcher = pg::Connection::connect(conninfo, "watcher");
    auto writer = pg::Connection::connect(conninfo, "writer");
    watcher.exec("CREATE TABLE t (id int); CREATE TABLE u (id int)");
    const auto u_oid = std::string(watcher.exec("SELECT 'u'::regclass::oid").get(0, 0));
    writer.exec("BEGIN; INSERT INTO t VALUES (1); LOCK TABLE u IN SHARE MODE;");
    // CREATE INDEX (SHARE) waits for the writer's ROW EXCLUSIVE; CREATE INDEX CONCURRENTLY's
    // SHARE UPDATE EXCLUSIVE does not.
    auto holders = locks::conflicting_holders(watcher, {"t"}, locks::LockMode::share);
    ASSERT_EQ(holders.size(), 1U);
    EXPECT_EQ(holders[0].pid, writer.backend_pid());
    EXPECT_EQ(holders[0].held_modes, std::vector<std::string>{"RowExclusiveLock on t"});
    EXPECT_TRUE(locks::conflicting_holders(watcher, {"t"}, locks::LockMode::share_update_exclusive).empty());
    // Several relations (one by oid): one holder, each conflicting lock listed.
    holders = locks::conflicting_holders(watcher, {"public.t", u_oid}, locks::LockMode::row_exclusive);
    ASSERT_EQ(holders.size(), 1U);
    EXPECT_EQ(holders[0].held_modes, std::vector<std::string>{"ShareLock on u"}) << "ROW EXCLUSIVE vs ROW EXCLUSIVE is fine";
    holders = locks::conflicting_holders(watcher, {"t", "u"}, locks::LockMode::access_exclusive);
    ASSERT_EQ(holders.size(), 1U);
    EXPECT_EQ(holders[0].held_modes.size(), 2U);
    EXPECT_EQ(holders[0].state, "idle in transaction");
    EXPECT_TRUE(locks::conflicting_holders(watcher, {"\"weird\"\"name", "99999999", "99999999999999"}, locks::LockMode::access_exclusive).empty());
    writer.exec("COMMIT");
    EXPECT_TRUE(locks::conflicting_holders(watcher, {"t", "u"}, locks::LockMode::access_exclusive).empty());
}

TEST(LocksBlocking, RowLockWaitNamesTheTransactionHolder)
{
    const auto conninfo = testkit::fresh_database();
    auto watcher = pg::Connection::connect(conninfo, "watcher");
    auto a = pg::Connection::connect(conninfo, "app-a");
    auto b = pg::Connection::connect(conninfo, "app-b");
    watcher.exec("CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 0)");
    a.exec("BEGIN; UPDATE t SET v = 1 WHERE id = 1;");
    b.send("UPDATE t SET v = 2 WHERE id = 1");
    ASSERT_TRUE(wait_until([&] { return waits_on_lock(watcher, b.backend_pid()); }));
    const auto info = locks::blocking_info(watcher, b.backend_pid());
    ASSERT_TRUE(info.lock.has_value());
    EXPECT_EQ(info.lock->locktype, "transactionid");
    EXPECT_EQ(info.lock->mode, "ShareLock");
    EXPECT_EQ(info.lock->describe().rfind("ShareLock on transaction ", 0), 0U) << info.lock->describe();
    ASSERT_EQ(info.blockers.size(), 1U);
    EXPECT_EQ(info.blockers[0].pid, a.backend_pid());
    EXPECT_EQ(info.blockers[0].held_modes, std::vector<std::string>{"ExclusiveLock"});
    a.exec("COMMIT");
    while (!b.wait(100ms)) {
    }
}

TEST(LocksWatch, ReportsBlockersAndTheirDepartureWithinAFewHundredMs)
{
    LockQueue q;
    std::mutex mutex;
    std::vector<std::pair<std::chrono::steady_clock::time_point, locks::WatchSnapshot>> changes;
    locks::WatchOptions options;
    options.queued_alert = 2;
    locks::LockWatch watch(
        q.conninfo, q.b.backend_pid(),
        [&](const locks::WatchSnapshot& snapshot) {
            const std::lock_guard lock(mutex);
            changes.emplace_back(std::chrono::steady_clock::now(), snapshot);
        },
        options);
    const auto first = watch.wait_for_poll(0, 2s);
    EXPECT_GE(first.sequence, 1U);
    EXPECT_TRUE(first.found);
    EXPECT_FALSE(first.waiting);
    EXPECT_TRUE(first.error.empty()) << first.error;

    q.hold_idle_transaction();
    const auto sent = std::chrono::steady_clock::now();
    q.b.send("ALTER TABLE t ADD COLUMN x int");
    const auto change_count = [&] {
        const std::lock_guard lock(mutex);
        return changes.size();
    };
    ASSERT_TRUE(wait_until([&] { return change_count() >= 1; }, 3s));
    {
        const std::lock_guard lock(mutex);
        const auto& [when, snapshot] = changes[0];
        EXPECT_LT(when - sent, 800ms) << "the watch saw the wait late";
        EXPECT_TRUE(snapshot.waiting);
        EXPECT_EQ(snapshot.blocker_pids(), std::vector<int>{q.a.backend_pid()});
        ASSERT_TRUE(snapshot.lock.has_value());
        EXPECT_EQ(snapshot.lock->mode, "AccessExclusiveLock");
        const auto json = nlohmann::json::parse(snapshot.to_json());
        EXPECT_EQ(json["blockers"][0]["state"], "idle in transaction");
        EXPECT_EQ(json["blockers"][0]["held"][0], "AccessShareLock");
    }
    // Two readers queue behind: the alert threshold fires a change with the queue in it.
    q.c.send("SELECT * FROM t");
    q.d.send("SELECT * FROM t");
    ASSERT_TRUE(wait_until([&] { return change_count() >= 2; }, 3s));
    {
        const std::lock_guard lock(mutex);
        EXPECT_EQ(changes[1].second.queued.size(), 2U);
    }
    EXPECT_EQ(watch.snapshot().queued.size(), 2U);

    const auto released = std::chrono::steady_clock::now();
    ASSERT_TRUE(locks::terminate_backend(q.watcher, q.a.backend_pid(), "test"));
    ASSERT_TRUE(wait_until(
        [&] {
            const std::lock_guard lock(mutex);
            return !changes.empty() && !changes.back().second.waiting;
        },
        3s));
    {
        const std::lock_guard lock(mutex);
        EXPECT_LT(changes.back().first - released, 800ms);
        EXPECT_TRUE(changes.back().second.blockers.empty());
    }
    q.release();
    watch.stop();
    watch.stop();
    const auto last = watch.snapshot().sequence;
    std::this_thread::sleep_for(250ms);
    EXPECT_EQ(watch.snapshot().sequence, last) << "no polls after stop()";
}

TEST(LocksWatch, SurvivesItsConnectionBeingTerminated)
{
    const auto conninfo = testkit::fresh_database();
    auto admin = pg::Connection::connect(conninfo, "admin");
    auto target = pg::Connection::connect(conninfo, "target");
    locks::LockWatch watch(conninfo, target.backend_pid());
    ASSERT_TRUE(watch.wait_for_poll(0, 2s).found);
    admin.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'lockwise-watch'");
    ASSERT_TRUE(wait_until([&] { return !watch.snapshot().error.empty(); }, 3s)) << "the failed poll is reported";
    ASSERT_TRUE(wait_until([&] { return watch.snapshot().error.empty() && watch.snapshot().found; }, 5s))
        << "the watch reconnects";
}
