// The open-loop load generator. Clients take tickets from one atomic counter; ticket k
// is due at start + k/rate whatever happened before, so when every client is stuck the
// schedule keeps running and the late tickets carry their delay as latency. Each client
// records into its own stats under its own (uncontended) mutex; snapshot() merges them.
#include "lockwise/load/generator.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <fmt/format.h>
#include <optional>

#include "lockwise/core/error.hpp"
#include "lockwise/load/random.hpp"
#include "lockwise/pg/connection.hpp"

namespace lockwise::load {

namespace {

constexpr const char* k_connection_lost = "08006";

std::uint64_t to_us(Clock::duration duration)
{
    return static_cast<std::uint64_t>(
        std::max<Micros::rep>(0, std::chrono::duration_cast<Micros>(duration).count()));
}

template <typename Map>
void add_counts(Map& into, const Map& from)
{
    for (const auto& [key, count] : from) {
        into[key] += count;
    }
}

} // namespace

void WindowStats::merge(const WindowStats& other)
{
    latency.merge(other.latency);
    committed += other.committed;
    failed += other.failed;
    completed += other.completed;
    add_counts(errors, other.errors);
}

// ------------------------------------------------------------------ snapshot figures

PhaseSummary LoadSnapshot::summarize(Micros from, Micros to, std::string name) const
{
    PhaseSummary summary;
    summary.name = std::move(name);
    summary.from = from;
    summary.to = std::min(to, elapsed);
    if (window.count() <= 0) {
        return summary;
    }
    std::uint64_t completed = 0;
    Micros covered{0};
    for (std::size_t i = 0; i < windows.size(); ++i) {
        const auto window_start = window * static_cast<Micros::rep>(i);
        if (window_start < from || window_start >= to) {
            continue;
        }
        const auto& stats = windows[i];
        summary.latency.merge(stats.latency);
        summary.committed += stats.committed;
        summary.failed += stats.failed;
        add_counts(summary.errors, stats.errors);
        completed += stats.completed;
        covered += std::min(window, elapsed - window_start);
    }
    if (covered.count() > 0) {
        summary.throughput = static_cast<double>(completed) * 1e6 / static_cast<double>(covered.count());
    }
    return summary;
}

std::vector<PhaseSummary> LoadSnapshot::phase_summaries() const
{
    std::vector<PhaseSummary> out;
    for (std::size_t i = 0; i < phases.size(); ++i) {
        PhaseSummary summary;
        summary.name = phases[i].name;
        summary.from = phases[i].at;
        summary.to = i + 1 < phases.size() ? phases[i + 1].at : elapsed;
        if (i < phase_stats.size()) {
            const auto& stats = phase_stats[i];
            summary.latency = stats.latency;
            summary.committed = stats.committed;
            summary.failed = stats.failed;
            summary.errors = stats.errors;
            const auto duration = summary.to - summary.from;
            if (duration.count() > 0) {
                summary.throughput = static_cast<double>(stats.completed) * 1e6 / static_cast<double>(duration.count());
            }
        }
        out.push_back(std::move(summary));
    }
    return out;
}

// ------------------------------------------------------------------ clients

struct LoadGenerator::Client {
    int index = 0;
    // optional: pg::Connection's default constructor can't be instantiated outside pg.
    std::optional<pg::Connection> connection;
    std::vector<std::string> values; // by variable slot: setup values, then \set results

    mutable std::mutex mutex; // guards everything below (the client writes, snapshot() reads)
    std::optional<pg::CancelHandle> cancel;
    bool in_flight = false;
    bool cancelled_by_stop = false;
    std::vector<WindowStats> windows;
    std::vector<WindowStats> phases; // by phase mark index
    Histogram latency;
    std::uint64_t committed = 0;
    std::uint64_t failed = 0;
    std::map<std::string, std::uint64_t> errors;
    std::map<std::string, TransactionStats> transactions;
    std::uint64_t reconnects = 0;
};

LoadGenerator::LoadGenerator(Workload workload, LoadOptions options)
    : m_workload(std::move(workload)), m_options(std::move(options))
{
    if (m_options.clients < 1 || !(m_options.rate > 0) || m_options.window.count() <= 0) {
        throw core::Error(core::ExitCode::usage,
                          fmt::format("invalid load options: {} clients at {} tps, {} µs windows",
                                      m_options.clients, m_options.rate, m_options.window.count()),
                          "Use at least one client, a rate above 0 and a window above 0.");
    }
    int total = 0;
    for (const auto& transaction : m_workload.transactions) {
        total += transaction.weight;
        m_choice.push_back(total);
    }
    if (total == 0) {
        throw core::Error(core::ExitCode::usage, fmt::format("workload {} has no transactions", m_workload.file));
    }
}

LoadGenerator::~LoadGenerator()
{
    try {
        stop();
    } catch (...) { // NOLINT(bugprone-empty-catch): a destructor must not throw
    }
}

Micros LoadGenerator::since_start(Clock::time_point at) const
{
    return std::chrono::duration_cast<Micros>(at - m_started_at);
}

void LoadGenerator::start()
{
    if (m_running.load()) {
        return;
    }
    // Setup values are fetched once, so every client binds the same numbers.
    m_setup_values.assign(m_workload.variables.size(), std::string());
    {
        auto connection = pg::Connection::connect(m_options.conninfo, m_options.application_name);
        for (const auto& setup : m_workload.setup) {
            const auto& name = m_workload.variables[static_cast<std::size_t>(setup.variable)];
            const auto result = connection.exec(setup.sql);
            if (result.rows() != 1 || result.columns() < 1 || result.is_null(0, 0)) {
                throw core::Error(core::ExitCode::usage,
                                  fmt::format("{}:{}: \\setup {} returned {} instead of one non-null value",
                                              m_workload.file, setup.line, name,
                                              result.rows() == 1 ? "NULL" : fmt::format("{} rows", result.rows())),
                                  "Check that the database holds the data the workload expects (seed it first).");
            }
            m_setup_values[static_cast<std::size_t>(setup.variable)] = std::string(result.get(0, 0));
        }
    }
    // A \set operand that names a setup variable must be a number: check now, not per transaction.
    for (const auto& transaction : m_workload.transactions) {
        for (const auto& step : transaction.steps) {
            for (const auto& operand : step.operands) {
                if (operand.variable < 0) {
                    continue;
                }
                const auto& text = m_setup_values[static_cast<std::size_t>(operand.variable)];
                double number = 0;
                const bool is_setup = !text.empty();
                if (is_setup && std::from_chars(text.data(), text.data() + text.size(), number).ec != std::errc()) {
                    throw core::Error(core::ExitCode::usage,
                                      fmt::format("{}:{}: \\setup value \"{}\" of {} is not a number", m_workload.file,
                                                  step.line, text,
                                                  m_workload.variables[static_cast<std::size_t>(operand.variable)]),
                                      "A variable used as a random() bound must hold a number.");
                }
            }
        }
    }
    m_clients.clear();
    for (int i = 0; i < m_options.clients; ++i) {
        auto client = std::make_unique<Client>();
        client->index = i;
        client->connection = pg::Connection::connect(m_options.conninfo, m_options.application_name);
        client->cancel.emplace(client->connection->cancel_handle());
        client->values = m_setup_values;
        m_clients.push_back(std::move(client));
    }
    {
        const std::lock_guard lock(m_phase_mutex);
        m_phases.assign(1, PhaseMark{"baseline", Micros{0}});
    }
    m_next_ticket.store(0);
    m_started.store(0);
    m_stopping.store(false);
    m_stopped_at.store(0);
    m_started_at = Clock::now();
    m_running.store(true);
    for (auto& client : m_clients) {
        m_threads.emplace_back([this, raw = client.get()] { client_loop(*raw); });
    }
}

void LoadGenerator::stop()
{
    if (!m_running.exchange(false)) {
        return;
    }
    m_stopped_at.store(std::max<Clock::rep>(1, (Clock::now() - m_started_at).count())); // 0 means running
    {
        const std::lock_guard lock(m_wake_mutex);
        m_stopping.store(true);
    }
    m_wake.notify_all();
    // Let running transactions finish; cancel those still running after the grace period.
    const auto deadline = Clock::now() + m_options.stop_grace;
    auto any_in_flight = [&] {
        return std::any_of(m_clients.begin(), m_clients.end(), [](const auto& client) {
            const std::lock_guard lock(client->mutex);
            return client->in_flight;
        });
    };
    while (any_in_flight() && Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    for (auto& client : m_clients) {
        const std::lock_guard lock(client->mutex);
        if (client->in_flight && client->cancel) {
            client->cancelled_by_stop = true;
            client->cancel->cancel();
        }
    }
    for (auto& thread : m_threads) {
        thread.join();
    }
    m_threads.clear();
    for (auto& client : m_clients) {
        client->connection.reset();
    }
}

std::size_t LoadGenerator::phase_at(std::uint64_t since_start_us) const
{
    const std::lock_guard lock(m_phase_mutex);
    std::size_t phase = 0;
    while (phase + 1 < m_phases.size() &&
           static_cast<std::uint64_t>(m_phases[phase + 1].at.count()) <= since_start_us) {
        ++phase;
    }
    return phase;
}

void LoadGenerator::mark_phase(std::string name)
{
    const auto at = running() ? since_start(Clock::now()) : Micros{0};
    const std::lock_guard lock(m_phase_mutex);
    if (at.count() == 0 && !m_phases.empty() && m_phases.back().at.count() == 0) {
        m_phases.back().name = std::move(name);
        return;
    }
    m_phases.push_back(PhaseMark{std::move(name), at});
}

std::map<std::string, std::string> LoadGenerator::setup_values() const
{
    std::map<std::string, std::string> out;
    for (const auto& setup : m_workload.setup) {
        const auto slot = static_cast<std::size_t>(setup.variable);
        out[m_workload.variables[slot]] = slot < m_setup_values.size() ? m_setup_values[slot] : std::string();
    }
    return out;
}

LoadSnapshot LoadGenerator::snapshot() const
{
    LoadSnapshot out;
    out.started_at = m_started_at;
    out.window = m_options.window;
    out.target_rate = m_options.rate;
    const auto stopped = m_stopped_at.load();
    out.elapsed = m_started_at == Clock::time_point()
                      ? Micros{0}
                      : (stopped != 0 ? std::chrono::duration_cast<Micros>(Clock::duration(stopped))
                                      : since_start(Clock::now()));
    {
        const std::lock_guard lock(m_phase_mutex);
        out.phases = m_phases;
    }
    for (const auto& client : m_clients) {
        const std::lock_guard lock(client->mutex);
        if (out.windows.size() < client->windows.size()) {
            out.windows.resize(client->windows.size());
        }
        for (std::size_t i = 0; i < client->windows.size(); ++i) {
            out.windows[i].merge(client->windows[i]);
        }
        if (out.phase_stats.size() < client->phases.size()) {
            out.phase_stats.resize(client->phases.size());
        }
        for (std::size_t i = 0; i < client->phases.size(); ++i) {
            out.phase_stats[i].merge(client->phases[i]);
        }
        out.latency.merge(client->latency);
        out.committed += client->committed;
        out.failed += client->failed;
        add_counts(out.errors, client->errors);
        for (const auto& [name, stats] : client->transactions) {
            auto& into = out.transactions[name];
            into.latency.merge(stats.latency);
            into.committed += stats.committed;
            into.failed += stats.failed;
        }
        out.reconnects += client->reconnects;
    }
    out.phase_stats.resize(std::max(out.phase_stats.size(), out.phases.size()));
    if (m_started_at != Clock::time_point()) {
        // Ticket k is due at k/rate: those due by `elapsed` are 0..floor(elapsed*rate).
        out.scheduled = static_cast<std::uint64_t>(
                            std::floor(static_cast<double>(out.elapsed.count()) * m_options.rate / 1e6)) + 1;
        out.started = std::min(out.scheduled, m_started.load());
    }
    return out;
}

// ------------------------------------------------------------------ the client loop

void LoadGenerator::client_loop(Client& client)
{
    const auto interval_ns = 1e9 / m_options.rate;
    const auto window_us = static_cast<std::uint64_t>(m_options.window.count());
    while (!m_stopping.load()) {
        const auto ticket = m_next_ticket.fetch_add(1);
        const auto scheduled =
            m_started_at + std::chrono::nanoseconds(static_cast<std::int64_t>(static_cast<double>(ticket) * interval_ns));
        {
            std::unique_lock lock(m_wake_mutex);
            m_wake.wait_until(lock, scheduled, [&] { return m_stopping.load(); });
        }
        if (m_stopping.load()) {
            break;
        }
        m_started.fetch_add(1);
        Rng rng(mix64(m_options.seed ^ mix64(ticket)));
        const auto pick = static_cast<int>(rng.next() % static_cast<std::uint64_t>(m_choice.back()));
        const auto chosen = static_cast<std::size_t>(std::upper_bound(m_choice.begin(), m_choice.end(), pick) - m_choice.begin());
        const auto& transaction = m_workload.transactions[chosen];

        {
            const std::lock_guard lock(client.mutex);
            client.in_flight = true;
        }
        std::string failure; // SQLSTATE of a failed transaction
        bool connection_lost = false;
        try {
            run_transaction(client, transaction, rng);
        } catch (const pg::SqlError& error) {
            failure = error.sqlstate().empty() ? k_connection_lost : error.sqlstate();
            connection_lost = error.connection_lost() || !client.connection->is_ok();
            if (!connection_lost) {
                try {
                    client.connection->exec("ROLLBACK");
                } catch (const pg::SqlError&) {
                    connection_lost = true;
                }
            }
        } catch (const std::exception&) {
            // Not from the server (e.g. a result lockwise could not read): count it, start afresh.
            failure = "XX000";
            connection_lost = true;
        }
        const auto finished = Clock::now();
        const auto scheduled_us = to_us(scheduled - m_started_at);
        const auto finished_us = to_us(finished - m_started_at);
        const auto phase = phase_at(scheduled_us);
        const auto done_phase = phase_at(finished_us);
        {
            const std::lock_guard lock(client.mutex);
            client.in_flight = false;
            if (client.cancelled_by_stop) {
                break; // our own cancel at shutdown: not the application's failure
            }
            const auto slot = static_cast<std::size_t>(scheduled_us / window_us);
            const auto done_slot = static_cast<std::size_t>(finished_us / window_us);
            if (client.windows.size() <= std::max(slot, done_slot)) {
                client.windows.resize(std::max(slot, done_slot) + 1);
            }
            if (client.phases.size() <= std::max(phase, done_phase)) {
                client.phases.resize(std::max(phase, done_phase) + 1);
            }
            client.phases[done_phase].completed += 1;
            auto& window = client.windows[slot];
            auto& in_phase = client.phases[phase];
            auto& per_transaction = client.transactions[transaction.name];
            client.windows[done_slot].completed += 1;
            if (failure.empty()) {
                const auto latency = to_us(finished - scheduled);
                window.latency.record(latency);
                window.committed += 1;
                in_phase.latency.record(latency);
                in_phase.committed += 1;
                client.latency.record(latency);
                client.committed += 1;
                per_transaction.latency.record(latency);
                per_transaction.committed += 1;
            } else {
                window.failed += 1;
                window.errors[failure] += 1;
                in_phase.failed += 1;
                in_phase.errors[failure] += 1;
                client.failed += 1;
                client.errors[failure] += 1;
                per_transaction.failed += 1;
            }
        }
        if (connection_lost) {
            reconnect(client);
        }
    }
}

void LoadGenerator::run_transaction(Client& client, const Transaction& transaction, Rng& rng)
{
    auto number = [&](const Operand& operand) -> double {
        if (operand.variable < 0) {
            return operand.literal;
        }
        const auto& text = client.values[static_cast<std::size_t>(operand.variable)];
        double value = 0;
        std::from_chars(text.data(), text.data() + text.size(), value);
        return value;
    };
    auto integer = [&](const Operand& operand) { return static_cast<std::int64_t>(std::llround(number(operand))); };

    client.connection->exec("BEGIN");
    for (const auto& step : transaction.steps) {
        switch (step.kind) {
        case Step::Kind::set: {
            std::int64_t value = 0;
            const auto& operands = step.operands;
            switch (step.distribution) {
            case Distribution::constant:
                if (operands[0].variable >= 0) {
                    client.values[static_cast<std::size_t>(step.target)] =
                        client.values[static_cast<std::size_t>(operands[0].variable)];
                    continue;
                }
                value = integer(operands[0]);
                break;
            case Distribution::uniform:
                value = rng.uniform(integer(operands[0]), std::max(integer(operands[0]), integer(operands[1])));
                break;
            case Distribution::zipf:
                value = rng.zipf(integer(operands[0]), std::max(integer(operands[0]), integer(operands[1])),
                                 number(operands[2]));
                break;
            case Distribution::exponential:
                value = rng.exponential(integer(operands[0]), std::max(integer(operands[0]), integer(operands[1])),
                                        number(operands[2]));
                break;
            }
            client.values[static_cast<std::size_t>(step.target)] = std::to_string(value);
            break;
        }
        case Step::Kind::sql: {
            pg::Params params;
            params.reserve(step.parameters.size());
            for (const int variable : step.parameters) {
                params.emplace_back(client.values[static_cast<std::size_t>(variable)]);
            }
            client.connection->exec_params(step.sql, params);
            break;
        }
        case Step::Kind::sleep:
            std::this_thread::sleep_for(Micros(step.sleep_us));
            break;
        }
    }
    client.connection->exec("COMMIT");
}

void LoadGenerator::reconnect(Client& client)
{
    auto backoff = std::chrono::milliseconds(50);
    while (!m_stopping.load()) {
        try {
            auto connection = pg::Connection::connect(m_options.conninfo, m_options.application_name);
            const std::lock_guard lock(client.mutex);
            client.connection = std::move(connection);
            client.cancel.emplace(client.connection->cancel_handle());
            client.reconnects += 1;
            return;
        } catch (const pg::SqlError&) {
            std::unique_lock lock(m_wake_mutex);
            m_wake.wait_for(lock, backoff, [&] { return m_stopping.load(); });
            backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
        }
    }
}

} // namespace lockwise::load
