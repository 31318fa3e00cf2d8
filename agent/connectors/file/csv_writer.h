#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "agent/connectors/file/csv_reader.h"
#include "common/json/json.h"
#include "common/status/result.h"

namespace ferry::agent::connectors::file {

// Appends one record and its CRLF (RFC 4180) to `out`. A field is quoted when it holds the
// delimiter, the quote, CR or LF, its quotes doubled. A record of a single empty field is
// written as two quotes so that readers, which skip empty lines, do not lose it.
void appendCsvRecord(std::string& out, const std::vector<std::string>& fields,
                     const CsvDialect& dialect);

// The text a JSON value takes in a CSV field: strings as they are, null as an empty
// field, numbers and booleans as JSON writes them, objects and arrays as JSON text.
std::string csvFieldText(const ferry::Json& value);

// The fields of `row` (a JSON object) in the order of `columns`; a missing key is an empty
// field. kInvalidArgument when `row` is not an object or has a key that is not a column,
// so no value is dropped silently.
Result<std::vector<std::string>> csvFieldsOf(const ferry::Json& row,
                                             const std::vector<std::string>& columns);

// Columns for a file whose columns nothing else fixes: the keys of `row`, in numeric order
// when every key is a decimal number ("1", "2", … "10", as the CSV reader names the fields
// of a file without a header), else in byte order.
std::vector<std::string> columnsOf(const ferry::Json& row);

}  // namespace ferry::agent::connectors::file
