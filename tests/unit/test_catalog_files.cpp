// Which files the catalog reads at all (regular files inside the migrations directory, under
// the size cap) and which bytes it accepts in them (no NUL, no control characters): a pull
// request must not make lockwise read, hang on or print anything but its migration files.
#include <gtest/gtest.h>

#include <cstdlib>

#include <sys/stat.h>
#include <unistd.h>

#include "lockwise/catalog/migration.hpp"
#include "support/testing.hpp"

using namespace lockwise::catalog;
namespace testkit = lockwise::testkit;

namespace {

std::string all_errors(const Catalog& catalog)
{
    std::string out;
    for (const auto& error : catalog.errors) {
        out += render(error);
    }
    return out;
}

// A value that must never show in any diagnostic: it is only in this process's environment,
// which /proc/self/environ would expose.
constexpr const char* k_fake_secret = "fake-secret-Zq7xW2pL";

class CatalogFiles : public ::testing::Test {
protected:
    void SetUp() override { ::setenv("LOCKWISE_TEST_FAKE_SECRET", k_fake_secret, 1); }
    void TearDown() override { ::unsetenv("LOCKWISE_TEST_FAKE_SECRET"); }

    testkit::TempDir dir;
    std::filesystem::path migrations() const { return dir.path() / "migrations"; }
    void link(const std::string& relative, const std::filesystem::path& target) const
    {
        std::filesystem::create_directories(migrations());
        std::filesystem::create_symlink(target, migrations() / relative);
    }
    // Exactly one error, about `file`, whose message contains `contains`; nothing of the secret.
    static void expect_refused(const Catalog& catalog, const std::string& file, const std::string& contains)
    {
        const auto text = all_errors(catalog);
        ASSERT_EQ(catalog.errors.size(), 1u) << text;
        EXPECT_EQ(catalog.errors[0].file, file) << text;
        EXPECT_NE(catalog.errors[0].message.find(contains), std::string::npos) << text;
        EXPECT_FALSE(catalog.errors[0].hint.empty()) << text;
        EXPECT_EQ(text.find(k_fake_secret), std::string::npos) << text;
        EXPECT_EQ(text.find("LOCKWISE_TEST_FAKE_SECRET"), std::string::npos) << text;
    }
};

TEST_F(CatalogFiles, SymlinkOutsideTheDirectoryIsRefusedUnread)
{
    dir.write("migrations/V1__a.sql", "SELECT 1;\n");
    link("V99__x.sql", "/proc/self/environ");
    expect_refused(load_catalog(migrations()), "migrations/V99__x.sql", "outside the migrations directory");
    // The same through a relative link that climbs out, and for every format's reader.
    const testkit::TempDir other;
    other.write("secret.sql", "SELECT 'not a migration';\n");
    link("V98__y.sql", "../../" + other.path().filename().string() + "/secret.sql");
    std::filesystem::remove(migrations() / "V99__x.sql");
    expect_refused(load_catalog(migrations()), "migrations/V98__y.sql", "outside the migrations directory");
}

TEST_F(CatalogFiles, SymlinkToDevZeroIsRefusedUnread)
{
    // Read, /dev/zero never ends; the check must come before any read.
    link("V1__zero.sql", "/dev/zero");
    expect_refused(load_catalog(migrations()), "migrations/V1__zero.sql", "outside the migrations directory");
}

TEST_F(CatalogFiles, FifoIsRefusedWithoutBlocking)
{
    std::filesystem::create_directories(migrations());
    ASSERT_EQ(::mkfifo((migrations() / "V1__pipe.sql").c_str(), 0600), 0);
    // Opened for reading, a FIFO without a writer would block this test forever.
    expect_refused(load_catalog(migrations()), "migrations/V1__pipe.sql", "FIFO");
    // Format detection reads numbered files for markers: it must not open the FIFO either.
    std::filesystem::remove(migrations() / "V1__pipe.sql");
    dir.write("migrations/20240101000000_a.sql", "-- migrate:up\nSELECT 1;\n");
    ASSERT_EQ(::mkfifo((migrations() / "20240102000000_b.sql").c_str(), 0600), 0);
    expect_refused(load_catalog(migrations()), "migrations/20240102000000_b.sql", "FIFO");
}

TEST_F(CatalogFiles, SymlinkedSubfolderOutsideIsRefused)
{
    // A diesel folder that is a link to elsewhere: the listing does not descend into it and
    // its up.sql would resolve outside; either way nothing of it is read.
    const testkit::TempDir other;
    other.write("2024-01-01-000000_a/up.sql", "SELECT 'outside';\n");
    link("2024-01-01-000000_a", other.path() / "2024-01-01-000000_a");
    const auto catalog = load_catalog(migrations(), Format::diesel);
    ASSERT_FALSE(catalog.errors.empty());
    EXPECT_TRUE(catalog.migrations.empty());
    EXPECT_EQ(all_errors(catalog).find("outside';"), std::string::npos) << all_errors(catalog);
}

TEST_F(CatalogFiles, SymlinkInsideTheDirectoryIsRead)
{
    dir.write("migrations/shared/create.sql", "CREATE TABLE t (id int);\n");
    link("V1__t.sql", "shared/create.sql");
    const auto catalog = load_catalog(migrations());
    ASSERT_TRUE(catalog.errors.empty()) << all_errors(catalog);
    ASSERT_EQ(catalog.migrations.size(), 1u);
    EXPECT_EQ(catalog.migrations[0].text, "CREATE TABLE t (id int);\n");
}

TEST_F(CatalogFiles, FileLargerThanTheCapIsRefused)
{
    dir.write("migrations/V1__big.sql", "SELECT 1;\n" + std::string(2000, '-') + "\n");
    LoadOptions options;
    options.max_file_bytes = 1024;
    const auto catalog = load_catalog(migrations(), options);
    expect_refused(catalog, "migrations/V1__big.sql", "file too large: 2011 bytes, more than migrations.max_file_size (1kB)");
    EXPECT_NE(catalog.errors[0].hint.find("migrations.max_file_size"), std::string::npos);
    options.max_file_bytes = 2011;
    EXPECT_TRUE(load_catalog(migrations(), options).errors.empty());
}

struct ByteCase {
    std::string name;
    std::string content;
    int line;
    int column;
    std::string message;
    std::string hint_part;
};

TEST_F(CatalogFiles, NulAndControlCharactersAreRefusedAtTheirPosition)
{
    using namespace std::string_literals;
    const std::vector<ByteCase> cases = {
        {"nul", "CREATE TABLE a (id int);\0\nCREATE TABLE b (id int);\n"s, 1, 25, "NUL byte in a migration file",
         "UTF-16"},
        {"utf16 without bom", "C\0R\0E\0A\0T\0E\0"s, 1, 2, "NUL byte in a migration file", "UTF-16"},
        {"escape", "SELECT 1;\nSELECT '\x1b[2J';\n", 2, 9, "control character U+001B in a migration file", "E'\\x1B'"},
        {"vertical tab", "SELECT\v1;\n", 1, 7, "control character U+000B in a migration file", "chr(11)"},
        {"delete", "SELECT 1;\x7f\n", 1, 10, "control character U+007F in a migration file", "tab"},
        {"c1 csi", "SELECT '\xC2\x9B" "2J';\n", 1, 9, "control character U+009B in a migration file", "tab"},
    };
    for (const auto& c : cases) {
        const testkit::TempDir tmp;
        tmp.write("migrations/V1__a.sql", c.content);
        const auto catalog = load_catalog(tmp.path() / "migrations");
        ASSERT_EQ(catalog.errors.size(), 1u) << c.name << ": " << all_errors(catalog);
        const auto& error = catalog.errors[0];
        EXPECT_EQ(error.line, c.line) << c.name;
        EXPECT_EQ(error.column, c.column) << c.name;
        EXPECT_EQ(error.message, c.message) << c.name;
        EXPECT_NE(error.hint.find(c.hint_part), std::string::npos) << c.name << ": " << error.hint;
        // The caret line shows the character as U+FFFD, never the raw byte.
        const auto rendered = render(error);
        for (const char bad : {'\0', '\x1b', '\v', '\x7f'}) {
            EXPECT_EQ(rendered.find(bad), std::string::npos) << c.name << ": " << rendered;
        }
        EXPECT_EQ(rendered.find("\xC2\x9B"), std::string::npos) << c.name;
        EXPECT_TRUE(catalog.migrations.empty()) << c.name;
    }
    // Tab, CR, LF and form feed are whitespace to PostgreSQL and stay allowed.
    const testkit::TempDir fine;
    fine.write("migrations/V1__a.sql", "SELECT\t1;\r\n\fSELECT 2;\n");
    EXPECT_TRUE(load_catalog(fine.path() / "migrations").errors.empty());
}

TEST_F(CatalogFiles, Utf16WithByteOrderMarkSaysSo)
{
    dir.write("migrations/V1__a.sql", std::string("\xFF\xFE" "C\0R\0", 6));
    const auto catalog = load_catalog(migrations());
    ASSERT_EQ(catalog.errors.size(), 1u) << all_errors(catalog);
    EXPECT_NE(catalog.errors[0].hint.find("UTF-16 byte-order mark"), std::string::npos) << all_errors(catalog);
}

TEST_F(CatalogFiles, ControlBytesInFileNamesAreNotPrinted)
{
    dir.write("migrations/V1__a\x1b]0;x\x07.sql", std::string("SELECT 1;\0", 10));
    const auto catalog = load_catalog(migrations());
    ASSERT_EQ(catalog.errors.size(), 1u) << all_errors(catalog);
    EXPECT_EQ(catalog.errors[0].file, "migrations/V1__a?]0;x?.sql");
}

} // namespace
