#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include "common/json/json_fwd.h"

namespace ferry::json {

// Writes compact JSON straight into a string, for responses built from many rows, where
// building a ferry::Json value first costs more than the query behind it. The caller
// nests begin/end calls correctly; the writer places commas and escapes strings, replacing
// invalid UTF-8 with U+FFFD as our nlohmann dumps do.
// An object key written in the source: checked at compile time to need no escaping, so
// the writer copies it as it is (scanning the keys was a sixth of a page of runs' JSON).
class JsonKey {
 public:
  template <std::size_t N>
  consteval JsonKey(const char (&name)[N])  // NOLINT(google-explicit-constructor): literals
      : name_(name, N - 1) {
    for (char c : name_) {
      if (c < 0x20 || c == '"' || c == '\\' || static_cast<unsigned char>(c) >= 0x80) {
        throw "a JsonKey literal must be printable ASCII without quotes or backslashes";
      }
    }
  }
  std::string_view name() const { return name_; }

 private:
  std::string_view name_;
};

class JsonWriter {
 public:
  JsonWriter() = default;
  explicit JsonWriter(std::size_t reserveBytes) { out_.resize(reserveBytes); }
  JsonWriter& beginObject();
  JsonWriter& endObject();
  JsonWriter& beginArray();
  JsonWriter& endArray();
  JsonWriter& key(JsonKey name);
  JsonWriter& keyText(std::string_view name);  // a key known only at run time: escaped
  JsonWriter& string(std::string_view value);
  JsonWriter& integer(std::int64_t value);
  JsonWriter& number(double value);  // non-finite values are written as null
  // value / 10^decimals, exactly, without trailing zeros: scaled(1500, 3) writes 1.5.
  // (decimals ≤ 18.)
  JsonWriter& scaled(std::int64_t value, unsigned decimals);
  JsonWriter& null();
  // RFC 3339 UTC with milliseconds ("2026-01-02T03:04:05.678Z").
  JsonWriter& isoTime(std::int64_t epochMs);
  // A whole nlohmann value, written as its dump(-1, ' ', false, replace) would read back:
  // the same types (a real with an integral value keeps its ".0"), keys in the same order.
  JsonWriter& value(const ferry::Json& v);

  std::string_view text() const { return std::string_view(out_.data(), size_); }
  std::string take() {
    out_.resize(size_);
    size_ = 0;
    return std::move(out_);
  }

 private:
  // out_ is kept larger than what was written (size_) and written through pointers:
  // std::string::push_back is not inlined, and was a fifth of the time of a page of runs.
  char* room(std::size_t n) {
    if (size_ + n > out_.size()) [[unlikely]]
      grow(n);
    return out_.data() + size_;
  }
  void grow(std::size_t n);
  void put(char c) {
    *room(1) = c;
    ++size_;
  }
  void put(std::string_view s) {
    std::memcpy(room(s.size()), s.data(), s.size());
    size_ += s.size();
  }
  void putString(std::string_view value);
  void beforeValue() {
    if (needComma_) put(',');
    needComma_ = true;
  }

  std::string out_;
  std::size_t size_ = 0;
  bool needComma_ = false;
  // The times of one document mostly fall on a few days: "YYYY-MM-DDT" of the last day
  // written is reused (converting a day to a calendar date was a tenth of a page's JSON).
  std::int64_t dateDay_ = INT64_MIN;
  char date_[11] = {};
};

// Appends epochMs as RFC 3339 UTC with milliseconds, without quotes.
void appendIsoTime(std::string& out, std::int64_t epochMs);

}  // namespace ferry::json
