#include "lockwise/report/step_progress.hpp"

#include <fmt/format.h>

#include <utility>

namespace lockwise::report {

StepProgress::StepProgress(Logger& log, std::string label, std::string unit)
    : m_log(log), m_label(label), m_line(log.progress(std::move(label), std::nullopt, std::move(unit)))
{
}

void StepProgress::update(long long done, std::optional<long long> total, std::string_view now_running)
{
    m_line.set_total(total);
    m_line.set_label(now_running.empty() ? m_label : fmt::format("{}: {}", m_label, now_running));
    m_line.set_done(done); // last: the redraw (throttled by the logger) shows the new label and total
}

Level StepProgress::detail_level(const Logger& log, Level level) noexcept
{
    // Warnings and errors are never detail: they stay visible everywhere.
    return log.format() == LogFormat::pretty && level <= Level::info ? Level::debug : level;
}

void StepProgress::detail(Level level, std::string_view event, std::string_view message, const nlohmann::json& fields)
{
    m_log.event(detail_level(m_log, level), event, message, fields);
}

void StepProgress::finish(std::string_view outcome)
{
    m_line.set_label(m_label); // "backfill leads: 2,000 rows in 1.2s (1.6k rows/s) done"
    m_line.finish(outcome);
}

} // namespace lockwise::report
