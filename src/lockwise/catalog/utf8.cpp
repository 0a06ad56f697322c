// UTF-8 validation of migration files (the sequence check is core::utf8_sequence_length).
#include "lockwise/catalog/utf8.hpp"

#include "lockwise/core/text.hpp"

namespace lockwise::catalog {

std::optional<std::size_t> find_invalid_utf8(std::string_view text) noexcept
{
    std::size_t i = 0;
    while (i < text.size()) {
        const auto length = core::utf8_sequence_length(text, i);
        if (length == 0) {
            return i;
        }
        i += length;
    }
    return std::nullopt;
}

std::string_view strip_bom(std::string_view text) noexcept
{
    constexpr std::string_view k_bom = "\xEF\xBB\xBF";
    if (text.substr(0, k_bom.size()) == k_bom) {
        text.remove_prefix(k_bom.size());
    }
    return text;
}

} // namespace lockwise::catalog
