// Fuzz target: configuration values and lockwise.toml. The first byte picks a key for
// validate_value on the first line; the whole input is also loaded as a TOML config file.
// Bad input must end as core::Error(usage); any other exception is a bug (it would print
// "internal error"), so it is not caught here and libFuzzer reports it.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "lockwise/cli/config.hpp"
#include "lockwise/core/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0) {
        return 0;
    }
    const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
    const auto& keys = lockwise::cli::config_keys();
    const auto& key = keys[data[0] % keys.size()];
    (void)lockwise::cli::validate_value(key, text.substr(0, text.find('\n')));

    static const auto path = std::filesystem::temp_directory_path() / ("lockwise-fuzz-" + std::to_string(getpid()) + ".toml");
    {
        std::ofstream file(path, std::ios::binary | std::ios::trunc);
        file << text;
    }
    try {
        const auto config = lockwise::cli::Config::load(path);
        (void)config.policies();
        (void)config.entries();
    } catch (const lockwise::core::Error& error) {
        if (error.code() != lockwise::core::ExitCode::usage) {
            __builtin_trap();
        }
    }
    return 0;
}
