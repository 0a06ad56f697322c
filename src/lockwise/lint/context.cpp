// What lint knows beyond one file: table sizes from the server (k_table_facts_query)
// and the schema that earlier migrations created, so type changes can be decided exactly.
#include <algorithm>
#include <charconv>

#include "lockwise/lint/lint.hpp"

namespace lockwise::lint {
namespace {

long long to_number(const std::string& text, long long fallback)
{
    long long value = fallback;
    const auto* begin = text.data();
    const auto* end = text.data() + text.size();
    if (begin != end && *begin == '+') {
        ++begin;
    }
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc() || ptr != end) {
        return fallback;
    }
    return value;
}

std::string key(const std::string& schema, const std::string& name)
{
    return schema.empty() ? name : schema + "." + name;
}

// The entry for a relation named in a statement: the qualified key when there is one,
// else the bare name (the search_path table).
KnownTable* find(std::map<std::string, KnownTable>& schema, const sql::RelationLock& rel)
{
    if (auto it = schema.find(key(rel.schema, rel.name)); it != schema.end()) {
        return &it->second;
    }
    if (rel.schema.empty() || rel.schema == "public") {
        if (auto it = schema.find(rel.name); it != schema.end()) {
            return &it->second;
        }
    }
    return nullptr;
}

} // namespace

Context context_from_rows(const std::vector<std::vector<std::string>>& rows,
                          const std::vector<std::string>& search_path_schemas)
{
    Context context;
    for (const auto& row : rows) {
        if (row.size() < 4) {
            continue;
        }
        TableFacts facts;
        facts.estimated_rows = to_number(row[2], -1);
        facts.total_bytes = to_number(row[3], 0);
        context.tables[row[0] + "." + row[1]] = facts;
    }
    // Bare names resolve like search_path: the first schema on it that has the table.
    for (auto schema = search_path_schemas.rbegin(); schema != search_path_schemas.rend(); ++schema) {
        for (const auto& row : rows) {
            if (row.size() >= 4 && row[0] == *schema) {
                context.tables[row[1]] = context.tables[row[0] + "." + row[1]];
            }
        }
    }
    return context;
}

void record_schema(Context& context, const sql::ParsedScript& script)
{
    auto& schema = context.schema;
    for (const auto& st : script.statements) {
        const sql::RelationLock* rel = nullptr;
        for (const auto& lock : st.locks) {
            if (rel == nullptr || (lock.created_by_statement && !rel->created_by_statement)) {
                rel = &lock;
            }
        }
        if (rel == nullptr) {
            continue;
        }
        std::string kind = st.kind;
        std::transform(kind.begin(), kind.end(), kind.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        if (kind.starts_with("CREATE TABLE") && rel->created_by_statement) {
            auto& table = schema[key(rel->schema, rel->name)];
            table = KnownTable{};
            for (const auto& col : st.columns) {
                table.columns[col.name] = KnownColumn{col.type_name, col.type_modifiers, col.is_array};
                if (col.not_null || col.primary_key) {
                    table.not_null_checked.insert(col.name);
                }
            }
            continue;
        }
        if (kind == "DROP TABLE") {
            for (const auto& lock : st.locks) {
                if (lock.reason.empty()) { // a view over it or a table it references stays
                    schema.erase(key(lock.schema, lock.name));
                }
            }
            continue;
        }
        auto* table = find(schema, *rel);
        // A NOT VALID CHECK (col IS NOT NULL) on a table no migration created (it was deployed before
        // lockwise): remembered, so its VALIDATE in a later migration makes SET NOT NULL scan-free.
        const bool adds_not_null_check = std::any_of(st.actions.begin(), st.actions.end(), [](const auto& action) {
            return action.kind == sql::AlterAction::Kind::add_constraint && action.constraint &&
                   action.constraint->not_null_check_column;
        });
        if (table == nullptr && adds_not_null_check) {
            table = &schema[key(rel->schema, rel->name)];
        }
        if (table == nullptr) {
            continue;
        }
        for (const auto& action : st.actions) {
            using Kind = sql::AlterAction::Kind;
            switch (action.kind) {
            case Kind::add_column:
                if (action.column_def) {
                    const auto& def = *action.column_def;
                    table->columns[def.name] = KnownColumn{def.type_name, def.type_modifiers, def.is_array};
                }
                break;
            case Kind::alter_column_type:
                if (action.column_def) {
                    const auto& def = *action.column_def;
                    table->columns[action.column] = KnownColumn{def.type_name, def.type_modifiers, def.is_array};
                }
                break;
            case Kind::drop_column:
                table->columns.erase(action.column);
                table->not_null_checked.erase(action.column);
                break;
            case Kind::rename_column:
                if (auto it = table->columns.find(action.column); it != table->columns.end()) {
                    auto column = it->second;
                    table->columns.erase(it);
                    table->columns[action.name] = column;
                }
                break;
            case Kind::add_constraint:
                if (action.constraint && action.constraint->not_null_check_column && !action.constraint->not_valid) {
                    table->not_null_checked.insert(*action.constraint->not_null_check_column);
                } else if (action.constraint && action.constraint->not_null_check_column && !action.constraint->name.empty()) {
                    table->not_valid_not_null[action.constraint->name] = *action.constraint->not_null_check_column;
                }
                break;
            case Kind::set_not_null:
                table->not_null_checked.insert(action.column);
                break;
            case Kind::rename_table: {
                auto moved = *table;
                schema.erase(key(rel->schema, rel->name));
                schema.erase(rel->name);
                schema[key(rel->schema, action.name)] = moved;
                table = &schema[key(rel->schema, action.name)];
                break;
            }
            default:
                break;
            }
        }
        // VALIDATE CONSTRAINT of a NOT VALID CHECK (col IS NOT NULL) added in an earlier statement.
        for (const auto& action : st.actions) {
            if (action.kind != sql::AlterAction::Kind::validate_constraint) {
                continue;
            }
            if (auto it = table->not_valid_not_null.find(action.name); it != table->not_valid_not_null.end()) {
                table->not_null_checked.insert(it->second);
            }
            for (const auto& earlier : script.statements) {
                for (const auto& added : earlier.actions) {
                    if (added.kind == sql::AlterAction::Kind::add_constraint && added.constraint &&
                        added.constraint->name == action.name && added.constraint->not_null_check_column) {
                        table->not_null_checked.insert(*added.constraint->not_null_check_column);
                    }
                }
            }
        }
    }
}

void add_existing_objects(Context& context, const std::vector<std::vector<std::string>>& rows,
                          const std::vector<std::string>& search_path_schemas)
{
    auto& existing = context.existing.emplace();
    for (const auto& row : rows) {
        if (row.size() < 2) {
            continue;
        }
        existing.insert(row[0] + "." + row[1]);
        if (std::find(search_path_schemas.begin(), search_path_schemas.end(), row[0]) != search_path_schemas.end()) {
            existing.insert(row[1]);
        }
    }
}

void record_created(Context& context, const sql::ParsedScript& script)
{
    if (!context.existing) {
        return;
    }
    const auto& existing = *context.existing;
    auto note = [&](const std::string& schema, const std::string& name) {
        if (name.empty()) {
            return;
        }
        // An unqualified name resolves through search_path, whose schemas' objects are keyed bare.
        const bool exists = existing.contains(key(schema, name)) || (schema.empty() && existing.contains(name));
        if (!exists) {
            context.created_in_run.insert(key(schema, name));
        }
    };
    for (const auto& st : script.statements) {
        for (const auto& lock : st.locks) {
            if (lock.created_by_statement) {
                note(lock.schema, lock.name);
            }
        }
        std::string kind = st.kind;
        std::transform(kind.begin(), kind.end(), kind.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        // A relation of the run renamed is still new under its new name.
        for (const auto& action : st.actions) {
            if (action.kind != sql::AlterAction::Kind::rename_table || st.locks.empty()) {
                continue;
            }
            const auto& renamed = st.locks.front();
            const auto old_key = key(renamed.schema, renamed.name);
            if (context.created_in_run.contains(old_key) ||
                (renamed.schema.empty() && context.created_in_run.contains(key("public", renamed.name)))) {
                context.created_in_run.insert(key(renamed.schema, action.name));
            }
        }
        // An index is new only on a new table: dropping or rebuilding one on an existing table locks that table.
        if (kind == "CREATE INDEX" && st.index && context.created_in_run.contains(key(st.index->schema, st.index->table))) {
            note(st.index->schema, st.index->name);
        }
        if (kind.starts_with("CREATE TYPE") && !st.enum_type.empty()) {
            note("", st.enum_type);
        }
    }
}

} // namespace lockwise::lint
