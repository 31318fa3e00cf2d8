#include "agent/connectors/file/csv_reader.h"

namespace ferry::agent::connectors::file {

namespace {
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
}  // namespace

CsvReader::CsvReader(ByteSource& source, Options options, FilePosition start)
    : options_(options), in_(source, start, options.bufferBytes) {
  skipBomAtStart();
}

Status CsvReader::seek(FilePosition position) {
  FERRY_RETURN_IF_ERROR(in_.seek(position));
  skipBomAtStart();
  return Status::ok();
}

void CsvReader::skipBomAtStart() {
  if (in_.position().offset == 0 && in_.startsWith(kUtf8Bom)) {
    for (std::size_t i = 0; i < kUtf8Bom.size(); ++i) in_.get();
  }
}

CsvReader::Read CsvReader::next(Row& row, Error& error) {
  row.fields.clear();
  // Empty lines are not records (RFC 4180 does not define them; a trailing one is common).
  while (endOfLine()) {
  }
  if (in_.peek() == BufferedInput::kEof) return Read::kEnd;

  recordStart_ = in_.position();
  afterFirstLine_.reset();
  row.line = recordStart_.line;
  std::string field;
  for (FieldEnd end = FieldEnd::kField; end == FieldEnd::kField;) {
    field.clear();
    const bool ok = in_.peek() == static_cast<unsigned char>(options_.dialect.quote)
                        ? readQuoted(field, end, error)
                        : readUnquoted(field, end, error);
    if (!in_.status().isOk()) return Read::kEnd;
    if (!ok) return Read::kError;
    row.fields.push_back(std::move(field));
  }

  if (options_.fieldCount == FieldCount::kSameAsFirst) {
    if (!expectedFields_) {
      expectedFields_ = row.fields.size();
    } else if (row.fields.size() != *expectedFields_) {
      error.line = row.line;
      error.message = "wrong number of fields: " + std::to_string(row.fields.size()) +
                      ", expected " + std::to_string(*expectedFields_);
      return Read::kError;
    }
  }
  return Read::kRow;
}

bool CsvReader::endOfLine() {
  if (in_.peek() == '\n') {
    in_.get();
    return true;
  }
  if (in_.peek() == '\r' && in_.startsWith("\r\n")) {
    in_.get();
    in_.get();
    return true;
  }
  return false;
}

bool CsvReader::readUnquoted(std::string& field, FieldEnd& end, Error& error) {
  const int delimiter = static_cast<unsigned char>(options_.dialect.delimiter);
  const int quote = static_cast<unsigned char>(options_.dialect.quote);
  for (;;) {
    const int c = in_.peek();
    if (c == delimiter) {
      in_.get();
      end = FieldEnd::kField;
      return true;
    }
    if (c == BufferedInput::kEof || endOfLine()) {
      end = FieldEnd::kRecord;
      return true;
    }
    if (c == quote) {
      fail(error, "quote in an unquoted field", in_.column());
      in_.skipLine();
      return false;
    }
    field.push_back(static_cast<char>(in_.get()));
    if (tooLong(error)) return false;
  }
}

bool CsvReader::readQuoted(std::string& field, FieldEnd& end, Error& error) {
  const int quote = static_cast<unsigned char>(options_.dialect.quote);
  in_.get();  // the opening quote
  for (;;) {
    const int c = in_.get();
    if (c == BufferedInput::kEof) {
      if (!in_.status().isOk()) return false;
      error.line = recordStart_.line;
      error.message = "unterminated quoted field (no closing quote before the end of the file)";
      resyncAfterRecordStart();
      return false;
    }
    if (c == quote) {
      if (in_.peek() != quote) break;
      in_.get();  // a doubled quote is one quote of data
    } else if (c == '\n' && !afterFirstLine_) {
      afterFirstLine_ = in_.position();
    }
    field.push_back(static_cast<char>(c));
    if (tooLong(error)) return false;
  }
  const int next = in_.peek();
  if (next == static_cast<unsigned char>(options_.dialect.delimiter)) {
    in_.get();
    end = FieldEnd::kField;
    return true;
  }
  if (next == BufferedInput::kEof || endOfLine()) {
    end = FieldEnd::kRecord;
    return true;
  }
  fail(error, "text after the closing quote of a quoted field (a quote inside it must be doubled)",
       in_.column());
  in_.skipLine();
  return false;
}

bool CsvReader::tooLong(Error& error) {
  if (in_.position().offset - recordStart_.offset <= options_.maxRecordBytes) return false;
  error.line = recordStart_.line;
  error.message = "record longer than " + std::to_string(options_.maxRecordBytes) +
                  " bytes (an unterminated quote?)";
  resyncAfterRecordStart();
  return true;
}

void CsvReader::fail(Error& error, std::string what, std::uint64_t column) {
  error.line = recordStart_.line;
  const std::uint64_t line = in_.position().line;
  error.message = std::move(what) + " (" +
                  (line != recordStart_.line ? "line " + std::to_string(line) + ", " : "") +
                  "column " + std::to_string(column) + ")";
}

void CsvReader::resyncAfterRecordStart() {
  // The record's first line is all that can be trusted to have been one record; what
  // follows it is read again as records of its own.
  if (afterFirstLine_) {
    (void)in_.seek(*afterFirstLine_);  // a failure shows in ioStatus()
  } else {
    in_.skipLine();
  }
}

}  // namespace ferry::agent::connectors::file
