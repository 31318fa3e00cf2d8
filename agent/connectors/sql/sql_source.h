#pragma once

#include <memory>

#include "agent/connectors/connector.h"
#include "agent/connectors/sql/sql_driver.h"

namespace ferry::agent::connectors::sql {

// A `query` export: runs the export's SQL with `:since` bound to the watermark and streams
// its rows in pages of pageSize. Progress committed with each page is
// {"field": <last row's delta.field>, "key": <last row's delta.key>} (DESIGN.md "Watermark
// ties"): on the next read, rows equal to the watermark with a key not above it are the
// ones already exported and are dropped. Without `delta` a read returns every row and
// progress is null.
std::unique_ptr<Source> makeSqlSource(std::unique_ptr<SqlDriver> driver, const model::Export& spec);

// How the boundary compares values: numbers numerically, strings bytewise (UTF-8), other
// types by their JSON text; -1, 0, 1. Keys the database orders differently (a collation
// other than bytewise for text keys) must be integers or use a bytewise collation
// (docs/connector-sql.md).
int compareWatermarkValues(const ferry::Json& a, const ferry::Json& b);

}  // namespace ferry::agent::connectors::sql
