// Session names "lockwise/<run-id>/<role>": what a later run and `lockwise locks` read back.
#include <gtest/gtest.h>

#include <set>

#include "lockwise/locks/session_name.hpp"

using namespace lockwise::locks;

TEST(SessionName, RoundTrips)
{
    const auto run = new_run_id();
    EXPECT_EQ(run.size(), 12u);
    const auto name = session_name(run, k_role_backfill);
    EXPECT_EQ(name, "lockwise/" + run + "/backfill");
    EXPECT_LE(name.size(), 63u) << "PostgreSQL truncates application_name to 63 bytes";
    const auto parsed = parse_session_name(name);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->run_id, run);
    EXPECT_EQ(parsed->role, "backfill");
}

TEST(SessionName, OtherNamesAreNotLockwiseSessions)
{
    for (const char* name : {"", "lockwise", "lockwise runner lock", "lockwise/", "lockwise/abc", "lockwise/abc/", "lockwise//work",
                             "lockwise/a/b/c", "psql", "lockwise-watch"}) {
        EXPECT_FALSE(parse_session_name(name)) << name;
    }
}

TEST(SessionName, RunIdsDiffer)
{
    std::set<std::string> ids;
    for (int i = 0; i < 100; ++i) {
        ids.insert(new_run_id());
    }
    EXPECT_EQ(ids.size(), 100u);
}
