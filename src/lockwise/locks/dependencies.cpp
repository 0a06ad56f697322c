// Reading SchemaFacts from the catalog. Relations are keyed like sql::relation_key:
// the bare name in schema public, schema.name elsewhere.
#include "lockwise/locks/dependencies.hpp"

#include <map>

namespace lockwise::locks {
namespace {

constexpr const char* k_user_relations =
    "c.relnamespace NOT IN (SELECT oid FROM pg_namespace WHERE nspname IN ('pg_catalog', 'information_schema', "
    "'pg_toast') OR nspname LIKE 'pg\\_temp\\_%' OR nspname LIKE 'pg\\_toast\\_temp\\_%')";

std::string text(const pg::Result& result, int row, int column) { return std::string(result.get(row, column)); }

// "{a,b}" -> {"a", "b"} (column names need no quoting in the array text here: they are read back as given).
std::vector<std::string> name_list(std::string_view array)
{
    std::vector<std::string> names;
    if (array.size() < 2) {
        return names;
    }
    array = array.substr(1, array.size() - 2);
    std::string current;
    bool quoted = false;
    for (std::size_t i = 0; i < array.size(); ++i) {
        const char c = array[i];
        if (c == '"') {
            quoted = !quoted;
        } else if (c == '\\' && i + 1 < array.size()) {
            current += array[++i];
        } else if (c == ',' && !quoted) {
            names.push_back(current);
            current.clear();
        } else {
            current += c;
        }
    }
    if (!array.empty()) {
        names.push_back(current);
    }
    return names;
}

sql::SchemaFacts read(pg::Connection& connection)
{
    sql::SchemaFacts facts;
    std::map<std::string, std::string> keys; // oid -> relation_key
    const auto relations = connection.exec(std::string("SELECT c.oid::text, n.nspname, c.relname, c.relkind::text "
                                                       "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                                       "WHERE c.relkind IN ('r','p','v','m','i','I','S','f') AND ") +
                                           k_user_relations);
    for (int row = 0; row < relations.rows(); ++row) {
        const auto key = sql::relation_key(relations.get(row, 1), relations.get(row, 2));
        keys[text(relations, row, 0)] = key;
        facts.relations[key].kind = relations.get(row, 3).empty() ? 'r' : relations.get(row, 3)[0];
    }
    auto key_of = [&](std::string_view oid) {
        const auto found = keys.find(std::string(oid));
        return found == keys.end() ? std::string() : found->second;
    };
    const auto indexes = connection.exec("SELECT indexrelid::text, indrelid::text FROM pg_index");
    for (int row = 0; row < indexes.rows(); ++row) {
        if (const auto index = key_of(indexes.get(row, 0)); !index.empty()) {
            facts.relations[index].table = key_of(indexes.get(row, 1));
        }
    }
    const auto inherits = connection.exec(
        "SELECT i.inhrelid::text, i.inhparent::text, p.relkind IN ('p', 'I') FROM pg_inherits i "
        "JOIN pg_class p ON p.oid = i.inhparent");
    for (int row = 0; row < inherits.rows(); ++row) {
        if (const auto child = key_of(inherits.get(row, 0)); !child.empty()) {
            facts.relations[child].parent = key_of(inherits.get(row, 1));
            facts.relations[child].partition = inherits.get_bool(row, 2);
        }
    }
    // Sequences owned by a column (serial, identity): dropped, and locked, with their table.
    const auto owned = connection.exec(
        "SELECT d.objid::text, d.refobjid::text, a.attname FROM pg_depend d JOIN pg_class s ON s.oid = d.objid "
        "JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
        "WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass "
        "AND s.relkind = 'S' AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0");
    for (int row = 0; row < owned.rows(); ++row) {
        if (const auto sequence = key_of(owned.get(row, 0)); !sequence.empty()) {
            facts.relations[sequence].table = key_of(owned.get(row, 1));
            facts.relations[sequence].column = text(owned, row, 2);
        }
    }
    // A view's (or materialized view's) relations: what its rewrite rule depends on.
    const auto sources = connection.exec(
        "SELECT DISTINCT r.ev_class::text, d.refobjid::text FROM pg_rewrite r "
        "JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid "
        "AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'n' "
        "WHERE d.refobjid <> r.ev_class ORDER BY 1, 2");
    for (int row = 0; row < sources.rows(); ++row) {
        const auto view = key_of(sources.get(row, 0));
        const auto source = key_of(sources.get(row, 1));
        if (!view.empty() && !source.empty()) {
            facts.relations[view].sources.push_back(source);
        }
    }
    const auto foreign_keys = connection.exec(
        "SELECT c.conname, c.conrelid::text, c.confrelid::text, c.convalidated, "
        "       array(SELECT a.attname FROM unnest(c.conkey) k JOIN pg_attribute a "
        "             ON a.attrelid = c.conrelid AND a.attnum = k)::text "
        "FROM pg_constraint c WHERE c.contype = 'f' AND c.conparentid = 0 ORDER BY c.oid");
    for (int row = 0; row < foreign_keys.rows(); ++row) {
        sql::ForeignKeyFact fk;
        fk.name = text(foreign_keys, row, 0);
        fk.table = key_of(foreign_keys.get(row, 1));
        fk.referenced = key_of(foreign_keys.get(row, 2));
        fk.validated = foreign_keys.get_bool(row, 3);
        fk.columns = name_list(foreign_keys.get(row, 4));
        if (!fk.table.empty() && !fk.referenced.empty()) {
            facts.foreign_keys.push_back(std::move(fk));
        }
    }
    const auto statistics = connection.exec("SELECT stxname, stxrelid::text FROM pg_statistic_ext");
    for (int row = 0; row < statistics.rows(); ++row) {
        if (const auto table = key_of(statistics.get(row, 1)); !table.empty()) {
            facts.statistics[text(statistics, row, 0)] = table;
        }
    }
    return facts;
}

} // namespace

sql::SchemaFacts read_schema_facts(pg::Connection& connection)
{
    // The catalog reads lock only catalog tables (ACCESS SHARE); the short lock_timeout makes sure a
    // session holding one of those exclusively (a VACUUM FULL of pg_class) costs us a second, not a hang.
    connection.exec("BEGIN READ ONLY");
    try {
        connection.exec("SET LOCAL lock_timeout = '1s'");
        auto facts = read(connection);
        facts.server_version_num = connection.server_version();
        connection.exec("COMMIT");
        return facts;
    } catch (...) {
        if (connection.is_ok()) {
            try {
                connection.exec("ROLLBACK");
            } catch (const pg::SqlError&) {
            }
        }
        throw;
    }
}

} // namespace lockwise::locks
