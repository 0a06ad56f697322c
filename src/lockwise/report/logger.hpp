// The lockwise logger: structured events rendered as plain lines (logs), JSON
// lines (machines) or a pretty TTY view with live progress bars. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "lockwise/report/redact.hpp"

namespace lockwise::report {

enum class Level { debug, info, warn, error };
enum class LogFormat { automatic, plain, json, pretty };

const char* to_string(Level level) noexcept;
const char* to_string(LogFormat format) noexcept;
// "debug" | "info" | "warn" (or "warning") | "error"; nullopt otherwise.
std::optional<Level> parse_level(std::string_view text);
// "auto" | "plain" | "json" | "pretty"; nullopt otherwise.
std::optional<LogFormat> parse_log_format(std::string_view text);
// automatic -> pretty on a TTY, plain otherwise; explicit formats are kept.
LogFormat resolve_log_format(LogFormat requested, bool is_tty) noexcept;
// Whether stderr is a terminal.
bool stderr_is_tty() noexcept;

using WallClock = std::function<std::chrono::system_clock::time_point()>;

struct LoggerOptions {
    LogFormat format = LogFormat::automatic; // resolved against stderr_is_tty() by the constructor
    Level min_level = Level::info;
    bool color = false;                              // pretty only: ANSI colours for levels
    int width = 0;                                   // pretty only: terminal columns; 0 = ask the terminal
    std::chrono::milliseconds progress_interval{5000}; // plain/json: one progress line per bar this often
    std::chrono::milliseconds redraw_interval{100};    // pretty: bars redrawn at most this often (10 Hz)
    WallClock clock{};                               // empty = system_clock::now (tests inject one)
};

class Progress;

// What a progress bar knows at one instant; also what the renderers take.
struct ProgressView {
    std::string label;
    std::string unit = "rows";
    long long done = 0;
    std::optional<long long> total{};
    std::chrono::milliseconds elapsed{0};
    double rate = 0.0;                          // units per second since start
    std::optional<std::chrono::milliseconds> eta{}; // when total and rate are known
};

// "[########------------]  45%  12,345/27,000 rows  3.2k rows/s  ETA 4.1s  tenant 7", cut to `width`.
std::string render_progress_bar(const ProgressView& view, int width);
// "tenant 7: 12,345/27,000 rows (45.7%), 3.2k rows/s, ETA 4.1s, elapsed 3.8s"
std::string render_progress_text(const ProgressView& view);
// The fields of a `progress` JSON event.
nlohmann::json progress_fields(const ProgressView& view);

class Logger {
public:
    // Writes to `out` (std::cerr by default); `out` must outlive the logger.
    explicit Logger(LoggerOptions options = {});
    Logger(LoggerOptions options, std::ostream& out);
    Logger(const Logger&) = delete;
    Logger& operator=(const Logger&) = delete;
    ~Logger();

    // Every message and string field goes through `redactor` and then sanitize().
    void set_redactor(Redactor redactor);
    // One structured event, e.g. event(Level::info, "step_started", "step 2/5 ...", {{"step", 2}}).
    // plain: "<ts> <level> <message> key=value ..."; json: {"ts","level","event","message",...fields};
    // pretty: "<hh:mm:ss> <level> <message>" (fields only when min_level is debug).
    void event(Level level, std::string_view event, std::string_view message,
               const nlohmann::json& fields = nlohmann::json::object());
    void debug(std::string_view message, const nlohmann::json& fields = nlohmann::json::object());
    void info(std::string_view message, const nlohmann::json& fields = nlohmann::json::object());
    void warn(std::string_view message, const nlohmann::json& fields = nlohmann::json::object());
    void error(std::string_view message, const nlohmann::json& fields = nlohmann::json::object());

    // A live progress report; the handle must not outlive the logger.
    Progress progress(std::string label, std::optional<long long> total, std::string unit = "rows");

    // Takes the live bars off the terminal so another stream (stdout) can print cleanly;
    // they are drawn again on their next update.
    void clear_bars();

    bool enabled(Level level) const noexcept { return level >= m_options.min_level; }
    LogFormat format() const noexcept { return m_options.format; }
    // The redaction every output goes through (for callers that print elsewhere, e.g. stdout).
    std::string redact(std::string_view text) const;

private:
    friend class Progress;
    struct Bar;

    std::chrono::system_clock::time_point now() const;
    std::string redact_locked(std::string_view text) const;
    nlohmann::json redact_json(const nlohmann::json& value) const;
    void write_event_locked(Level level, std::string_view event, const std::string& message,
                            const nlohmann::json& fields, bool text_fields = true);
    void erase_bars_locked();
    void draw_bars_locked();
    int terminal_width() const;
    ProgressView view_locked(const Bar& bar) const;
    void progress_update(int id, std::optional<long long> done, long long delta);
    void progress_set(int id, std::optional<std::optional<long long>> total, std::optional<std::string> label);
    void progress_finish(int id, std::string_view outcome, bool quiet);
    ProgressView progress_view(int id) const;

    LoggerOptions m_options;
    std::ostream& m_out;
    mutable std::mutex m_mutex;
    Redactor m_redactor;
    std::map<int, std::unique_ptr<Bar>> m_bars;
    int m_next_bar = 1;
    int m_drawn_lines = 0;
    std::chrono::system_clock::time_point m_last_redraw{};
};

// A handle on one live progress bar. Move-only; finishes quietly if dropped unfinished.
class Progress {
public:
    Progress() = default;
    Progress(Progress&& other) noexcept;
    Progress& operator=(Progress&& other) noexcept;
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;
    ~Progress();

    // Adds `count` units done (thread-safe, throttled output).
    void advance(long long count = 1);
    // Sets the absolute number of units done.
    void set_done(long long done);
    void set_total(std::optional<long long> total);
    // The label shown with the bar, e.g. the current tenant or partition.
    void set_label(std::string label);
    // Final line ("... done in 8.4s") and removal of the bar; later calls do nothing.
    void finish(std::string_view outcome = "done");
    ProgressView view() const;

private:
    friend class Logger;
    Progress(Logger* logger, int id) noexcept : m_logger(logger), m_id(id) {}
    Logger* m_logger = nullptr;
    int m_id = 0;
};

} // namespace lockwise::report
