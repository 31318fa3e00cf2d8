#include "common/schema/problem.h"

#include <algorithm>

namespace ferry {

std::string Problem::toString() const {
  std::string out = pointer.empty() ? "/" : pointer;
  out += ": ";
  if (severity == Severity::kWarning) out += "warning: ";
  out += message;
  return out;
}

bool hasErrors(const Problems& problems) {
  return std::any_of(problems.begin(), problems.end(),
                     [](const Problem& p) { return p.isError(); });
}

std::string formatProblems(const Problems& problems) {
  std::string out;
  for (const auto& p : problems) {
    out += p.toString();
    out += '\n';
  }
  return out;
}

}  // namespace ferry
