// The run summary table and JSON. Column widths count UTF-8 code points, not
// bytes, so step texts with non-ASCII identifiers stay aligned.
#include "lockwise/report/summary.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "lockwise/core/format.hpp"
#include "lockwise/report/format.hpp"

namespace lockwise::report {
namespace {

std::size_t columns_of(const std::string& text)
{
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

std::string cut(const std::string& text, std::size_t max_columns)
{
    if (columns_of(text) <= max_columns) {
        return text;
    }
    std::string out;
    std::size_t seen = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            if (seen + 1 == max_columns) {
                break;
            }
            ++seen;
        }
        out += text[i];
    }
    return out + "\u2026";
}

enum class Align { left, right };

} // namespace

std::string render_summary_table(const std::vector<SummaryRow>& rows, int max_step_width)
{
    const std::vector<std::string> header = {"MIGRATION", "STEP", "KIND", "DURATION", "ATTEMPTS", "LOCK WAIT", "ROWS",
                                             "OUTCOME"};
    const std::vector<Align> align = {Align::left,  Align::left,  Align::left,  Align::right,
                                      Align::right, Align::right, Align::right, Align::left};
    std::vector<std::vector<std::string>> table = {header};
    std::chrono::milliseconds total_duration{0};
    std::chrono::milliseconds total_wait{0};
    long long total_rows = 0;
    int total_attempts = 0;
    bool any_rows = false;
    for (const auto& row : rows) {
        table.push_back({row.migration, cut(row.step, static_cast<std::size_t>(std::max(max_step_width, 8))), row.kind,
                         core::format_duration(row.duration), std::to_string(row.attempts), core::format_duration(row.lock_waited),
                         row.rows ? format_count(*row.rows) : "-", row.outcome});
        total_duration += row.duration;
        total_wait += row.lock_waited;
        total_attempts += row.attempts;
        if (row.rows) {
            any_rows = true;
            total_rows += *row.rows;
        }
    }
    table.push_back({"total", fmt::format("{} step{}", rows.size(), rows.size() == 1 ? "" : "s"), "",
                     core::format_duration(total_duration), std::to_string(total_attempts), core::format_duration(total_wait),
                     any_rows ? format_count(total_rows) : "-", ""});

    std::vector<std::size_t> widths(header.size(), 0);
    for (const auto& line : table) {
        for (std::size_t column = 0; column < line.size(); ++column) {
            widths[column] = std::max(widths[column], columns_of(line[column]));
        }
    }
    std::string out;
    for (std::size_t index = 0; index < table.size(); ++index) {
        if (index + 1 == table.size()) {
            std::size_t total_width = 0;
            for (auto width : widths) {
                total_width += width + 2;
            }
            out += std::string(total_width - 2, '-') + '\n';
        }
        std::string line;
        for (std::size_t column = 0; column < table[index].size(); ++column) {
            const auto& cell = table[index][column];
            const std::string padding(widths[column] - columns_of(cell), ' ');
            line += align[column] == Align::right ? padding + cell : cell + padding;
            if (column + 1 < table[index].size()) {
                line += "  ";
            }
        }
        while (!line.empty() && line.back() == ' ') {
            line.pop_back();
        }
        out += line + '\n';
    }
    return out;
}

nlohmann::json summary_json(const std::vector<SummaryRow>& rows)
{
    nlohmann::json steps = nlohmann::json::array();
    nlohmann::json outcomes = nlohmann::json::object();
    long long duration = 0;
    long long waited = 0;
    long long attempts = 0;
    long long total_rows = 0;
    for (const auto& row : rows) {
        steps.push_back({{"migration", row.migration},
                         {"step", row.step},
                         {"kind", row.kind},
                         {"duration_ms", row.duration.count()},
                         {"attempts", row.attempts},
                         {"lock_waited_ms", row.lock_waited.count()},
                         {"rows", row.rows ? nlohmann::json(*row.rows) : nlohmann::json(nullptr)},
                         {"outcome", row.outcome}});
        duration += row.duration.count();
        waited += row.lock_waited.count();
        attempts += row.attempts;
        total_rows += row.rows.value_or(0);
        outcomes[row.outcome] = outcomes.value(row.outcome, 0) + 1;
    }
    return {{"steps", steps},
            {"totals",
             {{"steps", rows.size()},
              {"duration_ms", duration},
              {"attempts", attempts},
              {"lock_waited_ms", waited},
              {"rows", total_rows},
              {"outcomes", outcomes}}}};
}

} // namespace lockwise::report
