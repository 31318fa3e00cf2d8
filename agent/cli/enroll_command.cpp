#include "agent/cli/enroll_command.h"

#include <iostream>

#include "agent/service/identity.h"
#include "common/fs/state_dir.h"
#include "common/http/json_client.h"
#include "common/secrets/secret_store.h"

namespace ferry::agent {

int enrollCommand(cli::Invocation& inv) {
  const auto& cmd = inv.command;
  const std::string controller = cmd.get("controller");
  auto client = http::JsonClient::open(controller, "", cmd.has("ca") ? cmd.get("ca") : "");
  if (!client) {
    std::cerr << "ferry-agent: --controller: " << client.status().message() << "\n";
    return 2;
  }
  if (Status st = fs::ensureStateDir(inv.stateDir); !st.isOk()) {
    std::cerr << "ferry-agent: " << st.message() << "\n";
    return 1;
  }
  ferry::Json body = {{"token", cmd.get("token")}};
  auto reply = (*client)->call("POST", "/api/v1/enroll", &body);
  if (!reply) {
    std::cerr << "ferry-agent: " << reply.status().message() << "\n";
    return 1;
  }
  if (reply->status != 200 || !reply->body.is_object()) {
    std::string detail = reply->body.is_object() ? reply->body.value("detail", "") : "";
    std::cerr << "ferry-agent: enrollment refused (HTTP " << reply->status << ")"
              << (detail.empty() ? "" : ": " + detail) << "\n";
    return 1;
  }
  const auto& doc = reply->body;
  const ferry::Json mqtt = doc.value("mqtt", ferry::Json::object());
  const std::string agentId = doc.value("agentId", "");
  const std::string url = mqtt.value("url", "");
  const std::string username = mqtt.value("username", "");
  if (agentId.empty() || url.empty()) {
    std::cerr << "ferry-agent: the controller's answer lacks agentId or mqtt.url\n";
    return 1;
  }
  if (mqtt.contains("password")) {
    auto secrets = secrets::SecretStore::open({inv.stateDir, ""});
    Status st = secrets ? (*secrets)->set(kMqttPasswordSecret, mqtt.value("password", ""))
                        : secrets.status();
    if (!st.isOk()) {
      std::cerr << "ferry-agent: the broker password was not stored: " << st.message() << "\n";
      return 1;
    }
  }
  config::AgentConfig cfg = config::agentConfigFromJson(inv.config);
  const std::string path = identityPath(cfg, inv.stateDir);
  if (Status st = writeIdentity(path, agentId, url, username); !st.isOk()) {
    std::cerr << "ferry-agent: " << st.message() << "\n";
    return 1;
  }
  std::cout << "enrolled as agent " << agentId << "; broker " << url
            << (username.empty() ? "" : " as " + username) << "\nidentity: " << path
            << "\nstart the agent: systemctl enable --now ferry-agent (or: ferry-agent --state "
            << inv.stateDir << ")\n";
  return 0;
}

}  // namespace ferry::agent
