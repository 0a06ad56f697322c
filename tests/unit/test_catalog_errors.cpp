// What the catalog refuses and what it merely notes: malformed names, duplicates,
// empty migrations, bad encodings, broken sections, mixed formats, unreadable files.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include "lockwise/catalog/migration.hpp"
#include "support/testing.hpp"

using namespace lockwise::catalog;
namespace testkit = lockwise::testkit;

namespace {

struct ExpectedError {
    std::string file;    // display path
    int line;            // 0: the file as a whole
    int column;
    std::string message; // exact
};

struct ErrorCase {
    std::string name;
    std::vector<std::pair<std::string, std::string>> files; // relative to migrations/ -> content
    std::optional<Format> forced;
    std::vector<ExpectedError> errors;
};

std::string all_errors(const Catalog& catalog)
{
    std::string out;
    for (const auto& error : catalog.errors) {
        out += render(error);
    }
    return out;
}

Catalog load(const testkit::TempDir& dir, const std::vector<std::pair<std::string, std::string>>& files,
             std::optional<Format> forced = std::nullopt)
{
    for (const auto& [relative, content] : files) {
        dir.write("migrations/" + relative, content);
    }
    return load_catalog(dir.path() / "migrations", forced);
}

TEST(CatalogErrors, ReportsEachProblemWithItsFileAndPosition)
{
    const std::string goose_ok = "-- +goose Up\nSELECT 1;\n";
    const std::string dbmate_ok = "-- migrate:up\nSELECT 1;\n";
    const std::vector<ErrorCase> cases = {
        {"native missing version", {{"V__x.sql", "SELECT 1;"}}, {},
         {{"migrations/V__x.sql", 0, 0, "missing version after 'V'"}}},
        {"native letters as version", {{"Vabc__x.sql", "SELECT 1;"}}, {},
         {{"migrations/Vabc__x.sql", 0, 0, "invalid version 'abc'"}}},
        {"native single underscore", {{"V1_x.sql", "SELECT 1;"}}, {},
         {{"migrations/V1_x.sql", 0, 0, "missing '__' between the version and the description"}}},
        {"native repeatable with a version", {{"V1__a.sql", "SELECT 1;"}, {"R1__views.sql", "CREATE VIEW v AS SELECT 1;"}}, {},
         {{"migrations/R1__views.sql", 0, 0, "a repeatable migration has no version: name it R__<description>.sql"}}},
        {"native repeatable without description", {{"V1__a.sql", "SELECT 1;"}, {"R__.sql", "SELECT 1;"}}, {},
         {{"migrations/R__.sql", 0, 0, "missing description after 'R__'"}}},
        {"native duplicate repeatable", {{"R__views.sql", "SELECT 1;"}, {"sub/R__views.sql", "SELECT 2;"}}, {},
         {{"migrations/sub/R__views.sql", 0, 0,
           "duplicate repeatable migration R__views: migrations/R__views.sql and migrations/sub/R__views.sql"}}},
        {"native undo without migration", {{"V1__a.sql", "SELECT 1;"}, {"U2__b.sql", "SELECT 2;"}}, {},
         {{"migrations/U2__b.sql", 0, 0, "undo migration for version 2, which has no versioned migration"}}},
        {"native duplicate V1 and V1.0", {{"V1__a.sql", "SELECT 1;"}, {"V1.0__b.sql", "SELECT 2;"}}, {},
         {{"migrations/V1__a.sql", 0, 0, "duplicate version 1: migrations/V1.0__b.sql and migrations/V1__a.sql"}}},
        {"native duplicate V1 and V01", {{"V1__a.sql", "SELECT 1;"}, {"V01__b.sql", "SELECT 2;"}}, {},
         {{"migrations/V1__a.sql", 0, 0, "duplicate version 1: migrations/V01__b.sql and migrations/V1__a.sql"}}},
        {"native empty migration", {{"V1__a.sql", "-- nothing yet\n/* still nothing */\n"}}, {},
         {{"migrations/V1__a.sql", 0, 0, "empty migration: no SQL in the up part"}}},
        {"native invalid utf-8", {{"V1__a.sql", "SELECT 1;\nSELECT 'caf\xC3\xA9', '\xFF';\n"}}, {},
         {{"migrations/V1__a.sql", 2, 18, "invalid UTF-8 (byte 0xff)"}}}, // columns count bytes
        {"native directive error", {{"V1__a.sql", "SELECT 1;\n\n   -- lockwise:no-transactions\nSELECT 2;\n"}}, {},
         {{"migrations/V1__a.sql", 3, 16, "unknown directive 'lockwise:no-transactions'"}}},
        {"native bad script config", {{"V1__a.sql", "SELECT 1;"}, {"V1__a.sql.conf", "# c\nexecuteInTransaction\n"}}, {},
         {{"migrations/V1__a.sql.conf", 2, 1, "expected key=value"}}},
        {"golang-migrate duplicate", {{"1_a.up.sql", "SELECT 1;"}, {"01_b.up.sql", "SELECT 2;"}}, {},
         {{"migrations/1_a.up.sql", 0, 0, "duplicate version 1: migrations/01_b.up.sql and migrations/1_a.up.sql"}}},
        {"golang-migrate down without up", {{"1_a.up.sql", "SELECT 1;"}, {"2_b.down.sql", "SELECT 2;"}}, {},
         {{"migrations/2_b.down.sql", 0, 0, "down migration for version 2, which has no up migration"}}},
        {"golang-migrate no underscore", {{"1_a.up.sql", "SELECT 1;"}, {"2.up.sql", "SELECT 2;"}}, {},
         {{"migrations/2.up.sql", 0, 0, "not a golang-migrate file name"}}},
        {"golang-migrate no up or down", {{"1_a.up.sql", "SELECT 1;"}, {"2_b.sql", "SELECT 2;"}}, {},
         {{"migrations/2_b.sql", 0, 0, "not a golang-migrate file name"}}},
        {"golang-migrate empty", {{"1_a.up.sql", "\n\n"}}, {},
         {{"migrations/1_a.up.sql", 0, 0, "empty migration: no SQL in the up part"}}},
        {"dbmate without up marker", {{"1_a.sql", dbmate_ok}, {"2_b.sql", "SELECT 2;\n-- migrate:down\n"}}, {},
         {{"migrations/2_b.sql", 0, 0, "missing '-- migrate:up'"}}},
        {"dbmate sql before up", {{"1_a.sql", "-- header\nSELECT 0;\n-- migrate:up\nSELECT 1;\n"}}, {},
         {{"migrations/1_a.sql", 2, 1, "SQL before '-- migrate:up'"}}},
        {"dbmate down before up", {{"1_a.sql", "-- migrate:down\nSELECT 0;\n-- migrate:up\nSELECT 1;\n"}}, {},
         {{"migrations/1_a.sql", 1, 1, "'-- migrate:down' comes before '-- migrate:up'"},
          {"migrations/1_a.sql", 2, 1, "SQL before '-- migrate:up'"}}},
        {"dbmate two up markers", {{"1_a.sql", "-- migrate:up\nSELECT 1;\n-- migrate:up\nSELECT 2;\n"}}, {},
         {{"migrations/1_a.sql", 3, 1, "second '-- migrate:up' marker"}}},
        {"dbmate empty up", {{"1_a.sql", "-- migrate:up\n\n-- migrate:down\nDROP TABLE t;\n"}}, {},
         {{"migrations/1_a.sql", 2, 1, "empty migration: no SQL in the up part"}}},
        {"dbmate directive error in up", {{"1_a.sql", "-- migrate:up\n-- lockwise:lock-timeout soon\nSELECT 1;\n"}}, {},
         {{"migrations/1_a.sql", 2, 26, "invalid duration 'soon'"}}},
        {"goose without up", {{"1_a.sql", goose_ok}, {"2_b.sql", "SELECT 2;\n-- +goose Down\n"}}, {},
         {{"migrations/2_b.sql", 2, 1, "'-- +goose Down' before '-- +goose Up'"},
          {"migrations/2_b.sql", 0, 0, "missing '-- +goose Up'"}}},
        {"goose statement begin without end",
         {{"1_a.sql", "-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n-- +goose Down\nSELECT 2;\n"}}, {},
         {{"migrations/1_a.sql", 2, 1, "'-- +goose StatementBegin' without a StatementEnd"}}},
        {"goose statement end without begin", {{"1_a.sql", "-- +goose Up\nSELECT 1;\n-- +goose StatementEnd\n"}}, {},
         {{"migrations/1_a.sql", 3, 1, "'-- +goose StatementEnd' without a StatementBegin"}}},
        {"goose unknown annotation", {{"1_a.sql", "-- +goose Up\n-- +goose Sideways\nSELECT 1;\n"}}, {},
         {{"migrations/1_a.sql", 2, 1, "unknown goose annotation 'Sideways'"}}},
        {"goose envsub", {{"1_a.sql", "-- +goose Up\n-- +goose ENVSUB ON\nSELECT '${X}';\n"}}, {},
         {{"migrations/1_a.sql", 2, 1, "goose ENVSUB is not supported"}}},
        {"goose sql before up", {{"1_a.sql", "SELECT 0;\n-- +goose Up\nSELECT 1;\n"}}, {},
         {{"migrations/1_a.sql", 1, 1, "SQL before '-- +goose Up'"}}},
        {"goose go migration", {{"1_a.sql", goose_ok}, {"2_seed.go", "package migrations\n"}}, {},
         {{"migrations/2_seed.go", 0, 0, "goose Go migrations are not supported"}}},
        {"goose empty up", {{"1_a.sql", "-- +goose Up\n-- just a comment\n-- +goose Down\nSELECT 1;\n"}}, {},
         {{"migrations/1_a.sql", 2, 1, "empty migration: no SQL in the up part"}}},
        {"diesel folder without up.sql", {{"2024-01-01-000000_a/down.sql", "SELECT 1;"}}, {},
         {{"migrations/2024-01-01-000000_a", 0, 0, "diesel migration folder without up.sql"}}},
        {"diesel duplicate dashed and plain", {{"2024-01-01-000000_a/up.sql", "SELECT 1;"}, {"20240101000000_b/up.sql", "SELECT 2;"}}, {},
         {{"migrations/20240101000000_b/up.sql", 0, 0,
           "duplicate version 20240101000000: migrations/2024-01-01-000000_a/up.sql and migrations/20240101000000_b/up.sql"}}},
        {"diesel metadata not a bool", {{"2024-01-01-000000_a/up.sql", "SELECT 1;"}, {"2024-01-01-000000_a/metadata.toml", "\nrun_in_transaction = \"no\"\n"}}, {},
         {{"migrations/2024-01-01-000000_a/metadata.toml", 2, 22, "run_in_transaction must be true or false"}}},
        {"mixed formats", {{"V1__a.sql", "SELECT 1;"}, {"2_b.up.sql", "SELECT 2;"}}, {},
         {{"migrations", 0, 0, "mixed migration formats: native (migrations/V1__a.sql), golang-migrate (migrations/2_b.up.sql)"}}},
        {"cannot tell the format", {{"1_a.sql", "SELECT 1;"}}, {},
         {{"migrations", 0, 0, "cannot tell the migration format"}}},
        {"forced format reports the others", {{"V1__a.sql", "SELECT 1;"}, {"2_b.up.sql", "SELECT 2;"}}, Format::golang_migrate, {}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        const testkit::TempDir dir;
        const auto catalog = load(dir, c.files, c.forced);
        ASSERT_EQ(catalog.errors.size(), c.errors.size()) << all_errors(catalog);
        for (std::size_t i = 0; i < c.errors.size(); ++i) {
            const auto& error = catalog.errors[i];
            EXPECT_EQ(error.file, c.errors[i].file);
            EXPECT_EQ(error.line, c.errors[i].line);
            EXPECT_EQ(error.column, c.errors[i].column);
            EXPECT_EQ(error.message, c.errors[i].message);
            EXPECT_FALSE(error.hint.empty()) << error.message;
            if (error.line == 0) {
                EXPECT_TRUE(error.source_line.empty());
            }
        }
    }
}

TEST(CatalogErrors, InvalidTomlPointsAtTheProblem)
{
    const testkit::TempDir dir;
    const auto catalog = load(dir, {{"2024-01-01-000000_a/up.sql", "SELECT 1;"},
                                    {"2024-01-01-000000_a/metadata.toml", "run_in_transaction = \n"}});
    ASSERT_EQ(catalog.errors.size(), 1u) << all_errors(catalog);
    EXPECT_EQ(catalog.errors[0].line, 1);
    EXPECT_EQ(catalog.errors[0].message.rfind("invalid TOML: ", 0), 0u);
}

TEST(CatalogErrors, MissingDirectoryAndFileInsteadOfDirectory)
{
    const testkit::TempDir dir;
    const auto missing = load_catalog(dir.path() / "nope");
    ASSERT_EQ(missing.errors.size(), 1u);
    EXPECT_EQ(missing.errors[0].message, "migrations directory does not exist");
    EXPECT_EQ(missing.errors[0].file, (dir.path() / "nope").string());
    const auto file = dir.write("migrations.sql", "SELECT 1;");
    const auto not_directory = load_catalog(file);
    ASSERT_EQ(not_directory.errors.size(), 1u);
    EXPECT_EQ(not_directory.errors[0].message, "not a directory");
}

TEST(CatalogErrors, EmptyDirectoryIsAnEmptyNativeCatalog)
{
    const testkit::TempDir dir;
    std::filesystem::create_directories(dir.path() / "migrations");
    const auto catalog = load_catalog(dir.path() / "migrations/");
    EXPECT_TRUE(catalog.errors.empty());
    EXPECT_TRUE(catalog.migrations.empty());
    EXPECT_EQ(catalog.format, Format::native);
}

TEST(CatalogErrors, UnreadableFileIsAnError)
{
    if (geteuid() == 0) {
        GTEST_SKIP() << "running as root: chmod 000 does not stop root from reading, so this case cannot fail here";
    }
    const testkit::TempDir dir;
    const auto path = dir.write("migrations/V1__a.sql", "SELECT 1;");
    ASSERT_EQ(chmod(path.c_str(), 0), 0);
    const auto catalog = load_catalog(dir.path() / "migrations");
    chmod(path.c_str(), 0644);
    ASSERT_EQ(catalog.errors.size(), 1u) << all_errors(catalog);
    EXPECT_EQ(catalog.errors[0].file, "migrations/V1__a.sql");
    EXPECT_EQ(catalog.errors[0].message, "cannot read file: Permission denied");
}

TEST(CatalogErrors, GapsAreFineAndOrderIsNumeric)
{
    const testkit::TempDir dir;
    const auto catalog = load(dir, {{"V10.1__d.sql", "SELECT 4;"}, {"V2__b.sql", "SELECT 2;"}, {"V1__a.sql", "SELECT 1;"},
                                    {"V10__c.sql", "SELECT 3;"}, {"V100__e.sql", "SELECT 5;"}});
    EXPECT_TRUE(catalog.errors.empty()) << all_errors(catalog);
    EXPECT_TRUE(catalog.notes.empty());
    std::vector<std::string> order;
    for (const auto& migration : catalog.migrations) {
        order.push_back(migration.version.text);
    }
    EXPECT_EQ(order, (std::vector<std::string>{"1", "2", "10", "10.1", "100"}));
}

TEST(CatalogErrors, FilesOfNoMigrationAreNotes)
{
    const testkit::TempDir dir;
    const auto native = load(dir, {{"V1__a.sql", "SELECT 1;"}, {"helpers.sql", "SELECT 2;"}, {"views.sql", "x"},
                                   {"docs/README.md", "# docs"}, {"nested/V2__b.sql", "SELECT 2;"}});
    EXPECT_TRUE(native.errors.empty()) << all_errors(native);
    // Like Flyway, subfolders are searched too.
    ASSERT_EQ(native.migrations.size(), 2u);
    EXPECT_EQ(native.migrations[1].display_path, "migrations/nested/V2__b.sql");
    std::vector<std::string> noted;
    for (const auto& note : native.notes) {
        noted.push_back(note.file);
        EXPECT_EQ(note.line, 0);
        EXPECT_EQ(note.message.rfind("ignored: ", 0), 0u);
    }
    EXPECT_EQ(noted, (std::vector<std::string>{"migrations/docs/README.md", "migrations/helpers.sql", "migrations/views.sql"}));

    const testkit::TempDir other;
    const auto golang = load(other, {{"1_a.up.sql", "SELECT 1;"}, {"seed/data.sql", "SELECT 2;"}, {"Makefile", "x"}});
    EXPECT_TRUE(golang.errors.empty()) << all_errors(golang);
    ASSERT_EQ(golang.notes.size(), 2u);
    EXPECT_EQ(golang.notes[0].file, "migrations/Makefile");
    EXPECT_EQ(golang.notes[1].file, "migrations/seed");
}

TEST(CatalogErrors, BomAndCrlfDoNotChangeTheChecksum)
{
    const std::string lf = "-- lockwise:lock-timeout 1s\nCREATE TABLE t (id int);\nINSERT INTO t VALUES (1);\n";
    std::string crlf;
    for (const char c : lf) {
        crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    }
    const testkit::TempDir a;
    const testkit::TempDir b;
    const auto plain = load(a, {{"V1__a.sql", lf}});
    const auto windows = load(b, {{"V1__a.sql", "\xEF\xBB\xBF" + crlf}});
    ASSERT_TRUE(plain.errors.empty()) << all_errors(plain);
    ASSERT_TRUE(windows.errors.empty()) << all_errors(windows);
    const auto& migration = windows.migrations.at(0);
    EXPECT_EQ(migration.checksum, plain.migrations.at(0).checksum);
    EXPECT_EQ(migration.checksum.rfind("sha256:", 0), 0u);
    EXPECT_EQ(migration.checksum.size(), 7u + 64u);
    EXPECT_EQ(migration.text, crlf); // the BOM is gone, the line endings are kept
    ASSERT_EQ(migration.directives.size(), 1u);
    EXPECT_EQ(migration.directives[0].words, std::vector<std::string>{"1s"}); // no stray '\r'
    // Any other change is drift.
    const testkit::TempDir c;
    const auto changed = load(c, {{"V1__a.sql", lf + "SELECT 1;\n"}});
    EXPECT_NE(changed.migrations.at(0).checksum, plain.migrations.at(0).checksum);
}

TEST(CatalogErrors, NoTransactionDirectiveWorksInEveryFormat)
{
    const std::string body = "-- lockwise:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (c);\n";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"V1__a.sql", body},
        {"1_a.up.sql", body},
        {"1_a.sql", "-- migrate:up\n" + body},
        {"2_a.sql", "-- +goose Up\n" + body},
        {"2024-01-01-000000_a/up.sql", body},
    };
    for (const auto& [file, content] : cases) {
        SCOPED_TRACE(file);
        const testkit::TempDir dir;
        const auto catalog = load(dir, {{file, content}});
        ASSERT_TRUE(catalog.errors.empty()) << all_errors(catalog);
        ASSERT_EQ(catalog.migrations.size(), 1u);
        EXPECT_FALSE(catalog.migrations[0].run_in_transaction);
    }
}

TEST(CatalogErrors, DirectivesInTheDownPartAreNotRead)
{
    const testkit::TempDir dir;
    const auto catalog = load(dir, {{"1_a.sql", "-- migrate:up\nSELECT 1;\n-- migrate:down\n-- lockwise:bogus\nSELECT 2;\n"}});
    EXPECT_TRUE(catalog.errors.empty()) << all_errors(catalog);
    EXPECT_TRUE(catalog.migrations.at(0).directives.empty());
}

} // namespace
