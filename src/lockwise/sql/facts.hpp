// What lockwise knows about the relations a statement does not name but locks
// all the same: an index's table, foreign keys, views' sources, partitions,
// owned sequences. Filled from the live catalog by locks/dependencies.hpp or,
// offline, learned from the statements of earlier migrations (learn_facts).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lockwise/sql/statement.hpp"

namespace lockwise::sql {

// "leads" for public.leads (and for an unqualified name), "crm.leads" otherwise.
std::string relation_key(std::string_view schema, std::string_view name);

struct ForeignKeyFact {
    std::string name;                     // constraint name
    std::string table;                    // relation_key of the table that declares it
    std::vector<std::string> columns;     // its columns there
    std::string referenced;               // relation_key of the referenced table
    bool validated = true;                // false while NOT VALID (VALIDATE then checks the rows)
};

struct RelationFact {
    char kind = 'r';                      // pg_class.relkind: r table, p partitioned, v view, m matview,
                                          // i index, I partitioned index, S sequence, f foreign table
    std::string table;                    // an index's table; an owned sequence's table
    std::string column;                   // an owned sequence's column
    std::string parent;                   // a partition's (or inheritance child's) parent
    bool partition = false;               // parent is a partitioned table, not plain INHERITS
    std::vector<std::string> sources;     // a view's or materialized view's relations
};

struct SchemaFacts {
    std::map<std::string, RelationFact> relations; // key: relation_key
    std::vector<ForeignKeyFact> foreign_keys;
    std::map<std::string, std::string> statistics; // extended statistics: name -> relation_key of its table
    // The server the statements will run on (server_version_num, e.g. 130012): where PostgreSQL
    // versions lock differently the model follows it (docs/versions.md). Unset: 14 and newer.
    std::optional<int> server_version_num;

    const RelationFact* find(const std::string& key) const;
};

// Records what `statement` declares (CREATE TABLE/INDEX/VIEW, foreign keys, partitions,
// renames, drops) so that later statements are classified knowing it.
void learn_facts(SchemaFacts& facts, const Statement& statement);

// Adds to `statement.locks` the relations it locks without naming them, each with its reason.
void add_dependent_locks(Statement& statement, const SchemaFacts& facts);

} // namespace lockwise::sql
