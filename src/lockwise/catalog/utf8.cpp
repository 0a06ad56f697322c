// UTF-8 validation per RFC 3629 table 3-7 (the well-formed byte sequences).
#include "lockwise/catalog/utf8.hpp"

namespace lockwise::catalog {

namespace {

bool in_range(unsigned char byte, unsigned char low, unsigned char high) noexcept
{
    return byte >= low && byte <= high;
}

// Length of the well-formed sequence starting at text[i], 0 if it is not one.
std::size_t sequence_length(std::string_view text, std::size_t i) noexcept
{
    const auto at = [&](std::size_t k) {
        return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0;
    };
    const auto lead = at(0);
    if (lead < 0x80) {
        return 1;
    }
    const auto continuation = [&](std::size_t k) { return in_range(at(k), 0x80, 0xBF); };
    if (in_range(lead, 0xC2, 0xDF)) {
        return continuation(1) ? 2 : 0;
    }
    if (lead == 0xE0) {
        return in_range(at(1), 0xA0, 0xBF) && continuation(2) ? 3 : 0;
    }
    if (in_range(lead, 0xE1, 0xEC) || in_range(lead, 0xEE, 0xEF)) {
        return continuation(1) && continuation(2) ? 3 : 0;
    }
    if (lead == 0xED) { // excludes UTF-16 surrogates
        return in_range(at(1), 0x80, 0x9F) && continuation(2) ? 3 : 0;
    }
    if (lead == 0xF0) {
        return in_range(at(1), 0x90, 0xBF) && continuation(2) && continuation(3) ? 4 : 0;
    }
    if (in_range(lead, 0xF1, 0xF3)) {
        return continuation(1) && continuation(2) && continuation(3) ? 4 : 0;
    }
    if (lead == 0xF4) { // nothing past U+10FFFF
        return in_range(at(1), 0x80, 0x8F) && continuation(2) && continuation(3) ? 4 : 0;
    }
    return 0;
}

} // namespace

std::optional<std::size_t> find_invalid_utf8(std::string_view text) noexcept
{
    std::size_t i = 0;
    while (i < text.size()) {
        const auto length = sequence_length(text, i);
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
