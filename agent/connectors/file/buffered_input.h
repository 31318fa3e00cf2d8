#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "agent/connectors/file/byte_source.h"

namespace ferry::agent::connectors::file {

// Where a read stands in a file: the byte offset of the next unread byte and the 1-based
// number of the line it is on. This is what export progress stores and resumes from.
struct FilePosition {
  std::uint64_t offset = 0;
  std::uint64_t line = 1;
  friend bool operator==(const FilePosition&, const FilePosition&) = default;
};

// A read buffer over a ByteSource that knows the file offset and line of every byte, so
// readers can report "line N" and export progress can resume at an exact byte. Memory is
// the buffer only, whatever the size of the file.
class BufferedInput {
 public:
  static constexpr int kEof = -1;
  static constexpr std::size_t kMinBuffer = 4;  // the longest lookahead (a UTF-8 BOM + 1)

  BufferedInput(ByteSource& source, FilePosition start, std::size_t bufferBytes);

  // The next byte (0..255) without consuming it; kEof at the end of the input or after an
  // I/O error (status() tells which).
  int peek() { return pos_ < end_ || fill(1) ? static_cast<unsigned char>(buf_[pos_]) : kEof; }
  int get() {
    const int c = peek();
    if (c != kEof) {
      ++pos_;
      if (c == '\n') newLine();
    }
    return c;
  }
  // True when the next bytes are `prefix` (at most kMinBuffer bytes); consumes nothing.
  bool startsWith(std::string_view prefix);
  // Consumes through the next LF (or to the end of the input).
  void skipLine();
  void skipToEnd();

  FilePosition position() const { return {base_ + pos_, line_}; }
  // 1-based byte column of the next byte on its line.
  std::uint64_t column() const { return base_ + pos_ - lineStart_ + 1; }
  Status seek(FilePosition position);
  const Status& status() const { return status_; }

 private:
  bool fill(std::size_t wanted);  // makes `wanted` bytes available if the input has them
  void newLine() {
    ++line_;
    lineStart_ = base_ + pos_;
  }

  ByteSource& source_;
  std::vector<char> buf_;
  std::size_t pos_ = 0;          // next byte in buf_
  std::size_t end_ = 0;          // bytes held in buf_
  std::uint64_t base_ = 0;       // file offset of buf_[0]
  std::uint64_t line_ = 1;       // line of buf_[pos_]
  std::uint64_t lineStart_ = 0;  // file offset where line_ begins
  bool eof_ = false;
  Status status_;
};

}  // namespace ferry::agent::connectors::file
