// The whole current blocking tree of the cluster, for `lockwise locks [--json]`:
// roots are sessions that block others and wait for no one; children wait on them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lockwise/locks/blocking.hpp"

namespace lockwise::locks {

struct TreeNode : Session {
    std::optional<LockDescription> lock{}; // what it waits for, when it waits
    std::vector<int> blocked_by{};         // pg_blocking_pids
};

struct BlockingTree {
    std::map<int, TreeNode> nodes{};            // every session that waits or blocks
    std::map<int, std::vector<int>> waiters{};  // blocker pid -> pids waiting on it (sorted)
    std::vector<int> roots{};                   // block others, blocked by no one (or picked from a cycle)

    bool empty() const noexcept { return nodes.empty(); }
};

// Reads the tree in one query (pg_blocking_pids only for backends waiting on a Lock).
BlockingTree blocking_tree(pg::Connection& conn);

// Builds roots and waiters from nodes' blocked_by (exposed for tests of cycles and fan-in).
void link_blocking_tree(BlockingTree& tree);

// An indented tree, one session per line plus its query:
//   pid 4242 idle in transaction 12.3s  xact 12.5s  user app  app api  [client 10.0.0.5]
//     query: SELECT * FROM leads
//   └─ pid 4250 active 3.0s  xact 3.0s  user migrator  app lockwise  waits 2.9s for AccessExclusiveLock on relation leads
// "no session is waiting for a lock" when the tree is empty.
std::string render_blocking_tree_text(const BlockingTree& tree);

// {"roots": [node], "sessions": N} with node = {"pid", "user", "application", "client_addr",
// "database", "state", "backend_type", "state_age_ms", "xact_age_ms", "idle_in_transaction_ms",
// "query", "wait": {"locktype","mode","relation","detail","waiting_ms"} | null, "blocked_by": [...],
// "waiters": [node]} (a session blocked by several appears under each).
std::string render_blocking_tree_json(const BlockingTree& tree);

} // namespace lockwise::locks
