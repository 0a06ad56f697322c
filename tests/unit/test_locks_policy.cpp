// locks' names for the lock modes (core's table, checked against the manual in test_core_lock_mode),
// the terminate policy (parser and decision), the blocking tree's linking and rendering on
// hand-built sessions, and JSON escaping.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "lockwise/core/error.hpp"
#include "lockwise/locks/json_text.hpp"
#include "lockwise/locks/lock_mode.hpp"
#include "lockwise/locks/terminate.hpp"
#include "lockwise/locks/tree.hpp"

using namespace lockwise;
using namespace lockwise::locks;
using namespace std::chrono_literals;

TEST(LocksMatrix, ConflictingModesAndNames)
{
    const auto modes = conflicting_modes(LockMode::share);
    ASSERT_EQ(modes.size(), 5U);
    EXPECT_EQ(modes.front(), LockMode::row_exclusive);
    EXPECT_EQ(conflicting_modes(LockMode::access_share), std::vector<LockMode>{LockMode::access_exclusive});
    EXPECT_EQ(conflicting_modes(LockMode::access_exclusive).size(), 8U);
    EXPECT_EQ(parse_lock_mode("AccessExclusiveLock"), LockMode::access_exclusive);
    EXPECT_EQ(parse_lock_mode("SHARE UPDATE EXCLUSIVE"), LockMode::share_update_exclusive);
    EXPECT_EQ(parse_lock_mode("row_exclusive"), LockMode::row_exclusive);
    EXPECT_EQ(parse_lock_mode("ShareLock"), LockMode::share);
    EXPECT_FALSE(parse_lock_mode("SuperLock").has_value());
    EXPECT_FALSE(parse_lock_mode("").has_value());
    for (auto mode : k_all_lock_modes) {
        EXPECT_EQ(parse_lock_mode(pg_locks_name(mode)), mode);
        EXPECT_EQ(parse_lock_mode(sql_name(mode)), mode);
    }
}

TEST(LocksTerminate, ParsesPolicies)
{
    EXPECT_EQ(parse_terminate_policy("idle-in-transaction").min_idle, 30s);
    EXPECT_EQ(parse_terminate_policy("idle-in-transaction:45s").min_idle, 45s);
    EXPECT_EQ(parse_terminate_policy("idle-in-transaction:500ms").min_idle, 500ms);
    EXPECT_EQ(parse_terminate_policy("idle-in-transaction:1m30s").min_idle, 90s);
    EXPECT_EQ(parse_terminate_policy("idle-in-transaction:2h").min_idle, 2h);
    for (const char* bad : {"", "active", "all", "idle-in-transaction:", "idle-in-transaction:30",
                            "idle-in-transaction:-5s", "idle-in-transaction:5 s", "idle-in-transaction:0s",
                            "idle-in-transactions", "idle-in-transaction:30x"}) {
        try {
            (void)parse_terminate_policy(bad);
            ADD_FAILURE() << "accepted \"" << bad << "\"";
        } catch (const core::Error& error) {
            EXPECT_EQ(error.code(), core::ExitCode::usage);
            EXPECT_NE(std::string(error.what()).find(bad), std::string::npos) << error.what();
            EXPECT_NE(error.hint().find("idle-in-transaction:30s"), std::string::npos);
        }
    }
}

TEST(LocksTerminate, OverflowingDurationsAreRefusedNamingTheMaximum)
{
    // 2562047788016h * 3600000 wraps a 64-bit count to a negative number, which once passed the
    // zero check and would have terminated every idle-in-transaction blocker at once.
    for (const char* bad : {"idle-in-transaction:2562047788016h", "idle-in-transaction:99999999999999999999999ms",
                            "idle-in-transaction:597h", "idle-in-transaction:2147483648ms",
                            "idle-in-transaction:596h31m24s"}) {
        try {
            (void)parse_terminate_policy(bad);
            ADD_FAILURE() << "accepted \"" << bad << "\"";
        } catch (const core::Error& error) {
            EXPECT_NE(std::string(error.what()).find("too large: the largest is 2147483647ms"), std::string::npos)
                << error.what();
        }
    }
    EXPECT_EQ(parse_terminate_policy("idle-in-transaction:2147483647ms").min_idle, 2147483647ms);
    EXPECT_EQ(parse_terminate_policy("idle-in-transaction:596h31m23s647ms").min_idle, 2147483647ms);
    bool too_large = false;
    EXPECT_FALSE(parse_duration("9223372036854775807h", too_large).has_value());
    EXPECT_TRUE(too_large);
    EXPECT_FALSE(parse_duration("1h1x", too_large).has_value());
    EXPECT_FALSE(too_large);
}

namespace {

Blocker blocker(std::string state, std::optional<Millis> state_age, std::string backend_type = "client backend")
{
    Blocker result;
    result.pid = 4242;
    result.user = "app";
    result.application = "api";
    result.state = std::move(state);
    result.state_age = state_age;
    result.backend_type = std::move(backend_type);
    return result;
}

} // namespace

TEST(LocksTerminate, OnlyLongIdleTransactionsOfClients)
{
    const TerminatePolicy policy{30s};
    const auto reason = should_terminate(blocker("idle in transaction", 45s), policy);
    ASSERT_TRUE(reason.has_value());
    EXPECT_EQ(*reason, "pid 4242 (user app, application api) has been idle in transaction for 45.0s "
                       "(policy: at least 30.0s) and blocks lockwise");
    EXPECT_TRUE(should_terminate(blocker("idle in transaction (aborted)", 31s), policy).has_value());
    EXPECT_TRUE(should_terminate(blocker("idle in transaction", 30s), policy).has_value()) << "at the threshold";
    EXPECT_FALSE(should_terminate(blocker("idle in transaction", 29999ms), policy).has_value());
    EXPECT_FALSE(should_terminate(blocker("active", 10min), policy).has_value()) << "never an active session";
    EXPECT_FALSE(should_terminate(blocker("idle", 10min), policy).has_value());
    EXPECT_FALSE(should_terminate(blocker("idle in transaction", std::nullopt), policy).has_value());
    EXPECT_FALSE(should_terminate(blocker("idle in transaction", 10min, "autovacuum worker"), policy).has_value());
    EXPECT_FALSE(should_terminate(blocker("", 10min, "walsender"), policy).has_value());
}

TEST(LocksTerminate, SuperusersAndOtherDatabasesOnlyWithTheirOwnOptIn)
{
    TerminatePolicy policy;
    policy.min_idle = 30s;
    auto dba = blocker("idle in transaction", 10min);
    dba.superuser = true;
    auto elsewhere = blocker("idle in transaction", 10min);
    elsewhere.other_database = true;
    EXPECT_FALSE(should_terminate(dba, policy).has_value()) << "a superuser's session by the policy alone";
    EXPECT_FALSE(should_terminate(elsewhere, policy).has_value()) << "another database's session by the policy alone";
    policy.superusers = true;
    EXPECT_TRUE(should_terminate(dba, policy).has_value());
    EXPECT_FALSE(should_terminate(elsewhere, policy).has_value()) << "one opt-in does not imply the other";
    policy.other_databases = true;
    EXPECT_TRUE(should_terminate(elsewhere, policy).has_value());
}

namespace {

TreeNode node(int pid, std::string state, std::vector<int> blocked_by, std::string query)
{
    TreeNode result;
    result.pid = pid;
    result.state = std::move(state);
    result.backend_type = "client backend";
    result.user = "u";
    result.state_age = 12300ms;
    result.xact_age = 12500ms;
    result.query = std::move(query);
    result.blocked_by = std::move(blocked_by);
    if (!result.blocked_by.empty()) {
        result.lock = LockDescription{"relation", "AccessExclusiveLock", "t", "", 2900ms};
    }
    return result;
}

} // namespace

TEST(LocksTree, LinksRendersTextAndJson)
{
    BlockingTree tree;
    for (auto n : {node(10, "idle in transaction", {}, "SELECT * FROM t"),
                   node(20, "active", {10}, "ALTER TABLE t ADD COLUMN x int"),
                   node(31, "active", {20}, "SELECT \"q\" FROM t"), node(30, "active", {20}, "SELECT 1 FROM t")}) {
        tree.nodes.emplace(n.pid, n);
    }
    link_blocking_tree(tree);
    EXPECT_EQ(tree.roots, std::vector<int>{10});
    EXPECT_EQ(tree.waiters[20], (std::vector<int>{30, 31}));
    const auto text = render_blocking_tree_text(tree);
    EXPECT_EQ(text,
              "pid 10 idle in transaction 12.3s  xact 12.5s  user u\n"
              "\u2502  query: SELECT * FROM t\n"
              "\u2514\u2500 pid 20 active 12.3s  xact 12.5s  user u  waits 2.9s for AccessExclusiveLock on relation t\n"
              "   \u2502  query: ALTER TABLE t ADD COLUMN x int\n"
              "   \u251c\u2500 pid 30 active 12.3s  xact 12.5s  user u  waits 2.9s for AccessExclusiveLock on relation t\n"
              "   \u2502     query: SELECT 1 FROM t\n"
              "   \u2514\u2500 pid 31 active 12.3s  xact 12.5s  user u  waits 2.9s for AccessExclusiveLock on relation t\n"
              "         query: SELECT \"q\" FROM t\n");
    const auto json = nlohmann::json::parse(render_blocking_tree_json(tree));
    EXPECT_EQ(json["sessions"], 4);
    ASSERT_EQ(json["roots"].size(), 1U);
    EXPECT_EQ(json["roots"][0]["pid"], 10);
    EXPECT_EQ(json["roots"][0]["idle_in_transaction_ms"], 12300);
    EXPECT_TRUE(json["roots"][0]["wait"].is_null());
    EXPECT_EQ(json["roots"][0]["waiters"][0]["wait"]["mode"], "AccessExclusiveLock");
    EXPECT_EQ(json["roots"][0]["waiters"][0]["waiters"].size(), 2U);
    EXPECT_EQ(json["roots"][0]["waiters"][0]["waiters"][1]["query"], "SELECT \"q\" FROM t");
}

TEST(LocksTree, CyclesAndEmptyTreesTerminate)
{
    BlockingTree tree;
    for (auto n : {node(1, "active", {2}, "a"), node(2, "active", {1}, "b")}) {
        tree.nodes.emplace(n.pid, n);
    }
    link_blocking_tree(tree);
    EXPECT_EQ(tree.roots, std::vector<int>{1});
    const auto text = render_blocking_tree_text(tree);
    EXPECT_NE(text.find("cycle"), std::string::npos) << text;
    EXPECT_TRUE(nlohmann::json::accept(render_blocking_tree_json(tree)));
    EXPECT_EQ(render_blocking_tree_text(BlockingTree{}), "no session is waiting for a lock\n");
    EXPECT_EQ(render_blocking_tree_json(BlockingTree{}), R"({"sessions":0,"roots":[]})");
}

TEST(LocksJson, EscapesEverything)
{
    // Control bytes other than newline and tab are made visible (report::sanitize) before escaping.
    EXPECT_EQ(json_string("a\"b\\c\nd\te\x01"), R"("a\"b\\c\nd\te\\x01")");
    EXPECT_EQ(json_string("ALTER ROLE x PASSWORD 'pw'"), R"("ALTER ROLE x PASSWORD '***'")");
    EXPECT_EQ(json_string("caf\xC3\xA9"), "\"caf\xC3\xA9\"");
    EXPECT_EQ(json_string("bad\xFF"), "\"bad\xEF\xBF\xBD\"");
    EXPECT_TRUE(nlohmann::json::accept(json_string("\xC3(\x80 \xF0\x9F\x98\x80")));
    EXPECT_EQ(json_millis(std::nullopt), "null");
}

TEST(LocksDuration, Parses)
{
    EXPECT_EQ(parse_duration("250ms"), 250ms);
    EXPECT_EQ(parse_duration("2min"), 2min);
    EXPECT_FALSE(parse_duration("ms").has_value());
    EXPECT_FALSE(parse_duration("10").has_value());
}

TEST(LocksJsonString, OverlongFormsAndSurrogatesBecomeReplacementCharacters)
{
    // Found by fuzz_locks_json_string: E0 93 96 is an overlong form that JSON parsers refuse.
    for (const std::string bad : {"\xE0\x93\x96", "\xED\xA0\x80", "\xF0\x80\x80\x80", "\xF4\x90\x80\x80"}) {
        const auto literal = lockwise::locks::json_string("a" + bad + "b");
        const auto parsed = nlohmann::json::parse(literal, nullptr, false);
        ASSERT_FALSE(parsed.is_discarded()) << literal;
        EXPECT_EQ(parsed.get<std::string>().find("\xEF\xBF\xBD"), 1u) << literal;
    }
    EXPECT_EQ(lockwise::locks::json_string("\xE2\x82\xAC"), "\"\xE2\x82\xAC\""); // a valid euro sign stays
}
