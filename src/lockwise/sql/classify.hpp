// Internal to sql/: turns one PostgreSQL raw parse node into the project's
// Statement (kind, locks, transactionality, work, details). One file per
// family of statements, as DuckDB's transform_*.cpp.
#pragma once

#include "lockwise/sql/parse_tree.hpp"
#include "lockwise/sql/statement.hpp"

namespace lockwise::sql::detail {

// Fills everything but span and text. `node` is {"XxxStmt": {...}}.
void classify(const Json& node, Statement& statement);
// COPY ... FROM STDIN: its data lines follow the statement and are not SQL.
bool is_copy_from_stdin(const Json& node);

// Families (classify_*.cpp). `body` is the node's body.
void classify_alter_table(const Json& body, Statement& statement);
void classify_rename(const Json& body, Statement& statement);
void classify_alter_schema(const Json& body, Statement& statement);
void classify_create_table(const Json& body, Statement& statement);
void classify_create_table_as(const Json& body, Statement& statement);
void classify_create_index(const Json& body, Statement& statement);
void classify_create_trigger(const Json& body, Statement& statement);
void classify_create_view(const Json& body, Statement& statement);
void classify_select(const Json& body, Statement& statement);
void classify_insert(const Json& body, Statement& statement);
void classify_update(const Json& body, Statement& statement);
void classify_delete(const Json& body, Statement& statement);
void classify_copy(const Json& body, Statement& statement);
void classify_drop(const Json& body, Statement& statement);
void classify_maintenance(std::string_view type, const Json& body, Statement& statement);
// Fills statement.needs_server from anywhere in the statement's tree (`node` is {"XxxStmt": {...}}).
void classify_server_features(const Json& node, Statement& statement);

// OBJECT_MATVIEW -> "MATERIALIZED VIEW", OBJECT_FOREIGN_TABLE -> "FOREIGN TABLE".
std::string object_word(std::string_view object_type);

// Shared by CREATE TABLE and ALTER TABLE ADD COLUMN / ADD CONSTRAINT.
ColumnDef column_of(const Json& column_def, std::vector<Constraint>& constraints);
Constraint constraint_of(const Json& constraint);
// The lock ALTER TABLE ADD CONSTRAINT needs and the work it does.
LockMode constraint_lock(const Constraint& constraint);
TableWork constraint_work(const Constraint& constraint);

} // namespace lockwise::sql::detail
