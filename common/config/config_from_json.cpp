
#include "common/config/agent_config.h"
#include "common/config/controller_config.h"
#include "common/json/json.h"
#include "common/schema/field_spec.h"

namespace ferry::config {

using json = ferry::Json;

namespace {

template <typename T>
void take(const json& obj, const char* key, T& out) {
  if (!obj.is_object()) return;
  auto it = obj.find(key);
  if (it != obj.end() && !it->is_null()) out = it->get<T>();
}

const json& sub(const json& obj, const char* key) {
  static const json kEmpty = json::object();  // immutable
  if (!obj.is_object()) return kEmpty;
  auto it = obj.find(key);
  return it == obj.end() ? kEmpty : *it;
}

std::string secretName(const json& obj, const char* key) {
  if (!obj.is_object() || !obj.contains(key)) return {};
  return schema::secretReferenceName(obj.at(key)).value_or("");
}

MqttConfig mqttFromJson(const json& m) {
  MqttConfig c;
  take(m, "url", c.url);
  take(m, "version", c.version);
  take(m, "caFile", c.caFile);
  take(m, "certFile", c.certFile);
  take(m, "keyFile", c.keyFile);
  take(m, "username", c.username);
  c.passwordSecret = secretName(m, "password");
  take(m, "proxy", c.proxy);
  take(m, "keepAliveSeconds", c.keepAliveSeconds);
  take(m, "heartbeatSeconds", c.heartbeatSeconds);
  return c;
}

LogLevel levelFrom(const json& doc) {
  std::string level = "info";
  take(sub(doc, "log"), "level", level);
  return parseLogLevel(level).value_or(LogLevel::kInfo);
}

}  // namespace

AgentConfig agentConfigFromJson(const json& doc) {
  AgentConfig c;
  take(doc, "stateDir", c.stateDir);
  take(doc, "agentId", c.agentId);
  take(doc, "definitions", c.definitions);
  take(doc, "identityFile", c.identityFile);
  c.mqtt = mqttFromJson(sub(doc, "mqtt"));
  const json& l = sub(doc, "listener");
  take(l, "bind", c.listener.bind);
  take(l, "port", c.listener.port);
  take(sub(l, "tls"), "certFile", c.listener.tlsCertFile);
  take(sub(l, "tls"), "keyFile", c.listener.tlsKeyFile);
  take(l, "maxBodyBytes", c.listener.maxBodyBytes);
  take(sub(doc, "metrics"), "bind", c.metrics.bind);
  take(sub(doc, "metrics"), "port", c.metrics.port);
  take(sub(doc, "queue"), "quotaBytes", c.queue.quotaBytes);
  take(sub(doc, "queue"), "synchronous", c.queue.synchronous);
  take(sub(doc, "outbox"), "quotaBytes", c.outboxQuotaBytes);
  take(sub(doc, "runs"), "retentionDays", c.runsRetentionDays);
  take(sub(doc, "errors"), "quotaBytes", c.errorsQuotaBytes);
  take(sub(doc, "errors"), "retentionDays", c.errorsRetentionDays);
  take(doc, "workers", c.workers);
  c.logLevel = levelFrom(doc);
  return c;
}

ControllerConfig controllerConfigFromJson(const json& doc) {
  ControllerConfig c;
  take(doc, "stateDir", c.stateDir);
  const json& h = sub(doc, "http");
  take(h, "bind", c.http.bind);
  take(h, "port", c.http.port);
  take(sub(h, "tls"), "certFile", c.http.tlsCertFile);
  take(sub(h, "tls"), "keyFile", c.http.tlsKeyFile);
  take(h, "maxBodyBytes", c.http.maxBodyBytes);
  take(doc, "store", c.store);
  c.mqtt = mqttFromJson(sub(doc, "mqtt"));
  const json& admin = sub(sub(doc, "mqtt"), "dynsecAdmin");
  take(admin, "username", c.dynsecAdminUsername);
  c.dynsecAdminPasswordSecret = secretName(admin, "password");
  take(sub(doc, "agents"), "brokerUrl", c.agentsBrokerUrl);
  take(sub(doc, "runs"), "retentionDays", c.runsRetentionDays);
  take(sub(doc, "dashboard"), "enabled", c.dashboardEnabled);
  c.logLevel = levelFrom(doc);
  return c;
}

}  // namespace ferry::config
