#pragma once

#include <memory>

#include "agent/connectors/connector.h"
#include "agent/connectors/sql/sql_driver.h"

namespace ferry::agent::connectors::sql {

// A lookup on a SQL connection (DESIGN.md "Lookups"). The `match` form ({column:
// recordPath}) fetches the rows for a page's distinct keys in as few queries as the
// engine's parameter limit allows (`c IN (…)`, or `(c1 = ? AND c2 = ?) OR …` for several
// columns). The `query` form runs its SQL once per distinct set of `params` values.
// Rows are found again by the record's values, so the records given to
// LookupRows::rowsFor may be later versions of the fetched ones as long as the matched
// fields are the same. Values compare by their text: 42 matches "42".
// kInvalidArgument when the lookup names an invalid table or column.
Result<std::unique_ptr<LookupSource>> makeSqlLookup(std::unique_ptr<SqlDriver> driver,
                                                    const model::Lookup& spec);

}  // namespace ferry::agent::connectors::sql
