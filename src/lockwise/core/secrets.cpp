// The registry of known secrets behind report::sanitize. Longest first, so a secret that
// contains another is masked whole rather than leaving its remainder visible.
#include "lockwise/core/secrets.hpp"

#include <algorithm>
#include <mutex>
#include <vector>

namespace lockwise::core {
namespace {

std::mutex g_mutex;
std::vector<std::string> g_secrets; // longest first

} // namespace

void register_secret(std::string_view secret)
{
    if (secret.size() < k_min_secret_length) {
        return;
    }
    const std::lock_guard lock(g_mutex);
    if (std::find(g_secrets.begin(), g_secrets.end(), secret) != g_secrets.end()) {
        return;
    }
    const auto at = std::find_if(g_secrets.begin(), g_secrets.end(),
                                 [&](const std::string& known) { return known.size() < secret.size(); });
    g_secrets.insert(at, std::string(secret));
}

std::string mask_secrets(std::string_view text)
{
    std::string out(text);
    const std::lock_guard lock(g_mutex);
    for (const auto& secret : g_secrets) {
        for (auto at = out.find(secret); at != std::string::npos; at = out.find(secret, at + 3)) {
            out.replace(at, secret.size(), "***");
        }
    }
    return out;
}

void clear_secrets() noexcept
{
    const std::lock_guard lock(g_mutex);
    g_secrets.clear();
}

} // namespace lockwise::core
