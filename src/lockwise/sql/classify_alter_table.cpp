// ALTER TABLE and its relatives (RENAME, SET SCHEMA): one AlterAction per
// subcommand with the lock PostgreSQL 15 takes for it (AlterTableGetLockLevel
// in tablecmds.c, and the ALTER TABLE manual page) and the work it does.
#include <algorithm>
#include <array>

#include "lockwise/sql/classify.hpp"

namespace lockwise::sql::detail {
namespace {

using Kind = AlterAction::Kind;

// Storage parameters whose change takes SHARE UPDATE EXCLUSIVE (reloptions.c);
// any other parameter is assumed to need ACCESS EXCLUSIVE.
constexpr std::array<std::string_view, 10> k_weak_reloption_prefixes{
    "fillfactor", "autovacuum_", "toast.autovacuum_", "parallel_workers", "toast_tuple_target",
    "vacuum_index_cleanup", "vacuum_truncate", "log_autovacuum_min_duration", "toast.vacuum_",
    "toast.log_autovacuum_min_duration",
};

LockMode reloptions_lock(const Json& cmd)
{
    const auto* def = member(cmd, "def");
    if (def == nullptr) {
        return LockMode::access_exclusive;
    }
    auto mode = LockMode::share_update_exclusive;
    walk_nodes(*def, [&](std::string_view type, const Json& body) {
        if (type != "DefElem") {
            return;
        }
        auto name = text_of(body, "defname");
        if (const auto space = text_of(body, "defnamespace"); !space.empty()) {
            name = space + "." + name;
        }
        const bool weak = std::any_of(k_weak_reloption_prefixes.begin(), k_weak_reloption_prefixes.end(),
                                      [&](std::string_view prefix) { return name.starts_with(prefix); });
        if (!weak) {
            mode = LockMode::access_exclusive;
        }
    });
    return mode;
}

struct Simple {
    std::string_view subtype;
    Kind kind;
    std::string_view subcommand;
    LockMode lock;
    TableWork work;
};

// Subcommands whose lock and work don't depend on their arguments.
constexpr std::array<Simple, 34> k_simple{{
    {"AT_DropColumn", Kind::drop_column, "DROP COLUMN", LockMode::access_exclusive, TableWork::metadata_only},
    {"AT_SetNotNull", Kind::set_not_null, "SET NOT NULL", LockMode::access_exclusive, TableWork::full_scan},
    {"AT_DropNotNull", Kind::drop_not_null, "DROP NOT NULL", LockMode::access_exclusive, TableWork::metadata_only},
    {"AT_ValidateConstraint", Kind::validate_constraint, "VALIDATE CONSTRAINT", LockMode::share_update_exclusive,
     TableWork::full_scan},
    {"AT_DropConstraint", Kind::drop_constraint, "DROP CONSTRAINT", LockMode::access_exclusive,
     TableWork::metadata_only},
    {"AT_EnableTrig", Kind::enable_trigger, "ENABLE TRIGGER", LockMode::share_row_exclusive, TableWork::metadata_only},
    {"AT_EnableAlwaysTrig", Kind::enable_trigger, "ENABLE ALWAYS TRIGGER", LockMode::share_row_exclusive,
     TableWork::metadata_only},
    {"AT_EnableReplicaTrig", Kind::enable_trigger, "ENABLE REPLICA TRIGGER", LockMode::share_row_exclusive,
     TableWork::metadata_only},
    {"AT_EnableTrigAll", Kind::enable_trigger, "ENABLE TRIGGER ALL", LockMode::share_row_exclusive,
     TableWork::metadata_only},
    {"AT_EnableTrigUser", Kind::enable_trigger, "ENABLE TRIGGER USER", LockMode::share_row_exclusive,
     TableWork::metadata_only},
    {"AT_DisableTrig", Kind::disable_trigger, "DISABLE TRIGGER", LockMode::share_row_exclusive,
     TableWork::metadata_only},
    {"AT_DisableTrigAll", Kind::disable_trigger, "DISABLE TRIGGER ALL", LockMode::share_row_exclusive,
     TableWork::metadata_only},
    {"AT_DisableTrigUser", Kind::disable_trigger, "DISABLE TRIGGER USER", LockMode::share_row_exclusive,
     TableWork::metadata_only},
    {"AT_SetLogged", Kind::set_logged, "SET LOGGED", LockMode::access_exclusive, TableWork::rewrite},
    {"AT_SetUnLogged", Kind::set_unlogged, "SET UNLOGGED", LockMode::access_exclusive, TableWork::rewrite},
    {"AT_SetTableSpace", Kind::set_tablespace, "SET TABLESPACE", LockMode::access_exclusive, TableWork::rewrite},
    {"AT_SetAccessMethod", Kind::other, "SET ACCESS METHOD", LockMode::access_exclusive, TableWork::rewrite},
    {"AT_SetOptions", Kind::set_storage_or_options, "ALTER COLUMN SET (...)", LockMode::share_update_exclusive,
     TableWork::metadata_only},
    {"AT_ResetOptions", Kind::set_storage_or_options, "ALTER COLUMN RESET (...)", LockMode::share_update_exclusive,
     TableWork::metadata_only},
    {"AT_SetStorage", Kind::set_storage_or_options, "SET STORAGE", LockMode::access_exclusive,
     TableWork::metadata_only},
    {"AT_SetCompression", Kind::set_storage_or_options, "SET COMPRESSION", LockMode::access_exclusive,
     TableWork::metadata_only},
    {"AT_SetStatistics", Kind::set_statistics, "SET STATISTICS", LockMode::share_update_exclusive,
     TableWork::metadata_only},
    {"AT_ClusterOn", Kind::cluster_on, "CLUSTER ON", LockMode::share_update_exclusive, TableWork::metadata_only},
    {"AT_DropCluster", Kind::cluster_on, "SET WITHOUT CLUSTER", LockMode::share_update_exclusive,
     TableWork::metadata_only},
    {"AT_ChangeOwner", Kind::owner, "OWNER TO", LockMode::access_exclusive, TableWork::metadata_only},
    {"AT_ReplicaIdentity", Kind::replica_identity, "REPLICA IDENTITY", LockMode::access_exclusive,
     TableWork::metadata_only},
    {"AT_EnableRowSecurity", Kind::row_level_security, "ENABLE ROW LEVEL SECURITY", LockMode::access_exclusive,
     TableWork::metadata_only},
    {"AT_DisableRowSecurity", Kind::row_level_security, "DISABLE ROW LEVEL SECURITY", LockMode::access_exclusive,
     TableWork::metadata_only},
    {"AT_ForceRowSecurity", Kind::row_level_security, "FORCE ROW LEVEL SECURITY", LockMode::access_exclusive,
     TableWork::metadata_only},
    {"AT_NoForceRowSecurity", Kind::row_level_security, "NO FORCE ROW LEVEL SECURITY", LockMode::access_exclusive,
     TableWork::metadata_only},
    {"AT_AddIdentity", Kind::add_identity, "ADD GENERATED AS IDENTITY", LockMode::access_exclusive,
     TableWork::metadata_only},
    {"AT_SetIdentity", Kind::other, "SET GENERATED", LockMode::access_exclusive, TableWork::metadata_only},
    {"AT_DropIdentity", Kind::other, "DROP IDENTITY", LockMode::access_exclusive, TableWork::metadata_only},
    {"AT_DropExpression", Kind::other, "DROP EXPRESSION", LockMode::access_exclusive, TableWork::metadata_only},
}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 9> k_other_access_exclusive{{
    {"AT_AlterConstraint", "ALTER CONSTRAINT"},
    {"AT_EnableRule", "ENABLE RULE"},
    {"AT_EnableAlwaysRule", "ENABLE ALWAYS RULE"},
    {"AT_EnableReplicaRule", "ENABLE REPLICA RULE"},
    {"AT_DisableRule", "DISABLE RULE"},
    {"AT_AddOf", "OF"},
    {"AT_DropOf", "NOT OF"},
    {"AT_GenericOptions", "OPTIONS"},
    {"AT_AlterColumnGenericOptions", "ALTER COLUMN OPTIONS"},
}};

TableWork add_column_work(const ColumnDef& column, const std::vector<Constraint>& constraints)
{
    // Since PostgreSQL 11 a non-volatile default is stored in the catalog, not in every row.
    if (column.default_is_volatile || column.generated_stored || column.identity || column.serial) {
        return TableWork::rewrite;
    }
    auto work = TableWork::metadata_only;
    for (const auto& constraint : constraints) {
        work = std::max(work, constraint_work(constraint));
    }
    if (column.not_null && !column.has_default) {
        work = std::max(work, TableWork::full_scan); // every existing row is checked (and fails)
    }
    return work;
}

AlterAction action_of(const Json& cmd, Statement& statement)
{
    AlterAction action;
    const auto subtype = text_of(cmd, "subtype");
    action.column = text_of(cmd, "name");
    action.cascade = text_of(cmd, "behavior") == "DROP_CASCADE";
    const Json* def = member(cmd, "def");

    if (const auto* simple = std::find_if(k_simple.begin(), k_simple.end(),
                                          [&](const Simple& entry) { return entry.subtype == subtype; });
        simple != k_simple.end()) {
        action.kind = simple->kind;
        action.subcommand = simple->subcommand;
        action.lock = simple->lock;
        action.work = simple->work;
        const bool names_object = action.kind == Kind::validate_constraint || action.kind == Kind::drop_constraint ||
                                  action.kind == Kind::enable_trigger || action.kind == Kind::disable_trigger ||
                                  action.kind == Kind::cluster_on || action.kind == Kind::set_tablespace;
        if (names_object) {
            action.name = action.column;
            action.column.clear();
        }
        if (action.kind == Kind::enable_trigger || action.kind == Kind::disable_trigger) {
            statement.is_trigger_change = true;
        }
        if (action.kind == Kind::validate_constraint) {
            statement.notes.push_back("validating a foreign key also takes ROW SHARE on the referenced table");
        }
        return action;
    }
    if (const auto* other = std::find_if(k_other_access_exclusive.begin(), k_other_access_exclusive.end(),
                                         [&](const auto& entry) { return entry.first == subtype; });
        other != k_other_access_exclusive.end()) {
        action.subcommand = other->second;
        action.lock = LockMode::access_exclusive;
        action.work = TableWork::metadata_only;
        return action;
    }
    if (subtype == "AT_AddColumn" && def != nullptr) {
        action.kind = Kind::add_column;
        action.subcommand = "ADD COLUMN";
        std::vector<Constraint> constraints;
        action.column_def = column_of(node_body(*def), constraints);
        action.column = action.column_def->name;
        action.lock = LockMode::access_exclusive;
        action.work = add_column_work(*action.column_def, constraints);
        for (const auto& constraint : constraints) {
            if (constraint.referenced_table) {
                add_lock(statement, relation_of_names({*constraint.referenced_table}),
                         LockMode::share_row_exclusive);
            }
        }
        if (!constraints.empty()) {
            action.constraint = constraints.front();
        }
        return action;
    }
    if (subtype == "AT_AlterColumnType") {
        action.kind = Kind::alter_column_type;
        action.subcommand = "ALTER COLUMN TYPE";
        action.lock = LockMode::access_exclusive;
        // Without the column's current type a rewrite is the safe assumption (lint knows binary-compatible casts).
        action.work = TableWork::rewrite;
        if (def != nullptr) {
            std::vector<Constraint> unused;
            action.column_def = column_of(node_body(*def), unused);
            action.column_def->name = action.column;
            action.has_using = member(node_body(*def), "raw_default") != nullptr;
        }
        return action;
    }
    if (subtype == "AT_ColumnDefault") {
        action.kind = def != nullptr ? Kind::set_default : Kind::drop_default;
        action.subcommand = def != nullptr ? "SET DEFAULT" : "DROP DEFAULT";
        action.lock = LockMode::access_exclusive;
        action.work = TableWork::metadata_only;
        return action;
    }
    if (subtype == "AT_AddConstraint" && def != nullptr) {
        action.kind = Kind::add_constraint;
        action.constraint = constraint_of(node_body(*def));
        action.name = action.constraint->name;
        action.subcommand = action.constraint->using_index ? "ADD CONSTRAINT USING INDEX" : "ADD CONSTRAINT";
        action.lock = constraint_lock(*action.constraint);
        action.work = constraint_work(*action.constraint);
        if (action.constraint->referenced_table) {
            add_lock(statement, relation_of_names({*action.constraint->referenced_table}),
                     LockMode::share_row_exclusive);
        }
        return action;
    }
    if (subtype == "AT_SetRelOptions" || subtype == "AT_ResetRelOptions") {
        action.kind = Kind::set_storage_or_options;
        action.subcommand = subtype == "AT_SetRelOptions" ? "SET (...)" : "RESET (...)";
        action.lock = reloptions_lock(cmd);
        action.work = TableWork::metadata_only;
        return action;
    }
    if ((subtype == "AT_AttachPartition" || subtype == "AT_DetachPartition" ||
         subtype == "AT_DetachPartitionFinalize") &&
        def != nullptr) {
        const auto& partition_cmd = node_body(*def);
        const auto partition = relation_of(*member(partition_cmd, "name"));
        action.name = partition.schema.empty() ? partition.name : partition.schema + "." + partition.name;
        if (subtype == "AT_AttachPartition") {
            action.kind = Kind::attach_partition;
            action.subcommand = "ATTACH PARTITION";
            action.lock = LockMode::share_update_exclusive;
            // The partition's rows are checked against the bound unless a matching constraint proves them.
            action.work = TableWork::full_scan;
            add_lock(statement, partition, LockMode::access_exclusive);
            statement.notes.push_back("attaching scans the partition unless a valid CHECK constraint matches the "
                                      "partition bound; a DEFAULT partition is scanned too");
        } else {
            action.kind = Kind::detach_partition;
            action.concurrently = flag_of(partition_cmd, "concurrent") || subtype == "AT_DetachPartitionFinalize";
            action.subcommand = subtype == "AT_DetachPartitionFinalize" ? "DETACH PARTITION FINALIZE"
                                : action.concurrently                   ? "DETACH PARTITION CONCURRENTLY"
                                                                        : "DETACH PARTITION";
            action.lock = action.concurrently ? LockMode::share_update_exclusive : LockMode::access_exclusive;
            action.work = TableWork::metadata_only;
            add_lock(statement, partition, action.lock);
            if (flag_of(partition_cmd, "concurrent")) {
                statement.concurrently = true;
                statement.transactional = false;
            }
        }
        return action;
    }
    if (subtype == "AT_AddInherit" || subtype == "AT_DropInherit") {
        action.kind = Kind::inherit;
        action.subcommand = subtype == "AT_AddInherit" ? "INHERIT" : "NO INHERIT";
        action.lock = LockMode::access_exclusive;
        action.work = TableWork::metadata_only;
        if (def != nullptr) {
            const auto parent = relation_of(node_body(*def));
            action.name = parent.name;
            add_lock(statement, parent,
                     subtype == "AT_AddInherit" ? LockMode::share_update_exclusive : LockMode::access_share);
        }
        return action;
    }
    action.subcommand = subtype;
    action.lock = LockMode::access_exclusive;
    action.work = TableWork::metadata_only;
    statement.notes.push_back("unrecognised ALTER TABLE subcommand " + subtype + ": assumed ACCESS EXCLUSIVE");
    return action;
}

std::string alter_kind(std::string_view object_type)
{
    if (object_type == "OBJECT_INDEX") {
        return "ALTER INDEX";
    }
    if (object_type == "OBJECT_VIEW") {
        return "ALTER VIEW";
    }
    if (object_type == "OBJECT_MATVIEW") {
        return "ALTER MATERIALIZED VIEW";
    }
    if (object_type == "OBJECT_SEQUENCE") {
        return "ALTER SEQUENCE";
    }
    if (object_type == "OBJECT_FOREIGN_TABLE") {
        return "ALTER FOREIGN TABLE";
    }
    if (object_type == "OBJECT_TYPE") {
        return "ALTER TYPE";
    }
    return "ALTER TABLE";
}

bool is_relation_object(std::string_view object_type)
{
    return object_type == "OBJECT_TABLE" || object_type == "OBJECT_INDEX" || object_type == "OBJECT_VIEW" ||
           object_type == "OBJECT_MATVIEW" || object_type == "OBJECT_SEQUENCE" ||
           object_type == "OBJECT_FOREIGN_TABLE";
}

} // namespace

void classify_alter_table(const Json& body, Statement& statement)
{
    const auto object_type = text_of(body, "objtype");
    statement.kind = alter_kind(object_type);
    statement.if_exists = flag_of(body, "missing_ok");
    const auto table = relation_of(*member(body, "relation"));
    add_lock(statement, table, LockMode::none); // keeps the altered table first in `locks`
    if (const auto* cmds = member(body, "cmds"); cmds != nullptr && cmds->is_array()) {
        for (const auto& item : *cmds) {
            auto action = action_of(node_body(item), statement);
            if (object_type == "OBJECT_TYPE") {
                // ALTER TYPE ... ADD/DROP/ALTER ATTRIBUTE on a composite type: no table lock.
                action.lock = LockMode::none;
                action.work = TableWork::none;
            } else if (object_type == "OBJECT_INDEX" && action.kind == Kind::set_storage_or_options) {
                action.lock = LockMode::share_update_exclusive;
            }
            statement.cascade = statement.cascade || action.cascade;
            statement.work = std::max(statement.work, action.work);
            if (action.lock != LockMode::none) {
                add_lock(statement, table, action.lock);
            }
            statement.actions.push_back(std::move(action));
        }
    }
    if (statement.actions.size() > 1) {
        statement.notes.push_back("the statement holds the strongest lock of its subcommands for all of them");
    }
}

void classify_rename(const Json& body, Statement& statement)
{
    const auto rename_type = text_of(body, "renameType");
    const auto relation_type = text_of(body, "relationType");
    statement.if_exists = flag_of(body, "missing_ok");
    AlterAction action;
    action.name = text_of(body, "newname");
    action.work = TableWork::metadata_only;
    action.lock = LockMode::access_exclusive;
    const Json* relation = member(body, "relation");
    if (rename_type == "OBJECT_COLUMN") {
        statement.kind = alter_kind(relation_type);
        action.kind = Kind::rename_column;
        action.subcommand = "RENAME COLUMN";
        action.column = text_of(body, "subname");
    } else if (rename_type == "OBJECT_TABCONSTRAINT") {
        statement.kind = "ALTER TABLE";
        action.kind = Kind::rename_constraint;
        action.subcommand = "RENAME CONSTRAINT";
        action.column = text_of(body, "subname");
    } else if (rename_type == "OBJECT_TRIGGER") {
        statement.kind = "ALTER TRIGGER";
        statement.is_trigger_change = true;
        action.subcommand = "RENAME TRIGGER";
        action.column = text_of(body, "subname");
    } else if (is_relation_object(rename_type)) {
        statement.kind = alter_kind(rename_type);
        action.kind = Kind::rename_table;
        action.subcommand = "RENAME TO";
        // PostgreSQL 12+ renames an index under SHARE UPDATE EXCLUSIVE (RenameRelation).
        if (rename_type == "OBJECT_INDEX") {
            action.lock = LockMode::share_update_exclusive;
        }
    } else {
        statement.kind = "ALTER " + object_word(rename_type);
        return;
    }
    statement.work = action.work;
    if (relation != nullptr) {
        add_lock(statement, relation_of(*relation), action.lock);
    }
    statement.actions.push_back(std::move(action));
}

void classify_alter_schema(const Json& body, Statement& statement)
{
    const auto object_type = text_of(body, "objectType");
    statement.kind = alter_kind(object_type);
    statement.if_exists = flag_of(body, "missing_ok");
    const Json* relation = member(body, "relation");
    if (!is_relation_object(object_type) || relation == nullptr) {
        statement.kind = "ALTER " + object_word(object_type);
        return;
    }
    AlterAction action;
    action.kind = Kind::set_schema;
    action.subcommand = "SET SCHEMA";
    action.name = text_of(body, "newschema");
    action.lock = LockMode::access_exclusive;
    action.work = TableWork::metadata_only;
    statement.work = action.work;
    add_lock(statement, relation_of(*relation), action.lock);
    statement.actions.push_back(std::move(action));
}

} // namespace lockwise::sql::detail
