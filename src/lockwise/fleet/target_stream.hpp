// An ostream that tags each complete line a target's logger writes (plain: "[name] " prefix;
// JSON: a "target" field) and forwards it whole to a shared stream, so parallel runners never interleave.
#pragma once

#include <mutex>
#include <ostream>
#include <streambuf>
#include <string>

namespace lockwise::fleet {

class TargetLineBuffer : public std::streambuf {
public:
    // `shared` and `mutex` are shared by every target of the fleet and must outlive this buffer.
    TargetLineBuffer(std::string name, std::ostream& shared, std::mutex& mutex);
    ~TargetLineBuffer() override;

protected:
    int_type overflow(int_type character) override;
    std::streamsize xsputn(const char* text, std::streamsize count) override;
    int sync() override;

private:
    void flush_line();
    std::string m_name;
    std::ostream& m_shared;
    std::mutex& m_mutex;
    std::string m_line;
};

class TargetStream : public std::ostream {
public:
    TargetStream(std::string name, std::ostream& shared, std::mutex& mutex);

private:
    TargetLineBuffer m_buffer;
};

} // namespace lockwise::fleet
