#include "common/transform/record_path.h"

namespace ferry::transform {

using json = ferry::Json;

namespace {

long long digitsValue(const std::string& s) {
  if (s.empty() || s.size() > 9) return -1;
  long long v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

Result<RecordPath> RecordPath::parse(const std::string& text) {
  RecordPath p;
  p.text_ = text;
  if (text.empty()) return Status::invalidArgument("empty path");
  std::size_t i = 0;
  bool expectKey = true;
  while (i < text.size()) {
    if (text[i] == '[') {
      auto close = text.find(']', i);
      if (close == std::string::npos) {
        return Status::invalidArgument("path '" + text + "': '[' without ']'");
      }
      Segment s;
      s.key = text.substr(i + 1, close - i - 1);
      s.index = digitsValue(s.key);
      s.bracketIndex = true;
      if (s.index < 0) {
        return Status::invalidArgument("path '" + text + "': [" + s.key +
                                       "] is not an array index");
      }
      p.segments_.push_back(std::move(s));
      i = close + 1;
      expectKey = false;
      if (i < text.size() && text[i] == '.') {
        ++i;
        expectKey = true;
        if (i == text.size()) return Status::invalidArgument("path '" + text + "' ends with '.'");
      }
      continue;
    }
    if (!expectKey) return Status::invalidArgument("path '" + text + "': expected '.' or '['");
    std::size_t end = i;
    while (end < text.size() && text[end] != '.' && text[end] != '[') ++end;
    if (end == i) return Status::invalidArgument("path '" + text + "' has an empty segment");
    Segment s;
    s.key = text.substr(i, end - i);
    s.index = digitsValue(s.key);
    p.segments_.push_back(std::move(s));
    i = end;
    if (i < text.size() && text[i] == '.') {
      ++i;
      if (i == text.size()) return Status::invalidArgument("path '" + text + "' ends with '.'");
    }
    expectKey = i < text.size() && text[i] != '[';
  }
  return p;
}

const json* RecordPath::find(const json& record) const {
  const json* cur = &record;
  for (const auto& s : segments_) {
    if (cur->is_object() && !s.bracketIndex) {
      auto it = cur->find(s.key);
      if (it == cur->end()) return nullptr;
      cur = &*it;
    } else if (cur->is_array() && s.index >= 0) {
      if (static_cast<std::size_t>(s.index) >= cur->size()) return nullptr;
      cur = &(*cur)[static_cast<std::size_t>(s.index)];
    } else {
      return nullptr;
    }
  }
  return cur;
}

Status RecordPath::assign(json& record, json value) const {
  json* cur = &record;
  for (std::size_t i = 0; i < segments_.size(); ++i) {
    const Segment& s = segments_[i];
    bool last = i + 1 == segments_.size();
    if (cur->is_null()) *cur = s.bracketIndex ? json::array() : json::object();
    json* next = nullptr;
    if (cur->is_array() && s.index >= 0) {
      auto index = static_cast<std::size_t>(s.index);
      while (cur->size() <= index) cur->push_back(nullptr);
      next = &(*cur)[index];
    } else if (cur->is_object() && !s.bracketIndex) {
      next = &(*cur)[s.key];
    } else {
      return Status::invalidArgument("cannot set '" + text_ + "': a " +
                                     std::string(cur->type_name()) + " is in the way");
    }
    if (last) {
      *next = std::move(value);
      return Status::ok();
    }
    cur = next;
  }
  return Status::ok();
}

}  // namespace ferry::transform
