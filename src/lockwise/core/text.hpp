// Small text helpers several stages need the same way (target files, SQL slices, test
// case files), so each doesn't keep its own copy.
#pragma once

#include <string_view>

namespace lockwise::core {

// `text` without leading and trailing white space (space, tab, CR, LF, VT, FF): the
// C locale's isspace, whatever the process locale is.
std::string_view trim_space(std::string_view text) noexcept;

} // namespace lockwise::core
