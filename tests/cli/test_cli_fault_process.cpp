// Fault injection (label `fault`): `lockwise migrate` SIGKILLed, its backends terminated,
// or its table locked by a competing session at a random moment; a rerun must end with the
// schema, data and history of a clean run. One cluster, so the server restart has its own binary.
#include "test_cli_fault_support.hpp"

namespace lockwise::testkit::fault {
namespace {

const std::vector<Fault> k_faults = {Fault::kill_lockwise, Fault::terminate_backends, Fault::competing_lock};

TEST(FaultProcess, SeedScenarioSurvivesEveryFault)
{
    TempDir dir;
    Trials trials(seed_scenario(cluster(), dir), cluster());
    trials.clean_run();
    const auto tally = run_trials(trials, k_faults, 36, 1000, "test_cli_fault_process (seed)");
    EXPECT_EQ(tally.divergences, 0);
}

TEST(FaultProcess, SyntheticScenarioSurvivesEveryFault)
{
    Trials trials(synthetic_scenario(cluster()), cluster());
    trials.clean_run();
    const auto tally = run_trials(trials, k_faults, 36, 2000, "test_cli_fault_process (synthetic)");
    EXPECT_EQ(tally.divergences, 0);
}

} // namespace
} // namespace lockwise::testkit::fault
