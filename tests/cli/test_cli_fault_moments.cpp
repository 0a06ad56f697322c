// Fault injection at chosen moments (label `fault`, docs/reliability.md): `lockwise migrate` is
// SIGKILLed while its work session is in the middle of a bulk INSERT after CREATE TABLE (serial
// and identity columns), of a CREATE INDEX CONCURRENTLY, of a backfill batch, or of a DDL
// statement waiting for its lock; the rerun starts at once (no sleep), finds the killed run's
// backend still working and must end it first. Schema (pg_dump -s), per-table row counts and
// checksums, and history must equal a clean run's.
//
// LOCKWISE_FAULT_TRIALS=<n> sets the trial count, LOCKWISE_FAULT_SEED=<n> the first seed,
// LOCKWISE_FAULT_MOMENTS=insert,cic,backfill,ddl-wait the moments, LOCKWISE_FAULT_LEADS=<n> the
// rows of the bulk INSERT, LOCKWISE_FAULT_SPREAD_MS the window after the moment is seen in which
// the kill lands (default 60). The reproduction: LOCKWISE_FAULT_MOMENTS=insert
// LOCKWISE_FAULT_LEADS=300000 LOCKWISE_FAULT_SPREAD_MS=1500 LOCKWISE_FAULT_TRIALS=50.
#include "test_cli_fault_support.hpp"

#include <sstream>

namespace lockwise::testkit::fault {
namespace {

enum class Moment { insert, cic, backfill, ddl_wait };

const char* moment_name(Moment moment)
{
    switch (moment) {
    case Moment::insert: return "insert";
    case Moment::cic: return "cic";
    case Moment::backfill: return "backfill";
    case Moment::ddl_wait: return "ddl-wait";
    }
    return "?";
}

// What pg_stat_activity shows for the work session at each moment.
const char* moment_query(Moment moment)
{
    switch (moment) {
    case Moment::insert: return "INSERT INTO leads%";
    case Moment::cic: return "CREATE INDEX CONCURRENTLY%";
    case Moment::backfill: return "%UPDATE leads%";
    case Moment::ddl_wait: return "ALTER TABLE contacts ADD COLUMN note%";
    }
    return "";
}

std::vector<Moment> moments_from_env()
{
    const char* value = std::getenv("LOCKWISE_FAULT_MOMENTS");
    if (value == nullptr || *value == '\0') {
        return {Moment::insert, Moment::cic, Moment::backfill, Moment::ddl_wait};
    }
    std::vector<Moment> moments;
    std::stringstream list(value);
    std::string name;
    while (std::getline(list, name, ',')) {
        for (auto moment : {Moment::insert, Moment::cic, Moment::backfill, Moment::ddl_wait}) {
            if (name == moment_name(moment)) {
                moments.push_back(moment);
            }
        }
    }
    return moments;
}

void write_migrations(const std::filesystem::path& dir, int leads)
{
    std::filesystem::create_directories(dir);
    auto write = [&](const char* name, const std::string& text) {
        std::FILE* file = std::fopen((dir / name).c_str(), "w");
        std::fputs(text.c_str(), file);
        std::fclose(file);
    };
    write("V1__leads.sql", fmt::format("CREATE TABLE leads (\n"
                                       "    id    bigserial PRIMARY KEY,\n"
                                       "    email text NOT NULL,\n"
                                       "    score integer NOT NULL\n"
                                       ");\n\n"
                                       "INSERT INTO leads (email, score)\n"
                                       "SELECT 'lead' || g || '@example.com', (g::bigint * 7919) % 1000 FROM generate_series(1, {}) AS g;\n\n"
                                       "CREATE TABLE contacts (\n"
                                       "    id      integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
                                       "    lead_id bigint NOT NULL REFERENCES leads (id)\n"
                                       ");\n\n"
                                       "INSERT INTO contacts (lead_id) SELECT id FROM leads WHERE id % 3 = 0 ORDER BY id;\n",
                                       leads));
    write("V2__leads_email_idx.sql", "CREATE INDEX CONCURRENTLY leads_email_idx ON leads (email);\n");
    write("V3__leads_grade.sql", "ALTER TABLE leads ADD COLUMN grade text;\n\n"
                                 "-- lockwise:backfill key=id batch=1000 pending=\"grade IS NULL\"\n"
                                 "UPDATE leads SET grade = CASE WHEN score >= 500 THEN 'hot' ELSE 'cold' END WHERE grade IS NULL;\n");
    // A lock_timeout longer than the holder's age, so the DDL is sent and waits in the lock queue
    // (a holder older than the lock_timeout is waited for before the attempt instead).
    write("V4__contacts_note.sql", "-- lockwise:lock-timeout 30s\nALTER TABLE contacts ADD COLUMN note text;\n");
}

Scenario moments_scenario(pg::ThrowawayCluster& cluster, TempDir& dir, int leads)
{
    Scenario scenario;
    scenario.name = "moments";
    scenario.template_db = "moments_template";
    scenario.lock_table = "leads";
    scenario.migrations = dir.path() / "moments";
    write_migrations(scenario.migrations, leads);
    // Per-table row counts and checksums over every column.
    scenario.data_checksum_sql =
        "SELECT (SELECT count(*) || ':' || md5(string_agg(concat_ws('=', id, email, score, grade), ',' ORDER BY id)) FROM leads)"
        " || '/' || (SELECT count(*) || ':' || md5(string_agg(concat_ws('=', id, lead_id, note), ',' ORDER BY id)) FROM contacts)"
        " || '/' || (SELECT last_value FROM leads_id_seq) || '/' || (SELECT last_value FROM contacts_id_seq)";
    cluster.create_database(scenario.template_db);
    return scenario;
}

struct MomentOutcome {
    bool reached = false;      // the work session was seen at the moment before the kill
    bool orphan_named = false; // the rerun logged the killed run's backend it ended
    bool diverged = false;
    std::string detail;
};

class MomentTrials {
public:
    MomentTrials(Scenario scenario, pg::ThrowawayCluster& cluster) : m_scenario(std::move(scenario)), m_cluster(cluster) {}

    void clean_run()
    {
        const auto conninfo = new_database("clean");
        const auto started = Clock::now();
        const auto result = run_lockwise(migrate_args(m_scenario), migrate_env(conninfo));
        m_clean_ms = std::chrono::duration_cast<Millis>(Clock::now() - started).count();
        ASSERT_EQ(result.exit_code, 0) << result.output;
        m_clean = snapshot(conninfo, m_scenario);
        ASSERT_TRUE(m_clean.invalid_index.empty());
        std::printf("moments: clean migrate %lld ms\n", static_cast<long long>(m_clean_ms));
    }

    MomentOutcome run(Moment moment, unsigned seed)
    {
        std::mt19937 rng(seed);
        MomentOutcome outcome;
        const auto conninfo = new_database(fmt::format("s{}", seed));
        auto watcher = pg::Connection::connect(conninfo, "fault-harness");
        std::optional<pg::Connection> holder;
        if (moment == Moment::ddl_wait) {
            // Holds contacts (once V1 made it) so V4's ALTER waits for its lock.
            holder.emplace(pg::Connection::connect(conninfo, "fault-holder"));
        }
        {
            BackgroundLockwise first(migrate_args(m_scenario), migrate_env(conninfo));
            const auto deadline = Clock::now() + Millis(60000);
            bool held = false;
            while (first.running() && Clock::now() < deadline) {
                if (holder && !held) {
                    held = try_hold(*holder);
                }
                const auto found = watcher.exec_params(
                    "SELECT pid FROM pg_stat_activity WHERE (application_name LIKE 'lockwise/%/work' OR application_name LIKE "
                    "'lockwise/%/backfill') AND state = 'active' "
                    "AND query LIKE $1 AND ($2 = 'f' OR wait_event_type = 'Lock')",
                    {moment_query(moment), moment == Moment::ddl_wait ? "t" : "f"});
                if (found.rows() > 0) {
                    outcome.reached = true;
                    m_orphan_pid = static_cast<int>(found.get_int(0, 0));
                    break;
                }
                std::this_thread::sleep_for(Millis(2));
            }
            // Somewhere inside the statement (or its lock wait): 0 to 60 ms after it was seen
            // (LOCKWISE_FAULT_SPREAD_MS widens it, e.g. over the whole 300,000-row INSERT).
            std::this_thread::sleep_for(Millis(std::uniform_int_distribution<int>(0, m_spread_ms)(rng)));
            first.kill(SIGKILL);
            const auto result = first.wait();
            outcome.detail = fmt::format("moment {} {}, first run exit {}", moment_name(moment),
                                         outcome.reached ? "reached" : "NOT reached", result.exit_code);
        }
        // At once: no sleep between the kill and the rerun. The holder lets go only once the rerun
        // has started, so the killed run's ALTER is still queued for the lock when the rerun looks.
        BackgroundLockwise second(migrate_args(m_scenario), migrate_env(conninfo));
        if (holder) {
            // Until the rerun has ended the killed run's queued ALTER (or 10 s have passed).
            const auto until = Clock::now() + Millis(10000);
            while (outcome.reached && Clock::now() < until &&
                   watcher.exec_params("SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state <> 'idle'",
                                       {std::to_string(m_orphan_pid)})
                           .rows() > 0) {
                std::this_thread::sleep_for(Millis(10));
            }
            holder->exec("COMMIT");
        }
        bool hung = false;
        const auto rerun = wait_bounded(second, Millis(120000), &hung);
        outcome.orphan_named = rerun.output.find("session left by an earlier lockwise run") != std::string::npos;
        if (std::getenv("LOCKWISE_FAULT_VERBOSE") != nullptr) {
            std::printf("--- rerun output ---\n%s\n", rerun.output.c_str());
        }
        if (rerun.exit_code != 0 || hung) {
            outcome.diverged = true;
            outcome.detail += fmt::format("\nrerun exit {}{}:\n{}", rerun.exit_code, hung ? " (hung, killed)" : "", rerun.output);
            return outcome;
        }
        const auto after = snapshot(conninfo, m_scenario);
        if (!(after == m_clean)) {
            outcome.diverged = true;
            outcome.detail += "\n" + describe_divergence(m_clean, after) + "\nrerun output:\n" + rerun.output;
        } else {
            drop(conninfo);
        }
        return outcome;
    }

private:
    // BEGIN and ACCESS SHARE on contacts once it exists (nowait: V1 may still be creating it).
    static bool try_hold(pg::Connection& holder)
    {
        try {
            holder.exec("BEGIN; SET LOCAL lock_timeout = '10ms'; SELECT 1 FROM contacts LIMIT 1");
            return true;
        } catch (const pg::SqlError&) {
            holder.exec("ROLLBACK");
            return false;
        }
    }

    std::string new_database(const std::string& suffix)
    {
        const auto name = fmt::format("{}_{}_{}", m_scenario.name, suffix, m_counter++);
        m_cluster.create_database(name, m_scenario.template_db);
        m_names[m_cluster.conninfo(name)] = name;
        return m_cluster.conninfo(name);
    }

    void drop(const std::string& conninfo)
    {
        auto admin = pg::Connection::connect(m_cluster.conninfo(), "fault-harness");
        admin.exec(fmt::format("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", m_names[conninfo]));
    }

    Scenario m_scenario;
    pg::ThrowawayCluster& m_cluster;
    Snapshot m_clean;
    long long m_clean_ms = 0;
    int m_spread_ms = env_int("LOCKWISE_FAULT_SPREAD_MS", 60);
    int m_orphan_pid = 0;
    int m_counter = 0;
    std::map<std::string, std::string> m_names;
};

TEST(FaultMoments, ImmediateRerunAfterKillMatchesCleanRun)
{
    TempDir dir;
    MomentTrials trials(moments_scenario(cluster(), dir, env_int("LOCKWISE_FAULT_LEADS", 5000)), cluster());
    trials.clean_run();
    const auto moments = moments_from_env();
    ASSERT_FALSE(moments.empty());
    int count = 100;
    // Under ASan (dev.sh's second pass) a fifth of the trials: the plain pass runs them all.
    if (std::getenv("ASAN_OPTIONS") != nullptr) {
        count = 20;
    }
    count = env_int("LOCKWISE_FAULT_TRIALS", count);
    const auto base_seed = static_cast<unsigned>(env_int("LOCKWISE_FAULT_SEED", 5000));
    std::map<std::string, int> trials_per_moment, reached, named, divergences;
    int total_divergences = 0;
    const auto started = Clock::now();
    for (int i = 0; i < count; ++i) {
        const unsigned seed = base_seed + static_cast<unsigned>(i);
        const auto moment = moments[seed % moments.size()];
        const auto outcome = trials.run(moment, seed);
        const std::string name = moment_name(moment);
        ++trials_per_moment[name];
        reached[name] += outcome.reached ? 1 : 0;
        named[name] += outcome.orphan_named ? 1 : 0;
        divergences[name] += outcome.diverged ? 1 : 0;
        total_divergences += outcome.diverged ? 1 : 0;
        std::printf("trial seed %u %-9s %s, orphan named by rerun: %s\n", seed, name.c_str(), outcome.detail.c_str(),
                    outcome.orphan_named ? "yes" : "no");
        EXPECT_FALSE(outcome.diverged) << "seed " << seed << ": " << outcome.detail
                                       << "\nreproduce: LOCKWISE_FAULT_SEED=" << seed << " LOCKWISE_FAULT_TRIALS=1";
    }
    std::printf("== fault injection: test_cli_fault_moments (%lld ms) ==\ntrials: %d, divergences: %d\n",
                static_cast<long long>(std::chrono::duration_cast<Millis>(Clock::now() - started).count()), count,
                total_divergences);
    for (const auto& [name, trial_count] : trials_per_moment) {
        std::printf("  moment %-9s trials %3d, reached %3d, orphan named by the rerun %3d, divergences %d\n", name.c_str(),
                    trial_count, reached[name], named[name], divergences[name]);
    }
    std::fflush(stdout);
    EXPECT_EQ(total_divergences, 0);
}

} // namespace
} // namespace lockwise::testkit::fault
