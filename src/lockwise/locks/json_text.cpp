// JSON escaping per RFC 8259 with UTF-8 validation, so query texts with any
// bytes still produce a document every parser accepts.
#include "lockwise/locks/json_text.hpp"

#include <fmt/format.h>

#include "lockwise/core/text.hpp"
#include "lockwise/report/redact.hpp"

namespace lockwise::locks {

std::string json_string(std::string_view raw)
{
    const auto text = report::sanitize(raw);
    std::string out = "\"";
    for (std::size_t at = 0; at < text.size();) {
        const char c = text[at];
        const auto length = core::utf8_sequence_length(text, at);
        if (length == 0) {
            out += "\xEF\xBF\xBD";
            ++at;
            continue;
        }
        if (length > 1) {
            out.append(text.substr(at, length));
            at += length;
            continue;
        }
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
            } else {
                out += c;
            }
        }
        ++at;
    }
    return out + "\"";
}

std::string json_millis(const std::optional<std::chrono::milliseconds>& value)
{
    return value ? std::to_string(value->count()) : "null";
}

} // namespace lockwise::locks
