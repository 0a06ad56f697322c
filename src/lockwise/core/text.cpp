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

} // namespace lockwise::core
