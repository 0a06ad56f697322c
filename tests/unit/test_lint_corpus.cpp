// The lint benchmark's lockwise side (bench/lint/run.sh): lints every *.sql file of
// $LOCKWISE_LINT_CORPUS through lint::lint_migrations, the call the cli makes, and renders it.
// Disabled in normal runs; bench/CMakeLists.txt does not link stages, so it lives in unit_lint.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>

#include "lockwise/lint/lint.hpp"
#include "support/testing.hpp"

using namespace lockwise;

TEST(LintCorpus, DISABLED_LintEveryFile)
{
    const char* dir = std::getenv("LOCKWISE_LINT_CORPUS");
    ASSERT_NE(dir, nullptr) << "set LOCKWISE_LINT_CORPUS to a directory of .sql files";
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::filesystem::path> paths;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() == ".sql") {
            paths.push_back(entry.path());
        }
    }
    std::sort(paths.begin(), paths.end());
    std::vector<catalog::Migration> migrations;
    migrations.reserve(paths.size());
    for (const auto& path : paths) {
        catalog::Migration m;
        m.path = path;
        m.display_path = path.filename().string();
        m.text = testkit::read_file(path);
        m.up_end = m.text.size();
        migrations.push_back(std::move(m));
    }
    const auto results = lint::lint_migrations(migrations, {});
    std::size_t findings = 0;
    std::size_t output_bytes = 0;
    for (std::size_t i = 0; i < results.size(); ++i) {
        findings += results[i].findings.size();
        output_bytes += lint::render_human(results[i], migrations[i].text).size();
    }
    const auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    fmt::print("lockwise lint: {} files, {} findings, {} bytes of output, {:.3f} s in-process, {:.0f} files/s\n",
               results.size(), findings, output_bytes, elapsed, static_cast<double>(results.size()) / elapsed);
    EXPECT_GT(findings, 0U);
}
