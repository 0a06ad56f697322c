// What the fuzz targets of the output filter assert about text that may reach a terminal.
#pragma once

#include <string_view>

// Whether `text` holds a control byte report::sanitize lets through by mistake: anything below
// 0x20 but tab, newline and the CR of a CRLF, DEL, or a UTF-8 encoded C1 control (U+0080..U+009F).
inline bool has_control_byte(std::string_view text)
{
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        const bool crlf = byte == '\r' && i + 1 < text.size() && text[i + 1] == '\n';
        if ((byte < 0x20 && byte != '\n' && byte != '\t' && !crlf) || byte == 0x7f) {
            return true;
        }
        if (byte == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
            static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
            return true;
        }
    }
    return false;
}
