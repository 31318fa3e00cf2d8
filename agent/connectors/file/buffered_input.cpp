#include "agent/connectors/file/buffered_input.h"

#include <algorithm>
#include <cstring>

namespace ferry::agent::connectors::file {

BufferedInput::BufferedInput(ByteSource& source, FilePosition start, std::size_t bufferBytes)
    : source_(source), buf_(std::max(bufferBytes, kMinBuffer)) {
  status_ = seek(start);
}

bool BufferedInput::fill(std::size_t wanted) {
  if (end_ - pos_ >= wanted) return true;
  if (eof_ || !status_.isOk()) return false;
  // Keep the unread tail, move it to the front and read behind it.
  std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
  base_ += pos_;
  end_ -= pos_;
  pos_ = 0;
  while (end_ < wanted) {
    auto n = source_.read(buf_.data() + end_, buf_.size() - end_);
    if (!n.isOk()) {
      status_ = n.status();
      return false;
    }
    if (*n == 0) {
      eof_ = true;
      return false;
    }
    end_ += *n;
  }
  return true;
}

bool BufferedInput::startsWith(std::string_view prefix) {
  fill(prefix.size());
  return end_ - pos_ >= prefix.size() &&
         std::memcmp(buf_.data() + pos_, prefix.data(), prefix.size()) == 0;
}

void BufferedInput::skipLine() {
  while (pos_ < end_ || fill(1)) {
    const char* at = static_cast<const char*>(std::memchr(buf_.data() + pos_, '\n', end_ - pos_));
    if (at != nullptr) {
      pos_ = static_cast<std::size_t>(at - buf_.data()) + 1;
      newLine();
      return;
    }
    pos_ = end_;
  }
}

void BufferedInput::skipToEnd() {
  while (pos_ < end_ || fill(1)) skipLine();
}

Status BufferedInput::seek(FilePosition position) {
  if (position.offset >= base_ && position.offset <= base_ + end_ && status_.isOk()) {
    pos_ = static_cast<std::size_t>(position.offset - base_);  // still in the buffer
  } else {
    status_ = source_.seek(position.offset);
    base_ = position.offset;
    pos_ = end_ = 0;
    eof_ = false;
  }
  line_ = position.line;
  lineStart_ = position.offset;  // columns on a resumed line count from the resume point
  return status_;
}

}  // namespace ferry::agent::connectors::file
