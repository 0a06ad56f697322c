// Line tagging for parallel fleet logs (see target_stream.hpp).
#include "lockwise/fleet/target_stream.hpp"

#include <nlohmann/json.hpp>

namespace lockwise::fleet {

TargetLineBuffer::TargetLineBuffer(std::string name, std::ostream& shared, std::mutex& mutex)
    : m_name(std::move(name)), m_shared(shared), m_mutex(mutex)
{
}

TargetLineBuffer::~TargetLineBuffer()
{
    if (!m_line.empty()) {
        m_line += '\n';
        flush_line();
    }
}

TargetLineBuffer::int_type TargetLineBuffer::overflow(int_type character)
{
    if (traits_type::eq_int_type(character, traits_type::eof())) {
        return traits_type::not_eof(character);
    }
    m_line += traits_type::to_char_type(character);
    if (m_line.back() == '\n') {
        flush_line();
    }
    return character;
}

std::streamsize TargetLineBuffer::xsputn(const char* text, std::streamsize count)
{
    for (std::streamsize index = 0; index < count; ++index) {
        overflow(traits_type::to_int_type(text[index]));
    }
    return count;
}

int TargetLineBuffer::sync()
{
    return 0; // lines leave whole, at their newline
}

void TargetLineBuffer::flush_line()
{
    std::string tagged;
    if (m_line.size() > 2 && m_line[0] == '{' && m_line[1] == '"') {
        // A JSON event: the target becomes its first field, so every line stays one JSON object.
        tagged = "{\"target\":" + nlohmann::json(m_name).dump() + "," + m_line.substr(1);
    } else {
        tagged = "[" + m_name + "] " + m_line;
    }
    m_line.clear();
    const std::lock_guard lock(m_mutex);
    m_shared << tagged;
    m_shared.flush();
}

TargetStream::TargetStream(std::string name, std::ostream& shared, std::mutex& mutex)
    : std::ostream(nullptr), m_buffer(std::move(name), shared, mutex)
{
    rdbuf(&m_buffer);
}

} // namespace lockwise::fleet
