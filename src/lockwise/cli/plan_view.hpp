// Rendering of migration plans (text and JSON), shared by `plan`, `migrate --dry-run`
// and `rehearse` so a plan always reads the same.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lockwise/plan/plan.hpp"

namespace lockwise::cli {

std::string render_plan_text(const std::vector<const plan::MigrationPlan*>& plans);
nlohmann::json plan_to_json(const std::vector<const plan::MigrationPlan*>& plans);

} // namespace lockwise::cli
