// Shared by the history tests: catalog::Migration values built by hand (the tests
// do not depend on the catalog reading files) and a store on a fresh database.
#pragma once

#include <string>

#include "lockwise/catalog/migration.hpp"
#include "lockwise/history/versions.hpp"

namespace lockwise::history::testing {

inline catalog::Migration migration(const std::string& version, const std::string& checksum = "",
                                    const std::string& description = "step")
{
    catalog::Migration m;
    m.version.parts = parse_version_parts(version).value();
    m.version.text = version;
    m.description = description;
    m.display_path = "db/V" + version + "__" + description + ".sql";
    m.checksum = checksum.empty() ? "sha256:" + std::string(64, 'a') + version : checksum;
    return m;
}

} // namespace lockwise::history::testing
