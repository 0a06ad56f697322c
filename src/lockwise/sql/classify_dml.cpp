// SELECT / INSERT / UPDATE / DELETE / COPY: ROW EXCLUSIVE on the target,
// ACCESS SHARE on every table read, ROW SHARE under FOR UPDATE/SHARE; and the
// pieces of an UPDATE a backfill needs (head, top-level WHERE condition).
#include <algorithm>
#include <cctype>

#include "lockwise/core/text.hpp"
#include "lockwise/sql/classify.hpp"
#include "lockwise/sql/pg_query_api.hpp"

namespace lockwise::sql::detail {
namespace {

bool same_word(std::string_view text, std::string_view word)
{
    return text.size() == word.size() &&
           std::equal(text.begin(), text.end(), word.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
           });
}

void add_reads(const Json& tree, Statement& statement, const RelationName& target = {})
{
    for (const auto& relation : relations_read(tree)) {
        if (relation.name != target.name || relation.schema != target.schema) {
            add_lock(statement, relation, LockMode::access_share);
        }
    }
}

// Data-modifying statements nested in WITH: their targets are written too.
void add_nested_writes(const Json& tree, Statement& statement)
{
    walk_nodes(tree, [&](std::string_view type, const Json& body) {
        if (type == "InsertStmt" || type == "UpdateStmt" || type == "DeleteStmt" || type == "MergeStmt") {
            if (const auto* relation = member(body, "relation")) {
                add_lock(statement, relation_of(*relation), LockMode::row_exclusive);
            }
        }
    });
}

// The top-level WHERE keyword of an UPDATE (paren depth 0) splits head from condition;
// the condition ends at a top-level RETURNING.
void split_update_text(std::string_view text, UpdateInfo& update)
{
    update.head_text = std::string(text);
    const auto scanned = scan(text);
    if (scanned.error) {
        return;
    }
    int depth = 0;
    std::optional<std::size_t> where_begin;
    std::optional<std::size_t> where_end;
    std::size_t condition_begin = 0;
    for (const auto& token : scanned.tokens) {
        const auto word = text.substr(token.begin, token.end - token.begin);
        if (word == "(" || word == "[") {
            ++depth;
        } else if (word == ")" || word == "]") {
            --depth;
        } else if (depth == 0 && !where_begin && same_word(word, "where")) {
            where_begin = token.begin;
            condition_begin = token.end;
        } else if (depth == 0 && where_begin && same_word(word, "returning")) {
            where_end = token.begin;
            break;
        }
    }
    if (!where_begin) {
        return;
    }
    update.head_text = std::string(core::trim_space(text.substr(0, *where_begin)));
    const auto end = where_end.value_or(text.size());
    update.where_text = std::string(core::trim_space(text.substr(condition_begin, end - condition_begin)));
}

} // namespace

void classify_select(const Json& body, Statement& statement)
{
    statement.kind = member(body, "intoClause") != nullptr ? "SELECT INTO" : "SELECT";
    // FOR UPDATE OF <name> names tables (or aliases) already in FROM: not tables read.
    Json reads = body;
    reads.erase("lockingClause");
    add_reads(reads, statement);
    add_nested_writes(body, statement);
    if (const auto* clauses = member(body, "lockingClause"); clauses != nullptr && clauses->is_array()) {
        // Every FOR UPDATE/NO KEY UPDATE/SHARE/KEY SHARE takes ROW SHARE on the tables it names
        // (all of the FROM list when it names none).
        for (const auto& clause : *clauses) {
            const auto* locked = member(node_body(clause), "lockedRels");
            if (locked == nullptr) {
                if (const auto* from = member(body, "fromClause")) {
                    for (const auto& relation : relations_read(*from)) {
                        add_lock(statement, relation, LockMode::row_share);
                    }
                }
                continue;
            }
            for (const auto& item : *locked) {
                const auto name = relation_of(node_body(item));
                for (auto& lock : statement.locks) {
                    if (lock.name == name.name && (name.schema.empty() || lock.schema == name.schema)) {
                        lock.mode = std::max(lock.mode, LockMode::row_share);
                    }
                }
                // FOR UPDATE OF <alias>: find the table the alias stands for.
                const auto* from = member(body, "fromClause");
                walk_nodes(from != nullptr ? *from : Json(), [&](std::string_view type, const Json& range_var) {
                    const auto* alias = member(range_var, "alias");
                    if (type == "RangeVar" && alias != nullptr && text_of(*alias, "aliasname") == name.name) {
                        add_lock(statement, relation_of(range_var), LockMode::row_share);
                    }
                });
            }
        }
    }
    if (const auto* into = member(body, "intoClause")) {
        add_lock(statement, relation_of(*member(*into, "rel")), LockMode::access_exclusive, true);
    }
}

void classify_insert(const Json& body, Statement& statement)
{
    statement.kind = "INSERT";
    const auto target = relation_of(*member(body, "relation"));
    add_lock(statement, target, LockMode::row_exclusive);
    if (const auto* columns = member(body, "cols"); columns != nullptr && columns->is_array()) {
        statement.insert_columns.emplace();
        for (const auto& column : *columns) {
            statement.insert_columns->push_back(text_of(node_body(column), "name"));
        }
    }
    statement.default_values = member(body, "selectStmt") == nullptr;
    add_reads(body, statement, target);
    add_nested_writes(body, statement);
}

void classify_update(const Json& body, Statement& statement)
{
    statement.kind = "UPDATE";
    const Json& relation = *member(body, "relation");
    const auto target = relation_of(relation);
    add_lock(statement, target, LockMode::row_exclusive);
    add_reads(body, statement, target);
    add_nested_writes(body, statement);
    statement.has_where = member(body, "whereClause") != nullptr;
    statement.work = statement.has_where ? TableWork::none : TableWork::full_scan;
    UpdateInfo update;
    update.schema = target.schema;
    update.table = target.name;
    if (const auto* alias = member(relation, "alias")) {
        update.alias = text_of(*alias, "aliasname");
    }
    if (const auto* targets = member(body, "targetList"); targets != nullptr && targets->is_array()) {
        for (const auto& item : *targets) {
            auto name = text_of(node_body(item), "name");
            if (std::find(update.set_columns.begin(), update.set_columns.end(), name) == update.set_columns.end()) {
                update.set_columns.push_back(std::move(name));
            }
        }
    }
    update.has_from = member(body, "fromClause") != nullptr;
    update.has_returning = member(body, "returningList") != nullptr;
    split_update_text(statement.text, update);
    statement.update = std::move(update);
}

void classify_delete(const Json& body, Statement& statement)
{
    statement.kind = "DELETE";
    const auto target = relation_of(*member(body, "relation"));
    add_lock(statement, target, LockMode::row_exclusive);
    add_reads(body, statement, target);
    add_nested_writes(body, statement);
    statement.has_where = member(body, "whereClause") != nullptr;
    statement.work = statement.has_where ? TableWork::none : TableWork::full_scan;
}

void classify_copy(const Json& body, Statement& statement)
{
    statement.kind = "COPY";
    const bool from = flag_of(body, "is_from");
    if (const auto* relation = member(body, "relation")) {
        add_lock(statement, relation_of(*relation), from ? LockMode::row_exclusive : LockMode::access_share);
    }
    if (const auto* query = member(body, "query")) {
        add_reads(*query, statement);
    }
    statement.is_copy_from_stdin = from && member(body, "filename") == nullptr && !flag_of(body, "is_program");
}

bool is_copy_from_stdin(const Json& node)
{
    if (node_type(node) != "CopyStmt") {
        return false;
    }
    const auto& body = node_body(node);
    return flag_of(body, "is_from") && member(body, "filename") == nullptr && !flag_of(body, "is_program");
}

} // namespace lockwise::sql::detail
