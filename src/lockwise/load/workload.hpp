// The workload script format (docs/load.md): weighted transactions of SQL
// statements whose :variables are bound as $n parameters, modelled on pgbench scripts.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace lockwise::load {

// An argument of a \set function: an integer/decimal literal or a variable.
struct Operand {
    int variable = -1; // index into Workload::variables, -1 for a literal
    double literal = 0;
};

enum class Distribution {
    constant,    // \set x 5  or  \set x :y
    uniform,     // random(lo, hi)
    zipf,        // random_zipf(lo, hi, s): rank 1 (= lo) most frequent, weight 1/rank^s
    exponential, // random_exponential(lo, hi, param): lo most frequent, decaying with param
};

// One step of a transaction, run in order.
struct Step {
    enum class Kind { set, sql, sleep };
    Kind kind = Kind::sql;
    int line = 0;
    // set: target variable, distribution and its operands (lo, hi, parameter).
    int target = -1;
    Distribution distribution = Distribution::constant;
    std::vector<Operand> operands;
    // sql: the statement with :names replaced by $1..$n, and the variable bound to each $i.
    std::string sql;
    std::vector<int> parameters;
    // sleep: how long, in microseconds.
    std::int64_t sleep_us = 0;
};

struct Transaction {
    std::string name;
    int weight = 1;
    int line = 0;
    std::vector<Step> steps;
};

// A query run once when the load starts; the first column of its single row becomes the variable.
struct SetupQuery {
    int variable = -1;
    std::string sql;
    int line = 0;
};

struct Workload {
    std::string file;                  // for messages
    std::vector<std::string> variables; // names; index = slot
    std::vector<SetupQuery> setup;
    std::vector<Transaction> transactions;

    // Index of variable `name`, -1 if the script defines none.
    int variable_index(std::string_view name) const;
};

// A problem found while parsing, with its position and a rendered "file:line:col" diagnostic.
struct WorkloadError {
    int line = 0;
    int column = 0;
    std::string message;
    std::string hint;
    std::string rendered;
};

struct WorkloadParse {
    Workload workload;
    std::vector<WorkloadError> errors; // every problem of the file, in order; empty when usable
};

// Parses a workload script; `file` names it in diagnostics.
WorkloadParse parse_workload(std::string_view text, std::string_view file = "<workload>");
// Reads and parses a file; throws core::Error(usage) listing every error, or if unreadable.
Workload load_workload(const std::filesystem::path& path);
// Parses text; throws core::Error(usage) listing every error.
Workload workload_from_text(std::string_view text, std::string_view file = "<workload>");

} // namespace lockwise::load
