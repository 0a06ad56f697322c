// Connection strings as users give them (conninfo or postgres:// URI), and
// their redacted form: the only form lockwise ever prints.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lockwise::pg {

// The connection string with every secret (password, sslpassword) replaced by "***".
// Unparsable input is redacted whole rather than echoed.
std::string redact_conninfo(std::string_view conninfo);

// Replace every occurrence of the password that `conninfo` carries with "***" in `text`
// (for error messages that may echo it back).
std::string scrub_secrets(std::string text, std::string_view conninfo);

// Whether libpq can parse `conninfo`; on failure `error` says what is wrong without any part
// of the value (see conninfo_problem).
bool conninfo_is_valid(std::string_view conninfo, std::string& error);

// What libpq's parse error `libpq_message` means, in words that carry no part of the
// connection string: libpq quotes the offending token, which may be (part of) the password
// (`invalid percent-encoded token: "SEC%zzRET"`, `missing "=" after "TAIL"`).
std::string conninfo_problem(std::string_view libpq_message);

// Registers every secret `conninfo` carries (password, sslpassword) with core::register_secret,
// so every output masks them wherever they appear. An unparsable string registers nothing
// (it is never echoed either).
void register_conninfo_secrets(std::string_view conninfo);

// Every host libpq would try for `conninfo`: its host and hostaddr values, split at commas
// ("" entries kept: libpq's default). Empty when neither is given or the string is unparsable.
std::vector<std::string> conninfo_hosts(std::string_view conninfo);

} // namespace lockwise::pg
