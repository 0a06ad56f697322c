// Structured events and live progress. One mutex guards the output stream and
// the bars, so lines from several threads never interleave and a bar is always
// erased before a log line is written under it (pretty) and redrawn after it.
#include "lockwise/report/logger.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <sys/ioctl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "lockwise/core/format.hpp"
#include "lockwise/report/format.hpp"

namespace lockwise::report {

struct Logger::Bar {
    std::string label;
    std::string unit;
    long long done = 0;
    std::optional<long long> total;
    std::chrono::system_clock::time_point started;
    std::chrono::system_clock::time_point last_line; // plain/json: last periodic line
};

const char* to_string(Level level) noexcept
{
    switch (level) {
    case Level::debug:
        return "debug";
    case Level::info:
        return "info";
    case Level::warn:
        return "warn";
    case Level::error:
        return "error";
    }
    return "info";
}

const char* to_string(LogFormat format) noexcept
{
    switch (format) {
    case LogFormat::automatic:
        return "auto";
    case LogFormat::plain:
        return "plain";
    case LogFormat::json:
        return "json";
    case LogFormat::pretty:
        return "pretty";
    }
    return "auto";
}

std::optional<Level> parse_level(std::string_view text)
{
    if (text == "debug") {
        return Level::debug;
    }
    if (text == "info") {
        return Level::info;
    }
    if (text == "warn" || text == "warning") {
        return Level::warn;
    }
    if (text == "error") {
        return Level::error;
    }
    return std::nullopt;
}

std::optional<LogFormat> parse_log_format(std::string_view text)
{
    for (auto format : {LogFormat::automatic, LogFormat::plain, LogFormat::json, LogFormat::pretty}) {
        if (text == to_string(format)) {
            return format;
        }
    }
    return std::nullopt;
}

LogFormat resolve_log_format(LogFormat requested, bool is_tty) noexcept
{
    if (requested != LogFormat::automatic) {
        return requested;
    }
    return is_tty ? LogFormat::pretty : LogFormat::plain;
}

bool stderr_is_tty() noexcept
{
    return isatty(STDERR_FILENO) == 1;
}

namespace {

// Cut `text` to at most `columns` code points (UTF-8 aware, so a label is never split mid-character).
std::string cut_to_columns(const std::string& text, int columns)
{
    int seen = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if ((byte & 0xC0) != 0x80) {
            if (seen == columns) {
                return text.substr(0, i);
            }
            ++seen;
        }
    }
    return text;
}

std::string percent_text(const ProgressView& view)
{
    if (!view.total || *view.total <= 0) {
        return {};
    }
    const double fraction = std::clamp(static_cast<double>(view.done) / static_cast<double>(*view.total), 0.0, 1.0);
    return fmt::format("{:.1f}%", fraction * 100.0);
}

std::string logfmt_value(const nlohmann::json& value)
{
    if (value.is_string()) {
        const auto& text = value.get_ref<const std::string&>();
        if (!text.empty() && text.find_first_of(" \"=\t\n") == std::string::npos) {
            return text;
        }
    }
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

const char* level_colour(Level level)
{
    switch (level) {
    case Level::debug:
        return "\x1b[2m";
    case Level::info:
        return "\x1b[32m";
    case Level::warn:
        return "\x1b[33m";
    case Level::error:
        return "\x1b[31m";
    }
    return "";
}

} // namespace

std::string render_progress_bar(const ProgressView& view, int width)
{
    std::string line;
    if (view.total && *view.total > 0) {
        const int bar_width = std::clamp(width / 4, 10, 30);
        const double fraction = std::clamp(static_cast<double>(view.done) / static_cast<double>(*view.total), 0.0, 1.0);
        const int filled = static_cast<int>(fraction * bar_width);
        line = fmt::format("[{}{}] {:>4.0f}%  {}/{} {}", std::string(static_cast<std::size_t>(filled), '#'),
                           std::string(static_cast<std::size_t>(bar_width - filled), '-'), fraction * 100.0,
                           format_count(view.done), format_count(*view.total), view.unit);
    } else {
        line = fmt::format("{} {}", format_count(view.done), view.unit);
    }
    line += fmt::format("  {} {}/s", format_si(view.rate), view.unit);
    if (view.eta) {
        line += fmt::format("  ETA {}", core::format_duration(*view.eta));
    } else {
        line += fmt::format("  {}", core::format_duration(view.elapsed));
    }
    if (!view.label.empty()) {
        line += "  " + view.label;
    }
    return cut_to_columns(line, std::max(width - 1, 10));
}

std::string render_progress_text(const ProgressView& view)
{
    std::string text = view.label.empty() ? std::string() : view.label + ": ";
    text += format_count(view.done);
    if (view.total) {
        text += "/" + format_count(*view.total);
    }
    text += " " + view.unit;
    if (const auto percent = percent_text(view); !percent.empty()) {
        text += " (" + percent + ")";
    }
    text += fmt::format(", {} {}/s", format_si(view.rate), view.unit);
    if (view.eta) {
        text += ", ETA " + core::format_duration(*view.eta);
    }
    text += ", elapsed " + core::format_duration(view.elapsed);
    return text;
}

nlohmann::json progress_fields(const ProgressView& view)
{
    nlohmann::json fields = {{"label", view.label},
                             {"unit", view.unit},
                             {"done", view.done},
                             {"total", view.total ? nlohmann::json(*view.total) : nlohmann::json(nullptr)},
                             {"rate_per_s", std::round(view.rate * 10.0) / 10.0},
                             {"elapsed_ms", view.elapsed.count()},
                             {"eta_ms", view.eta ? nlohmann::json(view.eta->count()) : nlohmann::json(nullptr)}};
    return fields;
}

Logger::Logger(LoggerOptions options) : Logger(std::move(options), std::cerr) {}

Logger::Logger(LoggerOptions options, std::ostream& out) : m_options(std::move(options)), m_out(out)
{
    m_options.format = resolve_log_format(m_options.format, stderr_is_tty());
}

Logger::~Logger()
{
    const std::lock_guard lock(m_mutex);
    erase_bars_locked();
    m_out.flush();
}

void Logger::set_redactor(Redactor redactor)
{
    const std::lock_guard lock(m_mutex);
    m_redactor = std::move(redactor);
}

std::string Logger::redact(std::string_view text) const
{
    const std::lock_guard lock(m_mutex);
    return redact_locked(text);
}

std::string Logger::redact_locked(std::string_view text) const
{
    if (m_redactor) {
        return sanitize(m_redactor(text));
    }
    return sanitize(text);
}

nlohmann::json Logger::redact_json(const nlohmann::json& value) const
{
    if (value.is_string()) {
        return redact_locked(value.get_ref<const std::string&>());
    }
    if (value.is_object()) {
        nlohmann::json out = nlohmann::json::object();
        for (const auto& [key, item] : value.items()) {
            out[key] = redact_json(item);
        }
        return out;
    }
    if (value.is_array()) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& item : value) {
            out.push_back(redact_json(item));
        }
        return out;
    }
    return value;
}

std::chrono::system_clock::time_point Logger::now() const
{
    return m_options.clock ? m_options.clock() : std::chrono::system_clock::now();
}

void Logger::event(Level level, std::string_view event_name, std::string_view message, const nlohmann::json& fields)
{
    if (!enabled(level)) {
        return;
    }
    const std::lock_guard lock(m_mutex);
    write_event_locked(level, event_name, redact_locked(message), redact_json(fields));
}

void Logger::write_event_locked(Level level, std::string_view event_name, const std::string& message,
                                const nlohmann::json& fields, bool text_fields)
{
    const auto timestamp = now();
    switch (m_options.format) {
    case LogFormat::json: {
        nlohmann::ordered_json line;
        line["ts"] = format_timestamp(timestamp);
        line["level"] = to_string(level);
        line["event"] = std::string(event_name);
        line["message"] = message;
        if (fields.is_object()) {
            for (const auto& [key, value] : fields.items()) {
                // A field never overwrites the envelope: it is kept under a prefixed name.
                line[line.contains(key) ? "field_" + key : key] = value;
            }
        }
        m_out << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
        break;
    }
    case LogFormat::pretty: {
        erase_bars_locked();
        std::string text = message;
        if (text_fields && m_options.min_level == Level::debug && fields.is_object()) {
            for (const auto& [key, value] : fields.items()) {
                text += fmt::format(" {}={}", key, logfmt_value(value));
            }
        }
        const auto label = fmt::format("{:<5}", to_string(level));
        if (m_options.color) {
            m_out << "\x1b[2m" << format_time_of_day(timestamp) << "\x1b[0m " << level_colour(level) << label
                  << "\x1b[0m " << text << '\n';
        } else {
            m_out << format_time_of_day(timestamp) << ' ' << label << ' ' << text << '\n';
        }
        draw_bars_locked();
        break;
    }
    case LogFormat::automatic:
    case LogFormat::plain: {
        std::string text = fmt::format("{} {:<5} {}", format_timestamp(timestamp), to_string(level), message);
        if (text_fields && fields.is_object()) {
            for (const auto& [key, value] : fields.items()) {
                text += fmt::format(" {}={}", key, logfmt_value(value));
            }
        }
        m_out << text << '\n';
        break;
    }
    }
    m_out.flush();
}

void Logger::debug(std::string_view message, const nlohmann::json& fields)
{
    event(Level::debug, "message", message, fields);
}

void Logger::info(std::string_view message, const nlohmann::json& fields)
{
    event(Level::info, "message", message, fields);
}

void Logger::warn(std::string_view message, const nlohmann::json& fields)
{
    event(Level::warn, "message", message, fields);
}

void Logger::error(std::string_view message, const nlohmann::json& fields)
{
    event(Level::error, "message", message, fields);
}

void Logger::clear_bars()
{
    const std::lock_guard lock(m_mutex);
    erase_bars_locked();
    m_out.flush();
}

int Logger::terminal_width() const
{
    if (m_options.width > 0) {
        return m_options.width;
    }
    winsize size{};
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
        return size.ws_col;
    }
    if (const char* columns = std::getenv("COLUMNS"); columns != nullptr && std::atoi(columns) > 0) {
        return std::atoi(columns);
    }
    return 80;
}

void Logger::erase_bars_locked()
{
    if (m_drawn_lines == 0) {
        return;
    }
    // The cursor sits at the end of the last bar line: clear it, then each line above.
    m_out << "\r\x1b[2K";
    for (int i = 1; i < m_drawn_lines; ++i) {
        m_out << "\x1b[1A\x1b[2K";
    }
    m_drawn_lines = 0;
}

void Logger::draw_bars_locked()
{
    if (m_options.format != LogFormat::pretty || m_bars.empty() || !enabled(Level::info)) {
        return;
    }
    const int width = terminal_width();
    bool first = true;
    for (const auto& [id, bar] : m_bars) {
        if (!first) {
            m_out << '\n';
        }
        first = false;
        m_out << render_progress_bar(view_locked(*bar), width);
        ++m_drawn_lines;
    }
    m_out.flush();
    m_last_redraw = now();
}

ProgressView Logger::view_locked(const Bar& bar) const
{
    ProgressView view;
    view.label = bar.label;
    view.unit = bar.unit;
    view.done = bar.done;
    view.total = bar.total;
    view.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now() - bar.started);
    const double seconds = static_cast<double>(view.elapsed.count()) / 1000.0;
    view.rate = seconds > 0.0 ? static_cast<double>(bar.done) / seconds : 0.0;
    if (bar.total && view.rate > 0.0) {
        const double remaining = static_cast<double>(std::max(*bar.total - bar.done, 0LL)) / view.rate;
        view.eta = std::chrono::milliseconds(static_cast<long long>(remaining * 1000.0));
    }
    return view;
}

Progress Logger::progress(std::string label, std::optional<long long> total, std::string unit)
{
    const std::lock_guard lock(m_mutex);
    auto bar = std::make_unique<Bar>();
    bar->label = redact_locked(label);
    bar->unit = std::move(unit);
    bar->total = total;
    bar->started = now();
    bar->last_line = bar->started;
    const int id = m_next_bar++;
    m_bars.emplace(id, std::move(bar));
    if (m_options.format == LogFormat::pretty) {
        erase_bars_locked();
        draw_bars_locked();
    }
    return Progress(this, id);
}

void Logger::progress_update(int id, std::optional<long long> done, long long delta)
{
    const std::lock_guard lock(m_mutex);
    const auto found = m_bars.find(id);
    if (found == m_bars.end()) {
        return;
    }
    Bar& bar = *found->second;
    bar.done = done ? *done : bar.done + delta;
    const auto current = now();
    if (m_options.format == LogFormat::pretty) {
        if (current - m_last_redraw >= m_options.redraw_interval) {
            erase_bars_locked();
            draw_bars_locked();
        }
        return;
    }
    if (current - bar.last_line >= m_options.progress_interval && enabled(Level::info)) {
        bar.last_line = current;
        const auto view = view_locked(bar);
        // The text already says everything the fields hold: no key=value tail on progress lines.
        write_event_locked(Level::info, "progress", render_progress_text(view), progress_fields(view), false);
    }
}

void Logger::progress_set(int id, std::optional<std::optional<long long>> total, std::optional<std::string> label)
{
    const std::lock_guard lock(m_mutex);
    const auto found = m_bars.find(id);
    if (found == m_bars.end()) {
        return;
    }
    if (total) {
        found->second->total = *total;
    }
    if (label) {
        found->second->label = redact_locked(*label);
    }
}

void Logger::progress_finish(int id, std::string_view outcome, bool quiet)
{
    const std::lock_guard lock(m_mutex);
    const auto found = m_bars.find(id);
    if (found == m_bars.end()) {
        return;
    }
    const auto view = view_locked(*found->second);
    if (m_options.format == LogFormat::pretty) {
        erase_bars_locked();
    }
    m_bars.erase(found);
    if (!quiet && enabled(Level::info)) {
        auto fields = progress_fields(view);
        fields["finished"] = true;
        fields["outcome"] = std::string(outcome);
        const auto text = fmt::format("{}{} {} in {} ({} {}/s) {}", view.label.empty() ? "" : view.label + ": ",
                                      format_count(view.done), view.unit, core::format_duration(view.elapsed),
                                      format_si(view.rate), view.unit, outcome);
        write_event_locked(Level::info, "progress", text, fields, false);
    } else if (m_options.format == LogFormat::pretty) {
        draw_bars_locked();
    }
}

ProgressView Logger::progress_view(int id) const
{
    const std::lock_guard lock(m_mutex);
    const auto found = m_bars.find(id);
    return found == m_bars.end() ? ProgressView{} : view_locked(*found->second);
}

Progress::Progress(Progress&& other) noexcept
    : m_logger(std::exchange(other.m_logger, nullptr)), m_id(std::exchange(other.m_id, 0))
{
}

Progress& Progress::operator=(Progress&& other) noexcept
{
    if (this != &other) {
        if (m_logger != nullptr) {
            m_logger->progress_finish(m_id, "", true);
        }
        m_logger = std::exchange(other.m_logger, nullptr);
        m_id = std::exchange(other.m_id, 0);
    }
    return *this;
}

Progress::~Progress()
{
    if (m_logger != nullptr) {
        m_logger->progress_finish(m_id, "", true);
    }
}

void Progress::advance(long long count)
{
    if (m_logger != nullptr) {
        m_logger->progress_update(m_id, std::nullopt, count);
    }
}

void Progress::set_done(long long done)
{
    if (m_logger != nullptr) {
        m_logger->progress_update(m_id, done, 0);
    }
}

void Progress::set_total(std::optional<long long> total)
{
    if (m_logger != nullptr) {
        m_logger->progress_set(m_id, total, std::nullopt);
    }
}

void Progress::set_label(std::string label)
{
    if (m_logger != nullptr) {
        m_logger->progress_set(m_id, std::nullopt, std::move(label));
    }
}

void Progress::finish(std::string_view outcome)
{
    if (m_logger != nullptr) {
        m_logger->progress_finish(m_id, outcome, false);
        m_logger = nullptr;
    }
}

ProgressView Progress::view() const
{
    return m_logger != nullptr ? m_logger->progress_view(m_id) : ProgressView{};
}

} // namespace lockwise::report
