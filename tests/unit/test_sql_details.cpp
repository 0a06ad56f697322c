// The classifier's detail members: column types and defaults, constraints,
// index and UPDATE pieces, cross-statement resolution, and the lock table.
#include <gtest/gtest.h>

#include <algorithm>

#include "lockwise/sql/statement.hpp"

using namespace lockwise;

namespace {

sql::Statement only(const std::string& text)
{
    auto script = sql::parse_script(text);
    EXPECT_TRUE(script.errors.empty()) << (script.errors.empty() ? "" : script.errors[0].message);
    EXPECT_EQ(script.statements.size(), 1U);
    return script.statements.empty() ? sql::Statement{} : script.statements[0];
}

TEST(SqlDetails, CreateTableColumnsHaveCanonicalTypes)
{
    const auto statement = only(
        "CREATE TABLE t (id bigserial PRIMARY KEY, n integer NOT NULL, s varchar(255), c char(3), "
        "at timestamp, atz timestamp with time zone, j json, a numeric(10,2)[], u uuid DEFAULT gen_random_uuid(), "
        "d int DEFAULT '5'::int, g text GENERATED ALWAYS AS (lower(s)) STORED, i int GENERATED ALWAYS AS IDENTITY, "
        "lead_id bigint REFERENCES leads (id), CONSTRAINT n_positive CHECK (n > 0))");
    ASSERT_EQ(statement.columns.size(), 13U);
    const auto& id = statement.columns[0];
    EXPECT_EQ(id.type_name, "int8");
    EXPECT_TRUE(id.serial);
    EXPECT_TRUE(id.primary_key);
    EXPECT_EQ(statement.columns[1].type_name, "int4");
    EXPECT_TRUE(statement.columns[1].not_null);
    EXPECT_EQ(statement.columns[2].type_name, "varchar");
    EXPECT_EQ(statement.columns[2].type_modifiers, std::vector<long>{255});
    EXPECT_EQ(statement.columns[3].type_name, "bpchar");
    EXPECT_EQ(statement.columns[4].type_name, "timestamp");
    EXPECT_EQ(statement.columns[5].type_name, "timestamptz");
    EXPECT_EQ(statement.columns[6].type_name, "json");
    EXPECT_EQ(statement.columns[7].type_name, "numeric");
    EXPECT_TRUE(statement.columns[7].is_array);
    EXPECT_EQ(statement.columns[7].type_modifiers, (std::vector<long>{10, 2}));
    EXPECT_TRUE(statement.columns[8].default_is_volatile);
    EXPECT_TRUE(statement.columns[9].has_default);
    EXPECT_FALSE(statement.columns[9].default_is_volatile);
    EXPECT_TRUE(statement.columns[10].generated_stored);
    EXPECT_TRUE(statement.columns[11].identity);
    ASSERT_EQ(statement.constraints.size(), 3U);
    EXPECT_EQ(statement.constraints[0].kind, sql::ConstraintKind::primary_key);
    EXPECT_EQ(statement.constraints[1].kind, sql::ConstraintKind::foreign_key);
    EXPECT_EQ(statement.constraints[1].referenced_table, "leads");
    EXPECT_EQ(statement.constraints[2].name, "n_positive");
    EXPECT_EQ(statement.constraints[2].columns, std::vector<std::string>{"n"});
}

TEST(SqlDetails, DefaultVolatility)
{
    const auto volatile_default = [](const std::string& expression) {
        const auto statement = only("ALTER TABLE t ADD COLUMN c text DEFAULT " + expression);
        return statement.actions.at(0).column_def->default_is_volatile;
    };
    EXPECT_FALSE(volatile_default("'x'"));
    EXPECT_FALSE(volatile_default("now()"));
    EXPECT_FALSE(volatile_default("CURRENT_TIMESTAMP"));
    EXPECT_FALSE(volatile_default("lower('X')"));
    EXPECT_FALSE(volatile_default("coalesce(NULL, 'a')"));
    EXPECT_FALSE(volatile_default("'2024-01-01'::date"));
    EXPECT_TRUE(volatile_default("random()::text"));
    EXPECT_TRUE(volatile_default("clock_timestamp()"));
    EXPECT_TRUE(volatile_default("nextval('s')"));
    EXPECT_TRUE(volatile_default("gen_random_uuid()"));
    EXPECT_TRUE(volatile_default("uuid_generate_v4()"));
    EXPECT_TRUE(volatile_default("timeofday()"));
    EXPECT_TRUE(volatile_default("my_function()"));
}

TEST(SqlDetails, AlterColumnTypeAndConstraints)
{
    const auto statement = only(
        "ALTER TABLE leads ALTER COLUMN name TYPE varchar(200) USING name::varchar(200), "
        "ADD CONSTRAINT email_present CHECK (email IS NOT NULL) NOT VALID, "
        "ADD CONSTRAINT leads_email_key UNIQUE USING INDEX leads_email_idx");
    ASSERT_EQ(statement.actions.size(), 3U);
    const auto& type = statement.actions[0];
    EXPECT_EQ(type.kind, sql::AlterAction::Kind::alter_column_type);
    EXPECT_EQ(type.column, "name");
    EXPECT_TRUE(type.has_using);
    EXPECT_EQ(type.column_def->type_name, "varchar");
    EXPECT_EQ(type.column_def->type_modifiers, std::vector<long>{200});
    const auto& check = *statement.actions[1].constraint;
    EXPECT_TRUE(check.not_valid);
    EXPECT_EQ(check.not_null_check_column, "email");
    EXPECT_EQ(statement.actions[1].work, sql::TableWork::metadata_only);
    EXPECT_EQ(statement.actions[2].constraint->using_index, "leads_email_idx");
    EXPECT_EQ(statement.work, sql::TableWork::rewrite);
    EXPECT_EQ(statement.locks.at(0).mode, sql::LockMode::access_exclusive);
}

TEST(SqlDetails, IndexInfo)
{
    const auto statement = only(
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS leads_idx ON crm.leads USING btree (tenant_id, lower(email)) "
        "WHERE deleted_at IS NULL");
    ASSERT_TRUE(statement.index.has_value());
    const auto& index = *statement.index;
    EXPECT_EQ(index.name, "leads_idx");
    EXPECT_EQ(index.schema, "crm");
    EXPECT_EQ(index.table, "leads");
    EXPECT_EQ(index.columns, (std::vector<std::string>{"tenant_id", "(expr)"}));
    EXPECT_TRUE(index.unique && index.concurrently && index.if_not_exists && index.partial);
    EXPECT_EQ(index.method, "btree");
    EXPECT_FALSE(statement.transactional);
}

TEST(SqlDetails, UpdateInfoSplitsAtTheTopLevelWhere)
{
    const auto statement = only(
        "UPDATE leads AS l SET last_call_direction = (SELECT c.direction FROM call_log c WHERE c.lead_id = l.id "
        "ORDER BY c.started_at LIMIT 1), score = 1\n  WHERE l.tenant_id = 7 AND l.last_call_direction IS NULL");
    ASSERT_TRUE(statement.update.has_value());
    const auto& update = *statement.update;
    EXPECT_EQ(update.table, "leads");
    EXPECT_EQ(update.alias, "l");
    EXPECT_EQ(update.set_columns, (std::vector<std::string>{"last_call_direction", "score"}));
    EXPECT_EQ(update.head_text, "UPDATE leads AS l SET last_call_direction = (SELECT c.direction FROM call_log c "
                                "WHERE c.lead_id = l.id ORDER BY c.started_at LIMIT 1), score = 1");
    EXPECT_EQ(update.where_text, "l.tenant_id = 7 AND l.last_call_direction IS NULL");
    EXPECT_TRUE(statement.has_where);
    EXPECT_FALSE(update.has_from);

    const auto returning = only("UPDATE t SET a = 1 WHERE b = 'where' RETURNING a");
    EXPECT_EQ(returning.update->where_text, "b = 'where'");
    EXPECT_TRUE(returning.update->has_returning);
    const auto no_where = only("UPDATE t SET a = 1");
    EXPECT_EQ(no_where.update->head_text, "UPDATE t SET a = 1");
    EXPECT_EQ(no_where.update->where_text, "");
}

TEST(SqlDetails, EarlierStatementsNameTheTablesOfLaterOnes)
{
    const auto script = sql::parse_script(
        "ALTER TABLE call_log ADD CONSTRAINT call_log_lead_fk FOREIGN KEY (lead_id) REFERENCES leads (id) NOT VALID;\n"
        "ALTER TABLE call_log VALIDATE CONSTRAINT call_log_lead_fk;\n"
        "CREATE INDEX CONCURRENTLY call_log_idx ON call_log (lead_id);\n"
        "DROP INDEX CONCURRENTLY call_log_idx;\n");
    ASSERT_EQ(script.statements.size(), 4U);
    const auto& validate = script.statements[1];
    ASSERT_EQ(validate.locks.size(), 2U);
    EXPECT_EQ(validate.locks[1].name, "leads");
    EXPECT_EQ(validate.locks[1].mode, sql::LockMode::row_share);
    const auto& drop = script.statements[3];
    EXPECT_EQ(drop.index->table, "call_log");
    ASSERT_EQ(drop.locks.size(), 2U);
    EXPECT_EQ(drop.locks[1].name, "call_log");
    EXPECT_EQ(drop.locks[1].mode, sql::LockMode::share_update_exclusive);
}

TEST(SqlDetails, CreatedRelationKeepsItsNormalModeLaterInTheScript)
{
    const auto script = sql::parse_script("CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN x int;\n");
    ASSERT_EQ(script.statements.size(), 2U);
    EXPECT_TRUE(script.statements[0].locks.at(0).created_by_statement);
    EXPECT_FALSE(script.statements[1].locks.at(0).created_by_statement);
    EXPECT_EQ(script.statements[1].locks.at(0).mode, sql::LockMode::access_exclusive);
}

TEST(SqlDetails, EnumAndUsedTypes)
{
    const auto add = only("ALTER TYPE mood ADD VALUE 'meh'");
    EXPECT_EQ(add.enum_type, "mood");
    const auto use = only("UPDATE people SET feeling = 'meh'::mood WHERE id = 1");
    EXPECT_NE(std::find(use.used_types.begin(), use.used_types.end(), "mood"), use.used_types.end());
}

TEST(SqlLockModes, NamesAndConflicts)
{
    using sql::LockMode;
    for (int value = 0; value <= 8; ++value) {
        const auto mode = static_cast<LockMode>(value);
        EXPECT_EQ(sql::lock_mode_from_name(sql::lock_mode_name(mode)), mode);
    }
    EXPECT_EQ(sql::lock_mode_from_name("NoSuchLock"), std::nullopt);
    EXPECT_TRUE(sql::lock_modes_conflict(LockMode::access_exclusive, LockMode::access_share));
    EXPECT_FALSE(sql::lock_modes_conflict(LockMode::share_update_exclusive, LockMode::row_exclusive));
    EXPECT_TRUE(sql::lock_modes_conflict(LockMode::share_update_exclusive, LockMode::share_update_exclusive));
    EXPECT_FALSE(sql::lock_modes_conflict(LockMode::share, LockMode::share));
    EXPECT_TRUE(sql::lock_modes_conflict(LockMode::share, LockMode::row_exclusive));
    EXPECT_TRUE(sql::lock_modes_conflict(LockMode::exclusive, LockMode::row_share));
    EXPECT_FALSE(sql::lock_modes_conflict(LockMode::exclusive, LockMode::access_share));
    for (int held = 1; held <= 8; ++held) {
        for (int requested = 1; requested <= 8; ++requested) {
            EXPECT_EQ(sql::lock_modes_conflict(static_cast<LockMode>(held), static_cast<LockMode>(requested)),
                      sql::lock_modes_conflict(static_cast<LockMode>(requested), static_cast<LockMode>(held)));
        }
    }
    EXPECT_TRUE(sql::lock_blocks_writes(LockMode::share));
    EXPECT_FALSE(sql::lock_blocks_reads(LockMode::share));
    EXPECT_TRUE(sql::lock_blocks_reads(LockMode::access_exclusive));
    EXPECT_FALSE(sql::lock_blocks_writes(LockMode::share_update_exclusive));
    EXPECT_EQ(sql::table_work_name(sql::TableWork::metadata_only), "metadata-only");
}

} // namespace
