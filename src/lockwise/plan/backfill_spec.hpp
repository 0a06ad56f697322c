// What a `-- lockwise:backfill` directive asks for, parsed and checked when the migration is
// planned; the plan's step carries it, so the runner never parses a directive again.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lockwise/catalog/migration.hpp"
#include "lockwise/sql/statement.hpp"

namespace lockwise::plan {

// The key set of one batch as the backfill engine's batch statement names it; pushed into
// a joined subquery's WHERE (the engine's lockwise_locked CTE holds the batch's locked keys).
inline constexpr std::string_view k_batch_key_set = "SELECT lockwise_locked.k FROM lockwise_locked";

using Millis = std::chrono::milliseconds;

// One backfill step: the UPDATE split into the pieces a batch needs, and how to pace it.
struct BackfillSpec {
    // Where it came from, for diagnostics.
    std::string file;
    std::size_t directive_offset = 0;
    int directive_line = 1;
    int directive_column = 1;
    std::size_t statement_offset = 0;
    int statement_line = 1;
    int statement_column = 1;

    // The UPDATE.
    std::string schema;     // "" = resolved through search_path
    std::string table;
    std::string alias;      // "" = the table is referred to by its name
    std::string head_text;  // the UPDATE up to (not including) its top-level WHERE
    std::string where_text; // its condition, "" when it has none
    bool has_from = false;  // head_text ends with a FROM list (UPDATE ... SET ... FROM ...)
    // The batch's key set pushed into the FROM subquery the UPDATE joins on its key
    // (sql/pushdown.hpp): set when provably safe, used when the walk key is pushdown_key.
    std::string batch_head_text;   // "" = no pushdown
    std::string batch_where_text;
    std::string pushdown_key;      // the target's join column
    std::string pushdown_problem;  // why a join on the key could not take the key set ("" = none or pushed)
    std::string pending;    // "rows still to do": pending="..." (as printed from its parse tree) or the
                            // UPDATE's WHERE; "" = every row

    // Walk.
    std::string key;       // key=...; "" = the primary key (a single column)
    std::string partition; // partition=...; "" = the whole table is one partition

    // Batch sizing: fixed_batch set by batch=<n>; otherwise adaptive towards target.
    std::optional<long long> fixed_batch;
    long long min_batch = 100;
    long long max_batch = 50000;
    long long initial_batch = 1000;
    Millis target{200};

    // Throttling.
    Millis pause{0};                       // pause=<duration> between batches
    std::optional<double> max_rate;        // max-rate=<rows/s>
    std::optional<Millis> max_lag;         // max-lag=<duration>: pg_stat_replication.replay_lag
    std::optional<long long> max_lag_bytes; // max-lag=<size>: bytes of WAL not yet replayed

    int passes = 3; // passes=<n>: walks over rows skipped because the application held them

    // Per-batch timeouts; unset = BackfillOptions' defaults.
    std::optional<Millis> lock_timeout;
    std::optional<Millis> statement_timeout;
};

// Builds the spec from the directive and the UPDATE it annotates. Every problem is
// appended to `errors` (file:line:col + hint); the returned spec is only usable when
// no error was added. `file` is the display path used in diagnostics.
BackfillSpec parse_backfill_spec(const catalog::Directive& directive, const sql::Statement& statement,
                                 std::vector<catalog::Diagnostic>& errors, std::string_view file = {});

// catalog::parse_duration: "250ms", "5s", "2min", "1h". nullopt if invalid.
std::optional<Millis> parse_backfill_duration(std::string_view text);
// "1048576", "512kB", "16MB", "1GB" (1024-based, as PostgreSQL's units). nullopt if invalid.
std::optional<long long> parse_byte_size(std::string_view text);

} // namespace lockwise::plan
