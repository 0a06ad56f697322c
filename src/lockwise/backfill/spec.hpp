// What a `-- lockwise:backfill` directive asks for, checked before anything runs:
// the options (parse time) and the table, key and predicate (against the database).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lockwise/catalog/migration.hpp"
#include "lockwise/sql/statement.hpp"

namespace lockwise::pg {
class Connection;
}

namespace lockwise::backfill {

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
    std::string pending;    // "rows still to do": pending="..." or the UPDATE's WHERE; "" = every row

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

// Plan-time checks that need the database: the table, key (unique, NOT NULL, single
// column), partition column, pending predicate and the UPDATE itself. Read-only
// (EXPLAIN, catalog queries); returns every problem found, empty when the spec is runnable.
std::vector<catalog::Diagnostic> validate_against_database(pg::Connection& connection, const BackfillSpec& spec);

// catalog::parse_duration: "250ms", "5s", "2min", "1h". nullopt if invalid.
std::optional<Millis> parse_backfill_duration(std::string_view text);
// "1048576", "512kB", "16MB", "1GB" (1024-based, as PostgreSQL's units). nullopt if invalid.
std::optional<long long> parse_byte_size(std::string_view text);

} // namespace lockwise::backfill
