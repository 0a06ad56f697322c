// Fuzz target: the targets-file parser (plain `name conninfo` lines or TOML), with and without
// fleet.allowed_hosts. Bad input must end as core::Error(usage) whose message, once sanitized
// like every output, carries no control bytes; every accepted target has a valid name and a
// connection string libpq parses.
#include <cstddef>
#include <cstdint>
#include <string>

#include "lockwise/core/error.hpp"
#include "lockwise/fleet/fleet.hpp"
#include "lockwise/pg/conninfo.hpp"
#include "lockwise/report/redact.hpp"
#include "output_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0) {
        return 0;
    }
    // First byte: plain or TOML (by the file name), and whether hosts are restricted.
    const bool toml = (data[0] & 1) != 0;
    const bool restricted = (data[0] & 2) != 0;
    const std::string content(reinterpret_cast<const char*>(data) + 1, size - 1);
    const lockwise::fleet::AllowedHosts allowed =
        restricted ? lockwise::fleet::AllowedHosts{"db1.internal", "*.example.com", "/run/postgresql"}
                   : lockwise::fleet::AllowedHosts{};
    try {
        const auto targets = lockwise::fleet::parse_targets(toml ? "fleet.toml" : "fleet.txt", content, allowed);
        for (const auto& target : targets) {
            std::string error;
            if (target.name.empty() || !lockwise::pg::conninfo_is_valid(target.conninfo, error)) {
                __builtin_trap();
            }
            if (restricted) {
                for (const auto& host : lockwise::pg::conninfo_hosts(target.conninfo)) {
                    if (!lockwise::fleet::host_allowed(host, allowed)) {
                        __builtin_trap();
                    }
                }
            }
        }
    } catch (const lockwise::core::Error& error) {
        if (error.code() != lockwise::core::ExitCode::usage) {
            __builtin_trap();
        }
        if (has_control_byte(lockwise::report::sanitize(error.what()))) {
            __builtin_trap();
        }
    }
    return 0;
}
