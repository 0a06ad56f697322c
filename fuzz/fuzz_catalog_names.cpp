// Fuzz target: version strings and migration file names (Version::parse and the file-name
// matchers of every format), which come straight from a directory listing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lockwise/catalog/file_names.hpp"
#include "lockwise/catalog/migration.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (const auto version = lockwise::catalog::Version::parse(text)) {
        const auto canonical = version->canonical();
        // The canonical spelling parses back to an equal version.
        const auto again = lockwise::catalog::Version::parse(canonical);
        if (!again || !(*again == *version)) {
            __builtin_trap();
        }
    }
    for (const auto suffix : {std::string_view(".up.sql"), std::string_view(".sql"), std::string_view(".down.sql")}) {
        (void)lockwise::catalog::match_numbered(text, suffix);
        (void)lockwise::catalog::match_numbered(text, suffix, true);
    }
    (void)lockwise::catalog::match_diesel_folder(text);
    (void)lockwise::catalog::trim_blanks(text);
    return 0;
}
