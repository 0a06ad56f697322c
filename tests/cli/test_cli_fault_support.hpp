// Fault-injection harness shared by the test_cli_fault_* binaries: runs `lockwise migrate`
// as a child, strikes it with one fault at a random moment, reruns until it succeeds and
// compares schema, data and history with a clean run. Any difference is a divergence.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "lockwise/core/process.hpp"
#include "lockwise/core/version.hpp"
#include "lockwise/load/seed.hpp"
#include "lockwise/pg/connection.hpp"
#include "support/testing.hpp"

namespace lockwise::testkit::fault {

using Clock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;

enum class Fault { kill_lockwise, terminate_backends, competing_lock, restart_server };

inline const char* fault_name(Fault fault)
{
    switch (fault) {
    case Fault::kill_lockwise: return "sigkill-lockwise";
    case Fault::terminate_backends: return "pg_terminate_backend";
    case Fault::competing_lock: return "competing-access-exclusive-lock";
    case Fault::restart_server: return "fast-restart-postgresql";
    }
    return "?";
}

// What a database looks like after migrate, with everything that legitimately differs
// between runs (timestamps, durations, attempts, installed_by) left out.
struct Snapshot {
    std::string schema;        // pg_dump --schema-only of the user schemas (history schema excluded)
    std::string history;       // version|status|checksum|steps_done/steps_total per row
    std::string steps;         // version|step_index|kind|status per step row
    std::string data;          // the scenario's data checksum
    std::string invalid_index; // names of INVALID indexes (must be empty)

    bool operator==(const Snapshot&) const = default;
};

// A scenario: a migrations directory, a template database it starts from, a data checksum.
struct Scenario {
    std::string name;
    std::filesystem::path migrations;
    std::string template_db;
    std::string lock_table;     // the table the competing session locks
    std::string data_checksum_sql;
};

inline std::string one_value(const std::string& conninfo, const std::string& sql)
{
    auto connection = pg::Connection::connect(conninfo, "fault-harness");
    auto result = connection.exec(sql);
    return result.rows() > 0 && !result.is_null(0, 0) ? std::string(result.get(0, 0)) : std::string("<null>");
}

// pg_dump (15.14+) brackets its output with \restrict/\unrestrict and a random key per run.
inline std::string without_restrict_keys(const std::string& dump)
{
    std::string out;
    std::size_t begin = 0;
    while (begin < dump.size()) {
        auto end = dump.find('\n', begin);
        end = end == std::string::npos ? dump.size() : end + 1;
        const std::string_view line(dump.data() + begin, end - begin);
        if (line.rfind("\\restrict ", 0) != 0 && line.rfind("\\unrestrict ", 0) != 0) {
            out += line;
        }
        begin = end;
    }
    return out;
}

inline Snapshot snapshot(const std::string& conninfo, const Scenario& scenario)
{
    Snapshot snap;
    const auto dump = core::run_process({std::string(core::k_pg_bindir) + "/pg_dump", "--schema-only", "--no-owner",
                                         "--exclude-schema=lockwise", "--dbname=" + conninfo});
    snap.schema = dump.exit_code == 0 ? without_restrict_keys(dump.output) : "pg_dump failed: " + dump.output;
    snap.history = one_value(conninfo, "SELECT string_agg(concat_ws('|', version, status, checksum, steps_done || '/' || steps_total), "
                                       "E'\\n' ORDER BY version_sort) FROM lockwise.schema_history");
    snap.steps = one_value(conninfo, "SELECT string_agg(concat_ws('|', version, step_index, kind, status), E'\\n' "
                                     "ORDER BY version, step_index) FROM lockwise.schema_history_steps");
    snap.data = one_value(conninfo, scenario.data_checksum_sql);
    snap.invalid_index = one_value(conninfo, "SELECT coalesce(string_agg(indexrelid::regclass::text, ','), '') FROM pg_index "
                                             "WHERE NOT indisvalid OR NOT indisready");
    return snap;
}

// Lines of `a` and `b` that differ, for the failure message.
inline std::string first_difference(const std::string& a, const std::string& b)
{
    std::size_t line = 1;
    std::size_t i = 0;
    while (i < a.size() && i < b.size() && a[i] == b[i]) {
        line += a[i] == '\n' ? 1 : 0;
        ++i;
    }
    auto line_at = [](const std::string& s, std::size_t at) {
        const auto start = s.rfind('\n', at == 0 ? 0 : at - 1);
        const auto begin = start == std::string::npos ? 0 : start + 1;
        const auto end = s.find('\n', at);
        return s.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
    };
    return fmt::format("line {}: clean \"{}\" vs trial \"{}\"", line, line_at(a, i), line_at(b, i));
}

inline std::string describe_divergence(const Snapshot& clean, const Snapshot& trial)
{
    std::string out;
    if (clean.schema != trial.schema) {
        out += "schema " + first_difference(clean.schema, trial.schema) + "\n";
    }
    if (clean.history != trial.history) {
        out += "history " + first_difference(clean.history, trial.history) + "\n";
    }
    if (clean.steps != trial.steps) {
        out += "steps " + first_difference(clean.steps, trial.steps) + "\n";
    }
    if (clean.data != trial.data) {
        out += fmt::format("data checksum clean {} vs trial {}\n", clean.data, trial.data);
    }
    if (!trial.invalid_index.empty()) {
        out += "invalid indexes left: " + trial.invalid_index + "\n";
    }
    return out;
}

// Runs `lockwise migrate` in the background; waits at most `limit`, then kills it (a hang).
inline CliResult wait_bounded(BackgroundLockwise& process, Millis limit, bool* hung)
{
    const auto deadline = Clock::now() + limit;
    while (process.running()) {
        if (Clock::now() > deadline) {
            *hung = true;
            process.kill(SIGKILL);
            break;
        }
        std::this_thread::sleep_for(Millis(5));
    }
    return process.wait();
}

inline std::vector<std::string> migrate_args(const Scenario& scenario)
{
    return {"migrate", "--migrations", scenario.migrations.string(), "--log-format", "plain", "--lock-wait", "30s"};
}

inline std::map<std::string, std::string> migrate_env(const std::string& conninfo)
{
    return {{"DATABASE_URL", conninfo}, {"LOCKWISE_LOG_LEVEL", "warn"}};
}

struct TrialOutcome {
    Fault fault{};
    unsigned seed = 0;
    int first_exit = 0;
    int runs = 0; // lockwise runs until success (1 = the fault did not stop the first run)
    bool hung = false;
    bool diverged = false;
    std::string detail;
};

// Totals printed at the end of each binary (RELIABILITY.md records them).
struct Tally {
    int trials = 0;
    std::map<std::string, int> per_fault;
    std::map<std::string, int> first_exit_codes; // "fault exit=N"
    std::map<int, int> runs_needed;
    int divergences = 0;
    int hangs = 0;

    void add(const TrialOutcome& outcome)
    {
        ++trials;
        ++per_fault[fault_name(outcome.fault)];
        ++first_exit_codes[fmt::format("{} exit={}", fault_name(outcome.fault), outcome.first_exit)];
        ++runs_needed[outcome.runs];
        divergences += outcome.diverged ? 1 : 0;
        hangs += outcome.hung ? 1 : 0;
    }
    void print(const std::string& title) const
    {
        std::printf("== fault injection: %s ==\ntrials: %d, divergences: %d, hangs: %d\n", title.c_str(), trials, divergences, hangs);
        for (const auto& [name, count] : per_fault) {
            std::printf("  fault %-34s %d\n", name.c_str(), count);
        }
        for (const auto& [name, count] : first_exit_codes) {
            std::printf("  first run %-40s %d\n", name.c_str(), count);
        }
        for (const auto& [runs, count] : runs_needed) {
            std::printf("  lockwise runs until success %d: %d trial(s)\n", runs, count);
        }
        std::fflush(stdout);
    }
};

inline int env_int(const char* name, int fallback)
{
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0' ? std::atoi(value) : fallback;
}

// One trial: a fresh copy of the template, migrate struck by `fault` after `delay`, reruns, compare.
class Trials {
public:
    Trials(Scenario scenario, pg::ThrowawayCluster& cluster) : m_scenario(std::move(scenario)), m_cluster(cluster) {}

    // Runs a clean migrate on a fresh copy; remembers its snapshot and duration.
    void clean_run()
    {
        const auto conninfo = new_database("clean");
        const auto started = Clock::now();
        const auto result = run_lockwise(migrate_args(m_scenario), migrate_env(conninfo));
        m_clean_duration = std::chrono::duration_cast<Millis>(Clock::now() - started);
        ASSERT_EQ(result.exit_code, 0) << result.output;
        m_clean = snapshot(conninfo, m_scenario);
        ASSERT_TRUE(m_clean.invalid_index.empty()) << m_clean.invalid_index;
        ASSERT_NE(m_clean.history, "<null>");
        std::printf("%s: clean migrate %lld ms\n", m_scenario.name.c_str(), static_cast<long long>(m_clean_duration.count()));
    }

    TrialOutcome run(Fault fault, unsigned seed)
    {
        std::mt19937 rng(seed);
        TrialOutcome outcome;
        outcome.fault = fault;
        outcome.seed = seed;
        const auto conninfo = new_database(fmt::format("s{}", seed));
        // Strike anywhere from the start to a little after a clean run would have ended.
        const Millis delay(std::uniform_int_distribution<long long>(0, m_clean_duration.count() * 11 / 10)(rng));
        const Millis hold(std::uniform_int_distribution<long long>(100, 2500)(rng));
        {
            BackgroundLockwise first(migrate_args(m_scenario), migrate_env(conninfo));
            std::this_thread::sleep_for(delay);
            std::string inject_note = strike(fault, first, conninfo, hold);
            const auto result = wait_bounded(first, Millis(120000), &outcome.hung);
            outcome.first_exit = result.exit_code;
            outcome.runs = 1;
            outcome.detail = fmt::format("delay {} ms, {}; first run exit {}", delay.count(), inject_note, result.exit_code);
            if (result.exit_code != 0) {
                outcome.detail += "\n--- first run output (tail) ---\n" + tail(result.output);
            }
        }
        int exit_code = outcome.first_exit;
        while (exit_code != 0 && outcome.runs < 4 && !outcome.hung) {
            BackgroundLockwise rerun(migrate_args(m_scenario), migrate_env(conninfo));
            const auto result = wait_bounded(rerun, Millis(120000), &outcome.hung);
            exit_code = result.exit_code;
            ++outcome.runs;
            if (exit_code != 0) {
                outcome.detail += fmt::format("\n--- rerun {} exit {} ---\n{}", outcome.runs, exit_code, tail(result.output));
            }
        }
        if (exit_code != 0 || outcome.hung) {
            outcome.diverged = true;
            outcome.detail += outcome.hung ? "\nlockwise hung (killed after 120 s)" : "\nno rerun succeeded";
            return outcome;
        }
        const auto after = snapshot(conninfo, m_scenario);
        if (!(after == m_clean)) {
            outcome.diverged = true;
            outcome.detail += "\n" + describe_divergence(m_clean, after);
        } else {
            drop(conninfo);
        }
        return outcome;
    }

    Millis clean_duration() const { return m_clean_duration; }

private:
    static std::string tail(const std::string& text)
    {
        return text.size() > 1500 ? "..." + text.substr(text.size() - 1500) : text;
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

    std::string strike(Fault fault, BackgroundLockwise& process, const std::string& conninfo, Millis hold)
    {
        switch (fault) {
        case Fault::kill_lockwise:
            process.kill(SIGKILL);
            return "SIGKILL sent";
        case Fault::terminate_backends: {
            auto admin = pg::Connection::connect(m_cluster.conninfo(), "fault-harness");
            const auto result = admin.exec(fmt::format(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '{}' "
                "AND application_name LIKE 'lockwise%' AND pid <> pg_backend_pid()",
                m_names[conninfo]));
            return fmt::format("{} backend(s) terminated", result.get(0, 0));
        }
        case Fault::competing_lock: {
            try {
                auto session = pg::Connection::connect(conninfo, "fault-competitor");
                session.exec("SET lock_timeout = '20s'");
                session.exec("BEGIN");
                const auto started = Clock::now();
                session.exec(fmt::format("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE", m_scenario.lock_table));
                const auto waited = std::chrono::duration_cast<Millis>(Clock::now() - started);
                std::this_thread::sleep_for(hold);
                session.exec("COMMIT");
                return fmt::format("ACCESS EXCLUSIVE on {} held {} ms (waited {} ms for it)", m_scenario.lock_table,
                                   hold.count(), waited.count());
            } catch (const std::exception& error) {
                // The table may not exist yet (the fault struck before the migration created it).
                return fmt::format("competing lock not taken: {}", error.what());
            }
        }
        case Fault::restart_server:
            m_cluster.restart();
            return "server restarted (fast)";
        }
        return "";
    }

    Scenario m_scenario;
    pg::ThrowawayCluster& m_cluster;
    Snapshot m_clean;
    Millis m_clean_duration{0};
    int m_counter = 0;
    std::map<std::string, std::string> m_names;
};

// The seed scenario's template: V35 applied by lockwise, then 3,000 leads of seed data.
inline Scenario seed_scenario(pg::ThrowawayCluster& cluster, TempDir& dir)
{
    Scenario scenario;
    scenario.name = "seed";
    scenario.template_db = "seed_template";
    scenario.lock_table = "leads";
    scenario.migrations = dir.path() / "seed";
    std::filesystem::create_directories(scenario.migrations);
    for (const char* file : {"V35__crm_base_schema.sql", "V36__last_call_direction.sql"}) {
        std::filesystem::copy_file(source_dir() / "examples/migrations" / file, scenario.migrations / file);
    }
    scenario.data_checksum_sql =
        "SELECT count(*) || ':' || count(last_call_direction) || ':' || md5(string_agg(id || '=' || "
        "coalesce(last_call_direction, '-'), ',' ORDER BY id)) FROM leads";
    cluster.create_database(scenario.template_db);
    const auto conninfo = cluster.conninfo(scenario.template_db);
    const auto result = run_lockwise({"migrate", "--migrations", scenario.migrations.string(), "--target", "35"},
                                     {{"DATABASE_URL", conninfo}});
    if (result.exit_code != 0) {
        throw std::runtime_error("seed template: migrate --target 35 failed: " + result.output);
    }
    auto connection = pg::Connection::connect(conninfo, "fault-harness");
    load::ScaleOptions scale;
    scale.leads = 3000;
    scale.tenants = 12;
    load::load_data(connection, scale);
    return scenario;
}

// The synthetic scenario: tests/data/fault (transactional groups, concurrent indexes, a backfill).
inline Scenario synthetic_scenario(pg::ThrowawayCluster& cluster)
{
    Scenario scenario;
    scenario.name = "synthetic";
    scenario.template_db = "synthetic_template";
    scenario.lock_table = "accounts";
    scenario.migrations = source_dir() / "tests/data/fault";
    scenario.data_checksum_sql =
        "SELECT (SELECT count(*) || ':' || md5(string_agg(concat_ws('=', id, tier, event_count), ',' ORDER BY id)) FROM accounts)"
        " || '/' || (SELECT count(*) || ':' || sum(account_id) FROM events)"
        " || '/' || (SELECT count(*) || ':' || md5(string_agg(account_id || note, ',' ORDER BY id)) FROM audit_log)";
    cluster.create_database(scenario.template_db);
    return scenario;
}

// Runs `count` trials cycling through `faults`, seeds base_seed, base_seed+1, ...; prints the tally.
// LOCKWISE_FAULT_SEED=<n> with LOCKWISE_FAULT_TRIALS=1 reproduces one trial.
inline Tally run_trials(Trials& trials, const std::vector<Fault>& faults, int count, unsigned base_seed,
                        const std::string& title)
{
    Tally tally;
    const auto seed_override = env_int("LOCKWISE_FAULT_SEED", -1);
    // Under ASan (dev.sh's second pass) a third of the trials: the plain pass already runs them all.
    if (std::getenv("ASAN_OPTIONS") != nullptr) {
        count = std::max(4, count / 3);
    }
    count = env_int("LOCKWISE_FAULT_TRIALS", count);
    const auto started = Clock::now();
    for (int i = 0; i < count; ++i) {
        const unsigned seed = seed_override >= 0 ? static_cast<unsigned>(seed_override) + static_cast<unsigned>(i)
                                                 : base_seed + static_cast<unsigned>(i);
        const auto fault = faults[seed % faults.size()];
        const auto outcome = trials.run(fault, seed);
        tally.add(outcome);
        // One line per trial; a first run that ended as "bad input" (2) or "bug" (70) after a
        // transient fault is misreported (expected: 0, 1, 3, 7 or a signal), so show its output.
        const bool surprising = outcome.first_exit == 2 || outcome.first_exit == 70;
        std::printf("trial seed %u %-34s first exit %d, %d run(s)%s%s\n", seed, fault_name(fault), outcome.first_exit,
                    outcome.runs, surprising ? ": " : "", surprising ? outcome.detail.c_str() : "");
        EXPECT_FALSE(outcome.diverged) << title << " trial seed " << seed << " fault " << fault_name(fault) << ": "
                                       << outcome.detail << "\nreproduce: LOCKWISE_FAULT_SEED=" << seed
                                       << " LOCKWISE_FAULT_TRIALS=1 ./" << title;
    }
    tally.print(fmt::format("{} ({} ms)", title,
                            std::chrono::duration_cast<Millis>(Clock::now() - started).count()));
    return tally;
}

} // namespace lockwise::testkit::fault
