// The seed scenario's data: the multi-tenant CRM (businesses, leads, call_log) as it
// stood before migration 36, loaded at a chosen scale with skewed tenants, server-side.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

namespace lockwise::pg {
class Connection;
}

namespace lockwise::load {

struct ScaleOptions {
    std::int64_t leads = 20000;
    double calls_per_lead = 3.0;      // average over all leads, including those without calls
    double leads_without_calls = 0.2; // share of leads that never got a call
    int tenants = 40;
    double tenant_skew = 1.0;         // Zipf exponent of tenant sizes: tenant k gets ~1/k^skew of the leads
    std::uint64_t seed = 36;          // same seed and scale, same rows
};

struct SeedResult {
    std::int64_t tenants = 0;
    std::int64_t leads = 0;
    std::int64_t calls = 0;
    std::chrono::milliseconds elapsed{0};
};

// The base schema (the one examples/migrations/V35__crm_base_schema.sql holds).
std::string_view base_schema_sql();

// Creates businesses, leads and call_log as in base_schema_sql(). Throws pg::SqlError.
void create_schema(pg::Connection& connection);

// Fills the (empty) tables of the base schema, advances the identity sequences and ANALYZEs.
// Throws core::Error(usage) if the tables already hold rows or the options are out of range.
SeedResult load_data(pg::Connection& connection, const ScaleOptions& options);

// create_schema then load_data.
class SeedScenario {
public:
    explicit SeedScenario(ScaleOptions options = {}) : m_options(options) {}
    const ScaleOptions& options() const noexcept { return m_options; }
    // Creates the schema and loads the data.
    SeedResult run(pg::Connection& connection) const;

private:
    ScaleOptions m_options;
};

} // namespace lockwise::load
