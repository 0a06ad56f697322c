// The command-line interface: parses argv, runs one command, maps errors to exit codes.
#pragma once

namespace lockwise::cli {

// Runs lockwise with the given arguments; returns the process exit status.
int run(int argc, char** argv);

} // namespace lockwise::cli
