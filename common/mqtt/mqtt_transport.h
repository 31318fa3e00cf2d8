#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/log/logger.h"
#include "common/status/status.h"

namespace ferry::mqtt {

struct Message {
  std::string topic;
  std::string payload;
  int qos = 1;
  bool retained = false;
};

struct ConnectOptions {
  std::string url;  // tcp://, ssl://, mqtts://, ws://, wss://  host:port[/path]
  std::string clientId;
  std::string version = "5";  // "5" or "3.1.1"
  std::string username;
  std::string password;  // already resolved from the secret store; never logged
  std::string caFile;    // TLS: CA that signs the broker's certificate (system CAs when empty)
  std::string certFile;  // TLS: client certificate, with keyFile
  std::string keyFile;
  std::string proxy;  // http://[user:pass@]host:port; see docs/decisions/0003-mqtt-transport.md
  int keepAliveSeconds = 30;
  int connectTimeoutSeconds = 10;
  bool cleanStart = true;
  std::optional<Message> will;  // delivered by the broker if the link dies without DISCONNECT
};

// What the transport reports to its owner. Callbacks of the client library only enqueue
// these; the owner's thread takes them with poll(), so no business logic runs on the
// library's threads.
struct TransportEvent {
  enum class Kind { kMessage, kConnectionLost, kWake };
  Kind kind = Kind::kMessage;
  Message message;     // kMessage
  std::string reason;  // kConnectionLost
};

// The seam between Ferry's sync logic and an MQTT client library. One owner thread calls
// the methods; poll() may be called from that thread only. No automatic reconnect and no
// offline buffering: the owner runs its own reconnect loop (fresh will per connect) and
// keeps undelivered data in its durable outbox.
class MqttTransport {
 public:
  virtual ~MqttTransport() = default;

  // One connection attempt, bounded by options.connectTimeoutSeconds. kUnavailable when
  // the broker cannot be reached (retry later), kFailedPrecondition when it refuses the
  // credentials or the options are wrong (a person must fix something).
  virtual Status connect(const ConnectOptions& options) = 0;
  // Graceful DISCONNECT: the broker discards the will.
  virtual void disconnect() = 0;
  virtual bool connected() const = 0;

  // Subscribes with the given QoS; a filter the broker refuses is kFailedPrecondition.
  virtual Status subscribe(const std::vector<std::pair<std::string, int>>& filters) = 0;
  // With waitForAck, returns after the broker acknowledged (QoS 1) or refused the message
  // (kFailedPrecondition: not authorised); otherwise after it is handed to the library.
  virtual Status publish(const Message& message, bool waitForAck = true) = 0;

  // The next event, waiting up to `timeout`.
  virtual std::optional<TransportEvent> poll(std::chrono::milliseconds timeout) = 0;
  // Makes a waiting poll() return a kWake event at once. Thread-safe: other threads call it
  // when they hand the owner work (a desired document to publish).
  virtual void wake() = 0;
};

// The Eclipse Paho C++ client behind the seam (memory persistence only).
std::unique_ptr<MqttTransport> makePahoTransport(Logger logger);

}  // namespace ferry::mqtt
