// The only place lockwise calls libpg_query (parse and scan). The scan result is protobuf; its
// two messages are decoded here by hand (varint wire format) so that lockwise
// needs no protobuf-c headers, which Debian's libpg-query-dev does not pull in.
#include "lockwise/sql/pg_query_api.hpp"

#include <cstdint>
#include <pg_query.h>

namespace lockwise::sql::detail {
namespace {

PgQueryError to_error(const ::PgQueryError& error, std::string_view input)
{
    PgQueryError result;
    result.message = error.message != nullptr ? error.message : "parse error";
    if (error.cursorpos > 0) {
        result.offset = byte_offset_of_cursor(input, error.cursorpos);
    }
    return result;
}

// Reader for the protobuf wire format: just what ScanResult/ScanToken use.
class WireReader {
public:
    WireReader(const std::uint8_t* data, std::size_t size) : m_data(data), m_size(size) {}
    bool done() const noexcept { return m_pos >= m_size || m_failed; }
    bool failed() const noexcept { return m_failed; }

    std::uint64_t varint()
    {
        std::uint64_t value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (m_pos >= m_size) {
                m_failed = true;
                return 0;
            }
            const std::uint8_t byte = m_data[m_pos++];
            value |= static_cast<std::uint64_t>(byte & 0x7fU) << shift;
            if ((byte & 0x80U) == 0) {
                return value;
            }
        }
        m_failed = true;
        return 0;
    }

    // Skips a field of wire type `wire_type`; returns the sub-reader for length-delimited fields.
    WireReader field_body(std::uint64_t wire_type)
    {
        switch (wire_type) {
        case 0:
            varint();
            return {nullptr, 0};
        case 1:
            m_pos += 8;
            return {nullptr, 0};
        case 2: {
            const auto length = static_cast<std::size_t>(varint());
            if (m_pos + length > m_size) {
                m_failed = true;
                return {nullptr, 0};
            }
            WireReader inner(m_data + m_pos, length);
            m_pos += length;
            return inner;
        }
        case 5:
            m_pos += 4;
            return {nullptr, 0};
        default:
            m_failed = true;
            return {nullptr, 0};
        }
    }

private:
    const std::uint8_t* m_data;
    std::size_t m_size;
    std::size_t m_pos = 0;
    bool m_failed = false;
};

// ScanToken { int32 start = 1; int32 end = 2; Token token = 4; KeywordKind keyword_kind = 5; }
Token decode_token(WireReader reader, std::string_view input)
{
    Token token;
    while (!reader.done()) {
        const auto key = reader.varint();
        const auto field = key >> 3U;
        if ((key & 7U) == 0 && (field == 1 || field == 2)) {
            const auto value = static_cast<std::size_t>(reader.varint());
            (field == 1 ? token.begin : token.end) = value;
        } else {
            reader.field_body(key & 7U);
        }
    }
    const auto text = input.substr(std::min(token.begin, input.size()), token.end - token.begin);
    // Only comments start with "--" or "/*": the lexer never makes them part of an operator.
    token.is_comment = text.starts_with("--") || text.starts_with("/*");
    return token;
}

} // namespace

std::size_t byte_offset_of_cursor(std::string_view text, int cursor)
{
    int characters = 0;
    std::size_t offset = 0;
    while (offset < text.size() && characters < cursor - 1) {
        ++offset;
        // Continuation bytes (10xxxxxx) belong to the character already counted.
        while (offset < text.size() && (static_cast<unsigned char>(text[offset]) & 0xC0U) == 0x80U) {
            ++offset;
        }
        ++characters;
    }
    return offset;
}

// Byte offset of the first byte that is not part of a well-formed UTF-8 sequence.
static std::optional<std::size_t> first_invalid_utf8(std::string_view text)
{
    std::size_t i = 0;
    while (i < text.size()) {
        const auto byte = static_cast<unsigned char>(text[i]);
        const std::size_t length = byte < 0x80U ? 1 : (byte >> 5U) == 0x6U ? 2 : (byte >> 4U) == 0xEU ? 3 : (byte >> 3U) == 0x1EU ? 4 : 0;
        if (length == 0 || i + length > text.size()) {
            return i;
        }
        for (std::size_t k = 1; k < length; ++k) {
            if ((static_cast<unsigned char>(text[i + k]) & 0xC0U) != 0x80U) {
                return i;
            }
        }
        i += length;
    }
    return std::nullopt;
}

ParseOutcome parse(std::string_view sql)
{
    const std::string input(sql);
    PgQueryParseResult result = pg_query_parse(input.c_str());
    ParseOutcome outcome;
    if (result.error != nullptr) {
        outcome.error = to_error(*result.error, sql);
    } else {
        // The parse tree carries identifiers and literals byte for byte; text that is not UTF-8
        // makes it invalid JSON. Report that as an error of the statement, never an exception.
        outcome.tree = nlohmann::json::parse(result.parse_tree, nullptr, false);
        if (outcome.tree.is_discarded()) {
            outcome.tree = nlohmann::json();
            outcome.error = PgQueryError{"invalid UTF-8 in the statement", first_invalid_utf8(sql)};
        }
    }
    pg_query_free_parse_result(result);
    return outcome;
}

ScanOutcome scan(std::string_view sql)
{
    const std::string input(sql);
    PgQueryScanResult result = pg_query_scan(input.c_str());
    ScanOutcome outcome;
    if (result.error != nullptr) {
        outcome.error = to_error(*result.error, sql);
    } else {
        // ScanResult { int32 version = 1; repeated ScanToken tokens = 2; }
        WireReader reader(reinterpret_cast<const std::uint8_t*>(result.pbuf.data), result.pbuf.len);
        while (!reader.done()) {
            const auto key = reader.varint();
            auto body = reader.field_body(key & 7U);
            if ((key >> 3U) == 2 && (key & 7U) == 2) {
                outcome.tokens.push_back(decode_token(body, sql));
            }
        }
        if (reader.failed()) {
            outcome.error = PgQueryError{"malformed scan result from libpg_query", std::nullopt};
        }
    }
    pg_query_free_scan_result(result);
    return outcome;
}

std::optional<std::string> parse_protobuf(std::string_view sql)
{
    const std::string input(sql);
    PgQueryProtobufParseResult result = pg_query_parse_protobuf(input.c_str());
    std::optional<std::string> tree;
    if (result.error == nullptr) {
        tree = std::string(result.parse_tree.data, result.parse_tree.len);
    }
    pg_query_free_protobuf_parse_result(result);
    return tree;
}

std::optional<std::string> deparse_protobuf(std::string_view parse_result)
{
    std::string bytes(parse_result);
    PgQueryProtobuf tree{bytes.size(), bytes.data()};
    PgQueryDeparseResult result = pg_query_deparse_protobuf(tree);
    std::optional<std::string> text;
    if (result.error == nullptr && result.query != nullptr) {
        text = std::string(result.query);
    }
    pg_query_free_deparse_result(result);
    return text;
}

std::optional<std::string> deparse(std::string_view sql)
{
    const auto tree = parse_protobuf(sql);
    return tree ? deparse_protobuf(*tree) : std::nullopt;
}

} // namespace lockwise::sql::detail
