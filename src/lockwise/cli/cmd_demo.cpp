// `lockwise demo`: the seed scenario end to end on a throwaway PostgreSQL: migration 35,
// seed data, the application load, then migration 36 rehearsed under that load.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <atomic>
#include <csignal>
#include <memory>

#include "lockwise/cli/commands.hpp"
#include "lockwise/cli/lint_gate.hpp"
#include "lockwise/cli/rehearsal_flags.hpp"
#include "lockwise/core/error.hpp"
#include "lockwise/impact/output.hpp"
#include "lockwise/impact/rehearsal.hpp"
#include "lockwise/load/seed.hpp"
#include "lockwise/load/workload.hpp"
#include "lockwise/pg/throwaway_cluster.hpp"
#include "lockwise/report/step_progress.hpp"

namespace lockwise::cli {
namespace {

std::atomic<bool> g_demo_stop{false};
struct sigaction g_previous_sigint {};
struct sigaction g_previous_sigterm {};

// First signal: stop at the next checkpoint (the runner and the load wind down, the cluster's
// destructor removes it). Second: hand over to the previous handler (the cluster's emergency cleanup).
void request_demo_stop(int signal_number)
{
    if (!g_demo_stop.exchange(true)) {
        return;
    }
    sigaction(signal_number, signal_number == SIGINT ? &g_previous_sigint : &g_previous_sigterm, nullptr);
    raise(signal_number);
}

void install_demo_handlers()
{
    struct sigaction action {};
    action.sa_handler = request_demo_stop;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &g_previous_sigint);
    sigaction(SIGTERM, &action, &g_previous_sigterm);
}

void stop_point()
{
    if (g_demo_stop.load()) {
        throw core::Error(core::ExitCode::interrupted, "demo interrupted", "The throwaway cluster was removed.");
    }
}

} // namespace

void add_demo_command(CLI::App& app, CommandTable& table)
{
    auto* command = app.add_subcommand(
        "demo", "Run the seed scenario on a throwaway PostgreSQL: migration 36 under an application load, with its impact report");
    struct Options {
        long long scale = 20000;
        RehearsalFlags shared; // --clients, --rate, --baseline, --tail, --exec, --report, --json
        std::string examples;
        bool blocker = false;
        std::string blocker_hold = "8s";
        std::string terminate_blockers;
        std::string pg_bindir;
    };
    auto options = std::make_shared<Options>();
    options->shared.rate = 200;
    options->shared.baseline = "3s";
    command->add_option("--leads,--scale", options->scale, "leads to load (default 20000; tenants are Zipf-skewed)")
        ->check(CLI::Range(100LL, 100'000'000LL));
    add_load_flags(*command, options->shared, "transactions", "");
    command->add_option("--examples", options->examples,
                        "the seed scenario directory (migrations/ and workload.sql); default ./examples, then next to the binary");
    command->add_flag("--blocker", options->blocker,
                      "a session reads leads and stays idle in transaction while the migration starts");
    command->add_option("--blocker-hold", options->blocker_hold, "how long the blocker stays idle in transaction (default 8s)");
    command->add_option("--terminate-blockers", options->terminate_blockers,
                        "passed to the runner, e.g. idle-in-transaction:5s (terminates the --blocker session)");
    command->add_option("--pg-bindir", options->pg_bindir,
                        "PostgreSQL server binaries to run (initdb, pg_ctl, postgres; 13 to 17), e.g. one that "
                        "`./dev.sh pg 17` installed; default Debian's PostgreSQL 15 (or LOCKWISE_PG_BINDIR)");
    add_output_flags(*command, options->shared);
    command->footer("Needs PostgreSQL server binaries (initdb, pg_ctl): Debian's 15, or --pg-bindir. Nothing outside the temporary cluster is touched;\n"
                    "the cluster is removed at the end, on errors and on Ctrl-C. See docs/demo.md.");
    table[command] = [options](Context& context) {
        auto& log = context.log();
        impact::RehearsalOptions rehearsal;
        apply_load_flags(options->shared, rehearsal);
        const auto hold = parse_flag_duration(options->blocker_hold, "--blocker-hold");
        const auto explicit_examples =
            options->examples.empty() ? std::nullopt : std::optional<std::filesystem::path>(options->examples);
        const auto examples = impact::find_examples(explicit_examples);
        if (!examples) {
            std::string looked;
            for (const auto& candidate : impact::examples_candidates(explicit_examples)) {
                looked += fmt::format("\n  {}", candidate.string());
            }
            throw core::Error(core::ExitCode::usage,
                              options->examples.empty()
                                  ? fmt::format("cannot find the seed scenario (examples/ with migrations/ and workload.sql); "
                                                "looked in:{}", looked)
                                  : fmt::format("--examples {}: no migrations/ and workload.sql there", options->examples),
                              "Install lockwise (its package puts them in share/lockwise/examples), run it from the "
                              "repository root, or pass --examples DIR.");
        }
        log.info(fmt::format("seed scenario: {}", examples->string()));
        auto& config = context.config();
        config.set_from_flag("migrations.dir", (*examples / "migrations").string(), "--examples");
        if (!options->terminate_blockers.empty()) {
            config.set_from_flag("runner.terminate_blockers", options->terminate_blockers, "--terminate-blockers");
        }
        const auto catalog = context.load_catalog();
        const auto plans = context.plan_all(catalog);
        auto workload = load::load_workload(*examples / "workload.sql");

        pg::ThrowawayCluster::Options cluster_options;
        cluster_options.bindir = options->pg_bindir;
        pg::ThrowawayCluster cluster(cluster_options);
        log.info(fmt::format("started a throwaway PostgreSQL {} cluster ({})", cluster.major_version(), cluster.bindir()));
        install_demo_handlers();
        const auto conninfo = cluster.conninfo("postgres");

        run::RunnerOptions runner;
        runner.conninfo = conninfo;
        runner.history = context.history_location();
        runner.terminate_blockers = config.get("runner.terminate_blockers");
        runner.stop_requested = &g_demo_stop;
        runner.target = catalog::Version::parse("35");
        // Announcements whose outcome gets its own line are detail on a terminal (shown at -v).
        const auto announce = report::StepProgress::detail_level(log, report::Level::info);
        log.event(announce, "message", "applying migration 35 (the base schema) with the runner");
        run::migrate(catalog, plans, runner, log);
        stop_point();

        load::ScaleOptions scale;
        scale.leads = options->scale;
        {
            auto connection = pg::Connection::connect(conninfo, "lockwise-demo-seed");
            log.event(announce, "message", fmt::format("loading the seed data: {} leads", scale.leads));
            const auto seeded = load::load_data(connection, scale);
            log.info(fmt::format("loaded {} tenants, {} leads, {} calls in {:.1f} s", seeded.tenants, seeded.leads, seeded.calls,
                                 static_cast<double>(seeded.elapsed.count()) / 1000.0));
            lint_and_refuse(catalog, lint_context(&connection), {}, log);
            // The blocker is an application's session, not the superuser's: --terminate-blockers
            // spares superusers' sessions.
            connection.exec("CREATE ROLE demo_app LOGIN NOSUPERUSER; GRANT SELECT ON leads TO demo_app");
        }
        stop_point();

        rehearsal.load.conninfo = conninfo;
        rehearsal.runner = runner;
        rehearsal.runner.target.reset();
        std::unique_ptr<impact::IdleBlocker> blocker;
        if (options->blocker) {
            rehearsal.before_migration = [&] {
                blocker = std::make_unique<impact::IdleBlocker>(conninfo + " user=demo_app",
                                                                "SELECT id, status FROM leads WHERE id = 1", hold);
                log.warn(fmt::format("blocker: session pid {} ran BEGIN; SELECT ... FROM leads and is now idle in transaction "
                                     "(it holds ACCESS SHARE on leads for {:.0f} s unless terminated)",
                                     blocker->backend_pid(), static_cast<double>(hold.count()) / 1000.0));
            };
        }
        auto result = impact::rehearse(catalog, plans, std::move(workload), rehearsal, log);
        if (blocker) {
            blocker->stop();
            log.info(fmt::format("blocker: session pid {} {}", blocker->backend_pid(), blocker->outcome()));
        }
        result.report.title = fmt::format("lockwise demo: migration 36 on {} leads{}", scale.leads,
                                          options->blocker ? " with an idle-in-transaction blocker" : "");
        const int status = impact::emit(result, output_options(options->shared), [](const std::string& text) { print(text); },
                                        [](const nlohmann::json& json) { print_json(json); }, log);
        log.info("removing the throwaway cluster");
        return status;
    };
}

} // namespace lockwise::cli
