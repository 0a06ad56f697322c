// Command registration and the one place errors are caught (ccache-style).
#include "lockwise/cli/app.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "lockwise/core/error.hpp"
#include "lockwise/core/version.hpp"

namespace lockwise::cli {

int run(int argc, char** argv)
{
    CLI::App app{"lockwise: PostgreSQL migrations that never take the application down", "lockwise"};
    app.set_version_flag("--version", core::k_version);
    app.require_subcommand(1);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        return app.exit(error);
    }
    return 0;
}

} // namespace lockwise::cli
