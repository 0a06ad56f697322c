// The classifier's dispatch from parse node to statement family, plus the
// small utility statements (DROP, TRUNCATE, LOCK, VACUUM, CLUSTER, REINDEX,
// REFRESH, COMMENT, transaction control) and the command tags of the rest.
#include <algorithm>
#include <array>
#include <cctype>

#include "lockwise/sql/classify.hpp"
#include "lockwise/sql/pg_query_api.hpp"

namespace lockwise::sql::detail {
namespace {

// Command tags that CamelCase splitting of the node name would get wrong.
constexpr std::array<std::pair<std::string_view, std::string_view>, 22> k_tags{{
    {"CreatedbStmt", "CREATE DATABASE"},
    {"DropdbStmt", "DROP DATABASE"},
    {"CreateEnumStmt", "CREATE TYPE"},
    {"CompositeTypeStmt", "CREATE TYPE"},
    {"CreateRangeStmt", "CREATE TYPE"},
    {"AlterEnumStmt", "ALTER TYPE"},
    {"CreateSeqStmt", "CREATE SEQUENCE"},
    {"AlterSeqStmt", "ALTER SEQUENCE"},
    {"CreateTableSpaceStmt", "CREATE TABLESPACE"},
    {"DropTableSpaceStmt", "DROP TABLESPACE"},
    {"CreatePLangStmt", "CREATE LANGUAGE"},
    {"VariableSetStmt", "SET"},
    {"VariableShowStmt", "SHOW"},
    {"CreateRoleStmt", "CREATE ROLE"},
    {"AlterRoleStmt", "ALTER ROLE"},
    {"DropRoleStmt", "DROP ROLE"},
    {"CreateSchemaStmt", "CREATE SCHEMA"},
    {"DoStmt", "DO"},
    {"ExplainStmt", "EXPLAIN"},
    {"CallStmt", "CALL"},
    {"CreateConversionStmt", "CREATE CONVERSION"},
    {"AlterDefaultPrivilegesStmt", "ALTER DEFAULT PRIVILEGES"},
}};

// Statements PostgreSQL refuses inside a transaction block (PreventInTransactionBlock).
constexpr std::array<std::string_view, 7> k_never_transactional{
    "CreatedbStmt", "DropdbStmt", "AlterSystemStmt", "CreateTableSpaceStmt", "DropTableSpaceStmt",
    "CreateSubscriptionStmt", "DropSubscriptionStmt",
};

std::string tag_of_node(std::string_view type)
{
    for (const auto& [node, tag] : k_tags) {
        if (node == type) {
            return std::string(tag);
        }
    }
    std::string_view name = type;
    if (name.ends_with("Stmt")) {
        name.remove_suffix(4);
    }
    std::string tag;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const auto c = static_cast<unsigned char>(name[i]);
        if (i > 0 && std::isupper(c) != 0) {
            tag += ' ';
        }
        tag += static_cast<char>(std::toupper(c));
    }
    return tag;
}

bool is_table_like(std::string_view object_type)
{
    return object_type == "OBJECT_TABLE" || object_type == "OBJECT_VIEW" || object_type == "OBJECT_MATVIEW" ||
           object_type == "OBJECT_SEQUENCE" || object_type == "OBJECT_FOREIGN_TABLE";
}

bool has_option(const Json& body, std::string_view key, std::string_view option)
{
    const auto* options = member(body, key);
    if (options == nullptr || !options->is_array()) {
        return false;
    }
    return std::any_of(options->begin(), options->end(), [&](const Json& item) {
        const auto& element = node_body(item);
        if (text_of(element, "defname") != option) {
            return false;
        }
        // VACUUM (FULL false) spells the option out and turns it off.
        const auto* arg = member(element, "arg");
        if (arg != nullptr) {
            const auto value = string_value(*arg);
            if (value == "false" || value == "off" || integer_constant(*arg) == 0L) {
                return false;
            }
        }
        return true;
    });
}

void classify_transaction(const Json& body, Statement& statement)
{
    statement.transaction_control = true;
    const auto kind = text_of(body, "kind");
    if (kind == "TRANS_STMT_BEGIN") {
        statement.kind = "BEGIN";
    } else if (kind == "TRANS_STMT_START") {
        statement.kind = "START TRANSACTION";
    } else if (kind == "TRANS_STMT_COMMIT") {
        statement.kind = "COMMIT";
    } else if (kind == "TRANS_STMT_ROLLBACK") {
        statement.kind = "ROLLBACK";
    } else if (kind == "TRANS_STMT_SAVEPOINT") {
        statement.kind = "SAVEPOINT";
    } else if (kind == "TRANS_STMT_RELEASE") {
        statement.kind = "RELEASE";
    } else if (kind == "TRANS_STMT_ROLLBACK_TO") {
        statement.kind = "ROLLBACK TO SAVEPOINT";
    } else if (kind == "TRANS_STMT_PREPARE") {
        statement.kind = "PREPARE TRANSACTION";
    } else if (kind == "TRANS_STMT_COMMIT_PREPARED") {
        statement.kind = "COMMIT PREPARED";
        statement.transactional = false;
    } else if (kind == "TRANS_STMT_ROLLBACK_PREPARED") {
        statement.kind = "ROLLBACK PREPARED";
        statement.transactional = false;
    } else {
        statement.kind = "TRANSACTION";
    }
}

// nextval('s'), setval('s', ...), currval('s'): each opens the sequence under ROW EXCLUSIVE.
void add_sequence_calls(const Json& body, Statement& statement)
{
    walk_nodes(body, [&](std::string_view type, const Json& call) {
        if (type != "FuncCall") {
            return;
        }
        const auto names = string_list(member(call, "funcname"));
        const auto* args = member(call, "args");
        if (names.empty() || args == nullptr || !args->is_array() || args->empty() ||
            (names.back() != "nextval" && names.back() != "setval" && names.back() != "currval")) {
            return;
        }
        const auto& first = node_body((*args)[0]);
        const auto* value = member(first, "sval");
        if (value == nullptr) {
            return;
        }
        const auto sequence = text_of(*value, "sval");
        if (sequence.empty()) {
            return;
        }
        // 'crm.seq' names schema and sequence in one string.
        const auto dot = sequence.find('.');
        add_lock(statement, dot == std::string::npos ? RelationName{"", sequence} : RelationName{sequence.substr(0, dot), sequence.substr(dot + 1)},
                 LockMode::row_exclusive);
    });
}

// CREATE FUNCTION ... LANGUAGE sql: the body is parsed and analysed at creation
// (check_function_bodies), which locks what its statements read or write.
void classify_sql_function_body(const Json& body, Statement& statement)
{
    const auto* options = member(body, "options");
    if (options == nullptr || !options->is_array()) {
        return;
    }
    std::string language;
    std::string text;
    for (const auto& item : *options) {
        const auto& option = node_body(item);
        const auto name = text_of(option, "defname");
        const auto* arg = member(option, "arg");
        if (arg == nullptr) {
            continue;
        }
        if (name == "language") {
            language = string_value(*arg);
        } else if (name == "as") {
            const auto parts = string_list(member(node_body(*arg), "items"));
            if (parts.size() == 1) {
                text = parts.front();
            }
        }
    }
    if (language != "sql" || text.empty()) {
        return;
    }
    const auto parsed = parse(text);
    const auto* statements = parsed.error ? nullptr : member(parsed.tree, "stmts");
    if (statements == nullptr) {
        return;
    }
    for (const auto& item : *statements) {
        Statement inner;
        classify(item.at("stmt"), inner);
        for (const auto& lock : inner.locks) {
            add_lock(statement, {lock.schema, lock.name}, lock.mode);
        }
    }
}

void classify_comment(const Json& body, Statement& statement)
{
    statement.kind = "COMMENT";
    const auto object_type = text_of(body, "objtype");
    const auto* object = member(body, "object");
    if (object == nullptr) {
        return;
    }
    auto names = string_list(member(node_body(*object), "items"));
    // COMMENT ON a relation or one of its columns/constraints takes SHARE UPDATE EXCLUSIVE on it.
    if (object_type == "OBJECT_TABCONSTRAINT" && !names.empty()) {
        // COMMENT ON CONSTRAINT c ON t only looks the constraint up: ACCESS SHARE on t.
        names.pop_back();
        add_lock(statement, relation_of_names(names), LockMode::access_share);
        return;
    }
    if (object_type == "OBJECT_COLUMN" && !names.empty()) {
        names.pop_back();
    } else if (!is_table_like(object_type) && object_type != "OBJECT_INDEX") {
        return;
    }
    add_lock(statement, relation_of_names(names), LockMode::share_update_exclusive);
    statement.work = TableWork::metadata_only;
}

void classify_reindex(const Json& body, Statement& statement)
{
    statement.kind = "REINDEX";
    const auto kind = text_of(body, "kind");
    statement.concurrently = has_option(body, "params", "concurrently");
    statement.work = TableWork::full_scan;
    const auto* relation = member(body, "relation");
    if (kind == "REINDEX_OBJECT_INDEX" && relation != nullptr) {
        IndexInfo index;
        const auto name = relation_of(*relation);
        index.name = name.name;
        index.schema = name.schema;
        index.concurrently = statement.concurrently;
        statement.index = index;
        add_lock(statement, name,
                 statement.concurrently ? LockMode::share_update_exclusive : LockMode::access_exclusive);
        statement.notes.push_back("the index's table is locked too: SHARE (SHARE UPDATE EXCLUSIVE concurrently)");
    } else if (kind == "REINDEX_OBJECT_TABLE" && relation != nullptr) {
        add_lock(statement, relation_of(*relation),
                 statement.concurrently ? LockMode::share_update_exclusive : LockMode::share);
        statement.notes.push_back("each index of the table is locked ACCESS EXCLUSIVE while it is rebuilt");
    } else {
        // REINDEX SCHEMA/DATABASE/SYSTEM commit per table.
        statement.transactional = false;
    }
    if (statement.concurrently) {
        statement.transactional = false;
    }
}

void classify_vacuum(const Json& body, Statement& statement)
{
    const bool vacuum = flag_of(body, "is_vacuumcmd");
    const bool full = vacuum && has_option(body, "options", "full");
    statement.kind = vacuum ? "VACUUM" : "ANALYZE";
    statement.transactional = !vacuum;
    statement.work = full ? TableWork::rewrite : vacuum ? TableWork::full_scan : TableWork::none;
    const auto mode = full ? LockMode::access_exclusive : LockMode::share_update_exclusive;
    const auto* relations = member(body, "rels");
    if (relations == nullptr) {
        statement.notes.push_back("without a table list every table of the database is processed");
        return;
    }
    for (const auto& item : *relations) {
        add_lock(statement, relation_of(*member(node_body(item), "relation")), mode);
    }
}

void classify_cluster(const Json& body, Statement& statement)
{
    statement.kind = "CLUSTER";
    statement.work = TableWork::rewrite;
    const auto* relation = member(body, "relation");
    if (relation == nullptr) {
        // CLUSTER without a table reclusters every clustered table, one transaction each.
        statement.transactional = false;
        return;
    }
    add_lock(statement, relation_of(*relation), LockMode::access_exclusive);
    if (const auto index = text_of(body, "indexname"); !index.empty()) {
        add_lock(statement, {relation_of(*relation).schema, index}, LockMode::access_exclusive);
    }
}

void classify_refresh(const Json& body, Statement& statement)
{
    statement.kind = "REFRESH MATERIALIZED VIEW";
    statement.concurrently = flag_of(body, "concurrent");
    statement.with_no_data = flag_of(body, "skipData");
    statement.work = TableWork::rewrite;
    add_lock(statement, relation_of(*member(body, "relation")),
             statement.concurrently ? LockMode::exclusive : LockMode::access_exclusive);
}

void classify_simple_locks(std::string_view type, const Json& body, Statement& statement)
{
    if (type == "TruncateStmt") {
        statement.kind = "TRUNCATE";
        statement.cascade = text_of(body, "behavior") == "DROP_CASCADE";
        statement.restart_identity = flag_of(body, "restart_seqs");
        statement.work = TableWork::metadata_only;
        for (const auto& item : *member(body, "relations")) {
            add_lock(statement, relation_of(node_body(item)), LockMode::access_exclusive);
        }
    } else if (type == "LockStmt") {
        statement.kind = "LOCK TABLE";
        // LockStmt.mode is PostgreSQL's LOCKMODE: 1 (AccessShare) .. 8 (AccessExclusive), our enum's values.
        const auto mode = std::clamp<long>(integer_of(body, "mode"), 1, 8);
        for (const auto& item : *member(body, "relations")) {
            add_lock(statement, relation_of(node_body(item)), static_cast<LockMode>(mode));
        }
    } else if (type == "CreateSeqStmt" || type == "AlterSeqStmt") {
        // A new sequence is the creator's; ALTER SEQUENCE takes SHARE ROW EXCLUSIVE; OWNED BY t.c reads t.
        const bool create = type == "CreateSeqStmt";
        add_lock(statement, relation_of(*member(body, "sequence")),
                 create ? LockMode::access_exclusive : LockMode::share_row_exclusive, create);
        if (const auto* options = member(body, "options"); options != nullptr && options->is_array()) {
            for (const auto& item : *options) {
                const auto& option = node_body(item);
                if (text_of(option, "defname") == "owned_by" && member(option, "arg") != nullptr) {
                    auto names = string_list(member(node_body(*member(option, "arg")), "items"));
                    if (names.size() >= 2) {
                        names.pop_back();
                        add_lock(statement, relation_of_names(names), LockMode::access_share);
                    }
                }
            }
        }
    } else if (type == "CreateStatsStmt") {
        statement.kind = "CREATE STATISTICS";
        statement.statistics = relation_of_names(string_list(member(body, "defnames"))).name;
        if (const auto* relations = member(body, "relations"); relations != nullptr && relations->is_array()) {
            for (const auto& item : *relations) {
                add_lock(statement, relation_of(node_body(item)), LockMode::share_update_exclusive);
            }
        }
    } else if (type == "RuleStmt") {
        statement.kind = "CREATE RULE";
        add_lock(statement, relation_of(*member(body, "relation")), LockMode::access_exclusive);
    } else if (type == "CreatePolicyStmt" || type == "AlterPolicyStmt") {
        statement.kind = type == "CreatePolicyStmt" ? "CREATE POLICY" : "ALTER POLICY";
        add_lock(statement, relation_of(*member(body, "table")), LockMode::access_exclusive);
        statement.work = TableWork::metadata_only;
    }
}

} // namespace

// OBJECT_MATVIEW -> "MATERIALIZED VIEW", OBJECT_FOREIGN_TABLE -> "FOREIGN TABLE".
std::string object_word(std::string_view object_type)
{
    if (object_type == "OBJECT_MATVIEW") {
        return "MATERIALIZED VIEW";
    }
    if (object_type == "OBJECT_TABCONSTRAINT") {
        return "CONSTRAINT";
    }
    std::string_view name = object_type;
    if (name.starts_with("OBJECT_")) {
        name.remove_prefix(7);
    }
    std::string word(name);
    std::replace(word.begin(), word.end(), '_', ' ');
    return word;
}

void classify_drop(const Json& body, Statement& statement)
{
    const auto object_type = text_of(body, "removeType");
    statement.kind = "DROP " + object_word(object_type);
    statement.if_exists = flag_of(body, "missing_ok");
    statement.cascade = text_of(body, "behavior") == "DROP_CASCADE";
    statement.concurrently = flag_of(body, "concurrent");
    statement.transactional = !statement.concurrently;
    const auto* objects = member(body, "objects");
    if (objects == nullptr || !objects->is_array()) {
        return;
    }
    const auto mode = statement.concurrently ? LockMode::share_update_exclusive : LockMode::access_exclusive;
    for (const auto& object : *objects) {
        auto names = string_list(member(node_body(object), "items"));
        if (is_table_like(object_type) || object_type == "OBJECT_INDEX") {
            const auto relation = relation_of_names(names);
            add_lock(statement, relation, mode);
            statement.work = TableWork::metadata_only;
            if (object_type == "OBJECT_INDEX") {
                IndexInfo index;
                index.name = relation.name;
                index.schema = relation.schema;
                index.concurrently = statement.concurrently;
                statement.index = index;
            }
        } else if (object_type == "OBJECT_STATISTIC_EXT") {
            statement.kind = "DROP STATISTICS";
            statement.statistics = relation_of_names(names).name; // its table comes from the facts
        } else if (object_type == "OBJECT_TRIGGER" || object_type == "OBJECT_POLICY" ||
                   object_type == "OBJECT_RULE") {
            // DROP TRIGGER t ON tbl: the last name is the object, the rest is its table.
            if (!names.empty()) {
                names.pop_back();
            }
            add_lock(statement, relation_of_names(names), LockMode::access_exclusive);
            statement.is_trigger_change = statement.is_trigger_change || object_type == "OBJECT_TRIGGER";
            statement.work = TableWork::metadata_only;
        }
    }
    if (object_type == "OBJECT_INDEX" && !statement.locks.empty()) {
        statement.notes.push_back(std::string("the index's table is locked ") +
                                  (statement.concurrently ? "SHARE UPDATE EXCLUSIVE" : "ACCESS EXCLUSIVE") + " too");
    }
}

void classify_maintenance(std::string_view type, const Json& body, Statement& statement)
{
    if (type == "VacuumStmt") {
        classify_vacuum(body, statement);
    } else if (type == "ClusterStmt") {
        classify_cluster(body, statement);
    } else if (type == "ReindexStmt") {
        classify_reindex(body, statement);
    } else if (type == "RefreshMatViewStmt") {
        classify_refresh(body, statement);
    } else if (type == "TransactionStmt") {
        classify_transaction(body, statement);
    } else if (type == "CommentStmt") {
        classify_comment(body, statement);
    } else {
        classify_simple_locks(type, body, statement);
    }
}

void classify(const Json& node, Statement& statement)
{
    const auto type = node_type(node);
    const auto& body = node_body(node);
    statement.kind = tag_of_node(type);
    if (type == "AlterTableStmt") {
        classify_alter_table(body, statement);
    } else if (type == "RenameStmt") {
        classify_rename(body, statement);
    } else if (type == "AlterObjectSchemaStmt") {
        classify_alter_schema(body, statement);
    } else if (type == "CreateStmt") {
        classify_create_table(body, statement);
    } else if (type == "CreateTableAsStmt") {
        classify_create_table_as(body, statement);
    } else if (type == "IndexStmt") {
        classify_create_index(body, statement);
    } else if (type == "CreateTrigStmt") {
        classify_create_trigger(body, statement);
    } else if (type == "ViewStmt") {
        classify_create_view(body, statement);
    } else if (type == "SelectStmt") {
        classify_select(body, statement);
    } else if (type == "InsertStmt") {
        classify_insert(body, statement);
    } else if (type == "UpdateStmt") {
        classify_update(body, statement);
    } else if (type == "DeleteStmt") {
        classify_delete(body, statement);
    } else if (type == "CopyStmt") {
        classify_copy(body, statement);
    } else if (type == "DropStmt") {
        classify_drop(body, statement);
    } else if (type == "CreateEnumStmt" || type == "AlterEnumStmt") {
        statement.enum_type = relation_of_names(string_list(member(body, "typeName"))).name;
        if (type == "AlterEnumStmt" && !text_of(body, "newVal").empty() && text_of(body, "oldVal").empty()) {
            statement.if_not_exists = flag_of(body, "skipIfNewValExists");
            statement.notes.push_back("a value added by ALTER TYPE ... ADD VALUE cannot be used until the "
                                      "transaction that added it commits");
        }
    } else if (type == "CreateFunctionStmt") {
        statement.kind = flag_of(body, "is_procedure") ? "CREATE PROCEDURE" : "CREATE FUNCTION";
        classify_sql_function_body(body, statement);
    } else if (type == "ExplainStmt" || type == "PrepareStmt" || type == "DeclareCursorStmt") {
        // Parse analysis and planning of the inner query take its locks (EXPLAIN ANALYZE also runs it).
        const auto* query = member(body, "query");
        if (query != nullptr) {
            Statement inner;
            classify(*query, inner);
            statement.locks = inner.locks;
        }
    } else if (type == "MergeStmt") {
        statement.kind = "MERGE";
        add_lock(statement, relation_of(*member(body, "relation")), LockMode::row_exclusive);
        if (const auto* source = member(body, "sourceRelation")) {
            for (const auto& relation : relations_read(*source)) {
                add_lock(statement, relation, LockMode::access_share);
            }
        }
    } else if (type == "DefineStmt") {
        statement.kind = "CREATE " + object_word(text_of(body, "kind"));
    } else if (type == "GrantStmt") {
        statement.kind = flag_of(body, "is_grant") ? "GRANT" : "REVOKE";
    } else if (type == "AlterDatabaseStmt") {
        // ALTER DATABASE ... SET TABLESPACE moves files and refuses a transaction block.
        statement.transactional = !has_option(body, "options", "tablespace");
    } else {
        classify_maintenance(type, body, statement);
    }
    if (std::find(k_never_transactional.begin(), k_never_transactional.end(), type) != k_never_transactional.end()) {
        statement.transactional = false;
    }
    if (type == "CallStmt" || type == "DoStmt") {
        statement.notes.push_back("procedural code may take locks (and a procedure may commit) where the classifier cannot see");
    }
    if (type == "SelectStmt" || type == "InsertStmt" || type == "UpdateStmt" || type == "DeleteStmt" ||
        type == "MergeStmt") {
        add_sequence_calls(body, statement);
    }
    collect_used_types(body, statement.used_types);
    classify_server_features(node, statement);
    std::erase_if(statement.locks, [](const RelationLock& lock) { return lock.mode == LockMode::none; });
    for (const auto& action : statement.actions) {
        statement.work = std::max(statement.work, action.work);
    }
}

} // namespace lockwise::sql::detail
