// The logger's three formats, redaction of every message and field, progress
// rendering (plain lines, JSON events, pretty bars redrawn in place) and the summary.
#include <gtest/gtest.h>

#include <sstream>
#include <thread>

#include "lockwise/report/logger.hpp"
#include "lockwise/report/summary.hpp"

using namespace lockwise::report;
using namespace std::chrono_literals;

namespace {

// A clock the test moves by hand.
struct FakeClock {
    std::chrono::system_clock::time_point now{std::chrono::milliseconds(1795874602123LL)};
    WallClock function()
    {
        return [this] { return now; };
    }
};

LoggerOptions options(LogFormat format, FakeClock* clock = nullptr)
{
    LoggerOptions result;
    result.format = format;
    if (clock != nullptr) {
        result.clock = clock->function();
    }
    return result;
}

std::vector<std::string> lines_of(const std::string& text)
{
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

} // namespace

TEST(ReportLogger, FormatsParseAndResolve)
{
    EXPECT_EQ(parse_log_format("plain"), LogFormat::plain);
    EXPECT_EQ(parse_log_format("json"), LogFormat::json);
    EXPECT_EQ(parse_log_format("pretty"), LogFormat::pretty);
    EXPECT_EQ(parse_log_format("auto"), LogFormat::automatic);
    EXPECT_FALSE(parse_log_format("xml").has_value());
    EXPECT_EQ(resolve_log_format(LogFormat::automatic, true), LogFormat::pretty);
    EXPECT_EQ(resolve_log_format(LogFormat::automatic, false), LogFormat::plain);
    EXPECT_EQ(resolve_log_format(LogFormat::json, true), LogFormat::json);
    EXPECT_EQ(parse_level("warning"), Level::warn);
    EXPECT_FALSE(parse_level("loud").has_value());
}

TEST(ReportLogger, PlainLineHasTimestampLevelMessageAndFields)
{
    FakeClock clock;
    std::ostringstream out;
    Logger log(options(LogFormat::plain, &clock), out);
    log.event(Level::info, "step_started", "step 2/5 autocommit CREATE INDEX CONCURRENTLY idx_x",
              {{"step", 2}, {"kind", "autocommit"}, {"sql", "CREATE INDEX CONCURRENTLY idx_x ON t (a)"}});
    EXPECT_EQ(out.str(), "2026-11-28T14:03:22.123Z info  step 2/5 autocommit CREATE INDEX CONCURRENTLY idx_x"
                         " kind=autocommit sql=\"CREATE INDEX CONCURRENTLY idx_x ON t (a)\" step=2\n");
}

TEST(ReportLogger, JsonLineIsAnObjectWithEnvelopeFirst)
{
    FakeClock clock;
    std::ostringstream out;
    Logger log(options(LogFormat::json, &clock), out);
    log.event(Level::warn, "lock_timeout", "lock not available", {{"attempt", 3}, {"level", "shadowed"}});
    const auto line = out.str();
    ASSERT_EQ(lines_of(line).size(), 1U);
    EXPECT_EQ(line.rfind("{\"ts\":\"2026-11-28T14:03:22.123Z\",\"level\":\"warn\",\"event\":\"lock_timeout\"", 0), 0U)
        << line;
    const auto parsed = nlohmann::json::parse(line);
    EXPECT_EQ(parsed["message"], "lock not available");
    EXPECT_EQ(parsed["attempt"], 3);
    EXPECT_EQ(parsed["level"], "warn") << "a field never overwrites the envelope";
    EXPECT_EQ(parsed["field_level"], "shadowed");
}

TEST(ReportLogger, LevelsBelowMinimumAreDropped)
{
    std::ostringstream out;
    auto warn_options = options(LogFormat::plain);
    warn_options.min_level = Level::warn;
    Logger log(warn_options, out);
    log.info("hidden");
    log.debug("hidden too");
    log.error("shown");
    const auto lines = lines_of(out.str());
    ASSERT_EQ(lines.size(), 1U);
    EXPECT_NE(lines[0].find("error shown"), std::string::npos) << lines[0];
}

TEST(ReportLogger, EveryMessageAndStringFieldIsRedacted)
{
    std::ostringstream out;
    Logger log(options(LogFormat::json), out);
    log.set_redactor(literal_redactor({"Tr0ub4dor"}));
    log.event(Level::error, "connect_failed", "could not connect with Tr0ub4dor to postgres://u:pw1@h/db",
              {{"conninfo", "host=h password=other"},
               {"nested", {{"list", {"x Tr0ub4dor y", 5}}}},
               {"sql", "ALTER ROLE app PASSWORD 'abc'"}});
    const auto text = out.str();
    EXPECT_EQ(text.find("Tr0ub4dor"), std::string::npos) << text;
    EXPECT_EQ(text.find("pw1"), std::string::npos) << text;
    EXPECT_EQ(text.find("other"), std::string::npos) << text;
    EXPECT_EQ(text.find("abc"), std::string::npos) << text;
    const auto parsed = nlohmann::json::parse(text);
    EXPECT_EQ(parsed["nested"]["list"][0], "x *** y");
    EXPECT_EQ(parsed["nested"]["list"][1], 5);
    EXPECT_EQ(log.redact("Tr0ub4dor"), "***");
}

TEST(ReportLogger, PrettyShowsTimeOfDayAndColoursWhenAsked)
{
    FakeClock clock;
    std::ostringstream plain_out;
    Logger plain(options(LogFormat::pretty, &clock), plain_out);
    plain.warn("careful", {{"hidden", 1}});
    EXPECT_EQ(plain_out.str(), "14:03:22 warn  careful\n");
    std::ostringstream colour_out;
    auto colour_options = options(LogFormat::pretty, &clock);
    colour_options.color = true;
    Logger colour(colour_options, colour_out);
    colour.error("boom");
    EXPECT_NE(colour_out.str().find("\x1b[31merror"), std::string::npos);
}

TEST(ReportProgress, BarAndTextRendering)
{
    ProgressView view{.label = "tenant 7", .unit = "rows", .done = 12345, .total = 27000,
                      .elapsed = 3800ms, .rate = 3248.7, .eta = 4100ms};
    EXPECT_EQ(render_progress_bar(view, 100), "[###########--------------]   46%  12,345/27,000 rows  3.2k rows/s  ETA 4.1s  tenant 7");
    EXPECT_EQ(render_progress_text(view), "tenant 7: 12,345/27,000 rows (45.7%), 3.2k rows/s, ETA 4.1s, elapsed 3.8s");
    EXPECT_LE(render_progress_bar(view, 40).size(), 39U) << "never wider than the terminal";
    ProgressView unknown;
    unknown.done = 500;
    unknown.elapsed = 2s;
    unknown.rate = 250;
    EXPECT_EQ(render_progress_bar(unknown, 80), "500 rows  250 rows/s  2.0s");
    const auto fields = progress_fields(unknown);
    EXPECT_TRUE(fields["total"].is_null());
    EXPECT_EQ(fields["done"], 500);
}

TEST(ReportProgress, PlainEmitsPeriodicLinesAndAFinalLine)
{
    FakeClock clock;
    std::ostringstream out;
    auto plain_options = options(LogFormat::plain, &clock);
    plain_options.progress_interval = 5000ms;
    Logger log(plain_options, out);
    auto progress = log.progress("tenant 1", 1000);
    for (int i = 0; i < 10; ++i) {
        clock.now += 1000ms;
        progress.advance(100);
    }
    progress.finish("done");
    progress.advance(5); // after finish: ignored
    const auto lines = lines_of(out.str());
    ASSERT_EQ(lines.size(), 3U) << out.str();
    EXPECT_NE(lines[0].find("tenant 1: 500/1,000 rows (50.0%), 100 rows/s, ETA 5.0s, elapsed 5.0s"), std::string::npos)
        << lines[0];
    EXPECT_NE(lines[1].find("elapsed 10.0s"), std::string::npos) << lines[1];
    EXPECT_TRUE(lines[2].ends_with("info  tenant 1: 1,000 rows in 10.0s (100 rows/s) done")) << lines[2];
    EXPECT_TRUE(lines[0].ends_with("elapsed 5.0s")) << "no key=value tail on progress lines: " << lines[0];
}

TEST(ReportProgress, JsonEventsCarryNumbers)
{
    FakeClock clock;
    std::ostringstream out;
    auto json_options = options(LogFormat::json, &clock);
    json_options.progress_interval = 1000ms;
    Logger log(json_options, out);
    auto progress = log.progress("backfill", std::nullopt);
    clock.now += 1500ms;
    progress.set_done(300);
    progress.set_total(900);
    progress.finish("done");
    const auto lines = lines_of(out.str());
    ASSERT_EQ(lines.size(), 2U) << out.str();
    const auto first = nlohmann::json::parse(lines[0]);
    EXPECT_EQ(first["event"], "progress");
    EXPECT_EQ(first["done"], 300);
    EXPECT_TRUE(first["total"].is_null());
    EXPECT_EQ(first["elapsed_ms"], 1500);
    EXPECT_EQ(first["rate_per_s"], 200.0);
    const auto last = nlohmann::json::parse(lines[1]);
    EXPECT_EQ(last["finished"], true);
    EXPECT_EQ(last["outcome"], "done");
    EXPECT_EQ(last["total"], 900);
}

TEST(ReportProgress, PrettyRedrawsInPlaceThrottledAndKeepsLogLinesAbove)
{
    FakeClock clock;
    std::ostringstream out;
    auto pretty_options = options(LogFormat::pretty, &clock);
    pretty_options.width = 80;
    pretty_options.redraw_interval = 100ms;
    Logger log(pretty_options, out);
    auto progress = log.progress("tenant 1", 100);
    const auto after_create = out.str().size();
    progress.advance(1); // same instant: throttled, nothing drawn
    EXPECT_EQ(out.str().size(), after_create);
    clock.now += 150ms;
    progress.advance(9);
    const auto text = out.str();
    EXPECT_NE(text.find("\r\x1b[2K[##"), std::string::npos) << "the bar is erased and redrawn in place";
    EXPECT_NE(text.find("10/100 rows"), std::string::npos);
    log.info("a log line");
    const auto with_line = out.str();
    // The line is printed where the bar was, and the bar comes back under it.
    const auto line_at = with_line.find("a log line\n");
    ASSERT_NE(line_at, std::string::npos);
    EXPECT_NE(with_line.find("10/100 rows", line_at), std::string::npos);
    log.clear_bars();
    EXPECT_TRUE(out.str().ends_with("\r\x1b[2K")) << "bars erased for another stream";
    auto second = log.progress("tenant 2", 50);
    clock.now += 150ms;
    second.advance(5);
    EXPECT_NE(out.str().find("\x1b[1A\x1b[2K"), std::string::npos) << "two bars: cursor moves up to erase both";
    second.finish("done");
    progress.finish("done");
    const auto final_lines = out.str();
    EXPECT_NE(final_lines.find("tenant 2: 5 rows in 150ms"), std::string::npos);
    EXPECT_EQ(final_lines.back(), '\n') << "no bar left on screen after the last finish";
}

TEST(ReportProgress, DroppedHandleRemovesTheBarQuietly)
{
    std::ostringstream out;
    Logger log(options(LogFormat::plain), out);
    {
        auto progress = log.progress("x", 10);
        progress.advance(3);
    }
    EXPECT_EQ(out.str(), "");
}

TEST(ReportLogger, ConcurrentWritersNeverInterleave)
{
    std::ostringstream out;
    Logger log(options(LogFormat::json), out);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&log, t] {
            for (int i = 0; i < 200; ++i) {
                log.info("message from thread", {{"thread", t}, {"i", i}});
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    const auto lines = lines_of(out.str());
    ASSERT_EQ(lines.size(), 800U);
    for (const auto& line : lines) {
        EXPECT_TRUE(nlohmann::json::accept(line)) << line;
    }
}

TEST(ReportSummary, AlignedTableWithTotals)
{
    const std::vector<SummaryRow> rows = {
        {"36_last_call_direction", "1/3 ALTER TABLE leads ADD COLUMN last_call_direction text", "transaction", 45ms, 3,
         2100ms, std::nullopt, "applied"},
        {"36_last_call_direction", "2/3 CREATE INDEX CONCURRENTLY idx_call_log_lead_created", "autocommit", 8400ms, 1, 0ms,
         std::nullopt, "applied"},
        {"36_last_call_direction", "3/3 backfill leads.last_call_direction", "backfill", 125s, 1, 0ms, 1000000,
         "applied"},
    };
    const auto table = render_summary_table(rows);
    const auto lines = lines_of(table);
    ASSERT_EQ(lines.size(), 6U) << table;
    EXPECT_EQ(lines[0].rfind("MIGRATION", 0), 0U);
    // Right-aligned numbers: every DURATION cell ends in the same column as the header.
    const auto duration_end = lines[0].find("DURATION") + 8;
    EXPECT_EQ(lines[1].substr(duration_end - 4, 4), "45ms") << table;
    EXPECT_EQ(lines[2].substr(duration_end - 4, 4), "8.4s") << table;
    EXPECT_EQ(lines[3].substr(duration_end - 5, 5), "2m05s") << table;
    EXPECT_NE(lines[3].find("1,000,000"), std::string::npos);
    EXPECT_EQ(lines[4].find_first_not_of('-'), std::string::npos);
    EXPECT_NE(lines[5].find("3 steps"), std::string::npos);
    EXPECT_NE(lines[5].find("2m13s"), std::string::npos) << lines[5];

    const auto json = summary_json(rows);
    EXPECT_EQ(json["steps"].size(), 3U);
    EXPECT_EQ(json["steps"][0]["attempts"], 3);
    EXPECT_EQ(json["steps"][0]["lock_waited_ms"], 2100);
    EXPECT_TRUE(json["steps"][0]["rows"].is_null());
    EXPECT_EQ(json["totals"]["rows"], 1000000);
    EXPECT_EQ(json["totals"]["attempts"], 5);
    EXPECT_EQ(json["totals"]["outcomes"]["applied"], 3);
}

TEST(ReportSummary, DesignatedInitialisersCompileWithoutWarnings)
{
    // Callers (cli, run) build options and rows with designated initialisers under -Werror.
    const LoggerOptions options{.format = LogFormat::json, .min_level = Level::debug};
    EXPECT_EQ(options.format, LogFormat::json);
    const SummaryRow row{.migration = "1", .step = "1/1", .outcome = "applied"};
    EXPECT_EQ(row.attempts, 1);
    EXPECT_FALSE(row.rows.has_value());
}

TEST(ReportSummary, LongStepsAreCut)
{
    const std::vector<SummaryRow> rows = {{"1", std::string(200, 'x'), "transaction", 1ms, 1, 0ms, 5, "applied"}};
    const auto table = render_summary_table(rows, 20);
    EXPECT_EQ(table.find(std::string(21, 'x')), std::string::npos);
    EXPECT_NE(table.find(std::string(19, 'x') + "\u2026"), std::string::npos);
}
