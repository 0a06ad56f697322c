// Fuzz target: the secret scrubber and the output filter. For any text before it, a password
// written last as `password=<secret>` (and, after text without quotes, as a SQL
// `PASSWORD '<secret>'`) is never more visible in the scrubbed output than in the scrubbed text alone; a registered secret never survives
// sanitize(); sanitize() leaves no control byte but newline and tab.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lockwise/core/secrets.hpp"
#include "lockwise/report/redact.hpp"
#include "output_check.hpp"

namespace {

std::size_t count(std::string_view text, std::string_view needle)
{
    std::size_t found = 0;
    for (auto at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1)) {
        ++found;
    }
    return found;
}

bool plain_secret(std::string_view secret)
{
    if (secret.size() < lockwise::core::k_min_secret_length) {
        return false;
    }
    for (const char c : secret) {
        const auto byte = static_cast<unsigned char>(c);
        // Printable ASCII without white space, quotes, '*' (the mask) and '\' (an escape).
        if (byte <= 0x20 || byte >= 0x7f || c == '\'' || c == '*' || c == '\\') {
            return false;
        }
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto newline = input.find('\n');
    const auto secret = input.substr(0, newline == std::string_view::npos ? input.size() : newline);
    const auto before = newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);

    if (has_control_byte(lockwise::report::sanitize(input))) {
        __builtin_trap();
    }
    if (!plain_secret(secret)) {
        return 0;
    }
    // The baseline is the same text with an empty password (the keyword itself may hold the secret).
    const auto visible = [&](const std::string& prefix, std::string_view value, const std::string& suffix) {
        return count(lockwise::report::scrub_text(std::string(before) + prefix + std::string(value) + suffix), secret);
    };
    if (visible("\npassword=", secret, "") > visible("\npassword=", "", "")) {
        __builtin_trap();
    }
    // A SQL literal is found by its quotes, so a quote left open earlier in the text would pair
    // with the literal's opening quote: the SQL form is checked after text without quotes.
    if (before.find_first_of("'$") == std::string_view::npos &&
        visible("\nALTER ROLE app PASSWORD '", secret, "';") > visible("\nALTER ROLE app PASSWORD '", "", "';")) {
        __builtin_trap();
    }
    lockwise::core::clear_secrets();
    lockwise::core::register_secret(secret);
    if (lockwise::report::sanitize(input).find(secret) != std::string::npos) {
        __builtin_trap();
    }
    lockwise::core::clear_secrets();
    return 0;
}
