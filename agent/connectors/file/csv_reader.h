#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agent/connectors/file/buffered_input.h"

namespace ferry::agent::connectors::file {

struct CsvDialect {
  char delimiter = ',';
  char quote = '"';
};

// A strict, streaming RFC 4180 reader: quoted fields with doubled quotes, delimiters and
// line breaks inside; CRLF or LF line ends; a UTF-8 BOM at offset 0 skipped. Choices RFC
// 4180 leaves open (docs/connector-file.md lists them): empty lines are skipped; a CR not
// followed by LF is data; line breaks inside quoted fields are kept as written.
//
// A malformed record (a quote inside an unquoted field, text after a closing quote, an
// unterminated quote, a record longer than maxRecordBytes, a wrong number of fields) is
// returned as an Error with its line; the reader then resynchronises at the next line, so
// the records after it are still read:
//   - a stray quote: the rest of the line where it was found is skipped;
//   - an unterminated quote or an over-long record: reading resumes on the line after the
//     one the record started on (its would-be content is read again as records).
// Not thread-safe; one reader per file.
class CsvReader {
 public:
  enum class FieldCount {
    kVariable,     // records may have any number of fields
    kSameAsFirst,  // every record has as many fields as the first (the header, if any)
  };
  struct Options {
    CsvDialect dialect;
    FieldCount fieldCount = FieldCount::kSameAsFirst;
    // A bound on one record, so a stray quote cannot pull the rest of a large file into
    // memory.
    std::size_t maxRecordBytes = std::size_t{64} << 20;
    std::size_t bufferBytes = std::size_t{64} << 10;
  };
  struct Row {
    std::vector<std::string> fields;
    std::uint64_t line = 0;  // where the record starts
  };
  struct Error {
    std::uint64_t line = 0;  // where the record starts
    std::string message;     // what and where in the record, without the line prefix
  };
  enum class Read { kRow, kError, kEnd };

  CsvReader(ByteSource& source, Options options, FilePosition start = {});

  // kRow fills `row`, kError fills `error`. kEnd: the input is exhausted, or reading it
  // failed: check ioStatus().
  Read next(Row& row, Error& error);

  // Where the next record starts; after kRow, what export progress stores.
  FilePosition position() const { return in_.position(); }
  // Continues at `position` (a value position() returned earlier for this file).
  Status seek(FilePosition position);
  // Sets the field count later records must have (after a resume, the header's).
  void expectFields(std::size_t count) { expectedFields_ = count; }
  // Consumes the rest of the input (a file whose header is unusable is skipped).
  void skipToEnd() { in_.skipToEnd(); }
  const Status& ioStatus() const { return in_.status(); }

 private:
  enum class FieldEnd { kField, kRecord };
  bool readQuoted(std::string& field, FieldEnd& end, Error& error);
  bool readUnquoted(std::string& field, FieldEnd& end, Error& error);
  bool endOfLine();  // consumes LF or CRLF if next
  bool tooLong(Error& error);
  void fail(Error& error, std::string what, std::uint64_t column);
  void resyncAfterRecordStart();
  void skipBomAtStart();

  Options options_;
  BufferedInput in_;
  std::optional<std::size_t> expectedFields_;
  FilePosition recordStart_;
  std::optional<FilePosition> afterFirstLine_;  // of the record being read, once passed
};

}  // namespace ferry::agent::connectors::file
