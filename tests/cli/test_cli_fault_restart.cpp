// Fault injection (label `fault`): a fast restart of PostgreSQL at a random moment of
// `lockwise migrate`. A restart hits every database of the cluster, so these trials have
// their own binary (and cluster); a rerun must end as a clean run does.
#include "test_cli_fault_support.hpp"

namespace lockwise::testkit::fault {
namespace {

TEST(FaultRestart, SeedScenarioSurvivesServerRestart)
{
    TempDir dir;
    Trials trials(seed_scenario(cluster(), dir), cluster());
    trials.clean_run();
    const auto tally = run_trials(trials, {Fault::restart_server}, 15, 3000, "test_cli_fault_restart (seed)");
    EXPECT_EQ(tally.divergences, 0);
}

TEST(FaultRestart, SyntheticScenarioSurvivesServerRestart)
{
    Trials trials(synthetic_scenario(cluster()), cluster());
    trials.clean_run();
    const auto tally = run_trials(trials, {Fault::restart_server}, 15, 4000, "test_cli_fault_restart (synthetic)");
    EXPECT_EQ(tally.divergences, 0);
}

} // namespace
} // namespace lockwise::testkit::fault
