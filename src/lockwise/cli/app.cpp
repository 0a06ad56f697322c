// Command registration and the one place errors are caught (ccache-style): every
// failure becomes a message on stderr and its documented exit code, through the same
// redaction and control-byte filter as every other output (report::sanitize).
#include "lockwise/cli/app.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <iostream>

#include "lockwise/cli/commands.hpp"
#include "lockwise/cli/manpage.hpp"
#include "lockwise/cli/usage.hpp"
#include "lockwise/core/error.hpp"
#include "lockwise/core/secrets.hpp"
#include "lockwise/core/version.hpp"
#include "lockwise/pg/connection.hpp"
#include "lockwise/pg/sql_error.hpp"
#include "lockwise/report/redact.hpp"
#include "lockwise/sql/parser_version.hpp"

namespace lockwise::cli {
namespace {

// Writes one line of the final error report to stderr, sanitized.
void error_line(std::string_view label, std::string_view text)
{
    std::cerr << report::sanitize(fmt::format("{}{}", label, text)) << "\n";
}

} // namespace

int run(int argc, char** argv)
{
    CLI::App app{"lockwise: PostgreSQL schema migrations that never take the application down.\n"
                 "Every statement runs under a lock policy that fits it, waits only as long as the\n"
                 "application can afford, retries instead of failing, and says who blocks it.",
                 "lockwise"};
    app.set_version_flag("--version", fmt::format("lockwise {}\nSQL parser: libpg_query (PostgreSQL {} grammar)\nlibpq: {}",
                                                  core::k_version, sql::parser_version(), pg::libpq_version()));
    app.require_subcommand(1);
    app.fallthrough(); // global flags may follow the subcommand: `lockwise plan -m dir`
    app.footer("Exit codes: 0 ok, 1 migration failed, 2 usage/config/input error, 3 lock budget exhausted,\n"
               "4 another runner holds the lock, 5 checksum drift, 6 refused by lint, 7 connection failed,\n"
               "8 interrupted, 9 impact gate exceeded. See README.md.");
    GlobalFlags flags;
    add_global_flags(app, flags);
    CommandTable table;
    add_migrate_command(app, table);
    add_plan_command(app, table);
    add_down_command(app, table);
    add_lint_command(app, table);
    add_locks_command(app, table);
    add_status_command(app, table);
    add_baseline_command(app, table);
    add_repair_command(app, table);
    add_config_command(app, table);
    add_demo_command(app, table);
    add_rehearse_command(app, table);
    show_global_options_in_commands(app);
    // Hidden (no group): the build writes the man page with it (manpage.cpp).
    auto* manpage = app.add_subcommand("manpage", "print the lockwise(1) manual page (roff)")->group("");
    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& done) { // --help, --version
        return app.exit(done);
    } catch (const CLI::ParseError& error) {
        // Every other parse error is a usage error (exit 2, README "Exit codes"), never CLI11's own codes.
        const auto problem = explain_parse_error(app, error, std::vector<std::string>(argv + 1, argv + argc));
        error_line("lockwise: error: ", problem.message);
        error_line("hint: ", problem.hint);
        return static_cast<int>(core::ExitCode::usage);
    }
    if (manpage->parsed()) {
        std::cout << render_manpage(app);
        return 0;
    }
    // libpq sends PGPASSWORD when the connection string has no password: mask it like one.
    if (const char* password = std::getenv("PGPASSWORD"); password != nullptr) {
        core::register_secret(password);
    }
    for (const auto* sub : app.get_subcommands()) {
        const auto it = table.find(sub);
        if (it == table.end()) {
            continue;
        }
        try {
            Context context(flags);
            return it->second(context);
        } catch (const pg::SqlError& error) {
            // A database error outside a migration step (history, lint context, pre-checks).
            const auto& fields = error.fields();
            error_line("lockwise: error: ", fields.sqlstate.empty() ? std::string(error.what())
                                                                    : fmt::format("{} (SQLSTATE {})", error.what(), fields.sqlstate));
            if (!fields.detail.empty()) {
                error_line("detail: ", fields.detail);
            }
            if (fields.sqlstate == pg::sqlstate::insufficient_privilege) {
                error_line("hint: ", "lockwise's role needs CREATE on the database (for its history schema) and the privileges "
                                     "the migrations' statements need; see docs/reliability.md, \"Least privileges\".");
            } else if (!error.hint().empty()) {
                error_line("hint: ", error.hint());
            }
            return static_cast<int>(error.connection_lost() ? core::ExitCode::connection_failed : error.code());
        } catch (const core::Error& error) {
            error_line("lockwise: error: ", error.what());
            if (!error.hint().empty()) {
                error_line("hint: ", error.hint());
            }
            return static_cast<int>(error.code());
        } catch (const std::exception& error) {
            error_line("lockwise: internal error: ", error.what());
            error_line("hint: ", "This is a bug in lockwise; please report it with the command you ran.");
            return static_cast<int>(core::ExitCode::internal);
        }
    }
    return static_cast<int>(core::ExitCode::usage);
}

} // namespace lockwise::cli
