// The one filter every string leaving lockwise passes (stderr, logs, stdout, reports,
// history rows): the known secrets (core/secrets.hpp), generic patterns (password=...,
// PASSWORD '...', user:pass@ in URIs) and control bytes.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace lockwise::report {

// A hook that returns its input with secrets removed (installed by the cli on the Logger).
using Redactor = std::function<std::string(std::string_view)>;

// Replaces, in free text: `password=value` / `password = 'quoted value'` (also sslpassword,
// PGPASSWORD; any case; the value runs to white space, or to `&` inside a URI's query), SQL
// `PASSWORD 'literal'` in every quoting (`E'..'`, `U&'..'`, `$$..$$`, `$tag$..$tag$`, with or
// without a space), and the password of `scheme://user:pass@host`.
std::string scrub_text(std::string_view text);

// What every output goes through: core::mask_secrets, scrub_text, core::strip_control_bytes.
std::string sanitize(std::string_view text);
// sanitize() applied to every string (not key) of a JSON value, before it is serialized, so
// the patterns see the text as written rather than JSON-escaped.
nlohmann::json sanitize_json(const nlohmann::json& value);

// A Redactor that replaces every occurrence of each non-empty secret with "***".
Redactor literal_redactor(std::vector<std::string> secrets);

} // namespace lockwise::report
