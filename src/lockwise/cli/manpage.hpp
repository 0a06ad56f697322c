// The lockwise(1) manual page, generated from the CLI11 definition the binary parses with,
// so the page lists exactly the commands and options `lockwise --help` does.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace lockwise::cli {

// roff (man(7) macros) for lockwise(1): every visible command with its options, the global options, exit codes.
std::string render_manpage(const CLI::App& app);

} // namespace lockwise::cli
