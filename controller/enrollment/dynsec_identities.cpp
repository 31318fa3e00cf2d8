#include <mutex>

#include "common/json/json.h"
#include "common/secrets/secret_crypto.h"
#include "controller/enrollment/broker_identities.h"

namespace ferry::controller::enrollment {

using json = ferry::Json;

namespace {

constexpr const char* kCommandTopic = "$CONTROL/dynamic-security/v1";
constexpr const char* kResponseTopic = "$CONTROL/dynamic-security/v1/response";
constexpr auto kAnswerTimeout = std::chrono::seconds(10);

class DynsecIdentities final : public BrokerIdentities {
 public:
  DynsecIdentities(mqtt::ConnectOptions admin, std::unique_ptr<mqtt::MqttTransport> transport,
                   Logger logger)
      : admin_(std::move(admin)), transport_(std::move(transport)), log_(std::move(logger)) {
    if (admin_.clientId.empty()) {
      admin_.clientId = "ferry-controller-dynsec-" + secrets::randomHex(6).valueOr("0");
    }
  }

  Result<std::optional<BrokerCredentials>> createAgentIdentity(
      const std::string& agentId) override {
    std::lock_guard lock(mu_);
    FERRY_RETURN_IF_ERROR(ensureConnected());
    const std::string user = agentBrokerUser(agentId);
    const std::string role = user;
    const std::string tree = "ferry/v1/agents/" + agentId + "/#";
    auto password = secrets::randomHex(24);
    auto random = secrets::randomHex(8);
    if (!password || !random) return (password ? random : password).status();
    BrokerCredentials creds{user, std::move(*password)};
    const std::string tag = *random;
    auto cmd = [&](json c, int n) {
      c["correlationData"] = tag + "-" + std::to_string(n);
      return c;
    };
    json acls = json::array();
    for (const char* type : {"publishClientSend", "subscribePattern", "publishClientReceive"}) {
      acls.push_back({{"acltype", type}, {"topic", tree}, {"allow", true}, {"priority", 0}});
    }
    // A re-enrolled agent replaces its identity: the old password stops working.
    json commands = json::array({
        cmd({{"command", "deleteClient"}, {"username", user}}, 1),
        cmd({{"command", "deleteRole"}, {"rolename", role}}, 2),
        cmd({{"command", "createRole"}, {"rolename", role}, {"acls", acls}}, 3),
        cmd({{"command", "createClient"},
             {"username", user},
             {"password", creds.password},
             {"clientid", user}},
            4),
        cmd({{"command", "addClientRole"}, {"username", user}, {"rolename", role}}, 5),
    });
    Status sent =
        transport_->publish({kCommandTopic, json{{"commands", commands}}.dump(), 1, false});
    if (!sent.isOk()) {
      transport_->disconnect();
      return Status::unavailable("dynamic-security command not sent: " + sent.message());
    }
    // The answers come on the response topic, to every admin subscriber: ours carry our tag.
    const auto deadline = std::chrono::steady_clock::now() + kAnswerTimeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto event = transport_->poll(std::chrono::milliseconds(100));
      if (!event) continue;
      if (event->kind == mqtt::TransportEvent::Kind::kConnectionLost) {
        return Status::unavailable("the broker closed the dynamic-security connection: " +
                                   event->reason);
      }
      json doc = json::parse(event->message.payload, nullptr, false);
      if (!doc.is_object() || !doc.contains("responses") || !doc["responses"].is_array()) continue;
      bool ours = false;
      for (const auto& r : doc["responses"]) {
        const std::string corr = r.value("correlationData", "");
        if (corr.rfind(tag, 0) != 0) continue;
        ours = true;
        const bool cleanup = corr == tag + "-1" || corr == tag + "-2";
        if (r.contains("error") && !cleanup) {
          return Status::failedPrecondition("the broker refused '" + r.value("command", "?") +
                                            "' for agent " + agentId + ": " +
                                            r["error"].get<std::string>());
        }
      }
      if (ours) {
        log_.info("broker identity created", {{"agent", agentId}, {"username", user}});
        return std::optional<BrokerCredentials>(std::move(creds));
      }
    }
    return Status::unavailable("no answer from the dynamic-security plugin within 10 s");
  }

 private:
  Status ensureConnected() {
    if (transport_->connected()) return Status::ok();
    Status st = transport_->connect(admin_);
    if (!st.isOk()) return st.withContext("dynamic-security admin connection");
    return transport_->subscribe({{kResponseTopic, 1}});
  }

  std::mutex mu_;  // one command exchange at a time on the one connection
  mqtt::ConnectOptions admin_;
  std::unique_ptr<mqtt::MqttTransport> transport_;
  Logger log_;
};

}  // namespace

std::string agentBrokerUser(const std::string& agentId) {
  return "ferry-agent-" + agentId;
}

std::unique_ptr<BrokerIdentities> makeDynsecIdentities(
    mqtt::ConnectOptions admin, std::unique_ptr<mqtt::MqttTransport> transport, Logger logger) {
  return std::make_unique<DynsecIdentities>(std::move(admin), std::move(transport),
                                            std::move(logger));
}

}  // namespace ferry::controller::enrollment
