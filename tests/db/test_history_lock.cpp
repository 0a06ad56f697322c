// The runner lock with real concurrent sessions: one holder at a time, the next
// one gets it on release or when the holder's connection dies, ten contenders take turns.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "lockwise/core/error.hpp"
#include "lockwise/history/runner_lock.hpp"
#include "support/testing.hpp"

using namespace lockwise;
using namespace std::chrono_literals;

TEST(RunnerLock, SecondRunnerWaitsSeesTheHolderAndGetsItAfterRelease)
{
    const auto conninfo = testkit::fresh_database();
    auto first = pg::Connection::connect(conninfo, "runner-one");
    auto second = pg::Connection::connect(conninfo, "runner-two");
    history::RunnerLock lock_one;
    history::RunnerLock lock_two;
    ASSERT_TRUE(lock_one.acquire(first, 0ms));
    EXPECT_TRUE(lock_one.held());

    std::vector<history::LockHolder> seen;
    int calls = 0;
    const auto started = pg::Clock::now();
    EXPECT_FALSE(lock_two.acquire(second, 400ms, [&](const auto& holders, std::chrono::milliseconds) {
        seen = holders;
        ++calls;
    }));
    const auto waited = pg::Clock::now() - started;
    EXPECT_GE(waited, 400ms);
    EXPECT_LT(waited, 2s);
    EXPECT_FALSE(lock_two.held());
    EXPECT_EQ(calls, 1) << "reported once, then at most once per second";
    ASSERT_EQ(seen.size(), 1U);
    EXPECT_EQ(seen[0].pid, first.backend_pid());
    EXPECT_EQ(seen[0].application_name, "runner-one");
    EXPECT_EQ(seen[0].state, "idle") << "the holder is idle, outside any transaction";
    EXPECT_FALSE(seen[0].since.empty());
    EXPECT_FALSE(second.in_transaction());

    lock_one.release();
    EXPECT_FALSE(lock_one.held());
    EXPECT_TRUE(lock_two.acquire(second, 2s));
    EXPECT_EQ(history::runner_lock_holders(first, lock_two.key()).at(0).pid, second.backend_pid());
}

TEST(RunnerLock, DiesWithItsSession)
{
    const auto conninfo = testkit::fresh_database();
    auto holder = std::make_unique<pg::Connection>(pg::Connection::connect(conninfo));
    auto waiter = pg::Connection::connect(conninfo);
    auto admin = pg::Connection::connect(conninfo);
    history::RunnerLock held;
    ASSERT_TRUE(held.acquire(*holder, 0ms));

    history::RunnerLock waiting;
    EXPECT_FALSE(waiting.acquire(waiter, 0ms));
    admin.exec_params("SELECT pg_terminate_backend($1::int)", {std::to_string(holder->backend_pid())});
    EXPECT_TRUE(waiting.acquire(waiter, 5s)) << "a terminated holder frees the lock";
    EXPECT_NO_THROW(held.release()) << "releasing on a dead connection is not an error";
    waiting.release();

    // A runner whose connection closes without unlocking frees it too.
    auto quitter = pg::Connection::connect(conninfo);
    history::RunnerLock abandoned;
    ASSERT_TRUE(abandoned.acquire(quitter, 0ms));
    { auto closing = std::move(quitter); } // closes the session; quitter is left empty
    EXPECT_NO_THROW(abandoned.release());
    history::RunnerLock after;
    EXPECT_TRUE(after.acquire(waiter, 5s));
}

TEST(RunnerLock, TenContendersTakeTurns)
{
    const auto conninfo = testkit::fresh_database();
    constexpr int k_runners = 10;
    std::atomic<int> inside{0};
    std::atomic<int> overlaps{0};
    std::atomic<int> acquired{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < k_runners; ++i) {
        threads.emplace_back([&, i] {
            auto connection = pg::Connection::connect(conninfo, "runner-" + std::to_string(i));
            history::RunnerLock lock;
            if (!lock.acquire(connection, 30s, {}, 20ms)) {
                return;
            }
            ++acquired;
            if (inside.fetch_add(1) != 0) {
                ++overlaps;
            }
            std::this_thread::sleep_for(30ms);
            inside.fetch_sub(1);
            lock.release();
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(acquired.load(), k_runners);
    EXPECT_EQ(overlaps.load(), 0);
}

TEST(RunnerLock, KeysAreStablePerLocationAndIndependent)
{
    EXPECT_EQ(history::runner_lock_key({}), history::runner_lock_key({"lockwise", "schema_history"}));
    EXPECT_NE(history::runner_lock_key({}), history::runner_lock_key({"other", "schema_history"}));
    const auto conninfo = testkit::fresh_database();
    auto a = pg::Connection::connect(conninfo);
    auto b = pg::Connection::connect(conninfo);
    history::RunnerLock default_lock;
    history::RunnerLock other_lock(history::HistoryLocation{"other", "schema_history"});
    EXPECT_TRUE(default_lock.acquire(a, 0ms));
    EXPECT_TRUE(other_lock.acquire(b, 0ms)) << "another history location is another lock";

    auto c = pg::Connection::connect(conninfo);
    c.exec("BEGIN");
    history::RunnerLock in_transaction;
    EXPECT_THROW(in_transaction.acquire(c, 0ms), core::Error);
}
