// The blocking tree: one query for every session involved, linked in C++. A
// session blocked by several others appears under each; a cycle (a deadlock the
// server has not broken yet) is cut where it repeats, so rendering always ends.
#include "lockwise/locks/tree.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "lockwise/core/format.hpp"
#include "lockwise/locks/json_text.hpp"
#include "lockwise/locks/session_name.hpp"

namespace lockwise::locks {

BlockingTree blocking_tree(pg::Connection& conn)
{
    const auto result = conn.exec(fmt::format(R"(
        WITH waiters AS MATERIALIZED (
            SELECT w.pid, pg_blocking_pids(w.pid) AS blockers
            FROM (SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' OFFSET 0) w),
        involved AS (SELECT pid FROM waiters UNION SELECT unnest(blockers) FROM waiters),
        ungranted AS MATERIALIZED (SELECT DISTINCT ON (pid) * FROM pg_locks WHERE NOT granted ORDER BY pid)
        SELECT {}, {},
               coalesce((SELECT array_to_string(blockers, ',') FROM waiters WHERE waiters.pid = a.pid), '')
                   AS blocked_by
        FROM pg_stat_activity a
        JOIN involved i ON i.pid = a.pid
        LEFT JOIN ungranted l ON l.pid = a.pid
        WHERE a.pid <> pg_backend_pid())",
                                              detail::k_session_columns, detail::k_lock_columns));
    BlockingTree tree;
    for (int row = 0; row < result.rows(); ++row) {
        TreeNode node;
        static_cast<Session&>(node) = detail::read_session(result, row);
        node.lock = detail::read_lock(result, row);
        node.blocked_by = detail::parse_int_list(result.get(row, result.column("blocked_by")));
        tree.nodes.emplace(node.pid, std::move(node));
    }
    link_blocking_tree(tree);
    return tree;
}

void link_blocking_tree(BlockingTree& tree)
{
    tree.waiters.clear();
    tree.roots.clear();
    for (const auto& [pid, node] : tree.nodes) {
        for (int blocker : node.blocked_by) {
            if (tree.nodes.contains(blocker)) {
                tree.waiters[blocker].push_back(pid);
            }
        }
    }
    for (auto& [pid, list] : tree.waiters) {
        std::sort(list.begin(), list.end());
    }
    std::set<int> reached;
    const auto reach = [&](int root) {
        std::vector<int> stack = {root};
        while (!stack.empty()) {
            const int pid = stack.back();
            stack.pop_back();
            if (reached.insert(pid).second) {
                for (int waiter : tree.waiters[pid]) {
                    stack.push_back(waiter);
                }
            }
        }
    };
    for (const auto& [pid, node] : tree.nodes) {
        const bool blocked = std::any_of(node.blocked_by.begin(), node.blocked_by.end(),
                                         [&](int blocker) { return tree.nodes.contains(blocker); });
        if (!blocked) {
            tree.roots.push_back(pid);
            reach(pid);
        }
    }
    // Sessions only reachable through a cycle: start from the lowest pid of each.
    for (const auto& [pid, node] : tree.nodes) {
        if (!reached.contains(pid)) {
            tree.roots.push_back(pid);
            reach(pid);
        }
    }
}

namespace {

std::string session_line(const TreeNode& node)
{
    std::string line = fmt::format("pid {} {}", node.pid, node.state.empty() ? node.backend_type : node.state);
    if (node.state_age) {
        line += " " + core::format_duration(*node.state_age);
    }
    if (node.xact_age) {
        line += "  xact " + core::format_duration(*node.xact_age);
    }
    if (!node.user.empty()) {
        line += "  user " + node.user;
    }
    if (!node.application.empty()) {
        line += "  app " + node.application;
    }
    if (const auto name = parse_session_name(node.application)) {
        line += fmt::format("  (lockwise run {}, {})", name->run_id, name->role);
    }
    if (!node.client_addr.empty()) {
        line += "  client " + node.client_addr;
    }
    if (node.lock) {
        line += "  waits";
        if (node.lock->waiting_for) {
            line += " " + core::format_duration(*node.lock->waiting_for);
        }
        line += " for " + node.lock->describe();
    }
    return line;
}

void render_text(const BlockingTree& tree, int pid, const std::string& prefix, bool is_root, bool last,
                 std::set<int>& path, std::string& out)
{
    const auto& node = tree.nodes.at(pid);
    const std::string branch = is_root ? "" : (last ? "\u2514\u2500 " : "\u251c\u2500 ");
    const std::string child_prefix = is_root ? prefix : prefix + (last ? "   " : "\u2502  ");
    out += prefix + branch + session_line(node);
    if (path.contains(pid)) {
        out += "  (cycle: already shown above)\n";
        return;
    }
    out += "\n";
    const auto found = tree.waiters.find(pid);
    const bool has_children = found != tree.waiters.end() && !found->second.empty();
    if (!node.query.empty()) {
        out += child_prefix + (has_children ? "\u2502  " : "   ") + "query: " + node.query + "\n";
    }
    if (!has_children) {
        return;
    }
    path.insert(pid);
    for (std::size_t i = 0; i < found->second.size(); ++i) {
        render_text(tree, found->second[i], child_prefix, false, i + 1 == found->second.size(), path, out);
    }
    path.erase(pid);
}

std::string lock_json(const std::optional<LockDescription>& lock)
{
    if (!lock) {
        return "null";
    }
    return fmt::format(R"({{"locktype":{},"mode":{},"relation":{},"detail":{},"waiting_ms":{}}})",
                       json_string(lock->locktype), json_string(lock->mode), json_string(lock->relation),
                       json_string(lock->detail), json_millis(lock->waiting_for));
}

std::string node_json(const BlockingTree& tree, int pid, std::set<int>& path)
{
    const auto& node = tree.nodes.at(pid);
    std::string blocked_by;
    for (int blocker : node.blocked_by) {
        blocked_by += (blocked_by.empty() ? "" : ",") + std::to_string(blocker);
    }
    std::string waiters;
    if (!path.contains(pid)) {
        path.insert(pid);
        if (const auto found = tree.waiters.find(pid); found != tree.waiters.end()) {
            for (int waiter : found->second) {
                waiters += (waiters.empty() ? "" : ",") + node_json(tree, waiter, path);
            }
        }
        path.erase(pid);
    }
    const auto name = parse_session_name(node.application);
    return fmt::format(
        R"({{"pid":{},"user":{},"application":{},"lockwise_run":{},"lockwise_role":{},"client_addr":{},"database":{},"state":{},"backend_type":{},)"
        R"("state_age_ms":{},"xact_age_ms":{},"idle_in_transaction_ms":{},"query":{},"wait":{},"blocked_by":[{}],)"
        R"("waiters":[{}]}})",
        node.pid, json_string(node.user), json_string(node.application), name ? json_string(name->run_id) : "null",
        name ? json_string(name->role) : "null", json_string(node.client_addr),
        json_string(node.database), json_string(node.state), json_string(node.backend_type),
        json_millis(node.state_age), json_millis(node.xact_age),
        json_millis(node.idle_in_transaction() ? node.state_age : std::nullopt), json_string(node.query),
        lock_json(node.lock), blocked_by, waiters);
}

} // namespace

std::string render_blocking_tree_text(const BlockingTree& tree)
{
    if (tree.empty()) {
        return "no session is waiting for a lock\n";
    }
    std::string out;
    std::set<int> path;
    for (int root : tree.roots) {
        render_text(tree, root, "", true, true, path, out);
    }
    return out;
}

std::string render_blocking_tree_json(const BlockingTree& tree)
{
    std::string roots;
    std::set<int> path;
    for (int root : tree.roots) {
        roots += (roots.empty() ? "" : ",") + node_json(tree, root, path);
    }
    return fmt::format(R"({{"sessions":{},"roots":[{}]}})", tree.nodes.size(), roots);
}

} // namespace lockwise::locks
