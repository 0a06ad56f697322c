// The backfill engine: runs a BackfillSpec as many short transactions, keyset-walked
// per partition, paced and checkpointed, so the application never waits on it for long.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lockwise/backfill/spec.hpp"

namespace lockwise::pg {
class Connection;
}

namespace lockwise::backfill {

// One partition value ("" and is_null=false for an unpartitioned backfill).
struct PartitionProgress {
    std::string partition;
    bool is_null = false;
    long long rows_updated = 0; // rows the UPDATE changed, across runs (checkpointed)
    long long rows_scanned = 0; // rows walked past, across runs
    int pass = 1;               // 1 = the first walk; >1 = revisiting rows the application held
    bool finished = false;
};

struct Progress {
    long long rows_updated = 0;               // this run plus what earlier runs checkpointed
    long long rows_scanned = 0;
    std::optional<long long> estimated_total; // pending rows when the run started (count or planner estimate)
    double rows_per_second = 0;               // rows updated per second in this run
    std::string current_partition;
    std::size_t partitions_finished = 0;
    std::size_t partitions_total = 0;
};

struct BatchReport {
    std::string partition;
    long long limit = 0;   // the batch size asked for
    long long scanned = 0; // keys walked past
    long long updated = 0; // rows the UPDATE changed
    long long skipped = 0; // pending rows the application held (SKIP LOCKED): revisited later
    Millis duration{0};    // the whole transaction, BEGIN to COMMIT
};

// How the engine tells the world what it does; the report stage renders it. Every
// callback has a no-op default; callbacks run on the engine's thread, between batches.
class BackfillObserver {
public:
    virtual ~BackfillObserver() = default;
    virtual void on_partition_start(const PartitionProgress&) {}
    virtual void on_partition_done(const PartitionProgress&) {}
    virtual void on_progress(const Progress&) {}
    virtual void on_batch(const BatchReport&) {}
    // A pause the engine chose: reason is "pause", "max-rate" or "replica lag ...".
    virtual void on_throttle(std::string_view /*reason*/, Millis /*duration*/) {}
    virtual void on_retry(std::string_view /*sqlstate*/, int /*attempt*/, Millis /*backoff*/) {}
    virtual void debug(std::string_view /*message*/) {}
};

// Run-time settings that come from the runner, not the migration file.
struct BackfillOptions {
    std::string migration_version;          // checkpoint key, with step_index
    int step_index = 0;
    std::string progress_schema = "lockwise"; // holds backfill_progress (created if missing)
    std::atomic<bool>* stop_requested = nullptr; // polled between batches (SIGINT/SIGTERM)
    Millis lock_timeout{1000};              // per batch, unless the spec overrides it
    Millis statement_timeout{30000};
    Millis idle_in_transaction_timeout{60000};
    int max_retries = 10;                   // per batch, on 55P03/40P01/40001/57014
    Millis retry_backoff{100};              // doubles each attempt, with jitter, up to retry_backoff_max
    Millis retry_backoff_max{5000};
    Millis revisit_delay{500};              // wait before pass n+1 of a partition (times n)
    Millis lag_poll{250};                   // how often replica lag is re-checked while over the ceiling
    long long count_estimate_limit = 1000000; // count(*) the pending rows below this many reltuples
    long long window_rows = 0;              // rows per key window of a partitioned first pass; 0 = 8 batches' worth
};

struct BackfillResult {
    long long rows_updated = 0;      // in this run
    long long rows_scanned = 0;      // in this run
    long long rows_left_locked = 0;  // pending rows still held by the application after every pass
    long long batches = 0;
    long long retries = 0;
    long long throttle_events = 0;
    Millis throttled{0};
    std::size_t partitions = 0;
    std::optional<long long> estimated_total;
    bool resumed = false;            // continued from an earlier run's checkpoint
    bool already_done = false;       // the checkpoint says it had finished: nothing ran
    bool interrupted = false;        // stop_requested: checkpointed and returned early
    Millis elapsed{0};
    std::vector<PartitionProgress> partition_progress; // final state of each partition
};

// Runs (or resumes) the backfill. Throws core::Error(usage) when the spec does not
// validate, pg::SqlError for a database error retrying can't fix (the checkpoint
// keeps every committed batch: run again to resume).
BackfillResult run_backfill(pg::Connection& connection, const BackfillSpec& spec, const BackfillOptions& options,
                            BackfillObserver& observer);

// One batch next to the whole UPDATE, from the planner's estimates: a batch that reads
// something whole (a DISTINCT ON over every call) costs about as much as the statement,
// so the backfill would do that work once per batch.
struct BatchScaling {
    double batch_cost = 0;          // EXPLAIN total cost of one batch of batch_rows keys
    double whole_cost = 0;          // ... of the UPDATE as written, in one statement
    long long batch_rows = 0;       // the batch size the estimate is for (batch= or the first adaptive size)
    long long rows_to_do = 0;       // rows the walk visits (planner estimate of the pending rows)
    long long batches = 1;          // rows_to_do / batch_rows, rounded up
    std::string widest_scan;        // the relation one batch reads most rows of ("call_log")
    long long widest_scan_rows = 0; // ... and how many (planner estimate)
    std::optional<double> seconds;  // all batches, from a short timed read of widest_scan; nullopt = not measured
    bool scales = true;             // batches together cost at most k_batch_work_limit whole statements
                                    // (or at most k_batch_waste_floor more than one)
};

// How many whole statements' worth of work the batches together may cost before a backfill
// is refused: the batching's own overhead stays well below it; a per-batch rescan is ~batches.
inline constexpr double k_batch_work_limit = 4.0;
// ... and only when the extra work is worth a refusal: below this many cost units (about as
// many page reads) a batch's fixed overhead on a small table outweighs its share of the work.
inline constexpr double k_batch_waste_floor = 100000.0;

// EXPLAINs one batch and the whole statement (and times a bounded read of the widest scan
// to turn cost into time). Read-only. nullopt when the statement can't be planned yet (its
// table doesn't exist before earlier migrations run): there is nothing to judge.
std::optional<BatchScaling> estimate_batch_scaling(pg::Connection& connection, const BackfillSpec& spec);

// "each batch reads ~600,000 call_log rows; about 8 min for 200,000 leads".
std::string describe_batch_scaling(const BatchScaling& scaling, std::string_view table);

// The refusal of a backfill whose batches don't scale (estimate_batch_scaling), with the
// estimate and the rewrite to use instead; nullopt when it scales or can't be planned yet.
// validate_against_database includes it.
std::optional<catalog::Diagnostic> batch_scaling_problem(pg::Connection& connection, const BackfillSpec& spec);

// The rewrite batch_scaling_problem proposes: a correlated subquery per row on the spec's
// table (a skeleton: <column>, <source>, ... are the user's to fill in).
std::string batch_scaling_rewrite(const BackfillSpec& spec);
// ... and the other way out, in one sentence.
inline constexpr std::string_view k_scaling_alternative =
    "or a FROM subquery whose DISTINCT ON / GROUP BY / PARTITION BY include its join column and that has "
    "no LIMIT, which lockwise narrows to each batch's keys itself.";

// Removes the checkpoint rows of one backfill step (e.g. after a migration is rolled back).
void forget_backfill(pg::Connection& connection, const BackfillOptions& options);

} // namespace lockwise::backfill
