// Connection strings as users give them (conninfo or postgres:// URI), and
// their redacted form: the only form lockwise ever prints.
#pragma once

#include <string>
#include <string_view>

namespace lockwise::pg {

// The connection string with every secret (password, sslpassword) replaced by "***".
// Unparsable input is redacted whole rather than echoed.
std::string redact_conninfo(std::string_view conninfo);

// Replace every occurrence of the password that `conninfo` carries with "***" in `text`
// (for error messages that may echo it back).
std::string scrub_secrets(std::string text, std::string_view conninfo);

// Whether libpq can parse `conninfo`; on failure `error` holds libpq's message.
bool conninfo_is_valid(std::string_view conninfo, std::string& error);

} // namespace lockwise::pg
