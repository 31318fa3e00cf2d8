// The CSV half of record_reader.h: rows from CsvReader turned into JSON objects.
#include <set>

#include "agent/connectors/file/record_reader.h"

namespace ferry::agent::connectors::file {

namespace {

class CsvRecordReader final : public RecordReader {
 public:
  CsvRecordReader(ByteSource& source, const CsvFormat& format, FilePosition start,
                  ReadLimits limits)
      : format_(format),
        start_(start),
        reader_(source, readerOptions(format, limits), format.header ? FilePosition{} : start) {}

  Status next(RecordItem& item) override {
    if (!started_) {
      started_ = true;
      if (format_.header && !readHeader(item)) return reader_.ioStatus();
    }
    CsvReader::Row row;
    CsvReader::Error error;
    switch (reader_.next(row, error)) {
      case CsvReader::Read::kEnd: item.kind = RecordItem::Kind::kEnd; return reader_.ioStatus();
      case CsvReader::Read::kError:
        item.kind = RecordItem::Kind::kFailure;
        item.line = error.line;
        item.message = std::move(error.message);
        return Status::ok();
      case CsvReader::Read::kRow: break;
    }
    item.line = row.line;
    item.record = ferry::Json::object();
    for (std::size_t i = 0; i < row.fields.size(); ++i) {
      if (!isValidUtf8(row.fields[i])) {
        item.kind = RecordItem::Kind::kFailure;
        item.message = "field " + std::to_string(i + 1) + " is not valid UTF-8";
        item.record = nullptr;
        return Status::ok();
      }
      item.record[format_.header ? names_[i] : std::to_string(i + 1)] = std::move(row.fields[i]);
    }
    item.kind = RecordItem::Kind::kRecord;
    return Status::ok();
  }

  FilePosition position() const override { return reader_.position(); }

 private:
  static CsvReader::Options readerOptions(const CsvFormat& format, ReadLimits limits) {
    CsvReader::Options o;
    o.dialect = format.dialect;
    o.fieldCount =
        format.header ? CsvReader::FieldCount::kSameAsFirst : CsvReader::FieldCount::kVariable;
    o.maxRecordBytes = limits.maxRecordBytes;
    o.bufferBytes = limits.bufferBytes;
    return o;
  }

  // False when the caller should return: with `item` set to a failure (the file is then
  // skipped), or on an I/O error, or for an empty file (`item` is kEnd).
  bool readHeader(RecordItem& item) {
    CsvReader::Row row;
    CsvReader::Error error;
    const auto read = reader_.next(row, error);
    if (read == CsvReader::Read::kEnd) {
      item.kind = RecordItem::Kind::kEnd;
      return false;
    }
    if (read == CsvReader::Read::kError)
      return skipFile(item, "malformed header: " + error.message);
    std::set<std::string> seen;
    for (const auto& name : row.fields) {
      if (!isValidUtf8(name)) return skipFile(item, "the header is not valid UTF-8");
      if (!seen.insert(name).second) {
        return skipFile(item, "duplicate column name \"" + name + "\" in the header");
      }
    }
    names_ = std::move(row.fields);
    if (start_.offset > reader_.position().offset) {
      if (!reader_.seek(start_).isOk()) return false;
      reader_.expectFields(names_.size());
    }
    return true;
  }

  bool skipFile(RecordItem& item, std::string why) {
    item.kind = RecordItem::Kind::kFailure;
    item.line = 1;
    item.message = std::move(why) + "; the file is skipped";
    reader_.skipToEnd();
    return false;
  }

  CsvFormat format_;
  FilePosition start_;
  CsvReader reader_;
  bool started_ = false;
  std::vector<std::string> names_;
};

}  // namespace

std::unique_ptr<RecordReader> makeCsvRecordReader(ByteSource& source, const CsvFormat& format,
                                                  FilePosition start, ReadLimits limits) {
  return std::make_unique<CsvRecordReader>(source, format, start, limits);
}

bool isValidUtf8(std::string_view text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    std::uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + length > n) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((length == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (length == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
      return false;
    }
    i += length;
  }
  return true;
}

}  // namespace ferry::agent::connectors::file
