#pragma once

#include <string>
#include <vector>

namespace ferry {

// One thing wrong (or suspicious) in a document, located by its JSON Pointer.
struct Problem {
  enum class Severity { kError, kWarning };

  std::string pointer;  // RFC 6901, "" for the whole document
  std::string message;  // for a person: what is wrong and, where possible, how to fix it
  Severity severity = Severity::kError;

  bool isError() const { return severity == Severity::kError; }
  std::string toString() const;  // "<pointer>: <message>" ("/" for the root)
};

using Problems = std::vector<Problem>;

bool hasErrors(const Problems& problems);
// Every problem on its own line.
std::string formatProblems(const Problems& problems);

}  // namespace ferry
