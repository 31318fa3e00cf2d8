#include "common/config/config_schemas.h"

namespace ferry::config {

using schema::FieldSpec;
using schema::FieldType;
using schema::ObjectSpec;

namespace {

FieldSpec str(std::string name, std::string description, std::string defaultJson = "") {
  FieldSpec f;
  f.name = std::move(name);
  f.type = FieldType::kString;
  f.description = std::move(description);
  f.defaultJson = std::move(defaultJson);
  return f;
}

FieldSpec integer(std::string name, std::string description, std::string defaultJson,
                  double minimum, double maximum) {
  FieldSpec f;
  f.name = std::move(name);
  f.type = FieldType::kInteger;
  f.description = std::move(description);
  f.defaultJson = std::move(defaultJson);
  f.minimum = minimum;
  f.maximum = maximum;
  return f;
}

FieldSpec oneOf(std::string name, std::string description, std::string defaultJson,
                std::vector<std::string> allowed) {
  FieldSpec f = str(std::move(name), std::move(description), std::move(defaultJson));
  f.allowed = std::move(allowed);
  return f;
}

FieldSpec secret(std::string name, std::string description) {
  FieldSpec f = str(std::move(name), std::move(description));
  f.secret = true;
  return f;
}

FieldSpec object(std::string name, std::string description, std::vector<FieldSpec> fields) {
  FieldSpec f;
  f.name = std::move(name);
  f.type = FieldType::kObject;
  f.description = std::move(description);
  f.fields = std::move(fields);
  return f;
}

constexpr double kMaxPort = 65535;
constexpr double kMaxBytes = 1e15;

std::vector<FieldSpec> mqttFields(bool forController) {
  std::vector<FieldSpec> fields = {
      str("url",
          "broker URL: tcp://, ssl://, ws:// or wss:// host:port; empty = no controller link"),
      oneOf("version", "MQTT protocol version", "\"5\"", {"5", "3.1.1"}),
      str("caFile", "CA certificate file (PEM) that signs the broker's certificate"),
      str("certFile", "client certificate file (PEM) for mutual TLS"),
      str("keyFile", "client private key file (PEM) for mutual TLS"),
      str("username", "broker user name"),
      secret("password", "broker password (a secret reference)"),
      str("proxy", "HTTP CONNECT proxy, http://[user:pass@]host:port"),
      integer("keepAliveSeconds", "MQTT keep-alive interval", "30", 5, 3600),
      integer("heartbeatSeconds", "interval of heartbeat events", "60", 1, 86400),
  };
  if (forController) {
    fields.push_back(object("dynsecAdmin", "mosquitto dynamic-security admin identity",
                            {str("username", "dynsec admin user name"),
                             secret("password", "dynsec admin password (a secret reference)")}));
  }
  return fields;
}

FieldSpec logObject() {
  return object("log", "logging",
                {oneOf("level", "least severe level written", "\"info\"",
                       {"debug", "info", "warning", "error"})});
}

ObjectSpec buildAgentSpec() {
  return {
      str("stateDir", "state directory (queue, outbox, runs, secrets); default ./.ferry"),
      str("agentId", "this agent's id, as created on the controller"),
      str("definitions", "a local definitions file to run without a controller"),
      str("identityFile", "identity written by 'enroll' (agentId, mqtt.url, mqtt.username)"),
      object("mqtt", "link to the controller's broker", mqttFields(false)),
      object("listener", "HTTP listener for webhook exports",
             {str("bind", "listen address", "\"0.0.0.0\""),
              integer("port", "listen port (0 = no listener)", "8088", 0, kMaxPort),
              object("tls", "HTTPS for the listener",
                     {str("certFile", "certificate (PEM)"), str("keyFile", "private key (PEM)")}),
              integer("maxBodyBytes", "largest accepted request body", "1048576", 1, kMaxBytes)}),
      object("metrics", "Prometheus /metrics endpoint",
             {str("bind", "listen address", "\"127.0.0.1\""),
              integer("port", "listen port (0 = off)", "9464", 0, kMaxPort)}),
      object("queue", "durable log-queue",
             {integer("quotaBytes", "disk quota; exports pause when reached", "1073741824", 4096,
                      kMaxBytes),
              oneOf("synchronous", "SQLite durability mode", "\"FULL\"", {"FULL", "NORMAL"})}),
      object("outbox", "events waiting for the controller",
             {integer("quotaBytes", "quota before superseded events are refused and exports pause",
                      "67108864", 4096, kMaxBytes)}),
      object("runs", "run history",
             {integer("retentionDays", "keep runs this long", "30", 1, 3650)}),
      object("errors", "per-record errors",
             {integer("quotaBytes", "quota for stored error records", "268435456", 4096, kMaxBytes),
              integer("retentionDays", "keep errors this long", "30", 1, 3650)}),
      integer("workers", "flows run in parallel", "4", 1, 256),
      logObject(),
  };
}

ObjectSpec buildControllerSpec() {
  return {
      str("stateDir", "state directory (SQLite store, secrets); default ./.ferry"),
      object("http", "REST API and dashboard",
             {str("bind", "listen address", "\"127.0.0.1\""),
              integer("port", "listen port", "8080", 0, kMaxPort),
              object("tls", "HTTPS",
                     {str("certFile", "certificate (PEM)"), str("keyFile", "private key (PEM)")}),
              integer("maxBodyBytes", "largest accepted request body", "4194304", 1, kMaxBytes)}),
      str("store", "sqlite:///path or postgresql://…; default sqlite in the state directory"),
      object("mqtt", "broker connection", mqttFields(true)),
      object("agents", "what enrolled agents are told",
             {str("brokerUrl", "the broker URL agents connect to")}),
      object("runs", "run history",
             {integer("retentionDays", "keep runs this long", "30", 1, 3650)}),
      object("dashboard", "web dashboard", {[] {
               FieldSpec f;
               f.name = "enabled";
               f.type = FieldType::kBoolean;
               f.description = "serve the dashboard at /";
               f.defaultJson = "true";
               return f;
             }()}),
      logObject(),
  };
}

}  // namespace

const ObjectSpec& agentConfigSpec() {
  static const ObjectSpec spec = buildAgentSpec();  // immutable after first use
  return spec;
}

const ObjectSpec& controllerConfigSpec() {
  static const ObjectSpec spec = buildControllerSpec();  // immutable after first use
  return spec;
}

}  // namespace ferry::config
