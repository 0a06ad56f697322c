// Rendering of migration plans (text and JSON), shared by `plan`, `migrate --dry-run`
// and `rehearse` so a plan always reads the same.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lockwise/lint/lint.hpp"
#include "lockwise/plan/plan.hpp"

namespace lockwise::cli {

// `lints[i]` holds the lint findings of `plans[i]` (may be empty: no findings shown).
std::string render_plan_text(const std::vector<const plan::MigrationPlan*>& plans,
                             const std::vector<const lint::MigrationLint*>& lints = {});
nlohmann::json plan_to_json(const std::vector<const plan::MigrationPlan*>& plans,
                            const std::vector<const lint::MigrationLint*>& lints = {});

} // namespace lockwise::cli
