// The JSON Lines half of record_reader.h.
#include <algorithm>

#include "agent/connectors/file/record_reader.h"

namespace ferry::agent::connectors::file {

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool isBlank(const std::string& line) {
  return std::all_of(line.begin(), line.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

// nlohmann's messages start with "[json.exception.parse_error.101] "; the rest is for people.
std::string parseMessage(const char* what) {
  std::string_view text(what);
  const auto close = text.find("] ");
  if (close != std::string_view::npos) text.remove_prefix(close + 2);
  return std::string(text);
}

class JsonlRecordReader final : public RecordReader {
 public:
  JsonlRecordReader(ByteSource& source, FilePosition start, ReadLimits limits)
      : limits_(limits), in_(source, start, limits.bufferBytes) {
    if (start.offset == 0 && in_.startsWith(kUtf8Bom)) {
      for (std::size_t i = 0; i < kUtf8Bom.size(); ++i) in_.get();
    }
  }

  Status next(RecordItem& item) override {
    std::string line;
    for (;;) {
      if (in_.peek() == BufferedInput::kEof) {
        item.kind = RecordItem::Kind::kEnd;
        return in_.status();
      }
      item.line = in_.position().line;
      if (!readLine(line)) {
        FERRY_RETURN_IF_ERROR(in_.status());
        return failure(item,
                       "line longer than " + std::to_string(limits_.maxRecordBytes) + " bytes");
      }
      FERRY_RETURN_IF_ERROR(in_.status());
      if (!isBlank(line)) break;
    }
    try {
      item.record = ferry::Json::parse(line);
    } catch (const ferry::Json::parse_error& e) {
      return failure(item, "invalid JSON: " + parseMessage(e.what()));
    }
    if (!item.record.is_object()) {
      return failure(item, std::string("expected a JSON object, got ") + item.record.type_name());
    }
    item.kind = RecordItem::Kind::kRecord;
    return Status::ok();
  }

  FilePosition position() const override { return in_.position(); }

 private:
  // Reads through the next LF; false (and the line skipped) when it is too long.
  bool readLine(std::string& line) {
    line.clear();
    for (int c = in_.get(); c != BufferedInput::kEof && c != '\n'; c = in_.get()) {
      if (line.size() >= limits_.maxRecordBytes) {
        in_.skipLine();
        return false;
      }
      line.push_back(static_cast<char>(c));
    }
    return true;
  }

  static Status failure(RecordItem& item, std::string message) {
    item.kind = RecordItem::Kind::kFailure;
    item.record = nullptr;
    item.message = std::move(message);
    return Status::ok();
  }

  ReadLimits limits_;
  BufferedInput in_;
};

}  // namespace

std::unique_ptr<RecordReader> makeJsonlRecordReader(ByteSource& source, FilePosition start,
                                                    ReadLimits limits) {
  return std::make_unique<JsonlRecordReader>(source, start, limits);
}

}  // namespace ferry::agent::connectors::file
