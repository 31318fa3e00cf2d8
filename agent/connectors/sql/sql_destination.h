#pragma once

#include <memory>

#include "agent/connectors/connector.h"
#include "agent/connectors/sql/sql_driver.h"

namespace ferry::agent::connectors::sql {

// A `table` import (insert, update or upsert on key columns), one transaction per page with
// the page's checkpoint row in the destination's ferry_checkpoints table (created when
// missing), so a page is written exactly once (DESIGN.md "Delivery"). The page goes in
// through the driver's bulk path; when the database refuses data (a constraint), the page
// is written again row by row under savepoints so each refused row becomes a per-record
// failure with the database's message and the rest is written.
// kInvalidArgument when the import's table or key names are not valid SQL names;
// a failure to create the checkpoint table is returned as the driver reported it.
Result<std::unique_ptr<Destination>> makeSqlDestination(std::unique_ptr<SqlDriver> driver,
                                                        const model::Import& spec);

// The checkpoint table, as created when missing (docs/connector-sql.md).
inline constexpr const char* kCheckpointTable = "ferry_checkpoints";

}  // namespace ferry::agent::connectors::sql
