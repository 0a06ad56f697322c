// Fuzz target: the parsers of limits a user writes on the command line, in the environment
// or in lockwise.toml: durations (catalog's and the terminate policy's compound form), byte
// sizes, and the --terminate-blockers policy. Checked: a parsed value is never negative and
// never above its documented maximum (an overflow that wraps is the bug this guards against);
// a refusal always says why; the policy parser fails only with core::Error(usage).
#include <cstddef>
#include <cstdint>
#include <string>

#include "lockwise/catalog/byte_size.hpp"
#include "lockwise/catalog/duration.hpp"
#include "lockwise/core/checked.hpp"
#include "lockwise/core/error.hpp"
#include "lockwise/locks/terminate.hpp"

namespace {

void check(bool condition)
{
    if (!condition) {
        __builtin_trap();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace lockwise;
    const std::string text(reinterpret_cast<const char*>(data), size);

    const auto duration = catalog::parse_duration(text);
    const auto duration_problem = catalog::duration_problem(text);
    check(duration.has_value() == duration_problem.empty());
    check(!duration || (duration->count() >= 0 && *duration <= core::k_max_duration));

    const auto bytes = catalog::parse_byte_size(text);
    const auto size_problem = catalog::byte_size_problem(text);
    check(bytes.has_value() == size_problem.empty());
    check(!bytes || (*bytes >= 0 && *bytes <= core::k_max_byte_size));

    bool too_large = false;
    const auto compound = locks::parse_duration(text, too_large);
    check(!(compound && too_large));
    check(!compound || (compound->count() >= 0 && *compound <= core::k_max_duration));
    // Every catalog duration is also a valid compound duration with the same value.
    check(!duration || compound == duration);

    try {
        const auto policy = locks::parse_terminate_policy(text);
        check(policy.min_idle.count() > 0 && policy.min_idle <= core::k_max_duration);
    } catch (const core::Error& error) {
        check(error.code() == core::ExitCode::usage);
    }
    return 0;
}
