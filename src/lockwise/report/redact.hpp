// Secret scrubbing for everything lockwise prints: the known secrets the cli
// installs, plus generic patterns (password=..., PASSWORD '...', user:pass@ in URIs).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace lockwise::report {

// A hook that returns its input with secrets removed (installed by the cli on the Logger).
using Redactor = std::function<std::string(std::string_view)>;

// Replaces, in free text: `password=value` / `password = 'quoted value'` (also sslpassword,
// PGPASSWORD; any case), SQL `PASSWORD 'literal'`, and the password of `scheme://user:pass@host`.
std::string scrub_text(std::string_view text);

// A Redactor that replaces every occurrence of each non-empty secret with "***".
Redactor literal_redactor(std::vector<std::string> secrets);

} // namespace lockwise::report
