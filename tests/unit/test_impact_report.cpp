// The impact report on hand-built load windows and runner steps: a step's application
// latency comes from the windows its time span overlaps; gates, JSON fields, HTML shape.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "lockwise/impact/report.hpp"

using namespace lockwise;
using namespace std::chrono_literals;

namespace {

// 20 windows of 100 ms; window 12 holds a 900 ms stall, window 3 a failure (40P01).
load::LoadSnapshot snapshot()
{
    load::LoadSnapshot out;
    out.window = 100ms;
    out.elapsed = 2s;
    out.target_rate = 100;
    out.windows.resize(20);
    for (std::size_t i = 0; i < out.windows.size(); ++i) {
        auto& window = out.windows[i];
        for (int k = 0; k < 10; ++k) {
            window.latency.record(1000 + static_cast<std::uint64_t>(k) * 100);
        }
        window.committed = 10;
        window.completed = 10;
    }
    out.windows[12].latency.record(900'000);
    out.windows[12].committed += 1;
    out.windows[3].failed = 1;
    out.windows[3].errors["40P01"] = 1;
    out.phases = {{"baseline", 0us}, {"migration", 1'000'000us}, {"tail", 1'500'000us}};
    // The generator's exact per-phase figures; here they agree with the windows.
    out.phase_stats.resize(3);
    for (std::size_t i = 0; i < out.windows.size(); ++i) {
        out.phase_stats[i < 10 ? 0 : i < 15 ? 1 : 2].merge(out.windows[i]);
    }
    return out;
}

run::RunSummary summary(std::chrono::system_clock::time_point t0)
{
    run::RunSummary out;
    out.applied = 1;
    out.elapsed = 500ms;
    run::StepOutcome ddl;
    ddl.version = "2";
    ddl.step = 1;
    ddl.steps_total = 2;
    ddl.kind = "group";
    ddl.lock = "AccessExclusiveLock";
    ddl.duration = 300ms;
    ddl.started = t0 + 1000ms;
    ddl.finished = t0 + 1300ms;
    ddl.outcome = "applied";
    run::StepOutcome backfill = ddl;
    backfill.step = 2;
    backfill.kind = "backfill";
    backfill.lock = "RowExclusiveLock";
    backfill.rows = 4000;
    backfill.duration = 200ms;
    backfill.started = t0 + 1350ms;
    backfill.finished = t0 + 1550ms;
    out.steps = {ddl, backfill};
    return out;
}

// Every opened tag closes in order (void elements excepted): a well-formedness check.
bool tags_balanced(const std::string& html, std::string& problem)
{
    static const std::vector<std::string> k_void = {"meta", "br", "hr", "img", "input", "link"};
    std::vector<std::string> stack;
    for (std::size_t at = html.find('<'); at != std::string::npos; at = html.find('<', at + 1)) {
        if (html.compare(at, 2, "<!") == 0) {
            continue;
        }
        const auto end = html.find('>', at);
        if (end == std::string::npos) {
            problem = "unterminated tag";
            return false;
        }
        std::string tag = html.substr(at + 1, end - at - 1);
        const bool closing = !tag.empty() && tag[0] == '/';
        const bool self_closing = !tag.empty() && tag.back() == '/';
        std::string name = tag.substr(closing ? 1 : 0, tag.find_first_of(" />", closing ? 1 : 0) - (closing ? 1 : 0));
        if (closing) {
            if (stack.empty() || stack.back() != name) {
                problem = "unexpected </" + name + ">";
                return false;
            }
            stack.pop_back();
        } else if (!self_closing && std::find(k_void.begin(), k_void.end(), name) == k_void.end()) {
            stack.push_back(name);
        }
    }
    problem = stack.empty() ? "" : "unclosed <" + stack.back() + ">";
    return stack.empty();
}

} // namespace

TEST(ImpactReport, StepsGetTheWorstLatencyOfTheWindowsTheyOverlap)
{
    const auto t0 = std::chrono::system_clock::now();
    const auto report = impact::build_report(snapshot(), summary(t0), t0);
    ASSERT_EQ(report.steps.size(), 2U);
    EXPECT_EQ(report.steps[0].from_us, 1'000'000);
    EXPECT_EQ(report.steps[0].to_us, 1'300'000);
    EXPECT_EQ(report.steps[0].app_max_us, 900'000U) << "window 12 lies inside step 1";
    EXPECT_LT(report.steps[1].app_max_us, 10'000U) << "step 2 starts after window 12";
    EXPECT_DOUBLE_EQ(report.steps[1].rows_per_second, 20000.0);
    EXPECT_EQ(report.steps[0].rows_per_second, 0.0);
    ASSERT_NE(report.phase("migration"), nullptr);
    EXPECT_EQ(report.phase("migration")->max_us, 900'000U);
    EXPECT_EQ(report.phase("baseline")->failed, 1U);
    EXPECT_EQ(report.phase("baseline")->errors.at("40P01"), 1U);
    EXPECT_LT(report.phase("baseline")->max_us, 10'000U);
}

TEST(ImpactReport, GatesFailByHowMuchAndPassWithinTheLimit)
{
    const auto t0 = std::chrono::system_clock::now();
    const auto report = impact::build_report(snapshot(), summary(t0), t0);
    impact::Gates gates;
    gates.max_stall_ms = 500;
    gates.max_p99_ms = 5000;
    gates.max_failures = 0;
    const auto results = impact::check_gates(report, gates);
    ASSERT_EQ(results.size(), 3U);
    EXPECT_EQ(results[0].gate, "--max-p99-ms");
    EXPECT_TRUE(results[0].passed);
    EXPECT_EQ(results[1].gate, "--max-stall-ms");
    EXPECT_FALSE(results[1].passed);
    EXPECT_NEAR(results[1].measured, 900.0, 1.0);
    EXPECT_NE(results[1].message.find("exceeded by 400.0 ms"), std::string::npos) << results[1].message;
    EXPECT_TRUE(results[2].passed) << "the baseline's failure is not the migration's";
    EXPECT_TRUE(impact::check_gates(report, {}).empty());
}

TEST(ImpactReport, JsonHasTheDocumentedFields)
{
    const auto t0 = std::chrono::system_clock::now();
    const auto json = impact::to_json(impact::build_report(snapshot(), summary(t0), t0));
    for (const char* field : {"title", "clients", "target_rate", "window_ms", "elapsed_ms", "migration_ms", "migrations_applied",
                              "migration_error", "failed_total", "errors_total", "phases", "steps", "windows", "gates"}) {
        EXPECT_TRUE(json.contains(field)) << field;
    }
    ASSERT_EQ(json["steps"].size(), 2U);
    for (const char* field : {"version", "step", "kind", "lock", "duration_ms", "lock_waited_ms", "attempts", "rows",
                              "rows_per_second", "from_ms", "to_ms", "app_p99_ms", "app_max_ms", "outcome"}) {
        EXPECT_TRUE(json["steps"][0].contains(field)) << field;
    }
    EXPECT_EQ(json["windows"].size(), 20U);
    EXPECT_EQ(json["phases"][1]["name"], "migration");
    EXPECT_NEAR(json["phases"][1]["max_ms"].get<double>(), 900.0, 1.0);
}

TEST(ImpactReport, HtmlIsSelfContainedAndBalanced)
{
    const auto t0 = std::chrono::system_clock::now();
    auto input = summary(t0);
    input.steps[0].summary = "ALTER TABLE \"t\" <script>&";
    const auto html = impact::render_html(impact::build_report(snapshot(), input, t0));
    EXPECT_EQ(html.find("http://"), std::string::npos);
    EXPECT_EQ(html.find("https://"), std::string::npos);
    EXPECT_EQ(html.find("src="), std::string::npos);
    EXPECT_EQ(html.find("href="), std::string::npos);
    EXPECT_EQ(html.find("<script"), std::string::npos) << "text is escaped";
    EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
    EXPECT_NE(html.find("<svg"), std::string::npos);
    EXPECT_NE(html.find("<polyline"), std::string::npos);
    std::string problem;
    EXPECT_TRUE(tags_balanced(html, problem)) << problem;
}
