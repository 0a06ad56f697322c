// Session names: build and read "lockwise/<run-id>/<role>".
#include "lockwise/locks/session_name.hpp"

#include <fmt/format.h>

#include <random>

namespace lockwise::locks {

std::string new_run_id()
{
    std::random_device device;
    const auto high = static_cast<unsigned long long>(device()) & 0xffffULL;
    const auto low = static_cast<unsigned long long>(device()) & 0xffffffffULL;
    return fmt::format("{:04x}{:08x}", high, low);
}

std::string session_name(std::string_view run_id, std::string_view role)
{
    return fmt::format("lockwise/{}/{}", run_id, role);
}

std::optional<SessionName> parse_session_name(std::string_view application_name)
{
    constexpr std::string_view prefix = "lockwise/";
    if (!application_name.starts_with(prefix)) {
        return std::nullopt;
    }
    const auto rest = application_name.substr(prefix.size());
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos || slash == 0 || slash + 1 >= rest.size()) {
        return std::nullopt;
    }
    const auto run_id = rest.substr(0, slash);
    const auto role = rest.substr(slash + 1);
    if (role.find('/') != std::string_view::npos) {
        return std::nullopt;
    }
    return SessionName{std::string(run_id), std::string(role)};
}

} // namespace lockwise::locks
