// Each format read from a fixture modelled on a real project's history: versions,
// order, exact up-section boundaries, down parts, transaction flags, directives, notes.
#include <gtest/gtest.h>

#include "lockwise/catalog/checksum.hpp"
#include "lockwise/catalog/migration.hpp"
#include "support/testing.hpp"

using namespace lockwise::catalog;
namespace testkit = lockwise::testkit;

namespace {

std::filesystem::path fixture(const std::string& relative)
{
    return testkit::source_dir() / "tests/data/catalog" / relative;
}

std::string up_sql(const Migration& migration)
{
    return migration.text.substr(migration.up_begin, migration.up_end - migration.up_begin);
}

std::string all_errors(const Catalog& catalog)
{
    std::string out;
    for (const auto& error : catalog.errors) {
        out += render(error);
    }
    return out;
}

std::vector<std::string> notes_of(const Catalog& catalog)
{
    std::vector<std::string> out;
    for (const auto& note : catalog.notes) {
        out.push_back(note.file + ": " + note.message);
    }
    return out;
}

struct Expected {
    std::string version;     // as written
    std::string description;
    std::string display_path;
    bool run_in_transaction;
    bool has_down;
};

void expect_migrations(const Catalog& catalog, const std::vector<Expected>& expected)
{
    ASSERT_EQ(catalog.migrations.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const auto& migration = catalog.migrations[i];
        SCOPED_TRACE(migration.display_path);
        EXPECT_EQ(migration.version.text, expected[i].version);
        EXPECT_EQ(migration.description, expected[i].description);
        EXPECT_EQ(migration.display_path, expected[i].display_path);
        EXPECT_EQ(migration.run_in_transaction, expected[i].run_in_transaction);
        EXPECT_EQ(migration.has_down, expected[i].has_down);
        EXPECT_EQ(migration.down_path.has_value(), expected[i].has_down);
        EXPECT_EQ(migration.checksum, checksum_sql(up_sql(migration)));
        EXPECT_EQ(migration.format, catalog.format);
        if (i > 0) {
            EXPECT_LT(catalog.migrations[i - 1].version, migration.version);
        }
    }
}

TEST(CatalogFormats, NativeFlywayHistory)
{
    const auto catalog = load_catalog(fixture("native/migrations"));
    ASSERT_TRUE(catalog.errors.empty()) << all_errors(catalog);
    EXPECT_EQ(catalog.format, Format::native);
    expect_migrations(catalog, {
        {"1", "create accounts", "migrations/V1__create_accounts.sql", true, false},
        {"1.1", "add account email", "migrations/V1.1__add_account_email.sql", true, false},
        {"2", "create projects", "migrations/V2__create_projects.sql", true, true},
        {"3", "index accounts email", "migrations/V3__index_accounts_email.sql", false, false}, // .sql.conf
        {"10", "index projects account", "migrations/V10__index_projects_account.sql", false, false},
        {"10.1", "backfill projects archived", "migrations/V10.1__backfill_projects_archived.sql", true, false},
    });
    const auto& v2 = catalog.migrations[2];
    EXPECT_EQ(v2.down_text, "DROP TABLE projects;\n");
    EXPECT_EQ(v2.down_path->filename(), "U2__create_projects.sql");
    // A directive-looking text inside a string literal is not a directive.
    EXPECT_TRUE(catalog.migrations[1].directives.empty());
    const auto& v10 = catalog.migrations[4];
    ASSERT_EQ(v10.directives.size(), 2u);
    EXPECT_EQ(v10.directives[0].name, "no-transaction");
    EXPECT_EQ(v10.directives[1].name, "lock-timeout");
    EXPECT_EQ(v10.directives[1].words, std::vector<std::string>{"2s"});
    EXPECT_EQ(v10.directives[1].line, 2);
    const auto& v10_1 = catalog.migrations[5];
    ASSERT_EQ(v10_1.directives.size(), 3u);
    EXPECT_EQ(v10_1.directives[2].name, "backfill");
    EXPECT_EQ(v10_1.directives[2].options.at("pending"), "archived IS NULL");
    EXPECT_EQ(v10_1.directives[2].options.at("target-ms"), "200");
    EXPECT_EQ(v10_1.directives[2].line, 5);
    EXPECT_EQ(v10_1.text.substr(v10_1.directives[2].offset, 20), "-- lockwise:backfill");
    EXPECT_EQ(up_sql(v10_1), v10_1.text); // the whole file is the up SQL
    EXPECT_EQ(notes_of(catalog), (std::vector<std::string>{
                                     "migrations/.gitkeep: ignored: not a migration file (V<version>__<description>.sql)",
                                     "migrations/README.md: ignored: not a migration file (V<version>__<description>.sql)",
                                 }));
}

TEST(CatalogFormats, GolangMigrateHistory)
{
    const auto catalog = load_catalog(fixture("golang-migrate/migrations"));
    ASSERT_TRUE(catalog.errors.empty()) << all_errors(catalog);
    EXPECT_EQ(catalog.format, Format::golang_migrate);
    expect_migrations(catalog, {
        {"000001", "create users table", "migrations/000001_create_users_table.up.sql", true, true},
        {"000002", "add users created at", "migrations/000002_add_users_created_at.up.sql", true, true},
        {"000003", "create orders", "migrations/000003_create_orders.up.sql", true, true},
        {"000004", "index orders user id", "migrations/000004_index_orders_user_id.up.sql", true, true},
    });
    EXPECT_EQ(catalog.migrations[0].version.canonical(), "1");
    EXPECT_EQ(catalog.migrations[3].down_text, "DROP INDEX CONCURRENTLY IF EXISTS orders_user_id_idx;\n");
    EXPECT_EQ(catalog.migrations[3].down_path->filename(), "000004_index_orders_user_id.down.sql");
    EXPECT_TRUE(catalog.notes.empty());
}

TEST(CatalogFormats, DbmateHistory)
{
    const auto catalog = load_catalog(fixture("dbmate/db/migrations"));
    ASSERT_TRUE(catalog.errors.empty()) << all_errors(catalog);
    EXPECT_EQ(catalog.format, Format::dbmate);
    expect_migrations(catalog, {
        {"20230101000000", "create users", "migrations/20230101000000_create_users.sql", true, true},
        {"20230102093000", "create posts", "migrations/20230102093000_create_posts.sql", true, true},
        {"20230110120000", "index posts user id", "migrations/20230110120000_index_posts_user_id.sql", false, true},
        {"20230201000000", "add users email index", "migrations/20230201000000_add_users_email_index.sql", true, true},
    });
    EXPECT_EQ(up_sql(catalog.migrations[0]), "create table users (\n"
                                             "  id bigserial primary key,\n"
                                             "  name varchar(255) not null,\n"
                                             "  email varchar(255) not null\n"
                                             ");\n\n");
    EXPECT_EQ(catalog.migrations[0].down_text, "drop table users;\n");
    EXPECT_EQ(catalog.migrations[0].down_path, catalog.migrations[0].path);
    // The indented "-- migrate:down" inside the function body is not a marker.
    EXPECT_NE(up_sql(catalog.migrations[1]).find("$$;\n\n"), std::string::npos);
    EXPECT_EQ(catalog.migrations[1].down_text, "drop function posts_touch();\ndrop table posts;\n");
    EXPECT_EQ(up_sql(catalog.migrations[2]), "create index concurrently posts_user_id_idx on posts (user_id);\n\n");
    const auto& last = catalog.migrations[3];
    EXPECT_EQ(up_sql(last), "-- lockwise:lock-timeout 500ms\ncreate unique index users_email_key on users (email);\n");
    ASSERT_EQ(last.directives.size(), 1u);
    EXPECT_EQ(last.directives[0].line, 3);
    EXPECT_EQ(last.directives[0].offset, last.up_begin);
}

TEST(CatalogFormats, GooseHistory)
{
    const auto catalog = load_catalog(fixture("goose/migrations"));
    ASSERT_TRUE(catalog.errors.empty()) << all_errors(catalog);
    EXPECT_EQ(catalog.format, Format::goose);
    expect_migrations(catalog, {
        {"00001", "create users", "migrations/00001_create_users.sql", true, true},
        {"00002", "users updated at trigger", "migrations/00002_users_updated_at_trigger.sql", true, true},
        {"00003", "index users email", "migrations/00003_index_users_email.sql", false, true},
        {"00004", "create roles", "migrations/00004_create_roles.sql", true, false},
    });
    const auto trigger_up = up_sql(catalog.migrations[1]);
    EXPECT_EQ(trigger_up.substr(0, 25), "-- +goose StatementBegin\n");
    EXPECT_NE(trigger_up.find("    NEW.updated_at := now();\n    RETURN NEW;\n"), std::string::npos);
    const std::string trigger_tail = "    FOR EACH ROW EXECUTE FUNCTION set_updated_at();\n\n";
    EXPECT_EQ(trigger_up.substr(trigger_up.size() - trigger_tail.size()), trigger_tail); // stops before Down
    EXPECT_EQ(catalog.migrations[1].down_text, "DROP TRIGGER users_set_updated_at ON users;\n-- +goose StatementBegin\n"
                                               "DROP FUNCTION set_updated_at();\n-- +goose StatementEnd\n");
    EXPECT_EQ(up_sql(catalog.migrations[2]), "CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);\n\n");
    // Lowercase "-- +goose up" is accepted, as goose does; no Down section.
    EXPECT_EQ(up_sql(catalog.migrations[3]), "CREATE TABLE roles (name text PRIMARY KEY);\n"
                                             "INSERT INTO roles (name) VALUES ('admin'), ('member');\n");
    EXPECT_EQ(catalog.migrations[3].down_text, "");
}

TEST(CatalogFormats, DieselHistory)
{
    const auto catalog = load_catalog(fixture("diesel/migrations"));
    ASSERT_TRUE(catalog.errors.empty()) << all_errors(catalog);
    EXPECT_EQ(catalog.format, Format::diesel);
    expect_migrations(catalog, {
        {"00000000000000", "diesel initial setup", "migrations/00000000000000_diesel_initial_setup/up.sql", true, true},
        {"2024-01-01-120000", "create users", "migrations/2024-01-01-120000_create_users/up.sql", true, true},
        {"2024-01-15-083000", "create posts", "migrations/2024-01-15-083000_create_posts/up.sql", true, true},
        {"2024-02-01-000000", "index posts title", "migrations/2024-02-01-000000_index_posts_title/up.sql", false, true},
    });
    EXPECT_EQ(catalog.migrations[1].version.canonical(), "20240101120000");
    const auto setup = up_sql(catalog.migrations[0]);
    EXPECT_NE(setup.find("CREATE OR REPLACE FUNCTION diesel_manage_updated_at(_tbl regclass)"), std::string::npos);
    EXPECT_NE(setup.find("CREATE OR REPLACE FUNCTION diesel_set_updated_at()"), std::string::npos);
    EXPECT_EQ(catalog.migrations[3].down_text, "DROP INDEX CONCURRENTLY posts_title_idx;\n");
    EXPECT_EQ(notes_of(catalog),
              std::vector<std::string>{"migrations/.keep: ignored: diesel migrations are folders (<version>_<name>/up.sql)"});
}

TEST(CatalogFormats, ForcedFormatSkipsDetection)
{
    const auto catalog = load_catalog(fixture("goose/migrations"), Format::goose);
    EXPECT_TRUE(catalog.errors.empty()) << all_errors(catalog);
    EXPECT_EQ(catalog.migrations.size(), 4u);
    // Forcing the wrong format reports what does not fit instead of guessing.
    const auto wrong = load_catalog(fixture("goose/migrations"), Format::dbmate);
    EXPECT_EQ(wrong.errors.size(), 4u);
    EXPECT_EQ(wrong.errors[0].message, "missing '-- migrate:up'");
}

} // namespace

TEST(CatalogFormats, NativeRepeatableMigrationsComeLastByDescription)
{
    testkit::TempDir dir;
    dir.write("migrations/V2__b.sql", "SELECT 2;\n");
    dir.write("migrations/R__views.sql", "CREATE OR REPLACE VIEW v AS SELECT 1;\n");
    dir.write("migrations/V1__a.sql", "SELECT 1;\n");
    dir.write("migrations/sub/R__functions.sql", "SELECT 3;\n");
    dir.write("migrations/R__functions.sql.conf", "executeInTransaction=false\n");
    dir.write("migrations/sub/R__functions.sql.conf", "executeInTransaction=false\n");
    const auto catalog = load_catalog(dir.path() / "migrations");
    ASSERT_TRUE(catalog.errors.empty()) << all_errors(catalog);
    EXPECT_EQ(catalog.format, Format::native);
    ASSERT_EQ(catalog.migrations.size(), 4u);
    std::vector<std::string> order;
    for (const auto& migration : catalog.migrations) {
        order.push_back(migration.version.text + (migration.repeatable ? " repeatable" : ""));
        EXPECT_EQ(migration.checksum, checksum_sql(up_sql(migration)));
    }
    EXPECT_EQ(order, (std::vector<std::string>{"1", "2", "R__functions repeatable", "R__views repeatable"}));
    const auto& functions = catalog.migrations[2];
    EXPECT_TRUE(functions.version.parts.empty());
    EXPECT_EQ(functions.description, "functions");
    EXPECT_EQ(functions.display_path, "migrations/sub/R__functions.sql");
    EXPECT_FALSE(functions.run_in_transaction) << "its .sql.conf applies";
    EXPECT_TRUE(catalog.migrations[3].run_in_transaction);
}
