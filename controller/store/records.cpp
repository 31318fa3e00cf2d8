#include "controller/store/records.h"

namespace ferry::controller::store {

std::string_view deploymentStateName(DeploymentState s) {
  switch (s) {
    case DeploymentState::kPending: return "pending";
    case DeploymentState::kApplied: return "applied";
    case DeploymentState::kRejected: return "rejected";
  }
  return "pending";
}

std::string_view errorStateName(ErrorState s) {
  switch (s) {
    case ErrorState::kOpen: return "open";
    case ErrorState::kRetrying: return "retrying";
    case ErrorState::kResolved: return "resolved";
  }
  return "open";
}

std::optional<ErrorState> parseErrorState(std::string_view name) {
  for (ErrorState s : {ErrorState::kOpen, ErrorState::kRetrying, ErrorState::kResolved}) {
    if (errorStateName(s) == name) return s;
  }
  return std::nullopt;
}

std::string_view commandStateName(CommandState s) {
  switch (s) {
    case CommandState::kPending: return "pending";
    case CommandState::kSent: return "sent";
    case CommandState::kDone: return "done";
    case CommandState::kFailed: return "failed";
  }
  return "pending";
}

std::optional<CommandState> parseCommandState(std::string_view name) {
  for (CommandState s :
       {CommandState::kPending, CommandState::kSent, CommandState::kDone, CommandState::kFailed}) {
    if (commandStateName(s) == name) return s;
  }
  return std::nullopt;
}

}  // namespace ferry::controller::store
