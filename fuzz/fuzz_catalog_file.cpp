// Fuzz target: a whole migration file through load_catalog (native format: sections,
// directives, UTF-8, checksum, statement split by the sql stage), written to a temp dir.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "lockwise/catalog/diagnostic.hpp"
#include "lockwise/catalog/migration.hpp"

namespace {

std::filesystem::path directory()
{
    static const std::filesystem::path dir = [] {
        auto path = std::filesystem::temp_directory_path() / ("lockwise-fuzz-" + std::to_string(getpid()));
        std::filesystem::create_directories(path);
        return path;
    }();
    return dir;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    {
        std::ofstream file(directory() / "V1__fuzz.sql", std::ios::binary | std::ios::trunc);
        file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    const auto catalog = lockwise::catalog::load_catalog(directory());
    for (const auto& error : catalog.errors) {
        (void)lockwise::catalog::render(error);
    }
    return 0;
}
