// The walk over one migration: positions, what the migration itself created, findings and
// their grading by table size, the per-statement dispatch to the rule families, and suppressions.
#include <algorithm>
#include <cctype>
#include <optional>

#include <fmt/format.h>

#include "lockwise/core/source_location.hpp"
#include "lockwise/lint/backfill_checks.hpp"
#include "lockwise/lint/checks/walker.hpp"

namespace lockwise::lint::checks {

std::string upper(std::string_view text)
{
    std::string out(text);
    for (auto& c : out) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return out;
}

std::string lower(std::string_view text)
{
    std::string out(text);
    for (auto& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

bool kind_is(const Statement& statement, std::string_view kind) { return upper(statement.kind) == kind; }
bool kind_starts(const Statement& statement, std::string_view prefix) { return upper(statement.kind).starts_with(prefix); }

std::string first_keyword(std::string_view text)
{
    std::size_t i = 0;
    while (i < text.size()) {
        if (std::isspace(static_cast<unsigned char>(text[i])) != 0) {
            ++i;
        } else if (text.substr(i, 2) == "--") {
            const auto end = text.find('\n', i);
            i = end == std::string_view::npos ? text.size() : end + 1;
        } else if (text.substr(i, 2) == "/*") {
            const auto end = text.find("*/", i + 2);
            i = end == std::string_view::npos ? text.size() : end + 2;
        } else {
            break;
        }
    }
    std::size_t j = i;
    while (j < text.size() && std::isalpha(static_cast<unsigned char>(text[j])) != 0) {
        ++j;
    }
    return upper(text.substr(i, j - i));
}

std::string qualified(std::string_view schema, std::string_view name)
{
    return schema.empty() ? std::string(name) : fmt::format("{}.{}", schema, name);
}

std::string human_bytes(long long bytes)
{
    if (bytes >= 1LL << 30) {
        return fmt::format("{:.1f} GB", static_cast<double>(bytes) / static_cast<double>(1LL << 30));
    }
    if (bytes >= 1LL << 20) {
        return fmt::format("{:.1f} MB", static_cast<double>(bytes) / static_cast<double>(1LL << 20));
    }
    return fmt::format("{} kB", bytes / 1024);
}

std::string with_concurrently(const std::string& text, const std::regex& head)
{
    std::smatch match;
    if (!std::regex_search(text, match, head)) {
        return {};
    }
    const auto end = static_cast<std::size_t>(match.position(0) + match.length(0));
    return text.substr(0, end) + " CONCURRENTLY" + text.substr(end) + ";";
}

Walker::Walker(const catalog::Migration& migration, const sql::ParsedScript& script, const Context& context)
    : m_migration(migration), m_script(script), m_context(context), m_schema(context.schema)
{
    m_out.file = migration.display_path.empty() ? migration.path.string() : migration.display_path;
}

MigrationLint Walker::run()
{
    for (const auto& error : m_script.errors) {
        m_out.errors.push_back(diagnostic(error.span.offset, error.span.line, error.span.column,
                                          error.message,
                                          error.hint.empty() ? "Fix the SQL: lockwise parses it with the PostgreSQL 15 parser."
                                                             : error.hint));
    }
    place_statements();
    for (std::size_t i = 0; i < m_script.statements.size(); ++i) {
        m_index = i;
        lint_statement(m_script.statements[i]);
        remember(m_script.statements[i]);
    }
    check_backfill_directives(m_migration, m_script, m_out.file, m_out.errors);
    apply_suppressions();
    if (!m_context.disabled_rules.empty()) {
        std::erase_if(m_out.findings, [&](const Finding& f) { return m_context.disabled_rules.contains(f.rule_id); });
    }
    sort_findings();
    return std::move(m_out);
}

catalog::Diagnostic Walker::diagnostic(std::size_t offset, int line, int column, std::string message,
                                       std::string hint) const
{
    catalog::Diagnostic d;
    d.file = m_out.file;
    d.offset = offset;
    d.line = line;
    d.column = column;
    d.message = std::move(message);
    d.hint = std::move(hint);
    if (!m_migration.text.empty()) {
        d.source_line = std::string(core::source_line(m_migration.text, line));
    }
    return d;
}

// The span of the first whole-word, case-insensitive occurrence of `needle` in the statement.
sql::Span Walker::locate(const Statement& statement, std::string_view needle) const
{
    if (needle.empty()) {
        return statement.span;
    }
    const bool whole_file = m_migration.text.size() >= statement.span.offset + statement.span.length &&
                            statement.span.length > 0;
    const std::string haystack = lower(whole_file ? std::string_view(m_migration.text).substr(statement.span.offset, statement.span.length)
                                                  : std::string_view(statement.text));
    const std::string target = lower(needle);
    auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; };
    for (auto pos = haystack.find(target); pos != std::string::npos; pos = haystack.find(target, pos + 1)) {
        const bool left_ok = pos == 0 || !is_word(haystack[pos - 1]) || !is_word(target.front());
        const auto after = pos + target.size();
        const bool right_ok = after >= haystack.size() || !is_word(haystack[after]) || !is_word(target.back());
        if (!left_ok || !right_ok) {
            continue;
        }
        sql::Span span;
        span.offset = statement.span.offset + pos;
        span.length = target.size();
        if (whole_file) {
            const auto lc = core::line_column_at(m_migration.text, span.offset);
            span.line = lc.line;
            span.column = lc.column;
        } else {
            const auto lc = core::line_column_at(haystack, pos);
            span.line = statement.span.line + lc.line - 1;
            span.column = lc.line == 1 ? statement.span.column + lc.column - 1 : lc.column;
        }
        return span;
    }
    return statement.span;
}

bool Walker::is_new_relation(std::string_view schema, std::string_view name) const
{
    if (m_new.contains(qualified(schema, name)) || created_in_run(schema, name)) {
        return true;
    }
    // An unqualified reference to a table created qualified (or the reverse) in this file.
    return m_new.contains(std::string(name)) && (schema.empty() || schema == "public");
}

bool Walker::created_in_run(std::string_view schema, std::string_view name) const
{
    const auto& created = m_context.created_in_run;
    // An unqualified name and public.name are the same object for the usual search_path.
    return created.contains(qualified(schema, name)) ||
           (schema == "public" && created.contains(std::string(name))) ||
           (schema.empty() && created.contains(qualified("public", name)));
}

std::optional<TableFacts> Walker::facts(std::string_view schema, std::string_view name) const
{
    if (auto it = m_context.tables.find(qualified(schema, name)); it != m_context.tables.end()) {
        return it->second;
    }
    if (!schema.empty()) {
        return std::nullopt;
    }
    if (auto it = m_context.tables.find(std::string(name)); it != m_context.tables.end()) {
        return it->second;
    }
    return std::nullopt;
}

KnownTable* Walker::known_table(std::string_view schema, std::string_view name)
{
    if (auto it = m_schema.find(qualified(schema, name)); it != m_schema.end()) {
        return &it->second;
    }
    if (auto it = m_schema.find(std::string(name)); it != m_schema.end() && (schema.empty() || schema == "public")) {
        return &it->second;
    }
    return nullptr;
}

// The relation a statement is about: its first lock on a relation it did not create.
const sql::RelationLock* Walker::target(const Statement& st) const
{
    for (const auto& lock : st.locks) {
        if (!lock.created_by_statement) {
            return &lock;
        }
    }
    return st.locks.empty() ? nullptr : &st.locks.front();
}

LockMode Walker::strongest_lock(const Statement& st) const
{
    LockMode mode = LockMode::none;
    for (const auto& lock : st.locks) {
        mode = std::max(mode, lock.mode);
    }
    return mode;
}

Finding& Walker::add_at(std::size_t statement, std::string_view rule_id, sql::Span span, std::string table,
                        LockMode lock, TableWork work, std::string message, std::string safe, std::string hint)
{
    const auto* rule = find_rule(rule_id);
    Finding f;
    f.rule_id = std::string(rule_id);
    f.severity = rule != nullptr ? rule->severity : Severity::error;
    if (auto it = m_context.severity_overrides.find(f.rule_id); it != m_context.severity_overrides.end()) {
        f.severity = it->second;
    }
    f.file = m_out.file;
    f.span = span;
    f.table = std::move(table);
    f.lock = lock;
    f.lock_blocks = std::string(blocks_description(lock));
    f.work = work;
    f.message = std::move(message);
    f.safe_alternative = std::move(safe);
    f.hint = std::move(hint);
    if (statement < m_script.statements.size()) {
        f.relations = m_script.statements[statement].locks;
    }
    m_out.findings.push_back(std::move(f));
    m_statement_of.push_back(statement);
    return m_out.findings.back();
}

Finding& Walker::add(std::string_view rule_id, sql::Span span, std::string table, LockMode lock, TableWork work,
                     std::string message, std::string safe, std::string hint)
{
    return add_at(m_index, rule_id, span, std::move(table), lock, work, std::move(message),
                  std::move(safe), std::move(hint));
}

// Size-sensitive findings on a table known to be small are graded down to info; on a
// known table the size is stated either way.
void Walker::grade(Finding& finding, std::string_view schema, std::string_view name) const
{
    const auto* rule = find_rule(finding.rule_id);
    const auto table_facts = facts(schema, name);
    if (rule == nullptr || !rule->size_sensitive || !table_facts || table_facts->estimated_rows < 0) {
        return;
    }
    const auto rows = table_facts->estimated_rows;
    if (rows < m_context.small_table_rows) {
        finding.severity = Severity::info;
        finding.message += fmt::format(" (graded down: the table has about {} rows, below the small-table threshold of {}, so the lock is held briefly)",
                                       rows, m_context.small_table_rows);
    } else {
        finding.message += fmt::format(" (the table has about {} rows, {})", rows, human_bytes(table_facts->total_bytes));
    }
}

bool Walker::version_below(int version) const
{
    return m_context.server_version_num && *m_context.server_version_num < version;
}

void Walker::lint_statement(const Statement& st)
{
    if (st.transaction_control) {
        return;
    }
    lint_concurrently_in_transaction(st);
    lint_server_features(st);
    lint_types(st);
    if (kind_is(st, "CREATE INDEX")) {
        lint_create_index(st);
    } else if (kind_is(st, "DROP INDEX")) {
        lint_drop_index(st);
    } else if (kind_is(st, "REINDEX")) {
        lint_reindex(st);
    } else if (kind_is(st, "ALTER TABLE") || !st.actions.empty()) {
        lint_alter_table(st);
    } else if (kind_is(st, "DROP TABLE")) {
        lint_drop_table(st);
    } else if (kind_starts(st, "TRUNCATE")) {
        lint_truncate(st);
    } else if (kind_is(st, "VACUUM")) {
        lint_vacuum(st);
    } else if (kind_is(st, "CLUSTER")) {
        lint_whole_table_rewrite(st, "cluster", "CLUSTER");
    } else if (kind_is(st, "LOCK TABLE")) {
        lint_lock_table(st);
    } else if (kind_is(st, "ALTER TYPE") && !st.enum_type.empty()) {
        lint_enum_add_value(st);
    } else if (kind_is(st, "UPDATE") || kind_is(st, "DELETE")) {
        lint_dml(st);
        lint_backfill_scaling(st);
    } else if (kind_is(st, "CREATE TRIGGER") || kind_is(st, "DROP TRIGGER")) {
        lint_trigger(st);
    } else if (kind_is(st, "REFRESH MATERIALIZED VIEW")) {
        lint_refresh_matview(st);
    }
    lint_cascade(st);
    lint_lock_spread(st);
}

void Walker::remember(const Statement& st)
{
    // A new relation renamed is still new under its new name (the run's, or this file's).
    if (const auto* rel = target(st); rel != nullptr && is_new_relation(rel->schema, rel->name)) {
        for (const auto& action : st.actions) {
            if (action.kind == AlterAction::Kind::rename_table) {
                m_new.insert(qualified(rel->schema, action.name));
            }
        }
    }
    for (const auto& lock : st.locks) {
        if (lock.created_by_statement) {
            m_new.insert(qualified(lock.schema, lock.name));
        }
    }
    if (kind_starts(st, "CREATE TABLE") || kind_is(st, "CREATE MATERIALIZED VIEW") || kind_starts(st, "SELECT INTO")) {
        if (const auto* rel = target(st); rel != nullptr && rel->created_by_statement) {
            auto& t = m_schema[qualified(rel->schema, rel->name)];
            for (const auto& col : st.columns) {
                t.columns[col.name] = KnownColumn{col.type_name, col.type_modifiers, col.is_array};
            }
        }
    }
    if (kind_is(st, "CREATE INDEX") && st.index) {
        if (is_new_relation(st.index->schema, st.index->table) && !st.index->name.empty()) {
            m_new_indexes.insert(st.index->name);
            m_new_indexes.insert(qualified(st.index->schema, st.index->name));
        }
    }
    if (kind_is(st, "CREATE TYPE") && !st.enum_type.empty()) {
        m_new_types.insert(st.enum_type);
    }
    if (const auto* rel = target(st); rel != nullptr) {
        for (const auto& action : st.actions) {
            if (action.kind == AlterAction::Kind::attach_partition || action.kind == AlterAction::Kind::detach_partition) {
                m_partition_parent[qualified(rel->schema, action.name)] = qualified(rel->schema, rel->name);
            }
        }
    }
    if (const auto* rel = target(st); rel != nullptr && !st.actions.empty()) {
        for (const auto& action : st.actions) {
            if ((action.kind == AlterAction::Kind::add_column || action.kind == AlterAction::Kind::alter_column_type) &&
                action.column_def) {
                auto* known = known_table(rel->schema, rel->name);
                if (known == nullptr && action.kind == AlterAction::Kind::add_column) {
                    known = &m_schema[qualified(rel->schema, rel->name)];
                }
                if (known != nullptr) {
                    const auto& def = *action.column_def;
                    const auto column = action.kind == AlterAction::Kind::add_column ? def.name : action.column;
                    known->columns[column] = KnownColumn{def.type_name, def.type_modifiers, def.is_array};
                }
            }
        }
    }
}

void Walker::apply_suppressions()
{
    for (const auto& directive : m_migration.directives) {
        if (directive.name != "allow") {
            continue;
        }
        if (directive.words.empty()) {
            m_out.errors.push_back(diagnostic(directive.offset, directive.line, directive.column,
                                              "lockwise:allow needs a rule id and a reason",
                                              "Write `-- lockwise:allow <rule-id> <why this is safe here>`."));
            continue;
        }
        const auto& rule_id = directive.words.front();
        if (find_rule(rule_id) == nullptr) {
            m_out.errors.push_back(diagnostic(directive.offset, directive.line, directive.column,
                                              fmt::format("lockwise:allow names unknown rule '{}'", rule_id),
                                              "The rule ids are listed in docs/lint.md and in the `rule` field of lockwise lint --format json."));
            continue;
        }
        auto reason = std::string(directive.arguments);
        if (const auto pos = reason.find(rule_id); pos != std::string::npos) {
            reason = reason.substr(pos + rule_id.size());
        }
        const auto first = reason.find_first_not_of(" \t\"'");
        const auto last = reason.find_last_not_of(" \t\r\"'");
        reason = first == std::string::npos ? "" : reason.substr(first, last - first + 1);
        if (directive.words.size() < 2 || reason.empty()) {
            m_out.errors.push_back(diagnostic(directive.offset, directive.line, directive.column,
                                              fmt::format("lockwise:allow {} needs a reason", rule_id),
                                              "Say why the finding is safe here, e.g. `-- lockwise:allow drop-column the app stopped reading it in release 42`."));
            continue;
        }
        std::optional<std::size_t> statement;
        for (std::size_t i = 0; i < m_script.statements.size(); ++i) {
            if (m_script.statements[i].span.offset > directive.offset) {
                statement = i;
                break;
            }
        }
        bool used = false;
        for (std::size_t i = 0; statement && i < m_out.findings.size(); ++i) {
            auto& f = m_out.findings[i];
            if (m_statement_of[i] == *statement && f.rule_id == rule_id) {
                f.suppressed = true;
                f.suppression_reason = reason;
                used = true;
            }
        }
        if (!used) {
            m_out.warnings.push_back(diagnostic(
                directive.offset, directive.line, directive.column,
                statement ? fmt::format("lockwise:allow {} suppresses nothing: the statement on line {} has no {} finding", rule_id,
                                        m_script.statements[*statement].span.line, rule_id)
                          : fmt::format("lockwise:allow {} suppresses nothing: no statement follows it", rule_id),
                "Remove the comment, or move it directly above the statement it is meant for."));
        }
    }
}

void Walker::sort_findings()
{
    std::vector<std::size_t> order(m_out.findings.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        order[i] = i;
    }
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return m_out.findings[a].span.offset < m_out.findings[b].span.offset;
    });
    std::vector<Finding> sorted;
    sorted.reserve(order.size());
    for (auto i : order) {
        sorted.push_back(std::move(m_out.findings[i]));
    }
    m_out.findings = std::move(sorted);
}

} // namespace lockwise::lint::checks

namespace lockwise::lint {

std::string_view blocks_description(sql::LockMode mode) noexcept
{
    if (sql::lock_blocks_reads(mode)) {
        return "reads and writes";
    }
    if (sql::lock_blocks_writes(mode)) {
        return "writes";
    }
    return "nothing";
}

MigrationLint lint_migration(const catalog::Migration& migration, const sql::ParsedScript& script,
                             const Context& context)
{
    return checks::Walker(migration, script, context).run();
}

bool has_blocking_errors(const MigrationLint& lint) noexcept
{
    if (!lint.errors.empty()) {
        return true;
    }
    return std::any_of(lint.findings.begin(), lint.findings.end(),
                       [](const Finding& f) { return f.severity == Severity::error && !f.suppressed; });
}

} // namespace lockwise::lint
