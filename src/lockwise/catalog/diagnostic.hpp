// Building catalog diagnostics: one place computes line, column and source line
// from a file's text so every catalog error points at the same kind of position.
#pragma once

#include <string>
#include <string_view>

#include "lockwise/catalog/migration.hpp"

namespace lockwise::catalog {

// A problem with a file (or directory) as a whole: no position.
Diagnostic file_diagnostic(std::string file, std::string message, std::string hint = {});

// A problem at byte `offset` of `text` (the file as read, BOM removed).
Diagnostic text_diagnostic(std::string file, std::string_view text, std::size_t offset,
                           std::string message, std::string hint = {});

} // namespace lockwise::catalog
