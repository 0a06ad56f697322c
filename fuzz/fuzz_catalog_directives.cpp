// Fuzz target: the comment lexer, the directive parser and UTF-8 validation of the catalog,
// which read every byte of every migration file before anything else does.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lockwise/catalog/comment_scanner.hpp"
#include "lockwise/catalog/diagnostic.hpp"
#include "lockwise/catalog/directive.hpp"
#include "lockwise/catalog/utf8.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)lockwise::catalog::find_invalid_utf8(text);
    const auto comments = lockwise::catalog::scan_comments(text);
    (void)comments.has_code();
    const auto scan = lockwise::catalog::parse_directives(text, 0, text.size(), "V1__fuzz.sql");
    for (const auto& error : scan.errors) {
        (void)lockwise::catalog::render(error);
    }
    // A sub-range, as the catalog passes the up section of a file.
    if (size > 2) {
        (void)lockwise::catalog::parse_directives(text, size / 3, size - size / 3, "V1__fuzz.sql");
    }
    (void)lockwise::catalog::closest_directive_name(text.substr(0, 40));
    return 0;
}
