// Dependent relations: the locks PostgreSQL takes on relations a statement does
// not name (an index's table, the other side of a foreign key, the views over a
// dropped table, a partitioned table's partitions, a view's tables, the sequence
// behind a default), from facts the live catalog or earlier migrations give.
// tests/db/test_locks_lock_truth.cpp checks each rule against pg_locks.
#include "lockwise/sql/facts.hpp"

#include <algorithm>
#include <set>

#include "lockwise/sql/parse_tree.hpp"

namespace lockwise::sql {
namespace {

using Kind = AlterAction::Kind;

std::string key_of(const RelationLock& lock) { return relation_key(lock.schema, lock.name); }

detail::RelationName name_of_key(const std::string& key)
{
    const auto dot = key.find('.');
    if (dot == std::string::npos) {
        return {"", key};
    }
    return {key.substr(0, dot), key.substr(dot + 1)};
}

// The schema part of `key` applied to a bare name (an index lives in its table's schema).
std::string sibling_key(const std::string& key, const std::string& name)
{
    return relation_key(name_of_key(key).schema, name);
}

// Adds (or strengthens) a lock on `key`; a relation the statement names keeps its empty reason.
void add(Statement& statement, const std::string& key, LockMode mode, const std::string& reason, bool created = false)
{
    if (key.empty() || mode == LockMode::none) {
        return;
    }
    for (auto& lock : statement.locks) {
        if (key_of(lock) == key) {
            lock.mode = std::max(lock.mode, mode);
            return;
        }
    }
    const auto name = name_of_key(key);
    RelationLock lock;
    lock.schema = name.schema;
    lock.name = name.name;
    lock.mode = mode;
    lock.reason = reason;
    lock.created_by_statement = created;
    statement.locks.push_back(std::move(lock));
}

bool is_index(const RelationFact* fact) { return fact != nullptr && (fact->kind == 'i' || fact->kind == 'I'); }
bool is_view(const RelationFact* fact) { return fact != nullptr && (fact->kind == 'v' || fact->kind == 'm'); }

std::vector<std::string> children_of(const SchemaFacts& facts, const std::string& key)
{
    std::vector<std::string> out;
    for (const auto& [child, fact] : facts.relations) {
        if (fact.parent == key) {
            out.push_back(child);
        }
    }
    return out;
}

// Every partition (and inheritance child) below `key`. Inheritance children get
// `child_mode` when one is given (ANALYZE samples them under ACCESS SHARE).
// Facts learned from migration files can hold a cycle (a rename the learner followed only in
// part); the real catalog can't, so each relation is visited once.
void add_descendants(Statement& statement, const SchemaFacts& facts, const std::string& key, LockMode mode,
                     LockMode child_mode, std::set<std::string>& seen)
{
    if (!seen.insert(key).second) {
        return;
    }
    for (const auto& child : children_of(facts, key)) {
        const auto* fact = facts.find(child);
        if (fact == nullptr || seen.contains(child)) {
            continue;
        }
        const auto own = fact->partition || child_mode == LockMode::none ? mode : child_mode;
        add(statement, child, own, (fact->partition ? "partition of " : "child of ") + name_of_key(key).name);
        add_descendants(statement, facts, child, mode, child_mode, seen);
    }
}

void add_descendants(Statement& statement, const SchemaFacts& facts, const std::string& key, LockMode mode,
                     LockMode child_mode = LockMode::none)
{
    std::set<std::string> seen;
    add_descendants(statement, facts, key, mode, child_mode, seen);
}

// The sequences owned by columns of `table` (serial, identity), with their keys.
std::vector<std::pair<std::string, const RelationFact*>> owned_sequences(const SchemaFacts& facts, const std::string& table)
{
    std::vector<std::pair<std::string, const RelationFact*>> out;
    for (const auto& [key, fact] : facts.relations) {
        if (fact.kind == 'S' && fact.table == table) {
            out.emplace_back(key, &fact);
        }
    }
    return out;
}

// The sequence a serial or identity column gets: table_column_seq.
std::string new_sequence_key(const std::string& table, const std::string& column)
{
    return sibling_key(table, name_of_key(table).name + "_" + column + "_seq");
}

// A view's relations, through views over views: reading a view reads them all.
void add_view_sources(Statement& statement, const SchemaFacts& facts, const std::string& key, LockMode mode,
                      std::set<std::string>& seen)
{
    const auto* fact = facts.find(key);
    if (!is_view(fact) || !seen.insert(key).second) {
        return;
    }
    for (const auto& source : fact->sources) {
        add(statement, source, mode, (fact->kind == 'm' ? "read by materialized view " : "read by view ") + name_of_key(key).name);
        if (fact->kind == 'v') {
            add_view_sources(statement, facts, source, mode, seen);
        }
    }
}

const ForeignKeyFact* foreign_key(const SchemaFacts& facts, const std::string& table, const std::string& name)
{
    for (const auto& fk : facts.foreign_keys) {
        if (fk.table == table && fk.name == name) {
            return &fk;
        }
    }
    return nullptr;
}

bool has_column(const ForeignKeyFact& fk, const std::string& column)
{
    return std::find(fk.columns.begin(), fk.columns.end(), column) != fk.columns.end();
}

void drop_dependents(Statement& statement, const SchemaFacts& facts)
{
    std::vector<std::string> work;
    for (const auto& lock : statement.locks) {
        work.push_back(key_of(lock));
    }
    std::set<std::string> dropped(work.begin(), work.end());
    while (!work.empty()) {
        const auto key = work.back();
        work.pop_back();
        const auto name = name_of_key(key).name;
        auto drop = [&](const std::string& other, const std::string& reason) {
            add(statement, other, LockMode::access_exclusive, reason);
            if (dropped.insert(other).second) {
                work.push_back(other);
            }
        };
        for (const auto& child : children_of(facts, key)) {
            if (facts.find(child)->partition) {
                drop(child, "partition of " + name);
            } else if (statement.cascade) {
                drop(child, "child of " + name);
            }
        }
        if (const auto* fact = facts.find(key);
            fact != nullptr && fact->partition && !fact->parent.empty() && !dropped.contains(fact->parent)) {
            add(statement, fact->parent, LockMode::access_exclusive, "parent of " + name);
        }
        for (const auto& [other, fact] : facts.relations) {
            if (fact.kind == 'S' && fact.table == key) {
                drop(other, "sequence of " + name);
            } else if (statement.cascade && is_view(&fact) &&
                       std::find(fact.sources.begin(), fact.sources.end(), key) != fact.sources.end()) {
                drop(other, (fact.kind == 'm' ? "materialized view over " : "view over ") + name);
            }
        }
        for (const auto& fk : facts.foreign_keys) {
            if (fk.table == key && !dropped.contains(fk.referenced)) {
                add(statement, fk.referenced, LockMode::access_exclusive, "referenced by " + name);
            } else if (statement.cascade && fk.referenced == key && !dropped.contains(fk.table)) {
                // Its foreign key goes, on the table and on each of its partitions.
                add(statement, fk.table, LockMode::access_exclusive, "references " + name);
                add_descendants(statement, facts, fk.table, LockMode::access_exclusive);
            }
        }
    }
}

void truncate_dependents(Statement& statement, const SchemaFacts& facts)
{
    std::vector<std::string> work;
    std::set<std::string> only;
    for (const auto& lock : statement.locks) {
        work.push_back(key_of(lock));
        if (lock.only) {
            only.insert(key_of(lock));
        }
    }
    std::set<std::string> seen(work.begin(), work.end());
    while (!work.empty()) {
        const auto key = work.back();
        work.pop_back();
        const auto name = name_of_key(key).name;
        if (statement.restart_identity) {
            for (const auto& [sequence, fact] : owned_sequences(facts, key)) {
                add(statement, sequence, LockMode::access_exclusive, "sequence of " + name);
            }
        }
        if (!only.contains(key)) {
            for (const auto& child : children_of(facts, key)) {
                add(statement, child, LockMode::access_exclusive,
                    (facts.find(child)->partition ? "partition of " : "child of ") + name);
                if (seen.insert(child).second) {
                    work.push_back(child);
                }
            }
        }
        if (!statement.cascade) {
            continue;
        }
        for (const auto& fk : facts.foreign_keys) {
            if (fk.referenced == key && seen.insert(fk.table).second) {
                add(statement, fk.table, LockMode::access_exclusive, "references " + name);
                work.push_back(fk.table);
            }
        }
    }
}

// ALTER TABLE subcommands PostgreSQL applies to every partition (and inheritance child) as well.
bool recurses(const AlterAction& action)
{
    switch (action.kind) {
    case Kind::attach_partition:
    case Kind::detach_partition:
    case Kind::rename_table:
    case Kind::set_schema:
    case Kind::inherit:
    case Kind::cluster_on:
    case Kind::set_logged:
    case Kind::set_unlogged:
    case Kind::set_tablespace:
    case Kind::replica_identity:
    case Kind::row_level_security:
    case Kind::owner:
        return false;
    default:
        return true;
    }
}

void alter_table_dependents(Statement& statement, const SchemaFacts& facts)
{
    const auto table = key_of(statement.locks.front());
    const auto name = name_of_key(table).name;
    const bool index = statement.kind == "ALTER INDEX";
    const bool only = statement.locks.front().only;
    for (const auto& action : statement.actions) {
        if (action.lock != LockMode::none && recurses(action) && !only && !index) {
            add_descendants(statement, facts, table, action.lock);
        }
        if (index && action.kind == Kind::attach_partition) {
            // ALTER INDEX parent ATTACH PARTITION child: both indexes' tables are read.
            for (const auto& key : {table, action.name}) {
                if (const auto* fact = facts.find(key); is_index(fact)) {
                    add(statement, fact->table, LockMode::access_share, "table of " + name_of_key(key).name);
                }
            }
        } else if (action.kind == Kind::attach_partition || action.kind == Kind::detach_partition) {
            // The parent's foreign keys are cloned onto (or detached from) the partition; detaching
            // them takes ACCESS EXCLUSIVE on the partition even CONCURRENTLY (found by the truth test).
            for (const auto& fk : facts.foreign_keys) {
                if (fk.table == table) {
                    add(statement, fk.referenced, LockMode::share_row_exclusive, "referenced by " + name);
                    if (action.kind == Kind::detach_partition) {
                        add(statement, action.name, LockMode::access_exclusive, "");
                    }
                }
            }
        } else if (action.subcommand == "SET GENERATED" || action.subcommand == "DROP IDENTITY") {
            for (const auto& [sequence, fact] : owned_sequences(facts, table)) {
                if (fact->column == action.column) {
                    add(statement, sequence,
                        action.subcommand == "SET GENERATED" ? LockMode::share_row_exclusive : LockMode::access_exclusive,
                        "sequence of " + name);
                }
            }
        } else if (action.kind == Kind::add_identity ||
                   (action.kind == Kind::add_column && action.column_def &&
                    (action.column_def->serial || action.column_def->identity))) {
            add(statement, new_sequence_key(table, action.kind == Kind::add_identity ? action.column : action.column_def->name),
                LockMode::access_exclusive, "sequence of " + name, true);
        } else if (action.kind == Kind::validate_constraint) {
            if (const auto* fk = foreign_key(facts, table, action.name); fk != nullptr && !fk->validated) {
                add(statement, fk->referenced, LockMode::row_share, "referenced by " + name);
            }
        } else if (action.kind == Kind::drop_constraint) {
            if (const auto* fk = foreign_key(facts, table, action.name)) {
                add(statement, fk->referenced, LockMode::access_exclusive, "referenced by " + name);
            } else if (action.cascade && is_index(facts.find(sibling_key(table, action.name)))) {
                // A primary key or unique constraint dropped with CASCADE takes the foreign keys on it along.
                for (const auto& other : facts.foreign_keys) {
                    if (other.referenced == table) {
                        add(statement, other.table, LockMode::access_exclusive, "references " + name);
                    }
                }
            }
        } else if (action.kind == Kind::alter_column_type || action.kind == Kind::drop_column) {
            for (const auto& fk : facts.foreign_keys) {
                if (fk.table == table && has_column(fk, action.column)) {
                    add(statement, fk.referenced, LockMode::access_exclusive, "referenced by " + name);
                }
            }
        } else if (action.kind == Kind::cluster_on && !action.name.empty()) {
            add(statement, sibling_key(table, action.name), LockMode::share_update_exclusive, "index of " + name);
        } else if (action.kind == Kind::add_constraint && action.constraint && action.constraint->using_index) {
            add(statement, sibling_key(table, *action.constraint->using_index), LockMode::share_update_exclusive,
                "index of " + name);
        }
    }
}

// What writing rows of `key` (or of the tables behind the views `views`) locks besides:
// the sequences that fill defaults, the referenced tables of the foreign keys new values
// are checked against (ROW SHARE: SELECT ... FOR KEY SHARE), the referencing tables a
// delete is checked against.
void write_dependents(Statement& statement, const SchemaFacts& facts, const std::string& key, const std::set<std::string>& views)
{
    std::vector<std::string> tables{key};
    for (const auto& view : views) {
        if (const auto* fact = facts.find(view)) {
            tables.insert(tables.end(), fact->sources.begin(), fact->sources.end());
        }
    }
    const auto& kind = statement.kind;
    auto given = [&](const std::string& column) {
        if (kind == "INSERT") {
            if (statement.default_values) {
                return false;
            }
            return !statement.insert_columns ||
                   std::find(statement.insert_columns->begin(), statement.insert_columns->end(), column) !=
                       statement.insert_columns->end();
        }
        return statement.update && std::find(statement.update->set_columns.begin(), statement.update->set_columns.end(),
                                             column) != statement.update->set_columns.end();
    };
    for (const auto& table : tables) {
        const auto name = name_of_key(table).name;
        if (kind == "INSERT" && (statement.default_values || statement.insert_columns)) {
            for (const auto& [sequence, fact] : owned_sequences(facts, table)) {
                if (!given(fact->column)) {
                    add(statement, sequence, LockMode::row_exclusive, "default of " + name + "." + fact->column);
                }
            }
        }
        for (const auto& fk : facts.foreign_keys) {
            if ((kind == "INSERT" || kind == "UPDATE") && fk.table == table &&
                std::any_of(fk.columns.begin(), fk.columns.end(), given)) {
                add(statement, fk.referenced, LockMode::row_share, "referenced by " + name);
            } else if (kind == "DELETE" && fk.referenced == table) {
                add(statement, fk.table, LockMode::row_share, "references " + name);
                add_descendants(statement, facts, fk.table, LockMode::row_share);
            }
        }
    }
}

// SELECT, DML, LOCK: the tables behind a view, the partitions of a partitioned table.
void query_dependents(Statement& statement, const SchemaFacts& facts)
{
    const auto named = statement.locks;
    const bool insert = statement.kind == "INSERT" || statement.kind == "COPY";
    for (const auto& lock : named) {
        const auto key = key_of(lock);
        std::set<std::string> seen;
        if (const auto* fact = facts.find(key); fact != nullptr && fact->kind == 'v') {
            add_view_sources(statement, facts, key, lock.mode, seen);
        }
        if (lock.reason.empty() && lock.mode == LockMode::row_exclusive) {
            write_dependents(statement, facts, key, seen);
        }
        if (lock.only) {
            continue;
        }
        if (!insert) {
            add_descendants(statement, facts, key, lock.mode);
        } else if (!children_of(facts, key).empty()) {
            statement.notes.push_back("rows are routed to partitions of " + lock.name +
                                      " as they are inserted: each receiving partition is locked ROW EXCLUSIVE");
        }
    }
}

// ---- learning from statements (offline: what earlier migrations declared) ----

void rename_relation(SchemaFacts& facts, const std::string& from, const std::string& to)
{
    if (from == to) {
        return;
    }
    if (auto node = facts.relations.extract(from)) {
        node.key() = to;
        facts.relations.insert(std::move(node));
    }
    for (auto& [key, fact] : facts.relations) {
        for (auto* field : {&fact.table, &fact.parent}) {
            if (*field == from) {
                *field = to;
            }
        }
        std::replace(fact.sources.begin(), fact.sources.end(), from, to);
    }
    for (auto& fk : facts.foreign_keys) {
        for (auto* field : {&fk.table, &fk.referenced}) {
            if (*field == from) {
                *field = to;
            }
        }
    }
    for (auto& [name, table] : facts.statistics) {
        if (table == from) {
            table = to;
        }
    }
}

void forget_relation(SchemaFacts& facts, const std::string& key, bool cascade)
{
    if (facts.relations.erase(key) == 0 && !cascade) {
        return;
    }
    std::vector<std::string> gone;
    for (const auto& [other, fact] : facts.relations) {
        const bool source = std::find(fact.sources.begin(), fact.sources.end(), key) != fact.sources.end();
        if (fact.table == key || (fact.parent == key && (fact.partition || cascade)) || (source && cascade)) {
            gone.push_back(other);
        }
    }
    std::erase_if(facts.foreign_keys, [&](const ForeignKeyFact& fk) {
        return fk.table == key || (cascade && fk.referenced == key);
    });
    std::erase_if(facts.statistics, [&](const auto& entry) { return entry.second == key; });
    for (const auto& other : gone) {
        forget_relation(facts, other, cascade);
    }
}

std::string default_name(const std::string& table, const std::vector<std::string>& columns, const std::string& suffix)
{
    std::string name = table;
    for (const auto& column : columns) {
        name += "_" + column;
    }
    return name + "_" + suffix;
}

RelationFact index_fact(const std::string& table) { return RelationFact{'i', table, "", "", false, {}}; }

void learn_constraint(SchemaFacts& facts, const std::string& table, const Constraint& constraint, bool in_create)
{
    const auto bare = name_of_key(table).name;
    if (constraint.kind == ConstraintKind::foreign_key && constraint.referenced_table) {
        ForeignKeyFact fk;
        fk.table = table;
        fk.columns = constraint.columns;
        fk.name = constraint.name.empty() ? default_name(bare, constraint.columns, "fkey") : constraint.name;
        const auto referenced = detail::relation_of_names({*constraint.referenced_table});
        fk.referenced = relation_key(referenced.schema, referenced.name);
        // CREATE TABLE marks even a NOT VALID foreign key valid: the new table has no rows.
        fk.validated = in_create || !constraint.not_valid;
        facts.foreign_keys.push_back(std::move(fk));
    } else if (constraint.kind == ConstraintKind::primary_key || constraint.kind == ConstraintKind::unique ||
               constraint.kind == ConstraintKind::exclusion) {
        auto name = constraint.name;
        if (name.empty()) {
            name = constraint.kind == ConstraintKind::primary_key ? bare + "_pkey"
                                                                  : default_name(bare, constraint.columns, "key");
        }
        if (constraint.using_index) {
            // ADD CONSTRAINT c ... USING INDEX i renames the index to c.
            facts.relations.erase(sibling_key(table, *constraint.using_index));
        }
        facts.relations[sibling_key(table, name)] = index_fact(table);
    }
}

void learn_column(SchemaFacts& facts, const std::string& table, const ColumnDef& column, bool in_create)
{
    const auto bare = name_of_key(table).name;
    if (column.serial || column.identity) {
        RelationFact sequence{'S', table, column.name, "", false, {}};
        facts.relations[new_sequence_key(table, column.name)] = sequence;
    }
    if (column.references_table) {
        Constraint constraint;
        constraint.kind = ConstraintKind::foreign_key;
        constraint.columns = {column.name};
        constraint.referenced_table = column.references_table;
        learn_constraint(facts, table, constraint, in_create);
    }
    if (column.primary_key) {
        facts.relations[sibling_key(table, bare + "_pkey")] = index_fact(table);
    } else if (column.unique) {
        facts.relations[sibling_key(table, bare + "_" + column.name + "_key")] = index_fact(table);
    }
}

void learn_alter_table(SchemaFacts& facts, const Statement& statement)
{
    auto table = key_of(statement.locks.front());
    for (const auto& action : statement.actions) {
        switch (action.kind) {
        case Kind::add_column:
            if (action.column_def) {
                learn_column(facts, table, *action.column_def, false);
            }
            break;
        case Kind::add_identity:
            facts.relations[new_sequence_key(table, action.column)] = RelationFact{'S', table, action.column, "", false, {}};
            break;
        case Kind::add_constraint:
            if (action.constraint) {
                learn_constraint(facts, table, *action.constraint, false);
            }
            break;
        case Kind::validate_constraint:
            for (auto& fk : facts.foreign_keys) {
                if (fk.table == table && fk.name == action.name) {
                    fk.validated = true;
                }
            }
            break;
        case Kind::drop_constraint:
            std::erase_if(facts.foreign_keys,
                          [&](const ForeignKeyFact& fk) { return fk.table == table && fk.name == action.name; });
            facts.relations.erase(sibling_key(table, action.name));
            break;
        case Kind::drop_column:
            std::erase_if(facts.foreign_keys,
                          [&](const ForeignKeyFact& fk) { return fk.table == table && has_column(fk, action.column); });
            break;
        case Kind::rename_constraint:
            for (auto& fk : facts.foreign_keys) {
                if (fk.table == table && fk.name == action.column) {
                    fk.name = action.name;
                }
            }
            rename_relation(facts, sibling_key(table, action.column), sibling_key(table, action.name));
            break;
        case Kind::rename_column:
            for (auto& fk : facts.foreign_keys) {
                if (fk.table == table) {
                    std::replace(fk.columns.begin(), fk.columns.end(), action.column, action.name);
                }
            }
            for (auto& [key, fact] : facts.relations) {
                if (fact.kind == 'S' && fact.table == table && fact.column == action.column) {
                    fact.column = action.name;
                }
            }
            break;
        case Kind::rename_table:
            rename_relation(facts, table, sibling_key(table, action.name));
            table = sibling_key(table, action.name);
            break;
        case Kind::set_schema:
            rename_relation(facts, table, relation_key(action.name, name_of_key(table).name));
            table = relation_key(action.name, name_of_key(table).name);
            break;
        case Kind::attach_partition:
            if (statement.kind == "ALTER TABLE") {
                const auto partition = name_of_key(action.name);
                auto& fact = facts.relations[relation_key(partition.schema, partition.name)];
                fact.parent = table;
                fact.partition = true;
            }
            break;
        case Kind::detach_partition: {
            const auto partition = name_of_key(action.name);
            if (auto found = facts.relations.find(relation_key(partition.schema, partition.name));
                found != facts.relations.end()) {
                found->second.parent.clear();
                found->second.partition = false;
            }
            break;
        }
        case Kind::inherit:
            if (action.subcommand == "INHERIT") {
                facts.relations[table].parent = sibling_key(table, action.name);
            } else if (auto found = facts.relations.find(table); found != facts.relations.end()) {
                found->second.parent.clear();
            }
            break;
        default:
            break;
        }
    }
}

} // namespace

std::string relation_key(std::string_view schema, std::string_view name)
{
    if (schema.empty() || schema == "public") {
        return std::string(name);
    }
    return std::string(schema) + "." + std::string(name);
}

const RelationFact* SchemaFacts::find(const std::string& key) const
{
    const auto found = relations.find(key);
    return found == relations.end() ? nullptr : &found->second;
}

void learn_facts(SchemaFacts& facts, const Statement& statement)
{
    const auto& kind = statement.kind;
    if (kind == "CREATE STATISTICS" && !statement.statistics.empty() && !statement.locks.empty()) {
        facts.statistics[statement.statistics] = key_of(statement.locks.front());
        return;
    }
    if (kind == "DROP STATISTICS") {
        facts.statistics.erase(statement.statistics);
        return;
    }
    if (statement.locks.empty()) {
        return;
    }
    const auto& first = statement.locks.front();
    const auto key = key_of(first);
    if (kind == "CREATE TABLE" && first.created_by_statement) {
        RelationFact fact;
        if (!statement.parent_table.empty()) {
            fact.parent = relation_key(statement.parent_schema, statement.parent_table);
            const auto parent = std::find_if(statement.locks.begin(), statement.locks.end(),
                                             [&](const RelationLock& lock) { return key_of(lock) == fact.parent; });
            fact.partition = parent != statement.locks.end() && parent->mode == LockMode::access_exclusive;
        }
        facts.relations[key] = fact;
        for (const auto& column : statement.columns) {
            learn_column(facts, key, column, true);
        }
        for (const auto& constraint : statement.constraints) {
            learn_constraint(facts, key, constraint, true);
        }
    } else if ((kind == "CREATE VIEW" || kind == "CREATE MATERIALIZED VIEW") &&
               (first.created_by_statement || kind == "CREATE VIEW")) {
        RelationFact fact;
        fact.kind = kind == "CREATE VIEW" ? 'v' : 'm';
        for (const auto& lock : statement.locks) {
            if (key_of(lock) != key && lock.reason.empty()) {
                fact.sources.push_back(key_of(lock));
            }
        }
        facts.relations[key] = fact;
    } else if (kind == "CREATE TABLE AS" || kind == "SELECT INTO") {
        facts.relations[key] = RelationFact{};
    } else if (kind == "CREATE INDEX" && statement.index && !statement.index->name.empty()) {
        const auto table = relation_key(statement.index->schema, statement.index->table);
        auto fact = index_fact(table);
        if (!children_of(facts, table).empty()) {
            fact.kind = 'I';
        }
        facts.relations.try_emplace(sibling_key(table, statement.index->name), fact);
        // Each partition gets its own index, named like PostgreSQL names it: partition_columns_idx.
        const bool plain = std::none_of(statement.index->columns.begin(), statement.index->columns.end(),
                                        [](const std::string& column) { return column == "(expr)"; });
        for (const auto& child : plain ? children_of(facts, table) : std::vector<std::string>{}) {
            if (facts.find(child)->partition) {
                facts.relations.try_emplace(
                    sibling_key(child, default_name(name_of_key(child).name, statement.index->columns, "idx")),
                    index_fact(child));
            }
        }
    } else if (kind == "CREATE SEQUENCE" && first.created_by_statement) {
        facts.relations[key] = RelationFact{'S', "", "", "", false, {}};
    } else if (kind == "ALTER TABLE" && !statement.actions.empty()) {
        learn_alter_table(facts, statement);
    } else if ((kind == "ALTER INDEX" || kind == "ALTER VIEW" || kind == "ALTER MATERIALIZED VIEW" ||
                kind == "ALTER SEQUENCE" || kind == "ALTER FOREIGN TABLE") &&
               !statement.actions.empty()) {
        const auto& action = statement.actions.front();
        if (action.kind == Kind::rename_table) {
            rename_relation(facts, key, sibling_key(key, action.name));
        } else if (action.kind == Kind::set_schema) {
            rename_relation(facts, key, relation_key(action.name, first.name));
        }
    } else if (kind == "DROP TABLE" || kind == "DROP VIEW" || kind == "DROP MATERIALIZED VIEW" || kind == "DROP INDEX" ||
               kind == "DROP SEQUENCE" || kind == "DROP FOREIGN TABLE") {
        for (const auto& lock : statement.locks) {
            if (lock.reason.empty()) {
                forget_relation(facts, key_of(lock), statement.cascade);
            }
        }
    }
}

namespace {

// PostgreSQL 13 locks a few statements differently from 14 and newer (seen in pg_locks by the
// lock truth test run against each server of the matrix, docs/versions.md):
// - DETACH PARTITION takes SHARE UPDATE EXCLUSIVE on the partition (14+: ACCESS EXCLUSIVE);
// - TRUNCATE of a partition reads its parent (ACCESS SHARE); 14+ leaves the parent alone.
void apply_server_version(Statement& statement, const SchemaFacts& facts)
{
    if (!facts.server_version_num || *facts.server_version_num >= 140000) {
        return;
    }
    if (statement.kind == "ALTER TABLE") {
        for (const auto& action : statement.actions) {
            if (action.kind != Kind::detach_partition || action.concurrently) {
                continue;
            }
            const auto partition = name_of_key(action.name);
            for (auto& lock : statement.locks) {
                if (lock.name == partition.name && (partition.schema.empty() || lock.schema == partition.schema)) {
                    lock.mode = LockMode::share_update_exclusive;
                }
            }
        }
    } else if (statement.kind == "TRUNCATE") {
        const auto named = statement.locks;
        for (const auto& lock : named) {
            if (!lock.reason.empty()) {
                continue;
            }
            if (const auto* fact = facts.find(key_of(lock)); fact != nullptr && fact->partition && !fact->parent.empty()) {
                add(statement, fact->parent, LockMode::access_share, "parent of " + lock.name);
            }
        }
    }
}

void add_dependents(Statement& statement, const SchemaFacts& facts)
{
    const auto& kind = statement.kind;
    if (kind == "DROP STATISTICS" && !statement.statistics.empty()) {
        if (const auto found = facts.statistics.find(statement.statistics); found != facts.statistics.end()) {
            add(statement, found->second, LockMode::share_update_exclusive, "table of statistics " + statement.statistics);
        }
        return;
    }
    if (statement.locks.empty()) {
        return;
    }
    if ((kind == "DROP INDEX" || kind == "REINDEX") && statement.index) {
        const auto named = statement.locks;
        for (const auto& lock : named) {
            const auto* fact = facts.find(key_of(lock));
            if (!is_index(fact)) {
                continue;
            }
            if (lock.name == statement.index->name) {
                statement.index->table = name_of_key(fact->table).name;
            }
            const auto mode = kind == "REINDEX"
                                  ? (statement.concurrently ? LockMode::share_update_exclusive : LockMode::share)
                                  : lock.mode;
            add(statement, fact->table, mode, "table of " + lock.name);
            if (kind == "DROP INDEX" && fact->kind == 'I') {
                // A partitioned index goes with its partitions' indexes: each partition is locked too.
                add_descendants(statement, facts, fact->table, mode);
            }
            std::erase_if(statement.notes, [](const std::string& note) { return note.starts_with("the index's table"); });
        }
    } else if (kind == "TRUNCATE") {
        truncate_dependents(statement, facts);
    } else if (kind == "DROP TABLE" || kind == "DROP VIEW" || kind == "DROP MATERIALIZED VIEW" ||
               kind == "DROP FOREIGN TABLE") {
        drop_dependents(statement, facts);
    } else if ((kind == "ALTER TABLE" || kind == "ALTER INDEX") && !statement.actions.empty()) {
        alter_table_dependents(statement, facts);
    } else if (kind == "REFRESH MATERIALIZED VIEW" && !statement.with_no_data) {
        std::set<std::string> seen;
        const auto key = key_of(statement.locks.front());
        if (const auto* fact = facts.find(key); fact != nullptr && fact->kind == 'm') {
            for (const auto& source : fact->sources) {
                add(statement, source, LockMode::access_share, "read by materialized view " + statement.locks.front().name);
                add_view_sources(statement, facts, source, LockMode::access_share, seen);
            }
        }
    } else if (kind == "CREATE INDEX" || kind == "CREATE TRIGGER" || kind == "VACUUM" || kind == "ANALYZE") {
        const auto named = statement.locks;
        for (const auto& lock : named) {
            if (lock.only || !lock.reason.empty() || lock.created_by_statement) {
                continue;
            }
            add_descendants(statement, facts, key_of(lock), lock.mode,
                            kind == "ANALYZE" || kind == "VACUUM" ? LockMode::access_share : LockMode::none);
        }
        if (kind == "CREATE INDEX" && statement.index && statement.if_not_exists &&
            facts.find(relation_key(statement.index->schema, statement.index->name)) != nullptr) {
            std::erase_if(statement.locks, [](const RelationLock& lock) { return lock.created_by_statement; });
            statement.notes.push_back("the index exists already: the statement does nothing");
        }
    } else if (kind == "CREATE TABLE" && statement.locks.front().created_by_statement) {
        const auto table = key_of(statement.locks.front());
        for (const auto& column : statement.columns) {
            if (column.serial || column.identity) {
                add(statement, new_sequence_key(table, column.name), LockMode::access_exclusive,
                    "sequence of " + statement.locks.front().name, true);
            }
        }
        // A new partition gets its parent's foreign keys.
        if (!statement.parent_table.empty()) {
            const auto parent = relation_key(statement.parent_schema, statement.parent_table);
            for (const auto& fk : facts.foreign_keys) {
                if (fk.table == parent) {
                    add(statement, fk.referenced, LockMode::share_row_exclusive, "referenced by " + statement.parent_table);
                }
            }
        }
    } else if (kind == "CREATE TABLE AS" || kind == "SELECT INTO" || kind == "CREATE MATERIALIZED VIEW") {
        const auto named = statement.locks;
        for (const auto& lock : named) {
            std::set<std::string> seen;
            add_view_sources(statement, facts, key_of(lock), LockMode::access_share, seen);
        }
    } else if (kind == "SELECT" || kind == "INSERT" || kind == "UPDATE" || kind == "DELETE" || kind == "COPY" ||
               kind == "LOCK TABLE" || kind == "MERGE" || kind == "EXPLAIN" || kind == "PREPARE" || kind == "DECLARE CURSOR") {
        query_dependents(statement, facts);
    }
}

} // namespace

void add_dependent_locks(Statement& statement, const SchemaFacts& facts)
{
    add_dependents(statement, facts);
    apply_server_version(statement, facts);
}

} // namespace lockwise::sql
