// SqlError: the server's error fields plus the statement that caused them.
#include "lockwise/pg/sql_error.hpp"

namespace lockwise::pg {

SqlError::SqlError(ErrorFields fields)
    : core::Error(core::ExitCode::migration_failed, fields.message, fields.hint),
      m_fields(std::move(fields))
{
}

} // namespace lockwise::pg
