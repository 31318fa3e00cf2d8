#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>

#include "common/status/result.h"

namespace ferry::agent::sync {

// The answers to recent commands, in <stateDir>/commands.json, so a command the controller
// sends again (it re-publishes until it sees the result) is answered again without running
// twice, across restarts too. Keeps the last `capacity` answers. Not thread-safe: the
// link's thread owns it.
class CommandJournal {
 public:
  struct Answer {
    std::string commandId;
    bool ok = false;
    std::string message;
  };

  static Result<CommandJournal> load(const std::string& stateDir, std::size_t capacity = 1000);

  std::optional<Answer> find(const std::string& commandId) const;
  // Durable before returning: the command counts as run from now on. Replaces an earlier
  // answer to the same command.
  Status record(Answer answer);

 private:
  std::string path_;
  std::size_t capacity_ = 1000;
  std::deque<Answer> answers_;  // oldest first
};

}  // namespace ferry::agent::sync
