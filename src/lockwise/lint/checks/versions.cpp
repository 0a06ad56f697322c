// needs-newer-server: syntax or a setting the target server does not have yet (MERGE on 14,
// DETACH PARTITION ... CONCURRENTLY on 13, ...). The server is the connected one, else
// lint.server_version, else the oldest supported version (13): a migration that would fail
// on some supported server is refused until the team says which server it targets.
#include <fmt/format.h>

#include "lockwise/lint/checks/walker.hpp"

namespace lockwise::lint {

std::string server_version_name(int version_num)
{
    return version_num >= 100000 ? std::to_string(version_num / 10000)
                                 : fmt::format("{}.{}", version_num / 10000, version_num / 100 % 100);
}

} // namespace lockwise::lint

namespace lockwise::lint::checks {

void Walker::lint_server_features(const Statement& st)
{
    const int server = m_context.server_version_num.value_or(k_oldest_supported_server);
    for (const auto& needed : st.needs_server) {
        if (server >= needed.version_num) {
            continue;
        }
        const auto where = m_context.server_version_num
                               ? fmt::format("{} is PostgreSQL {}",
                                             m_context.server_version_source.empty() ? "the server" : m_context.server_version_source,
                                             server_version_name(server))
                                                        : fmt::format("lint assumed PostgreSQL {}, the oldest supported version",
                                                                      server_version_name(server));
        add("needs-newer-server", st.span, "", LockMode::none, TableWork::none,
            fmt::format("{} needs PostgreSQL {} or newer; {}", needed.feature, server_version_name(needed.version_num), where),
            {},
            m_context.server_version_num
                ? "Write the migration without it for this server, or upgrade the server first."
                : "Set lint.server_version (or --server-version) to the version you deploy to, or lint against the database.");
    }
}

} // namespace lockwise::lint::checks
