// CREATE TABLE / TABLE AS / INDEX / TRIGGER / VIEW: the new relation is
// marked created_by_statement; the relations it refers to get the lock that
// referring takes (a foreign key's target: SHARE ROW EXCLUSIVE; a view's tables: ACCESS SHARE).
#include "lockwise/sql/classify.hpp"

namespace lockwise::sql::detail {

void classify_create_table(const Json& body, Statement& statement)
{
    statement.kind = "CREATE TABLE";
    statement.if_not_exists = flag_of(body, "if_not_exists");
    const auto table = relation_of(*member(body, "relation"));
    // A new relation is locked ACCESS EXCLUSIVE by its creator; it is empty and invisible to others.
    add_lock(statement, table, LockMode::access_exclusive, true);
    if (const auto* elements = member(body, "tableElts"); elements != nullptr && elements->is_array()) {
        for (const auto& element : *elements) {
            const auto type = node_type(element);
            if (type == "ColumnDef") {
                statement.columns.push_back(column_of(node_body(element), statement.constraints));
            } else if (type == "Constraint") {
                statement.constraints.push_back(constraint_of(node_body(element)));
            } else if (type == "TableLikeClause") {
                add_lock(statement, relation_of(*member(node_body(element), "relation")), LockMode::access_share);
            }
        }
    }
    for (const auto& constraint : statement.constraints) {
        if (constraint.referenced_table) {
            add_lock(statement, relation_of_names({*constraint.referenced_table}), LockMode::share_row_exclusive);
        }
    }
    if (const auto* parents = member(body, "inhRelations"); parents != nullptr && parents->is_array()) {
        // PARTITION OF locks the parent ACCESS EXCLUSIVE; plain INHERITS takes SHARE UPDATE EXCLUSIVE (DefineRelation).
        const auto mode = member(body, "partbound") != nullptr ? LockMode::access_exclusive
                                                               : LockMode::share_update_exclusive;
        for (const auto& parent : *parents) {
            const auto parent_name = relation_of(node_body(parent));
            add_lock(statement, parent_name, mode);
            if (statement.parent_table.empty()) {
                statement.parent_schema = parent_name.schema;
                statement.parent_table = parent_name.name;
            }
        }
        if (member(body, "partbound") != nullptr) {
            statement.notes.push_back("a new partition is checked against the rows of an existing DEFAULT partition");
        }
    }
    statement.work = TableWork::none;
}

void classify_create_table_as(const Json& body, Statement& statement)
{
    const auto object_type = text_of(body, "objtype");
    statement.kind = object_type == "OBJECT_MATVIEW" ? "CREATE MATERIALIZED VIEW"
                     : flag_of(body, "is_select_into") ? "SELECT INTO"
                                                       : "CREATE TABLE AS";
    statement.if_not_exists = flag_of(body, "if_not_exists");
    if (const auto* into = member(body, "into")) {
        add_lock(statement, relation_of(*member(*into, "rel")), LockMode::access_exclusive, true);
    }
    if (const auto* query = member(body, "query")) {
        for (const auto& relation : relations_read(*query)) {
            add_lock(statement, relation, LockMode::access_share);
        }
    }
    statement.work = TableWork::none;
}

void classify_create_index(const Json& body, Statement& statement)
{
    statement.kind = "CREATE INDEX";
    IndexInfo index;
    index.name = text_of(body, "idxname");
    const auto table = relation_of(*member(body, "relation"));
    index.schema = table.schema;
    index.table = table.name;
    index.unique = flag_of(body, "unique");
    index.concurrently = flag_of(body, "concurrent");
    index.if_not_exists = flag_of(body, "if_not_exists");
    index.partial = member(body, "whereClause") != nullptr;
    index.method = text_of(body, "accessMethod");
    if (const auto* params = member(body, "indexParams"); params != nullptr && params->is_array()) {
        for (const auto& param : *params) {
            const auto name = text_of(node_body(param), "name");
            index.columns.push_back(name.empty() ? "(expr)" : name);
        }
    }
    statement.concurrently = index.concurrently;
    statement.transactional = !index.concurrently;
    statement.if_not_exists = index.if_not_exists;
    statement.work = TableWork::full_scan;
    add_lock(statement, table, index.concurrently ? LockMode::share_update_exclusive : LockMode::share);
    if (!index.name.empty()) {
        add_lock(statement, {table.schema, index.name}, LockMode::access_exclusive, true);
    }
    if (index.concurrently) {
        statement.notes.push_back("CREATE INDEX CONCURRENTLY scans the table twice and waits for every "
                                  "transaction that could use the old snapshot");
    }
    statement.index = std::move(index);
}

void classify_create_trigger(const Json& body, Statement& statement)
{
    statement.kind = "CREATE TRIGGER";
    statement.is_trigger_change = true;
    statement.work = TableWork::metadata_only;
    add_lock(statement, relation_of(*member(body, "relation")), LockMode::share_row_exclusive);
    if (const auto* other = member(body, "constrrel")) {
        add_lock(statement, relation_of(*other), LockMode::access_share);
    }
}

void classify_create_view(const Json& body, Statement& statement)
{
    statement.kind = "CREATE VIEW";
    const bool replace = flag_of(body, "replace");
    // CREATE OR REPLACE may be replacing an existing view that queries are using.
    add_lock(statement, relation_of(*member(body, "view")), LockMode::access_exclusive, !replace);
    if (const auto* query = member(body, "query")) {
        for (const auto& relation : relations_read(*query)) {
            add_lock(statement, relation, LockMode::access_share);
        }
    }
    statement.work = TableWork::none;
}

} // namespace lockwise::sql::detail
