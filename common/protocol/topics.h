#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ferry::protocol {

// Topic layout of DESIGN.md "Agent ↔ controller protocol": ferry/v1/agents/{agentId}/{leaf}.
enum class Leaf { kDesired, kReported, kOnline, kEvents, kAcks, kCommands };

std::string_view leafName(Leaf leaf);
std::string topicFor(std::string_view agentId, Leaf leaf);

// The shared subscription every controller replica uses for events, and the plain filters.
inline constexpr std::string_view kSharedEventsFilter =
    "$share/ferry-controllers/ferry/v1/agents/+/events";
std::string allAgentsFilter(Leaf leaf);  // ferry/v1/agents/+/<leaf>

struct ParsedTopic {
  std::string agentId;
  Leaf leaf;
};
// nullopt for anything that is not exactly ferry/v1/agents/<valid id>/<known leaf>.
std::optional<ParsedTopic> parseTopic(std::string_view topic);

// Agent ids follow the resource id rule: [a-z0-9][a-z0-9-_.]{0,63}.
bool isValidAgentId(std::string_view id);

}  // namespace ferry::protocol
