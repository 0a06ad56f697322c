// Parser for workload scripts: a line-oriented cursor for directives and meta
// commands, a character scanner for SQL (quotes, comments, dollar quotes, casts) that
// turns :name into $n. Every error of the file is collected, each with file:line:col.
#include "lockwise/load/workload.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "lockwise/core/checked.hpp"
#include "lockwise/core/error.hpp"
#include "lockwise/core/source_location.hpp"

namespace lockwise::load {

int Workload::variable_index(std::string_view name) const
{
    const auto found = std::find(variables.begin(), variables.end(), name);
    return found == variables.end() ? -1 : static_cast<int>(found - variables.begin());
}

namespace {

bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

class Parser {
public:
    Parser(std::string_view text, std::string_view file) : m_text(text) { m_result.workload.file = file; }

    WorkloadParse run()
    {
        while (m_pos < m_text.size()) {
            parse_line();
        }
        finish_transaction();
        if (m_result.workload.transactions.empty() && m_result.errors.empty()) {
            error(0, "workload has no transactions",
                  "Start each transaction with a line '-- transaction <name> weight=<n>' followed by its SQL.");
        }
        return std::move(m_result);
    }

private:
    // ------------------------------------------------------------ helpers

    void error(std::size_t offset, std::string message, std::string hint = {})
    {
        const auto position = core::line_column_at(m_text, offset);
        WorkloadError problem{position.line, position.column, std::move(message), std::move(hint), {}};
        problem.rendered = core::render_diagnostic(m_result.workload.file, m_text, offset, "error",
                                                   problem.message, problem.hint);
        m_result.errors.push_back(std::move(problem));
    }

    std::size_t line_end(std::size_t from) const
    {
        const auto end = m_text.find('\n', from);
        return end == std::string_view::npos ? m_text.size() : end;
    }

    std::size_t skip_spaces(std::size_t from, std::size_t end) const
    {
        while (from < end && is_space(m_text[from])) {
            ++from;
        }
        return from;
    }

    std::size_t ident_end(std::size_t from, std::size_t end) const
    {
        if (from >= end || !is_ident_start(m_text[from])) {
            return from;
        }
        while (from < end && is_ident_char(m_text[from])) {
            ++from;
        }
        return from;
    }

    int line_of(std::size_t offset) const { return core::line_column_at(m_text, offset).line; }

    int define_variable(std::string_view name)
    {
        auto& variables = m_result.workload.variables;
        int index = m_result.workload.variable_index(name);
        if (index < 0) {
            variables.emplace_back(name);
            index = static_cast<int>(variables.size()) - 1;
        }
        return index;
    }

    bool is_setup_variable(int index) const
    {
        return std::any_of(m_result.workload.setup.begin(), m_result.workload.setup.end(),
                           [&](const SetupQuery& setup) { return setup.variable == index; });
    }

    // A variable usable here: set by \setup, or by \set earlier in this transaction.
    bool is_defined(int index) const
    {
        return index >= 0 && (is_setup_variable(index) ||
                              std::find(m_defined.begin(), m_defined.end(), index) != m_defined.end());
    }

    Transaction* current() { return m_in_transaction ? &m_result.workload.transactions.back() : nullptr; }

    void finish_transaction()
    {
        if (!m_in_transaction) {
            return;
        }
        const auto& transaction = m_result.workload.transactions.back();
        const bool has_sql = std::any_of(transaction.steps.begin(), transaction.steps.end(),
                                         [](const Step& step) { return step.kind == Step::Kind::sql; });
        // A transaction whose statements had errors is empty for that reason: don't say it twice.
        if (!has_sql && m_result.errors.size() == m_errors_before_transaction) {
            error(m_transaction_offset, fmt::format("transaction \"{}\" has no SQL statements", transaction.name),
                  "Add at least one statement ending with ';' after the '-- transaction' line.");
        }
        m_in_transaction = false;
        m_defined.clear();
    }

    // ------------------------------------------------------------ lines

    void parse_line()
    {
        const auto end = line_end(m_pos);
        const auto start = skip_spaces(m_pos, end);
        if (start == end) {
            m_pos = end + 1;
            return;
        }
        if (m_text.substr(start, 2) == "--") {
            parse_comment(start, end);
            m_pos = end + 1;
            return;
        }
        if (m_text[start] == '\\') {
            parse_meta(start, end);
            m_pos = end + 1;
            return;
        }
        m_pos = parse_sql(start);
    }

    void parse_comment(std::size_t start, std::size_t end)
    {
        auto word = skip_spaces(start + 2, end);
        const auto word_end = ident_end(word, end);
        if (m_text.substr(word, word_end - word) != "transaction" ||
            (word_end < end && !is_space(m_text[word_end]))) {
            return; // an ordinary comment
        }
        finish_transaction();
        const auto name_start = skip_spaces(word_end, end);
        const auto name_end = ident_end(name_start, end);
        if (name_end == name_start) {
            error(name_start, "'-- transaction' needs a name",
                  "Write '-- transaction <name> weight=<n>', the name made of letters, digits and '_'.");
            return;
        }
        Transaction transaction;
        transaction.name = std::string(m_text.substr(name_start, name_end - name_start));
        transaction.line = line_of(start);
        for (const auto& existing : m_result.workload.transactions) {
            if (existing.name == transaction.name) {
                error(name_start, fmt::format("transaction \"{}\" is defined twice", transaction.name),
                      fmt::format("The first one starts on line {}; give each transaction its own name.",
                                  existing.line));
            }
        }
        auto option = skip_spaces(name_end, end);
        while (option < end) {
            auto option_end = option;
            while (option_end < end && !is_space(m_text[option_end])) {
                ++option_end;
            }
            const auto token = m_text.substr(option, option_end - option);
            int weight = 0;
            const auto* digits_end = token.data() + token.size();
            if (token.starts_with("weight=")) {
                const auto parsed = std::from_chars(token.data() + 7, digits_end, weight);
                if (parsed.ec != std::errc() || parsed.ptr != digits_end || weight < 1 || weight > 1000000) {
                    error(option + 7, fmt::format("invalid weight \"{}\"", token.substr(7)),
                          "A weight is a whole number from 1 to 1000000.");
                } else {
                    transaction.weight = weight;
                }
            } else {
                error(option, fmt::format("unknown transaction option \"{}\"", token),
                      "The only option is weight=<n>.");
            }
            option = skip_spaces(option_end, end);
        }
        m_result.workload.transactions.push_back(std::move(transaction));
        m_in_transaction = true;
        m_transaction_offset = start;
        m_errors_before_transaction = m_result.errors.size();
    }

    void parse_meta(std::size_t start, std::size_t end)
    {
        const auto command_end = ident_end(start + 1, end);
        const auto command = m_text.substr(start + 1, command_end - start - 1);
        const auto rest = skip_spaces(command_end, end);
        if (command == "setup") {
            parse_setup(start, rest, end);
        } else if (command == "set") {
            parse_set(start, rest, end);
        } else if (command == "sleep") {
            parse_sleep(start, rest, end);
        } else {
            error(start, fmt::format("unknown meta command \"\\{}\"", command),
                  "The meta commands are \\set, \\setup and \\sleep.");
        }
    }

    void parse_setup(std::size_t start, std::size_t name_start, std::size_t end)
    {
        if (m_in_transaction) {
            error(start, "\\setup inside a transaction",
                  "\\setup runs once when the load starts; move it before the first '-- transaction' line.");
            return;
        }
        const auto name_end = ident_end(name_start, end);
        if (name_end == name_start) {
            error(name_start, "\\setup needs a variable name", "Write '\\setup <name> <query>'.");
            return;
        }
        const auto name = m_text.substr(name_start, name_end - name_start);
        auto sql_start = skip_spaces(name_end, end);
        auto sql_end = end;
        while (sql_end > sql_start && (is_space(m_text[sql_end - 1]) || m_text[sql_end - 1] == ';')) {
            --sql_end;
        }
        if (sql_end == sql_start) {
            error(sql_start, fmt::format("\\setup {} needs a query", name),
                  "Write the query on the same line, e.g. '\\setup max_id SELECT max(id) FROM t'.");
            return;
        }
        const int existing = m_result.workload.variable_index(name);
        if (existing >= 0) {
            error(name_start, fmt::format("variable \"{}\" is already defined", name),
                  "Each \\setup variable gets one value; give this one another name.");
            return;
        }
        m_result.workload.setup.push_back(
            {define_variable(name), std::string(m_text.substr(sql_start, sql_end - sql_start)), line_of(start)});
    }

    std::optional<Operand> parse_operand(std::size_t& at, std::size_t end)
    {
        at = skip_spaces(at, end);
        if (at < end && m_text[at] == ':') {
            const auto name_end = ident_end(at + 1, end);
            const auto name = m_text.substr(at + 1, name_end - at - 1);
            const int index = m_result.workload.variable_index(name);
            if (name.empty()) {
                error(at, "expected a variable name after ':'");
                return std::nullopt;
            }
            if (!is_defined(index)) {
                undefined_variable(at, name);
                return std::nullopt;
            }
            at = name_end;
            return Operand{index, 0};
        }
        auto number_end = at;
        while (number_end < end && (std::isdigit(static_cast<unsigned char>(m_text[number_end])) != 0 ||
                                    m_text[number_end] == '.' || m_text[number_end] == '-' ||
                                    m_text[number_end] == '+' || m_text[number_end] == 'e')) {
            ++number_end;
        }
        double value = 0;
        const auto* first = m_text.data() + at + (at < end && m_text[at] == '+' ? 1 : 0);
        const auto parsed = std::from_chars(first, m_text.data() + number_end, value);
        if (number_end == at || parsed.ec != std::errc() || parsed.ptr != m_text.data() + number_end) {
            error(at, "expected a number or a :variable", "Operands are literals like 1000 or 1.5, or :name.");
            return std::nullopt;
        }
        at = number_end;
        return Operand{-1, value};
    }

    void undefined_variable(std::size_t at, std::string_view name)
    {
        error(at, fmt::format("variable \"{}\" is not defined here", name),
              fmt::format("Define it with '\\set {0} ...' earlier in this transaction or with "
                          "'\\setup {0} <query>' before the first transaction.",
                          name));
    }

    void parse_set(std::size_t start, std::size_t name_start, std::size_t end)
    {
        if (!m_in_transaction) {
            error(start, "\\set outside a transaction",
                  "Put \\set after a '-- transaction <name>' line; use \\setup for values fetched once.");
            return;
        }
        const auto name_end = ident_end(name_start, end);
        if (name_end == name_start) {
            error(name_start, "\\set needs a variable name", "Write '\\set <name> random(<lo>, <hi>)'.");
            return;
        }
        const auto name = m_text.substr(name_start, name_end - name_start);
        if (is_setup_variable(m_result.workload.variable_index(name))) {
            error(name_start, fmt::format("variable \"{}\" is set by \\setup", name),
                  "A \\setup value is fixed for the whole run; give the \\set variable another name.");
            return;
        }
        Step step;
        step.kind = Step::Kind::set;
        step.line = line_of(start);
        auto at = skip_spaces(name_end, end);
        const auto function_end = ident_end(at, end);
        const auto function = m_text.substr(at, function_end - at);
        if (function.empty()) {
            auto operand = parse_operand(at, end);
            if (!operand) {
                return;
            }
            step.operands.push_back(*operand);
        } else {
            struct Known {
                std::string_view name;
                Distribution distribution;
                std::size_t arity;
            };
            static constexpr Known k_functions[] = {
                {"random", Distribution::uniform, 2},
                {"random_zipf", Distribution::zipf, 3},
                {"random_exponential", Distribution::exponential, 3},
            };
            const auto* known = std::find_if(std::begin(k_functions), std::end(k_functions),
                                             [&](const Known& k) { return k.name == function; });
            if (known == std::end(k_functions)) {
                error(at, fmt::format("unknown function \"{}\"", function),
                      "Use random(lo, hi), random_zipf(lo, hi, s) or random_exponential(lo, hi, param).");
                return;
            }
            step.distribution = known->distribution;
            at = skip_spaces(function_end, end);
            if (at >= end || m_text[at] != '(') {
                error(at, fmt::format("expected '(' after {}", function));
                return;
            }
            ++at;
            const auto arguments_start = at;
            for (;;) {
                auto operand = parse_operand(at, end);
                if (!operand) {
                    return;
                }
                step.operands.push_back(*operand);
                at = skip_spaces(at, end);
                if (at < end && m_text[at] == ',') {
                    ++at;
                    continue;
                }
                if (at < end && m_text[at] == ')') {
                    ++at;
                    break;
                }
                error(at, "expected ',' or ')'");
                return;
            }
            if (step.operands.size() != known->arity) {
                error(arguments_start, fmt::format("{} takes {} arguments, not {}", function, known->arity,
                                                   step.operands.size()),
                      "random(lo, hi); random_zipf(lo, hi, s); random_exponential(lo, hi, param).");
                return;
            }
            const auto& lo = step.operands[0];
            const auto& hi = step.operands[1];
            if (lo.variable < 0 && hi.variable < 0 && lo.literal > hi.literal) {
                error(arguments_start, "the lower bound is above the upper bound");
                return;
            }
            if (known->arity == 3 && step.operands[2].variable < 0 && step.operands[2].literal <= 0) {
                error(arguments_start, fmt::format("{} needs a positive parameter", function),
                      "The third argument shapes the distribution and must be above 0.");
                return;
            }
        }
        at = skip_spaces(at, end);
        if (at < end && m_text.substr(at, 2) != "--") {
            error(at, "unexpected text after \\set expression");
            return;
        }
        step.target = define_variable(name);
        m_defined.push_back(step.target);
        current()->steps.push_back(std::move(step));
    }

    void parse_sleep(std::size_t start, std::size_t at, std::size_t end)
    {
        if (!m_in_transaction) {
            error(start, "\\sleep outside a transaction", "Put \\sleep between the statements of a transaction.");
            return;
        }
        auto number_end = at;
        while (number_end < end && std::isdigit(static_cast<unsigned char>(m_text[number_end])) != 0) {
            ++number_end;
        }
        std::int64_t amount = 0;
        if (number_end == at ||
            std::from_chars(m_text.data() + at, m_text.data() + number_end, amount).ec != std::errc()) {
            error(at, "\\sleep needs a whole number", "Write '\\sleep 50 ms' (units: us, ms, s; default s).");
            return;
        }
        const auto unit_start = skip_spaces(number_end, end);
        auto unit_end = unit_start;
        while (unit_end < end && !is_space(m_text[unit_end])) {
            ++unit_end;
        }
        const auto unit = m_text.substr(unit_start, unit_end - unit_start);
        std::int64_t scale = 0;
        if (unit.empty() || unit == "s") {
            scale = 1000000;
        } else if (unit == "ms") {
            scale = 1000;
        } else if (unit == "us") {
            scale = 1;
        } else {
            error(unit_start, fmt::format("unknown unit \"{}\"", unit), "Units are us, ms and s.");
            return;
        }
        // Checked: "\\sleep 99999999999999 s" once wrapped around to a negative sleep.
        const auto sleep_us = core::checked_mul_add(amount, scale, 0, core::k_max_duration.count() * 1000);
        if (!sleep_us) {
            error(at, fmt::format("\\sleep {} {} is too large: the largest is {}", amount, unit.empty() ? "s" : unit,
                                  core::k_max_duration_text),
                  "Write a shorter sleep.");
            return;
        }
        Step step;
        step.kind = Step::Kind::sleep;
        step.line = line_of(start);
        step.sleep_us = *sleep_us;
        current()->steps.push_back(std::move(step));
    }

    // ------------------------------------------------------------ SQL

    // Scans one statement from `start` to its terminating ';' and returns the offset of the next line.
    std::size_t parse_sql(std::size_t start)
    {
        std::string sql;
        std::vector<int> parameters;
        std::map<int, int> parameter_of; // variable -> $n
        bool ok = true;
        std::size_t i = start;
        std::size_t copied = start;
        const auto n = m_text.size();
        std::optional<std::size_t> terminator;
        while (i < n && !terminator) {
            const char c = m_text[i];
            if (c == '\'' || c == '"') {
                const auto close = m_text.find(c, i + 1);
                i = close == std::string_view::npos ? n : close + 1;
            } else if (c == '-' && i + 1 < n && m_text[i + 1] == '-') {
                i = line_end(i);
            } else if (c == '/' && i + 1 < n && m_text[i + 1] == '*') {
                const auto close = m_text.find("*/", i + 2);
                i = close == std::string_view::npos ? n : close + 2;
            } else if (c == '$' && i + 1 < n && std::isdigit(static_cast<unsigned char>(m_text[i + 1])) != 0) {
                error(i, "positional parameters are not written by hand",
                      "Write :name for a variable; lockwise binds it as $n itself.");
                ok = false;
                ++i;
            } else if (c == '$') {
                const auto tag_end = ident_end(i + 1, n);
                if (tag_end < n && m_text[tag_end] == '$') {
                    const auto tag = m_text.substr(i, tag_end - i + 1);
                    const auto close = m_text.find(tag, tag_end + 1);
                    i = close == std::string_view::npos ? n : close + tag.size();
                } else {
                    ++i;
                }
            } else if (c == ':' && i + 1 < n && m_text[i + 1] == ':') {
                i += 2; // a cast
            } else if (c == ':' && i + 1 < n && is_ident_start(m_text[i + 1])) {
                const auto name_end = ident_end(i + 1, n);
                const auto name = m_text.substr(i + 1, name_end - i - 1);
                const int index = m_result.workload.variable_index(name);
                if (!is_defined(index)) {
                    undefined_variable(i, name);
                    ok = false;
                } else {
                    auto [slot, inserted] = parameter_of.emplace(index, static_cast<int>(parameters.size()) + 1);
                    if (inserted) {
                        parameters.push_back(index);
                    }
                    sql.append(m_text.substr(copied, i - copied));
                    sql += fmt::format("${}", slot->second);
                    copied = name_end;
                }
                i = name_end;
            } else if (c == ';') {
                terminator = i;
            } else {
                ++i;
            }
        }
        if (!terminator) {
            error(start, "statement is not terminated by ';'",
                  "End each statement with ';' at the end of a line.");
            return n;
        }
        sql.append(m_text.substr(copied, *terminator - copied));
        const auto end = line_end(*terminator);
        const auto after = skip_spaces(*terminator + 1, end);
        if (after < end && m_text.substr(after, 2) != "--") {
            error(after, "text after ';' on the same line", "Start the next statement on a new line.");
            ok = false;
        }
        while (!sql.empty() && std::isspace(static_cast<unsigned char>(sql.back())) != 0) {
            sql.pop_back();
        }
        if (!m_in_transaction) {
            error(start, "statement outside a transaction",
                  "Start a transaction with a line '-- transaction <name> weight=<n>' before it.");
        } else if (ok && !sql.empty()) {
            Step step;
            step.kind = Step::Kind::sql;
            step.line = line_of(start);
            step.sql = std::move(sql);
            step.parameters = std::move(parameters);
            current()->steps.push_back(std::move(step));
        }
        return end + 1;
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
    WorkloadParse m_result;
    bool m_in_transaction = false;
    std::size_t m_transaction_offset = 0;
    std::size_t m_errors_before_transaction = 0;
    std::vector<int> m_defined; // \set variables of the current transaction so far
};

Workload checked(WorkloadParse parse)
{
    if (parse.errors.empty()) {
        return std::move(parse.workload);
    }
    std::string rendered;
    for (const auto& problem : parse.errors) {
        rendered += problem.rendered;
    }
    throw core::Error(core::ExitCode::usage,
                      fmt::format("{} error(s) in workload {}:\n{}", parse.errors.size(), parse.workload.file,
                                  rendered),
                      "Fix the workload script; its format is described in docs/load.md.");
}

} // namespace

WorkloadParse parse_workload(std::string_view text, std::string_view file)
{
    return Parser(text, file).run();
}

Workload workload_from_text(std::string_view text, std::string_view file)
{
    return checked(parse_workload(text, file));
}

Workload load_workload(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw core::Error(core::ExitCode::usage, fmt::format("cannot read workload {}", path.string()),
                          "Check the path given for the workload script.");
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    return checked(parse_workload(buffer.str(), path.string()));
}

} // namespace lockwise::load
