// Fleets: the same migrations applied to many databases (shards, tenants, regions), each
// with its own full runner (history, runner lock, policies), in parallel, with canaries.
#pragma once

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "lockwise/catalog/migration.hpp"
#include "lockwise/history/store.hpp"
#include "lockwise/plan/plan.hpp"
#include "lockwise/report/logger.hpp"
#include "lockwise/run/runner.hpp"

namespace lockwise::fleet {

// One database of the fleet.
struct Target {
    std::string name;     // "shard1": shown in logs and the summary
    std::string conninfo; // never printed: use pg::redact_conninfo
    std::string where;    // "targets.toml:3" (or "query row 3"), for error messages
};

// The hosts targets may name (fleet.allowed_hosts): exact names or addresses ("db1.internal",
// "10.0.0.7"), "*.internal" for any name under a domain, "/path" for a unix socket directory.
// Empty = any host. When set, every host a target names (host= and hostaddr=, each entry of a
// list) must match one, and a target must name its host: libpq's default (PGHOST) is not checked.
using AllowedHosts = std::vector<std::string>;
// Splits "a, b,c" at commas, trimming white space; "" gives an empty list.
AllowedHosts parse_allowed_hosts(std::string_view text);
bool host_allowed(std::string_view host, const AllowedHosts& allowed);

// Reads a targets file: TOML (`[targets]` table of name = "conninfo") when the file ends in .toml or
// has a [targets] line, else plain lines `name conninfo...` (# comments, blank lines ignored).
// Throws core::Error(usage) listing every bad line with file:line (duplicates, empty conninfo,
// a host outside `allowed_hosts`, ...). Every password found is registered as a known secret.
std::vector<Target> load_targets_file(const std::filesystem::path& path, const AllowedHosts& allowed_hosts = {});
// load_targets_file on `content` already read from `path` (the fuzz target's entry point).
std::vector<Target> parse_targets(const std::filesystem::path& path, const std::string& content,
                                  const AllowedHosts& allowed_hosts = {});

// Runs `sql` on the catalogue database; each row's first two columns are name and conninfo.
// Throws core::Error(connection_failed) or core::Error(usage) (query error, too few columns, NULLs,
// a host outside `allowed_hosts`). The rows are trusted like a targets file: a row's conninfo
// says where lockwise connects and with which TLS settings (docs/security.md).
std::vector<Target> query_targets(const std::string& catalog_conninfo, const std::string& sql,
                                   const AllowedHosts& allowed_hosts = {});

enum class OnFailure { stop, keep_going };

struct FleetOptions {
    int parallel = 4;                    // targets migrated at once (>= 1)
    int canary = 0;                      // migrate this many (in file order) first; the rest only if all succeed
    OnFailure on_failure = OnFailure::stop;
    run::RunnerOptions runner;           // the template every target gets; conninfo is replaced per target
};

enum class TargetOutcome { applied, up_to_date, failed, skipped };
const char* to_string(TargetOutcome outcome) noexcept;

struct TargetResult {
    std::string name;
    std::string redacted;      // the redacted conninfo
    TargetOutcome outcome = TargetOutcome::skipped;
    int applied = 0;           // migrations applied in this run
    int up_to_date = 0;        // migrations already applied before it
    int exit_code = 0;         // the exit code a single-database `migrate` would have returned
    std::string error;         // failure message (redacted), or why it was skipped
    plan::Millis elapsed{0};
    bool canary = false;
};

struct FleetResult {
    std::vector<TargetResult> targets; // in input order
    bool canary_failed = false;
    plan::Millis elapsed{0};
};

// Migrates every target with run::migrate. Each target's logs go to `log`'s stream with a
// "[name] " prefix (plain) or a "target" field (JSON). Never throws for a target's failure: it is
// recorded in its TargetResult; targets not started (failure policy, failed canary, stop request)
// are `skipped`. Throws core::Error(usage) for bad options or duplicate target names.
FleetResult migrate_fleet(const catalog::Catalog& catalog, const std::vector<plan::MigrationPlan>& plans,
                          const std::vector<Target>& targets, const FleetOptions& options, report::Logger& log);

// 0 when every target is applied or up to date; else the exit code of the first failed target
// (input order); else 8 (interrupted) when targets were skipped by a stop request.
int exit_code(const FleetResult& result);

// The summary table: one row per target (name, redacted conninfo, outcome, counts, time, error).
std::string render_summary(const FleetResult& result);
nlohmann::json to_json(const FleetResult& result);

// One target's history compared with the migration files.
struct TargetStatus {
    std::string name;
    std::string redacted;
    int applied = 0;  // succeeded or baselined
    int pending = 0;
    int failed = 0;   // failed or still running
    int drifted = 0;
    std::string error; // "" when the target was reachable
};

// Reads every target's history (`parallel` at a time); unreachable targets carry their error.
std::vector<TargetStatus> fleet_status(const catalog::Catalog& catalog, const std::vector<Target>& targets,
                                       const history::HistoryLocation& location, int parallel);
std::string render_status(const std::vector<TargetStatus>& rows);
nlohmann::json to_json(const std::vector<TargetStatus>& rows);
// 7 when a target was unreachable, else 5 when one drifted, else 0.
int status_exit_code(const std::vector<TargetStatus>& rows);

} // namespace lockwise::fleet
