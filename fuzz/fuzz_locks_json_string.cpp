// Fuzz target: the JSON string writer of locks/ (blocking trees and lock-watch events carry
// other sessions' query text, any bytes). Its output must be one JSON string every parser
// accepts, with no raw control byte, whose value has no control character but newline and tab
// (the terminal-escape filter ran before the escaping).
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "lockwise/locks/json_text.hpp"
#include "output_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    const auto literal = lockwise::locks::json_string(text);
    for (const char c : literal) {
        if (static_cast<unsigned char>(c) < 0x20) {
            __builtin_trap();
        }
    }
    const auto parsed = nlohmann::json::parse(literal, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_string()) {
        __builtin_trap();
    }
    if (has_control_byte(parsed.get_ref<const std::string&>())) {
        __builtin_trap();
    }
    return 0;
}
