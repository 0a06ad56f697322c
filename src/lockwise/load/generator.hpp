// The application load generator: N client threads run a workload on an open-loop,
// fixed-rate schedule, so a stall shows up as latency (counted from each transaction's
// scheduled start), never as a quietly lower rate.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "lockwise/load/histogram.hpp"
#include "lockwise/load/random.hpp"
#include "lockwise/load/workload.hpp"

namespace lockwise::load {

using Clock = std::chrono::steady_clock;
using Micros = std::chrono::microseconds;

struct LoadOptions {
    std::string conninfo;                          // where the application load runs
    int clients = 4;                               // connections, one thread each
    double rate = 200;                             // transactions started per second (the schedule)
    Micros window = std::chrono::milliseconds(100); // width of a time window of the snapshot
    std::uint64_t seed = 1;                        // transaction choice and \set values derive from it
    std::string application_name = "lockwise-load";
    // How long stop() lets running transactions finish before cancelling them.
    std::chrono::milliseconds stop_grace = std::chrono::seconds(5);
};

// What happened to the transactions scheduled in one time window.
struct WindowStats {
    // Latency (µs, from scheduled start to COMMIT) of committed transactions *scheduled* in
    // this window, so a stall is charged to the time it hit the application.
    Histogram latency;
    std::uint64_t committed = 0;                // scheduled in this window and committed
    std::uint64_t failed = 0;                   // scheduled in this window and rolled back
    std::map<std::string, std::uint64_t> errors; // SQLSTATE -> failed transactions
    // Transactions (committed or failed) that *finished* in this window: throughput over time.
    std::uint64_t completed = 0;

    void merge(const WindowStats& other);
};

struct TransactionStats {
    Histogram latency;
    std::uint64_t committed = 0;
    std::uint64_t failed = 0;
};

// A named point in time, e.g. "baseline" at 0 and "migration" when it starts.
struct PhaseMark {
    std::string name;
    Micros at{0}; // since the load started
};

// Before-vs-during figures of one stretch of the run.
struct PhaseSummary {
    std::string name;
    Micros from{0};
    Micros to{0};
    Histogram latency;          // committed transactions scheduled in [from, to)
    std::uint64_t committed = 0;
    std::uint64_t failed = 0;
    std::map<std::string, std::uint64_t> errors;
    double throughput = 0;       // completed transactions per second during [from, to)
    std::uint64_t p50_us() const { return latency.value_at_quantile(0.50); }
    std::uint64_t p99_us() const { return latency.value_at_quantile(0.99); }
    std::uint64_t p999_us() const { return latency.value_at_quantile(0.999); }
    std::uint64_t max_us() const { return latency.max(); }
};

struct LoadSnapshot {
    Clock::time_point started_at;
    Micros elapsed{0};                 // load start to snapshot (or to stop)
    Micros window{0};
    double target_rate = 0;
    std::vector<WindowStats> windows;  // windows[i] covers [i*window, (i+1)*window) since start
    std::vector<PhaseMark> phases;     // in time order
    // Per phase, exactly (not at window resolution): transactions scheduled after its mark
    // and before the next; `completed` counts those that finished in the phase.
    std::vector<WindowStats> phase_stats;
    Histogram latency;                 // every committed transaction
    std::uint64_t committed = 0;
    std::uint64_t failed = 0;
    std::map<std::string, std::uint64_t> errors; // SQLSTATE -> failed transactions ("08006" = connection lost)
    std::map<std::string, TransactionStats> transactions; // by workload transaction name
    std::uint64_t scheduled = 0;  // transactions the schedule had due by `elapsed`
    std::uint64_t started = 0;    // of which a client had started (the rest were late, queued)
    std::uint64_t reconnects = 0;

    // Figures for transactions scheduled in [from, to) (windows are the resolution).
    PhaseSummary summarize(Micros from, Micros to, std::string name = {}) const;
    // One summary per phase mark, each running to the next mark (the last to `elapsed`),
    // each transaction attributed by its scheduled start time.
    std::vector<PhaseSummary> phase_summaries() const;
};

// Runs a workload against a database until stopped. Thread-safe: snapshot() and
// mark_phase() may be called from any thread while it runs.
class LoadGenerator {
public:
    LoadGenerator(Workload workload, LoadOptions options);
    LoadGenerator(const LoadGenerator&) = delete;
    LoadGenerator& operator=(const LoadGenerator&) = delete;
    ~LoadGenerator(); // stops if running

    // Runs the \setup queries, connects every client, then starts the schedule at now.
    // Throws core::Error/pg::SqlError if setup fails or a client can't connect (nothing keeps running).
    void start();
    // Stops scheduling, lets running transactions finish (cancelling them after stop_grace)
    // and joins the clients. Idempotent.
    void stop();
    bool running() const noexcept { return m_running.load(); }

    // Marks the start of phase `name` now (the load start is phase "baseline" unless marked).
    void mark_phase(std::string name);
    LoadSnapshot snapshot() const;

    // The value each \setup variable got at start() (by name).
    std::map<std::string, std::string> setup_values() const;

private:
    struct Client;
    void client_loop(Client& client);
    void run_transaction(Client& client, const Transaction& transaction, Rng& rng);
    void reconnect(Client& client);
    Micros since_start(Clock::time_point at) const;
    std::size_t phase_at(std::uint64_t since_start_us) const;

    Workload m_workload;
    LoadOptions m_options;
    std::vector<std::string> m_setup_values; // by variable slot
    std::vector<std::unique_ptr<Client>> m_clients;
    std::vector<std::thread> m_threads;
    Clock::time_point m_started_at;
    std::atomic<Clock::rep> m_stopped_at{0}; // since m_started_at, 0 while running
    std::atomic<std::uint64_t> m_next_ticket{0};
    std::atomic<bool> m_running{false};
    std::atomic<bool> m_stopping{false};
    std::atomic<std::uint64_t> m_started{0};
    std::mutex m_wake_mutex; // only for sleeping until a ticket is due or stop() is called
    std::condition_variable m_wake;
    std::vector<int> m_choice; // cumulative weights of the transactions
    mutable std::mutex m_phase_mutex;
    std::vector<PhaseMark> m_phases;
};

} // namespace lockwise::load
