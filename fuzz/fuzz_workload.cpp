// Fuzz target: the workload script format of `lockwise rehearse`/the load generator.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lockwise/load/workload.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto parsed = lockwise::load::parse_workload(text, "fuzz.workload");
    (void)parsed.workload.variable_index("x");
    return 0;
}
