// Parse-time checks of a backfill directive: every option is validated and every
// problem collected (mold-style), so a user fixes a migration file in one round.
#include "lockwise/plan/backfill_spec.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <set>

#include "lockwise/catalog/byte_size.hpp"
#include "lockwise/catalog/duration.hpp"
#include "lockwise/core/source_location.hpp"
#include "lockwise/sql/condition.hpp"
#include "lockwise/sql/pushdown.hpp"

namespace lockwise::plan {

namespace {

const std::set<std::string, std::less<>> k_known_options = {
    "key", "partition", "batch", "min-batch", "max-batch", "target-ms", "target", "pause",
    "max-rate", "max-lag", "passes", "pending", "lock-timeout", "statement-timeout",
};

using catalog::k_duration_syntax;

std::optional<long long> parse_integer(std::string_view text)
{
    long long value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || text.empty()) {
        return std::nullopt;
    }
    return value;
}

std::optional<double> parse_number(std::string_view text)
{
    double value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || text.empty() || !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

} // namespace

std::optional<Millis> parse_backfill_duration(std::string_view text)
{
    return catalog::parse_duration(text);
}

std::optional<long long> parse_byte_size(std::string_view text)
{
    return catalog::parse_byte_size(text);
}

BackfillSpec parse_backfill_spec(const catalog::Directive& directive, const sql::Statement& statement,
                                 std::vector<catalog::Diagnostic>& errors, std::string_view file)
{
    BackfillSpec spec;
    spec.file = std::string(file);
    spec.directive_offset = directive.offset;
    spec.directive_line = directive.line;
    spec.directive_column = directive.column;
    spec.statement_offset = statement.span.offset;
    spec.statement_line = statement.span.line;
    spec.statement_column = statement.span.column;

    const auto at_directive = [&](std::string message, std::string hint) {
        errors.push_back(catalog::Diagnostic{spec.file, directive.offset, directive.line, directive.column,
                                             std::move(message), std::move(hint), {}});
    };
    const auto at_statement = [&](std::string message, std::string hint) {
        errors.push_back(catalog::Diagnostic{spec.file, statement.span.offset, statement.span.line,
                                             statement.span.column, std::move(message), std::move(hint),
                                             std::string(core::source_line(statement.text, 1))});
    };

    if (!statement.update) {
        at_statement(fmt::format("a backfill directive must annotate an UPDATE, not {}",
                                 statement.kind.empty() ? "this statement" : statement.kind),
                     "Put `-- lockwise:backfill` on the line right above the UPDATE it batches.");
        return spec;
    }
    const auto& update = *statement.update;
    if (update.has_returning) {
        at_statement("a backfilled UPDATE cannot have RETURNING",
                     "Remove RETURNING: a backfill runs the UPDATE in many batches and discards their rows.");
    }
    spec.schema = update.schema;
    spec.table = update.table;
    spec.alias = update.alias;
    spec.head_text = update.head_text;
    spec.where_text = update.where_text;
    spec.has_from = update.has_from;
    // With FROM, the WHERE may name the other tables, which a scan of the target alone can't see.
    spec.pending = update.has_from ? std::string() : update.where_text;
    if (update.has_from) {
        if (const auto pushdown = sql::push_key_set_into_join(statement.text, k_batch_key_set)) {
            spec.pushdown_key = pushdown->target_column;
            spec.pushdown_problem = pushdown->problem;
            spec.batch_head_text = pushdown->head_text;
            spec.batch_where_text = pushdown->where_text;
        }
    }

    for (const auto& option : directive.options) {
        // Named references, not structured bindings: the lambdas below capture them (clang 14,
        // which builds the fuzz targets, can't capture a structured binding).
        const auto& name = option.first;
        const auto& value = option.second;
        if (!k_known_options.contains(name)) {
            at_directive(fmt::format("unknown backfill option \"{}\"", name),
                         "Known options: key, partition, batch, min-batch, max-batch, target-ms, target, pause, "
                         "max-rate, max-lag, passes, pending, lock-timeout, statement-timeout.");
            continue;
        }
        const auto positive = [&](std::string_view what) -> std::optional<long long> {
            const auto number = parse_integer(value);
            if (!number || *number <= 0) {
                at_directive(fmt::format("{}={} is not a positive integer", name, value),
                             fmt::format("Write {} as a whole number greater than zero.", what));
                return std::nullopt;
            }
            return number;
        };
        const auto duration = [&](bool allow_zero) -> std::optional<Millis> {
            const auto parsed = parse_backfill_duration(value);
            if (!parsed || (!allow_zero && parsed->count() == 0)) {
                const auto problem = catalog::duration_problem(value);
                at_directive(problem.starts_with("too large") ? fmt::format("{}={} is {}", name, value, problem)
                                                              : fmt::format("{}={} is not a valid duration", name, value),
                             fmt::format("Write a duration as {}.", k_duration_syntax));
                return std::nullopt;
            }
            return parsed;
        };
        if (name == "key") {
            spec.key = value;
            if (value.find(',') != std::string::npos) {
                at_directive("a composite backfill key is not supported",
                             "Name one unique NOT NULL column as key= (for example the primary key column).");
            }
        } else if (name == "partition") {
            spec.partition = value;
        } else if (name == "batch") {
            if (value != "auto") {
                if (const auto n = positive("the batch size (or auto)")) {
                    spec.fixed_batch = *n;
                }
            }
        } else if (name == "min-batch") {
            if (const auto n = positive("the smallest batch")) {
                spec.min_batch = *n;
            }
        } else if (name == "max-batch") {
            if (const auto n = positive("the largest batch")) {
                spec.max_batch = *n;
            }
        } else if (name == "target-ms") {
            if (const auto n = positive("the target batch duration in milliseconds")) {
                spec.target = Millis(*n);
            }
        } else if (name == "target") {
            if (const auto d = duration(false)) {
                spec.target = *d;
            }
        } else if (name == "pause") {
            if (const auto d = duration(true)) {
                spec.pause = *d;
            }
        } else if (name == "max-rate") {
            const auto rate = parse_number(value);
            if (!rate || *rate <= 0) {
                at_directive(fmt::format("max-rate={} is not a positive number of rows per second", value),
                             "Write max-rate as rows per second, for example max-rate=5000.");
            } else {
                spec.max_rate = *rate;
            }
        } else if (name == "max-lag") {
            if (const auto d = parse_backfill_duration(value); d && d->count() > 0) {
                spec.max_lag = *d;
            } else if (const auto bytes = parse_byte_size(value); bytes && *bytes > 0) {
                spec.max_lag_bytes = *bytes;
            } else {
                const auto too_large = catalog::duration_problem(value).starts_with("too large")
                                           ? catalog::duration_problem(value)
                                           : catalog::byte_size_problem(value);
                at_directive(too_large.starts_with("too large")
                                 ? fmt::format("max-lag={} is {}", value, too_large)
                                 : fmt::format("max-lag={} is neither a duration nor a size", value),
                             fmt::format("Write max-lag as {}, or as a WAL size such as 16MB.", k_duration_syntax));
            }
        } else if (name == "passes") {
            if (const auto n = positive("the number of passes")) {
                spec.passes = static_cast<int>(std::min(*n, 100LL));
            }
        } else if (name == "pending") {
            // Emitted from its parse tree inside lockwise's own parentheses: text that closes a
            // parenthesis it did not open ("done) OR (true") never reaches a batch.
            if (const auto condition = sql::parse_condition(value); !condition.problem.empty()) {
                at_directive(fmt::format("pending=\"{}\" is not one condition: {}", value, condition.problem),
                             "Write pending as one SQL boolean condition over the UPDATE's table, in double quotes.");
            } else {
                spec.pending = condition.text;
            }
        } else if (name == "lock-timeout") {
            spec.lock_timeout = duration(false);
        } else if (name == "statement-timeout") {
            spec.statement_timeout = duration(false);
        }
    }
    if (spec.min_batch > spec.max_batch) {
        at_directive(fmt::format("min-batch={} is larger than max-batch={}", spec.min_batch, spec.max_batch),
                     "Make min-batch at most max-batch.");
    }
    spec.initial_batch = std::clamp(spec.initial_batch, spec.min_batch, spec.max_batch);
    return spec;
}

} // namespace lockwise::plan
