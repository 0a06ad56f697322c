// Which server version a statement needs: syntax PostgreSQL 15's parser accepts but an
// older server of the supported range (13, 14) rejects, or a setting a newer one added.
// Lint refuses such a statement for a server that is too old (rule needs-newer-server).
#include <algorithm>

#include "lockwise/sql/classify.hpp"

namespace lockwise::sql::detail {
namespace {

void need(Statement& statement, int version_num, std::string feature)
{
    const bool known = std::any_of(statement.needs_server.begin(), statement.needs_server.end(),
                                   [&](const ServerFeature& have) { return have.feature == feature; });
    if (!known) {
        statement.needs_server.push_back(ServerFeature{version_num, std::move(feature)});
    }
}

bool has_def_elem(const Json& body, std::string_view key, std::string_view name)
{
    const auto* options = member(body, key);
    if (options == nullptr || !options->is_array()) {
        return false;
    }
    return std::any_of(options->begin(), options->end(),
                       [&](const Json& item) { return text_of(node_body(item), "defname") == name; });
}

} // namespace

void classify_server_features(const Json& node, Statement& statement)
{
    walk_nodes(node, [&](std::string_view type, const Json& body) {
        if (type == "MergeStmt") {
            need(statement, 150000, "MERGE");
        } else if (type == "IndexStmt" && flag_of(body, "nulls_not_distinct")) {
            need(statement, 150000, "NULLS NOT DISTINCT");
        } else if (type == "Constraint" && flag_of(body, "nulls_not_distinct")) {
            need(statement, 150000, "NULLS NOT DISTINCT");
        } else if (type == "CreateTrigStmt" && flag_of(body, "replace")) {
            need(statement, 140000, "CREATE OR REPLACE TRIGGER");
        } else if (type == "ColumnDef" && !text_of(body, "compression").empty()) {
            need(statement, 140000, "a column's COMPRESSION");
        } else if (type == "ViewStmt" && has_def_elem(body, "options", "security_invoker")) {
            need(statement, 150000, "security_invoker views");
        } else if (type == "VariableSetStmt" && text_of(body, "name") == "transaction_timeout") {
            need(statement, 170000, "the transaction_timeout setting");
        } else if (type == "StatsElem" && member(body, "expr") != nullptr) {
            need(statement, 140000, "statistics on expressions");
        } else if (type == "AlterTableCmd") {
            const auto subtype = text_of(body, "subtype");
            if (subtype == "AT_DetachPartitionFinalize") {
                need(statement, 140000, "DETACH PARTITION ... FINALIZE");
            } else if (const auto* def = member(body, "def");
                       subtype == "AT_DetachPartition" && def != nullptr && flag_of(node_body(*def), "concurrent")) {
                need(statement, 140000, "DETACH PARTITION ... CONCURRENTLY");
            } else if (subtype == "AT_SetCompression") {
                need(statement, 140000, "ALTER COLUMN ... SET COMPRESSION");
            } else if (subtype == "AT_SetAccessMethod") {
                need(statement, 150000, "ALTER TABLE ... SET ACCESS METHOD");
            }
        }
    });
}

} // namespace lockwise::sql::detail
