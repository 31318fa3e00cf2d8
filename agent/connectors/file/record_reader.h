#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "agent/connectors/file/buffered_input.h"
#include "agent/connectors/file/csv_reader.h"
#include "common/json/json.h"

namespace ferry::agent::connectors::file {

enum class FileFormat { kCsv, kJsonl };

struct CsvFormat {
  CsvDialect dialect;
  bool header = true;  // the first line names the fields
};

struct ReadLimits {
  std::size_t maxRecordBytes = std::size_t{64} << 20;  // one record or JSON line
  std::size_t bufferBytes = std::size_t{64} << 10;
};

// One step of reading a file as records.
struct RecordItem {
  enum class Kind { kRecord, kFailure, kEnd };
  Kind kind = Kind::kEnd;
  ferry::Json record;      // kRecord: always a JSON object
  std::uint64_t line = 0;  // kRecord, kFailure: the line the record starts on
  std::string message;     // kFailure: what is wrong, without file and line
};

// Reads a file as JSON object records, streaming. Malformed records come back as
// kFailure items and reading goes on after them. Not thread-safe.
class RecordReader {
 public:
  virtual ~RecordReader() = default;
  // Fills `item`. A non-ok Status is an I/O error reading the file (item unset).
  virtual Status next(RecordItem& item) = 0;
  // Where the record after the last returned item starts: what export progress stores.
  virtual FilePosition position() const = 0;
};

// CSV records. With a header, each record is an object keyed by the header's names and
// every record must have as many fields as the header; the header itself is re-read from
// the top of the file when `start` is past it. A header that is malformed, has a duplicate
// name or invalid UTF-8 is one failure (line 1) and the whole file is skipped. Without a
// header, the fields are keyed "1", "2", … and records may differ in field count. Values
// are strings; a field that is not valid UTF-8 fails its record.
std::unique_ptr<RecordReader> makeCsvRecordReader(ByteSource& source, const CsvFormat& format,
                                                  FilePosition start, ReadLimits limits = {});

// JSON Lines: one JSON object per LF-terminated line (a CR before the LF is ignored, a
// UTF-8 BOM at the start skipped). Blank lines are skipped; a line that is not valid JSON,
// not an object, or longer than maxRecordBytes is a failure.
std::unique_ptr<RecordReader> makeJsonlRecordReader(ByteSource& source, FilePosition start,
                                                    ReadLimits limits = {});

// True when `text` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
bool isValidUtf8(std::string_view text);

}  // namespace ferry::agent::connectors::file
