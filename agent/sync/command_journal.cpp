#include "agent/sync/command_journal.h"

#include "common/fs/atomic_file.h"
#include "common/json/json.h"

namespace ferry::agent::sync {

using json = ferry::Json;

Result<CommandJournal> CommandJournal::load(const std::string& stateDir, std::size_t capacity) {
  CommandJournal journal;
  journal.path_ = stateDir + "/commands.json";
  journal.capacity_ = capacity;
  auto text = fs::readWholeFile(journal.path_);
  if (!text) {
    if (text.status().code() == StatusCode::kNotFound) return journal;
    return text.status();
  }
  json doc = json::parse(*text, nullptr, false);
  if (!doc.is_array()) {
    return Status::dataLoss(journal.path_ + ": not a JSON array of command answers");
  }
  for (const auto& a : doc) {
    if (!a.is_object() || !a.contains("id") || !a["id"].is_string()) {
      return Status::dataLoss(journal.path_ + ": an answer without an 'id'");
    }
    journal.answers_.push_back(
        {a["id"].get<std::string>(), a.value("ok", false), a.value("message", std::string())});
  }
  return journal;
}

std::optional<CommandJournal::Answer> CommandJournal::find(const std::string& commandId) const {
  for (const auto& a : answers_) {
    if (a.commandId == commandId) return a;
  }
  return std::nullopt;
}

Status CommandJournal::record(Answer answer) {
  // A command's final answer replaces the "interrupted" one recorded before it ran.
  std::erase_if(answers_, [&](const Answer& a) { return a.commandId == answer.commandId; });
  answers_.push_back(std::move(answer));
  while (answers_.size() > capacity_) answers_.pop_front();
  json doc = json::array();
  for (const auto& a : answers_) {
    doc.push_back({{"id", a.commandId}, {"ok", a.ok}, {"message", a.message}});
  }
  return fs::writeFileAtomically(path_, doc.dump() + "\n", 0600);
}

}  // namespace ferry::agent::sync
