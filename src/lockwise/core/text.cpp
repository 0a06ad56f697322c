// Text helpers; white space is the C locale's, spelled out so a process locale can't
// change what a target file or a SQL slice trims to.
#include "lockwise/core/text.hpp"

namespace lockwise::core {

namespace {

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

} // namespace lockwise::core
