// Text helpers; white space is the C locale's, spelled out so a process locale can't
// change what a target file or a SQL slice trims to.
#include "lockwise/core/text.hpp"

#include <algorithm>
#include <vector>

namespace lockwise::core {

namespace {

bool in_range(unsigned char byte, unsigned char low, unsigned char high) noexcept
{
    return byte >= low && byte <= high;
}


constexpr std::string_view k_space = " \t\r\n\v\f";

} // namespace

std::string_view trim_space(std::string_view text) noexcept
{
    const auto first = text.find_first_not_of(k_space);
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(k_space);
    return text.substr(first, last - first + 1);
}

std::string strip_control_bytes(std::string_view text)
{
    constexpr std::string_view k_hex = "0123456789abcdef";
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        const bool crlf = byte == '\r' && i + 1 < text.size() && text[i + 1] == '\n';
        if ((byte < 0x20 && byte != '\n' && byte != '\t' && !crlf) || byte == 0x7f) {
            out += "\\x";
            out += k_hex[byte >> 4];
            out += k_hex[byte & 0xf];
        } else if (byte == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                   static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
            const auto c1 = static_cast<unsigned char>(text[i + 1]);
            out += "\\u00";
            out += k_hex[c1 >> 4];
            out += k_hex[c1 & 0xf];
            ++i;
        } else {
            out += text[i];
        }
    }
    return out;
}

// RFC 3629, table 3-7 (the well-formed byte sequences).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) noexcept
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

std::size_t edit_distance(std::string_view a, std::string_view b)
{
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

} // namespace lockwise::core
