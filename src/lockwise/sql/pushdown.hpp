// Pushing a backfill batch's key set into the FROM subquery an UPDATE joins on its key,
// when the subquery's rows for one key provably depend only on that key's input rows.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lockwise::sql {

struct KeyJoinPushdown {
    std::string target_column; // the UPDATE target's column the subquery is joined on ("id" in l.id = fc.lead_id)
    std::string head_text;     // the UPDATE, printed from its edited parse tree, up to its top-level WHERE
    std::string where_text;    // ... its top-level condition
    std::string problem;       // why the pushdown could not be proved; head/where empty then
};

// For `UPDATE t AS l SET ... FROM (SELECT ...) AS s WHERE l.<col> = s.<out> AND ...` (the
// equality one of the WHERE's top-level AND terms): adds `<in> = ANY(ARRAY(<key_set>))` to the
// subquery's own WHERE, where <in> is the subquery column behind s.<out>, by editing the parse
// tree and printing it back with libpg_query's deparser. Proved safe when the subquery's rows
// for a key come only from input rows with that key: its DISTINCT ON / GROUP BY / window
// PARTITION BY include <in>, and it has no LIMIT/OFFSET, set operation, locking or WITH.
// nullopt when the UPDATE has no such join (nothing to push); `problem` set when it has one
// that can't be proved.
std::optional<KeyJoinPushdown> push_key_set_into_join(std::string_view update_text, std::string_view key_set);

} // namespace lockwise::sql
