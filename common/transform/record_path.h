#pragma once

#include <string>
#include <vector>

#include "common/json/json.h"
#include "common/status/result.h"

namespace ferry::transform {

// A dotted path into a record, parsed once: "customer.name", "items[0].sku", "items.0.sku".
// A segment in brackets is an array index; a numeric dotted segment indexes an array that
// exists and names an object key otherwise.
class RecordPath {
 public:
  struct Segment {
    std::string key;
    bool bracketIndex = false;  // written as [n]
    long long index = -1;       // >= 0 when the segment is all digits
  };

  // kInvalidArgument naming the path when it is empty or malformed ("a..b", "a[x]").
  static Result<RecordPath> parse(const std::string& text);

  // The value at the path, or nullptr when any step is missing.
  const ferry::Json* find(const ferry::Json& record) const;
  // Sets the value, creating objects (and arrays for [n] segments) on the way. Fails when
  // an existing value in the way is not a container.
  Status assign(ferry::Json& record, ferry::Json value) const;

  const std::string& text() const { return text_; }
  const std::vector<Segment>& segments() const { return segments_; }

 private:
  std::string text_;
  std::vector<Segment> segments_;
};

}  // namespace ferry::transform
