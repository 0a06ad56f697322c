// Reader of the classifier case files tests/data/classify/*.test, shared by the
// unit test (predictions) and the lock-truth db test (predictions vs pg_locks).
//
// Format: a case starts with `-- case: <name>`; SQL lines follow (comments
// allowed); expectation lines are `-- <key>: <value>` with key one of
//   kind          command tag                       (required)
//   locks         rel=ModeLock ... | none; "(new)" after the mode: created by the statement
//   transactional yes|no                            (default yes)
//   work          none|metadata-only|full-scan|rewrite (required)
//   actions       ALTER subcommands in order, comma-separated
//   flags         the true ones of: concurrently transaction-control if-exists if-not-exists
//                 cascade trigger-change has-where copy-from-stdin (all others must be false)
//   types         type names that must be in used_types
//   enum          expected enum_type
//   verify        "no <reason>": the lock-truth test does not run this case
//   unpredicted   relations PostgreSQL may lock that no rule predicts (the lock-truth test excuses them)
//   versions      PostgreSQL major versions the case holds for: "13-15", "16-", "15" (default: all)
//   blocker       SQL a second session runs in an open transaction so that a statement that
//                 can't run in a transaction block waits behind it and is observed (lock truth)
// `locks` is the full list with the dependencies learned from schema.sql (offline facts).
#pragma once

#include <filesystem>
#include <fstream>
#include <algorithm>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace lockwise::testdata {

struct ExpectedLock {
    std::string mode;
    bool created = false;
};

struct ClassifyCase {
    std::string name;
    std::string location; // file:line of the `-- case:` line
    std::string sql;
    std::map<std::string, std::string> values; // key -> raw value
    std::map<std::string, ExpectedLock> locks;
    bool verify = true;

    bool has(const std::string& key) const { return values.contains(key); }
    std::string value(const std::string& key) const
    {
        const auto found = values.find(key);
        return found == values.end() ? std::string() : found->second;
    }
    std::vector<std::string> words(const std::string& key, char separator = ' ') const
    {
        std::vector<std::string> result;
        std::string word;
        std::istringstream stream(value(key));
        while (std::getline(stream, word, separator)) {
            const auto begin = word.find_first_not_of(' ');
            const auto end = word.find_last_not_of(' ');
            if (begin != std::string::npos) {
                result.push_back(word.substr(begin, end - begin + 1));
            }
        }
        return result;
    }
};

// gtest prints a parameter with this instead of its bytes.
inline void PrintTo(const ClassifyCase& value, std::ostream* out)
{
    *out << value.location << " " << value.name;
}

inline const std::set<std::string>& case_keys()
{
    static const std::set<std::string> keys{"kind",  "locks", "transactional", "work",   "actions",
                                            "flags", "types", "enum",          "verify", "unpredicted", "versions", "blocker"};
    return keys;
}

inline std::vector<ClassifyCase> read_cases(const std::filesystem::path& directory)
{
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(directory)) {
        if (entry.path().extension() == ".test") {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    std::vector<ClassifyCase> cases;
    for (const auto& file : files) {
        std::ifstream input(file);
        std::string line;
        int number = 0;
        while (std::getline(input, line)) {
            ++number;
            if (line.rfind("-- case: ", 0) == 0) {
                cases.emplace_back();
                cases.back().name = line.substr(9);
                cases.back().location = file.filename().string() + ":" + std::to_string(number);
                continue;
            }
            if (cases.empty() || cases.back().location.rfind(file.filename().string(), 0) != 0) {
                continue; // header comments before the file's first case
            }
            auto& current = cases.back();
            const auto colon = line.find(": ");
            if (line.rfind("-- ", 0) == 0 && colon != std::string::npos && case_keys().contains(line.substr(3, colon - 3))) {
                current.values[line.substr(3, colon - 3)] = line.substr(colon + 2);
                continue;
            }
            if (current.values.empty()) {
                current.sql += line + "\n";
            }
        }
    }
    for (auto& current : cases) {
        while (!current.sql.empty() && current.sql.back() == '\n') {
            current.sql.pop_back();
        }
        current.verify = current.value("verify").rfind("no", 0) != 0;
        if (current.value("locks") != "none") {
            for (const auto& item : current.words("locks")) {
                const auto equals = item.find('=');
                ExpectedLock lock;
                lock.mode = item.substr(equals + 1);
                if (lock.mode.ends_with("(new)")) {
                    lock.mode.resize(lock.mode.size() - 5);
                    lock.created = true;
                }
                current.locks[item.substr(0, equals)] = lock;
            }
        }
    }
    return cases;
}

} // namespace lockwise::testdata
