#include "common/protocol/topics.h"

namespace ferry::protocol {

namespace {
constexpr std::string_view kPrefix = "ferry/v1/agents/";
}

std::string_view leafName(Leaf leaf) {
  switch (leaf) {
    case Leaf::kDesired: return "desired";
    case Leaf::kReported: return "reported";
    case Leaf::kOnline: return "online";
    case Leaf::kEvents: return "events";
    case Leaf::kAcks: return "acks";
    case Leaf::kCommands: return "commands";
  }
  return "";
}

std::string topicFor(std::string_view agentId, Leaf leaf) {
  std::string out(kPrefix);
  out += agentId;
  out += '/';
  out += leafName(leaf);
  return out;
}

std::string allAgentsFilter(Leaf leaf) {
  std::string out(kPrefix);
  out += "+/";
  out += leafName(leaf);
  return out;
}

bool isValidAgentId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(id[0])) return false;
  for (char c : id) {
    if (!alnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

std::optional<ParsedTopic> parseTopic(std::string_view topic) {
  if (topic.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  topic.remove_prefix(kPrefix.size());
  auto slash = topic.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view agent = topic.substr(0, slash);
  std::string_view leaf = topic.substr(slash + 1);
  if (!isValidAgentId(agent)) return std::nullopt;
  for (Leaf l : {Leaf::kDesired, Leaf::kReported, Leaf::kOnline, Leaf::kEvents, Leaf::kAcks,
                 Leaf::kCommands}) {
    if (leaf == leafName(l)) return ParsedTopic{std::string(agent), l};
  }
  return std::nullopt;
}

}  // namespace ferry::protocol
