// Fuzz target: sql::parse_script, the split/parse/classify of migration SQL with libpg_query
// (the parser itself is PostgreSQL's; what is fuzzed is our walk over its JSON parse tree).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lockwise/sql/statement.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)lockwise::sql::parse_script(text);
    if (size > 4) {
        (void)lockwise::sql::parse_script(text, size / 4, size - size / 4);
    }
    return 0;
}
