// SHA-256 through OpenSSL's EVP interface (the one OpenSSL 3 keeps supported).
#include "lockwise/catalog/checksum.hpp"

#include <array>
#include <memory>
#include <stdexcept>

#include <openssl/evp.h>

namespace lockwise::catalog {

namespace {

struct DigestContextFree {
    void operator()(EVP_MD_CTX* context) const noexcept { EVP_MD_CTX_free(context); }
};

} // namespace

std::string checksum_sql(std::string_view sql)
{
    const std::unique_ptr<EVP_MD_CTX, DigestContextFree> context(EVP_MD_CTX_new());
    if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("openssl: cannot initialise sha256");
    }
    // Feed the text in runs between CRs so normalising needs no copy of the file.
    std::size_t start = 0;
    while (start < sql.size()) {
        auto cr = sql.find("\r\n", start);
        if (cr == std::string_view::npos) {
            cr = sql.size();
        }
        if (EVP_DigestUpdate(context.get(), sql.data() + start, cr - start) != 1) {
            throw std::runtime_error("openssl: sha256 update failed");
        }
        start = cr + 1; // skip the CR, keep the LF for the next run
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(context.get(), digest.data(), &length) != 1) {
        throw std::runtime_error("openssl: sha256 final failed");
    }
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string out(k_checksum_algorithm);
    out += ':';
    for (unsigned int i = 0; i < length; ++i) {
        out += k_hex[digest[i] >> 4];
        out += k_hex[digest[i] & 0x0F];
    }
    return out;
}

} // namespace lockwise::catalog
