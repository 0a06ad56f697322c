// Builds and renders the impact report: the runner's steps placed on the load's time
// axis, so each step's cost is the application's latency in the windows it overlapped.
#include "lockwise/impact/report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "lockwise/report/redact.hpp"

namespace lockwise::impact {
namespace {

using Micros = std::chrono::microseconds;

PhaseFigures figures_of(const load::PhaseSummary& summary)
{
    PhaseFigures out;
    out.name = summary.name;
    out.from_us = summary.from.count();
    out.to_us = summary.to.count();
    out.p50_us = summary.p50_us();
    out.p99_us = summary.p99_us();
    out.p999_us = summary.p999_us();
    out.max_us = summary.max_us();
    out.committed = summary.committed;
    out.failed = summary.failed;
    out.errors = summary.errors;
    out.throughput = summary.throughput;
    return out;
}

double ms(std::uint64_t micros) { return static_cast<double>(micros) / 1000.0; }

// Sanitized before it is escaped: the secret patterns match the text as written (`'`, not `&#39;`).
std::string escape_html(std::string_view raw)
{
    const auto text = report::sanitize(raw);
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c; break;
        }
    }
    return out;
}

std::string errors_text(const std::map<std::string, std::uint64_t>& errors)
{
    std::string out;
    for (const auto& [state, count] : errors) {
        out += fmt::format("{}{}x{}", out.empty() ? "" : ", ", count, state);
    }
    return out.empty() ? "-" : out;
}

std::string rate_text(double rows_per_second)
{
    return rows_per_second > 0 ? fmt::format("{:.0f}", rows_per_second) : "-";
}

} // namespace

std::string format_us(std::uint64_t micros)
{
    if (micros < 1000) {
        return fmt::format("{} µs", micros);
    }
    if (micros < 1'000'000) {
        return fmt::format("{:.1f} ms", ms(micros));
    }
    return fmt::format("{:.2f} s", static_cast<double>(micros) / 1e6);
}

const PhaseFigures* ImpactReport::phase(const std::string& name) const
{
    for (const auto& figures : phases) {
        if (figures.name == name) {
            return &figures;
        }
    }
    return nullptr;
}

ImpactReport build_report(const load::LoadSnapshot& snapshot, const run::RunSummary& summary,
                          std::chrono::system_clock::time_point load_started_wall)
{
    ImpactReport report;
    report.window_us = snapshot.window.count();
    report.target_rate = snapshot.target_rate;
    report.elapsed_us = snapshot.elapsed.count();
    report.migration_ms = summary.elapsed.count();
    report.migrations_applied = summary.applied;
    report.failed_total = snapshot.failed;
    report.errors_total = snapshot.errors;
    for (const auto& phase : snapshot.phase_summaries()) {
        report.phases.push_back(figures_of(phase));
    }
    const std::int64_t window = std::max<std::int64_t>(1, report.window_us);
    for (std::size_t i = 0; i < snapshot.windows.size(); ++i) {
        const auto& stats = snapshot.windows[i];
        WindowPoint point;
        point.at_us = static_cast<std::int64_t>(i) * window;
        point.p50_us = stats.latency.value_at_quantile(0.50);
        point.p99_us = stats.latency.value_at_quantile(0.99);
        point.max_us = stats.latency.max();
        point.committed = stats.committed;
        point.failed = stats.failed;
        report.windows.push_back(point);
    }
    for (const auto& outcome : summary.steps) {
        StepImpact step;
        step.version = outcome.version;
        step.description = outcome.description;
        step.step = outcome.step;
        step.steps_total = outcome.steps_total;
        step.kind = outcome.kind;
        step.summary = outcome.summary;
        step.lock = outcome.lock;
        step.duration_ms = outcome.duration.count();
        step.lock_waited_ms = outcome.lock_waited.count();
        step.attempts = outcome.attempts;
        step.rows = outcome.rows;
        step.outcome = outcome.outcome;
        step.blockers = outcome.blockers;
        step.from_us = std::chrono::duration_cast<Micros>(outcome.started - load_started_wall).count();
        step.to_us = std::max(step.from_us, std::chrono::duration_cast<Micros>(outcome.finished - load_started_wall).count());
        if (step.kind == "backfill" && step.duration_ms > 0) {
            step.rows_per_second = static_cast<double>(step.rows) * 1000.0 / static_cast<double>(step.duration_ms);
        }
        // Every window the step's span touches: a transaction scheduled there met the step.
        load::Histogram during;
        const auto first = static_cast<std::size_t>(std::max<std::int64_t>(0, step.from_us / window));
        const auto last = static_cast<std::size_t>(std::max<std::int64_t>(0, step.to_us / window));
        for (std::size_t i = first; i <= last && i < snapshot.windows.size(); ++i) {
            during.merge(snapshot.windows[i].latency);
        }
        step.app_max_us = during.max();
        step.app_p99_us = during.value_at_quantile(0.99);
        report.steps.push_back(std::move(step));
    }
    return report;
}

std::vector<GateResult> check_gates(const ImpactReport& report, const Gates& gates)
{
    std::vector<GateResult> results;
    const auto* during = report.phase("migration");
    std::uint64_t failures = 0;
    bool after_mark = false;
    for (const auto& phase : report.phases) {
        after_mark = after_mark || phase.name == "migration";
        if (after_mark) {
            failures += phase.failed;
        }
    }
    auto check = [&](const std::string& gate, double limit, double measured, const char* unit) {
        GateResult result;
        result.gate = gate;
        result.limit = limit;
        result.measured = measured;
        result.passed = measured <= limit;
        result.message = result.passed
                             ? fmt::format("{} {}: measured {:.1f}{}, within the limit", gate, limit, measured, unit)
                             : fmt::format("{} {}: measured {:.1f}{}, exceeded by {:.1f}{}", gate, limit, measured, unit,
                                           measured - limit, unit);
        results.push_back(std::move(result));
    };
    if (gates.max_p99_ms) {
        check("--max-p99-ms", *gates.max_p99_ms, during ? ms(during->p99_us) : 0.0, " ms");
    }
    if (gates.max_stall_ms) {
        check("--max-stall-ms", *gates.max_stall_ms, during ? ms(during->max_us) : 0.0, " ms");
    }
    if (gates.max_failures) {
        check("--max-failures", static_cast<double>(*gates.max_failures), static_cast<double>(failures), " failed");
    }
    return results;
}

namespace {

std::string render_text_unfiltered(const ImpactReport& report, const std::vector<GateResult>& gates)
{
    std::string out = fmt::format("\nImpact report: {}\n", report.title.empty() ? "migration under load" : report.title);
    out += fmt::format("load: {} clients, {:.0f} transactions/s scheduled, {:.1f} s measured; migration took {:.2f} s\n",
                       report.clients, report.target_rate, static_cast<double>(report.elapsed_us) / 1e6,
                       static_cast<double>(report.migration_ms) / 1000.0);
    if (!report.migration_error.empty()) {
        out += fmt::format("migration did not finish: {}\n", report.migration_error);
    }
    out += "\nMigration steps (app latency = transactions scheduled while the step ran)\n";
    out += fmt::format("  {:<8} {:>5}  {:<10} {:<24} {:>9} {:>9} {:>4} {:>9} {:>9} {:>10} {:>10}  {}\n", "version", "step",
                       "kind", "lock", "duration", "lock wait", "try", "rows", "rows/s", "app p99", "app max", "outcome");
    for (const auto& step : report.steps) {
        out += fmt::format("  {:<8} {:>5}  {:<10} {:<24} {:>9} {:>9} {:>4} {:>9} {:>9} {:>10} {:>10}  {}\n", step.version,
                           fmt::format("{}/{}", step.step, step.steps_total), step.kind, step.lock.empty() ? "-" : step.lock,
                           fmt::format("{:.2f} s", static_cast<double>(step.duration_ms) / 1000.0),
                           fmt::format("{:.2f} s", static_cast<double>(step.lock_waited_ms) / 1000.0), step.attempts, step.rows,
                           rate_text(step.rows_per_second), format_us(step.app_p99_us), format_us(step.app_max_us), step.outcome);
        out += fmt::format("           {}\n", step.summary);
        for (const auto& blocker : step.blockers) {
            out += fmt::format("           blocked by {}\n", blocker);
        }
    }
    out += "\nApplication latency and throughput by phase\n";
    out += fmt::format("  {:<10} {:>7} {:>10} {:>10} {:>10} {:>10} {:>10} {:>8} {:>7}  {}\n", "phase", "secs", "p50", "p99",
                       "p99.9", "max", "tx/s", "commits", "failed", "errors (SQLSTATE)");
    for (const auto& phase : report.phases) {
        out += fmt::format("  {:<10} {:>7.1f} {:>10} {:>10} {:>10} {:>10} {:>10.1f} {:>8} {:>7}  {}\n", phase.name,
                           static_cast<double>(phase.to_us - phase.from_us) / 1e6, format_us(phase.p50_us),
                           format_us(phase.p99_us), format_us(phase.p999_us), format_us(phase.max_us), phase.throughput,
                           phase.committed, phase.failed, errors_text(phase.errors));
    }
    if (!gates.empty()) {
        out += "\nGates\n";
        for (const auto& gate : gates) {
            out += fmt::format("  {} {}\n", gate.passed ? "pass" : "FAIL", gate.message);
        }
    }
    return out;
}

nlohmann::json to_json_unfiltered(const ImpactReport& report, const std::vector<GateResult>& gates)
{
    nlohmann::json steps = nlohmann::json::array();
    for (const auto& step : report.steps) {
        steps.push_back({{"version", step.version},
                         {"description", step.description},
                         {"step", step.step},
                         {"steps_total", step.steps_total},
                         {"kind", step.kind},
                         {"summary", step.summary},
                         {"lock", step.lock},
                         {"duration_ms", step.duration_ms},
                         {"lock_waited_ms", step.lock_waited_ms},
                         {"attempts", step.attempts},
                         {"rows", step.rows},
                         {"rows_per_second", std::round(step.rows_per_second)},
                         {"outcome", step.outcome},
                         {"blockers", step.blockers},
                         {"from_ms", static_cast<double>(step.from_us) / 1000.0},
                         {"to_ms", static_cast<double>(step.to_us) / 1000.0},
                         {"app_p99_ms", ms(step.app_p99_us)},
                         {"app_max_ms", ms(step.app_max_us)}});
    }
    nlohmann::json phases = nlohmann::json::array();
    for (const auto& phase : report.phases) {
        phases.push_back({{"name", phase.name},
                          {"from_ms", static_cast<double>(phase.from_us) / 1000.0},
                          {"to_ms", static_cast<double>(phase.to_us) / 1000.0},
                          {"p50_ms", ms(phase.p50_us)},
                          {"p99_ms", ms(phase.p99_us)},
                          {"p999_ms", ms(phase.p999_us)},
                          {"max_ms", ms(phase.max_us)},
                          {"committed", phase.committed},
                          {"failed", phase.failed},
                          {"errors", phase.errors},
                          {"throughput", phase.throughput}});
    }
    nlohmann::json windows = nlohmann::json::array();
    for (const auto& point : report.windows) {
        windows.push_back({{"at_ms", static_cast<double>(point.at_us) / 1000.0},
                           {"p50_ms", ms(point.p50_us)},
                           {"p99_ms", ms(point.p99_us)},
                           {"max_ms", ms(point.max_us)},
                           {"committed", point.committed},
                           {"failed", point.failed}});
    }
    nlohmann::json gate_list = nlohmann::json::array();
    for (const auto& gate : gates) {
        gate_list.push_back({{"gate", gate.gate}, {"limit", gate.limit}, {"measured", gate.measured},
                             {"passed", gate.passed}, {"message", gate.message}});
    }
    return {{"title", report.title},
            {"clients", report.clients},
            {"target_rate", report.target_rate},
            {"window_ms", static_cast<double>(report.window_us) / 1000.0},
            {"elapsed_ms", static_cast<double>(report.elapsed_us) / 1000.0},
            {"migration_ms", report.migration_ms},
            {"migrations_applied", report.migrations_applied},
            {"migration_error", report.migration_error},
            {"failed_total", report.failed_total},
            {"errors_total", report.errors_total},
            {"phases", phases},
            {"steps", steps},
            {"windows", windows},
            {"gates", gate_list}};
}

} // namespace

std::string render_text(const ImpactReport& report, const std::vector<GateResult>& gates)
{
    return report::sanitize(render_text_unfiltered(report, gates));
}

nlohmann::json to_json(const ImpactReport& report, const std::vector<GateResult>& gates)
{
    return report::sanitize_json(to_json_unfiltered(report, gates));
}

namespace {

// The chart: latency (log scale) over time, one polyline per statistic, steps as bands.
std::string render_chart(const ImpactReport& report)
{
    constexpr double k_width = 960;
    constexpr double k_height = 360;
    constexpr double k_left = 70;
    constexpr double k_right = 20;
    constexpr double k_top = 40;
    constexpr double k_bottom = 40;
    const double plot_w = k_width - k_left - k_right;
    const double plot_h = k_height - k_top - k_bottom;
    const double span_us = std::max<double>(1.0, static_cast<double>(report.elapsed_us));
    std::uint64_t top_us = 1000;
    for (const auto& point : report.windows) {
        top_us = std::max(top_us, point.max_us);
    }
    const double lo = std::log10(100.0); // 0.1 ms
    const double hi = std::ceil(std::log10(static_cast<double>(top_us) * 1.2));
    auto x_of = [&](double at_us) { return k_left + plot_w * std::clamp(at_us / span_us, 0.0, 1.0); };
    auto y_of = [&](std::uint64_t micros) {
        const double v = std::log10(std::max(100.0, static_cast<double>(micros)));
        return k_top + plot_h * (1.0 - (v - lo) / (hi - lo));
    };
    std::string svg = fmt::format(
        "<svg width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" role=\"img\" "
        "aria-label=\"application latency over time with migration steps\">\n",
        k_width, k_height);
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\" stroke=\"#999999\"/>\n", k_left, k_top,
                       plot_w, plot_h);
    const char* band_colors[] = {"#fde7c8", "#d9ecfb", "#e3f5dc", "#f3dcf5", "#fbe0e0"};
    for (std::size_t i = 0; i < report.steps.size(); ++i) {
        const auto& step = report.steps[i];
        const double x0 = x_of(static_cast<double>(step.from_us));
        const double x1 = std::max(x0 + 1.5, x_of(static_cast<double>(step.to_us)));
        svg += fmt::format("<rect x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\" opacity=\"0.85\">"
                           "<title>{}</title></rect>\n",
                           x0, k_top, x1 - x0, plot_h, band_colors[i % 5],
                           escape_html(fmt::format("step {}/{} of {} ({}, {}): {}", step.step, step.steps_total, step.version,
                                                   step.kind, step.lock, step.summary)));
        svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" font-size=\"11\" fill=\"#555555\">{}</text>\n", x0 + 2,
                           k_top - 6 - static_cast<double>(i % 2) * 12,
                           escape_html(fmt::format("{}.{}", step.version, step.step)));
    }
    for (const auto& phase : report.phases) {
        if (phase.from_us <= 0) {
            continue;
        }
        const double x = x_of(static_cast<double>(phase.from_us));
        svg += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#333333\" stroke-dasharray=\"4 3\"/>\n",
                           x, k_top, k_top + plot_h);
        svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" font-size=\"11\" fill=\"#333333\">{}</text>\n", x + 3,
                           k_top + plot_h - 6, escape_html(phase.name));
    }
    for (double decade = lo; decade <= hi + 1e-9; decade += 1.0) {
        const auto micros = static_cast<std::uint64_t>(std::llround(std::pow(10.0, decade)));
        const double y = y_of(micros);
        svg += fmt::format("<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#dddddd\"/>\n", k_left, y,
                           k_left + plot_w, y);
        svg += fmt::format("<text x=\"{}\" y=\"{:.1f}\" font-size=\"11\" text-anchor=\"end\" fill=\"#333333\">{}</text>\n",
                           k_left - 6, y + 4, escape_html(format_us(micros)));
    }
    const double seconds = span_us / 1e6;
    const double tick = seconds <= 10 ? 1 : seconds <= 30 ? 5 : seconds <= 120 ? 10 : seconds <= 600 ? 60 : 300;
    for (double s = 0; s <= seconds + 1e-9; s += tick) {
        const double x = x_of(s * 1e6);
        svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#333333\">{:.0f}s</text>\n",
                           x, k_top + plot_h + 16, s);
    }
    struct Series {
        const char* name;
        const char* color;
        std::uint64_t WindowPoint::*field;
    };
    const Series series[] = {{"max", "#d62728", &WindowPoint::max_us},
                             {"p99", "#ff7f0e", &WindowPoint::p99_us},
                             {"p50", "#1f77b4", &WindowPoint::p50_us}};
    for (const auto& line : series) {
        std::string points;
        for (const auto& point : report.windows) {
            if (point.committed == 0) {
                continue;
            }
            points += fmt::format("{:.1f},{:.1f} ", x_of(static_cast<double>(point.at_us + report.window_us / 2)),
                                  y_of(point.*line.field));
        }
        svg += fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\" points=\"{}\"/>\n", line.color, points);
    }
    double legend_x = k_left + 10;
    for (const auto& line : series) {
        svg += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{2:.1f}\" y2=\"{1}\" stroke=\"{3}\" stroke-width=\"3\"/>"
                           "<text x=\"{4:.1f}\" y=\"{5}\" font-size=\"12\" fill=\"#333333\">{6}</text>\n",
                           legend_x, k_top + 14, legend_x + 18, line.color, legend_x + 22, k_top + 18, line.name);
        legend_x += 60;
    }
    svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\" fill=\"#333333\">time since the load "
                       "started (latency per {} ms window, log scale; shaded: migration steps)</text>\n",
                       k_left + plot_w / 2, k_height - 6, report.window_us / 1000);
    svg += "</svg>\n";
    return svg;
}

} // namespace

std::string render_html(const ImpactReport& report, const std::vector<GateResult>& gates)
{
    std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n";
    html += fmt::format("<title>{}</title>\n", escape_html("lockwise impact report: " + report.title));
    html += "<style>\nbody { font-family: sans-serif; margin: 24px; color: #222222; }\n"
            "table { border-collapse: collapse; margin: 8px 0 24px 0; font-size: 13px; }\n"
            "th, td { border: 1px solid #cccccc; padding: 3px 8px; text-align: right; }\n"
            "th { background: #f0f0f0; } td.l, th.l { text-align: left; }\n"
            ".fail { color: #b00000; font-weight: bold; } .pass { color: #006000; }\n</style>\n</head>\n<body>\n";
    html += fmt::format("<h1>{}</h1>\n", escape_html("Impact report: " + report.title));
    html += fmt::format("<p>{} clients, {:.0f} transactions/s scheduled, {:.1f} s measured; migration took {:.2f} s.</p>\n",
                        report.clients, report.target_rate, static_cast<double>(report.elapsed_us) / 1e6,
                        static_cast<double>(report.migration_ms) / 1000.0);
    if (!report.migration_error.empty()) {
        html += fmt::format("<p class=\"fail\">migration did not finish: {}</p>\n", escape_html(report.migration_error));
    }
    html += "<h2>Application latency over time</h2>\n" + render_chart(report);
    html += "<h2>Migration steps</h2>\n<table>\n<tr><th>version</th><th>step</th><th class=\"l\">kind</th><th class=\"l\">lock</th>"
            "<th>duration</th><th>lock wait</th><th>attempts</th><th>rows</th><th>rows/s</th><th>app p99</th><th>app max</th>"
            "<th class=\"l\">outcome</th><th class=\"l\">statement</th></tr>\n";
    for (const auto& step : report.steps) {
        html += fmt::format("<tr><td>{}</td><td>{}/{}</td><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{:.2f} s</td>"
                            "<td>{:.2f} s</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"l\">{}</td>"
                            "<td class=\"l\">{}</td></tr>\n",
                            escape_html(step.version), step.step, step.steps_total, escape_html(step.kind),
                            escape_html(step.lock), static_cast<double>(step.duration_ms) / 1000.0,
                            static_cast<double>(step.lock_waited_ms) / 1000.0, step.attempts, step.rows,
                            rate_text(step.rows_per_second), escape_html(format_us(step.app_p99_us)),
                            escape_html(format_us(step.app_max_us)), escape_html(step.outcome), escape_html(step.summary));
    }
    html += "</table>\n<h2>Application by phase</h2>\n<table>\n<tr><th class=\"l\">phase</th><th>seconds</th><th>p50</th>"
            "<th>p99</th><th>p99.9</th><th>max</th><th>tx/s</th><th>committed</th><th>failed</th><th class=\"l\">errors "
            "(SQLSTATE)</th></tr>\n";
    for (const auto& phase : report.phases) {
        html += fmt::format("<tr><td class=\"l\">{}</td><td>{:.1f}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.1f}</td>"
                            "<td>{}</td><td>{}</td><td class=\"l\">{}</td></tr>\n",
                            escape_html(phase.name), static_cast<double>(phase.to_us - phase.from_us) / 1e6,
                            escape_html(format_us(phase.p50_us)), escape_html(format_us(phase.p99_us)),
                            escape_html(format_us(phase.p999_us)), escape_html(format_us(phase.max_us)), phase.throughput,
                            phase.committed, phase.failed, escape_html(errors_text(phase.errors)));
    }
    html += "</table>\n";
    if (!gates.empty()) {
        html += "<h2>Gates</h2>\n<table>\n<tr><th class=\"l\">result</th><th class=\"l\">gate</th></tr>\n";
        for (const auto& gate : gates) {
            html += fmt::format("<tr><td class=\"l {0}\">{0}</td><td class=\"l\">{1}</td></tr>\n", gate.passed ? "pass" : "fail",
                                escape_html(gate.message));
        }
        html += "</table>\n";
    }
    html += "</body>\n</html>\n";
    return html;
}

} // namespace lockwise::impact
