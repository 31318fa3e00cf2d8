#include <mqtt/async_client.h>

#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <set>

#include "common/mqtt/mqtt_transport.h"
#include "common/mqtt/mqtt_url.h"
#include "common/mqtt/socket_nodelay.h"

namespace ferry::mqtt {

namespace {

// MQTT 5 reason 0x87 / MQTT 3.1.1 CONNACK 4 and 5: the broker refuses who we are.
bool notAuthorized(const ::mqtt::exception& e) {
  int reason = e.get_reason_code();
  int rc = e.get_return_code();
  return reason == 0x87 || reason == 0x86 || rc == 0x87 || rc == 0x86 || rc == 4 || rc == 5 ||
         rc == 0x80;
}

// OpenSSL's reason when the broker's certificate does not verify against the trusted CA:
// retrying cannot help, a person must fix the CA file or the broker's certificate.
bool certificateRejected(const std::string& tlsError) {
  return tlsError.find("certificate verify failed") != std::string::npos;
}

// "host:port" of a proxy given as "[user:pass@]host:port", for messages: never the credentials.
std::string proxyAddress(const std::string& pahoProxy) {
  auto at = pahoProxy.rfind('@');
  return at == std::string::npos ? pahoProxy : pahoProxy.substr(at + 1);
}

std::string describe(const ::mqtt::exception& e) {
  std::string out = e.get_message();
  if (out.empty()) out = e.what();
  if (e.get_reason_code() != 0) out += " (reason " + std::to_string(e.get_reason_code()) + ")";
  return out;
}

// Publishes in flight (sent or queued in Paho, not yet acknowledged) before publish() waits:
// below Paho's default limit of 100 buffered messages.
constexpr std::size_t kMaxOutstanding = 64;

class PahoTransport final : public MqttTransport {
 public:
  explicit PahoTransport(Logger logger) : log_(std::move(logger)) {}

  ~PahoTransport() override {
    if (client_) {
      try {
        if (client_->is_connected()) client_->disconnect()->wait_for(std::chrono::seconds(2));
      } catch (const ::mqtt::exception&) {
        // Shutting down: nothing left to report to.
      }
    }
  }

  Status connect(const ConnectOptions& o) override {
    auto url = parseBrokerUrl(o.url);
    if (!url) return Status::failedPrecondition(url.status().message());
    auto proxy = pahoProxy(o.proxy);
    if (!proxy) return Status::failedPrecondition(proxy.status().message());
    if (o.version != "5" && o.version != "3.1.1") {
      return Status::failedPrecondition("unknown MQTT version '" + o.version + "'");
    }
    v5_ = o.version == "5";
    // Paho reports a proxy's refusal (e.g. 407, wrong credentials) like an unreachable
    // broker (rc -1, no reason): naming the proxy tells the reader where to look.
    const std::string via = proxy->empty() ? "" : " (through proxy " + proxyAddress(*proxy) + ")";
    {
      // Only the TLS error of this attempt may explain its failure.
      std::lock_guard lock(mu_);
      lastTlsError_.clear();
    }
    try {
      // A fresh client per connect: a reused one kept the old connection's unacknowledged
      // publishes in flight, and new ones then crawled out at ~80 messages/s after a broker
      // restart (seen in sync_test). Nothing here relies on Paho's session state.
      makeClient(o);
      ::mqtt::connect_options opts;
      opts.set_mqtt_version(v5_ ? MQTTVERSION_5 : MQTTVERSION_3_1_1);
      opts.set_keep_alive_interval(o.keepAliveSeconds);
      opts.set_connect_timeout(o.connectTimeoutSeconds);
      opts.set_automatic_reconnect(false);
      if (v5_) {
        opts.set_clean_start(o.cleanStart);
      } else {
        opts.set_clean_session(o.cleanStart);
      }
      if (!o.username.empty()) opts.set_user_name(o.username);
      if (!o.password.empty()) opts.set_password(o.password);
      if (o.will) {
        opts.set_will(
            ::mqtt::will_options(o.will->topic, o.will->payload, o.will->qos, o.will->retained));
      }
      if (url->tls()) {
        ::mqtt::ssl_options ssl;
        if (!o.caFile.empty()) ssl.set_trust_store(o.caFile);
        if (!o.certFile.empty()) ssl.set_key_store(o.certFile);
        if (!o.keyFile.empty()) ssl.set_private_key(o.keyFile);
        ssl.set_enable_server_cert_auth(true);
        ssl.set_verify(true);
        ssl.set_error_handler([this](const std::string& msg) {
          std::lock_guard lock(mu_);
          lastTlsError_ = msg;
        });
        opts.set_ssl(ssl);
      }
      // tcp:// and ws:// only use http_proxy, ssl:// and wss:// only https_proxy
      // (TOOLCHAIN.md §9): set the one that applies so the proxy is never silently bypassed.
      if (!proxy->empty()) {
        if (url->tls()) {
          opts.set_https_proxy(*proxy);
        } else {
          opts.set_http_proxy(*proxy);
        }
      }
      // Paho C++ 1.2 loses properties when options are copied (bug #426): none are set here,
      // and the options object is passed as is.
      const std::set<int> socketsBefore = openSockets();
      client_->connect(opts)->wait_for(std::chrono::seconds(o.connectTimeoutSeconds + 5));
      if (!client_->is_connected()) {
        return Status::unavailable("no connection to " + o.url + " within " +
                                   std::to_string(o.connectTimeoutSeconds) + " s" + via);
      }
      // The socket's peer is the proxy when there is one.
      int peerPort = url->port;
      if (!proxy->empty()) {
        const std::string address = proxyAddress(*proxy);
        peerPort = std::atoi(address.substr(address.rfind(':') + 1).c_str());
      }
      if (disableNagleOnNewSockets(socketsBefore, peerPort) == 0) {
        log_.debug("TCP_NODELAY not set: the connection's socket was not found",
                   {{"port", peerPort}});
      }
      return Status::ok();
    } catch (const ::mqtt::exception& e) {
      std::string tls;
      {
        std::lock_guard lock(mu_);
        tls = std::move(lastTlsError_);
        lastTlsError_.clear();
      }
      std::string detail = describe(e) + (tls.empty() ? "" : ": " + tls) + via;
      if (notAuthorized(e)) {
        return Status::failedPrecondition("broker " + o.url + " refused the client '" + o.clientId +
                                          "': not authorised (" + detail + ")");
      }
      if (certificateRejected(tls)) {
        return Status::failedPrecondition("the certificate of broker " + o.url +
                                          " is not trusted (check caFile): " + detail);
      }
      return Status::unavailable("cannot connect to " + o.url + ": " + detail);
    }
  }

  void disconnect() override {
    if (!client_) return;
    try {
      if (client_->is_connected()) client_->disconnect()->wait_for(std::chrono::seconds(5));
    } catch (const ::mqtt::exception& e) {
      log_.debug("disconnect failed", {{"error", describe(e)}});
    }
  }

  bool connected() const override { return client_ && client_->is_connected(); }

  Status subscribe(const std::vector<std::pair<std::string, int>>& filters) override {
    if (!connected()) return Status::unavailable("not connected");
    for (const auto& [filter, qos] : filters) {
      try {
        auto tok = client_->subscribe(filter, qos);
        if (!tok->wait_for(std::chrono::seconds(10))) {
          return Status::unavailable("no SUBACK for '" + filter + "'");
        }
        if (v5_) {
          // Keep the response alive: get_reason_codes() returns a reference into it.
          ::mqtt::subscribe_response response = tok->get_subscribe_response();
          for (auto code : response.get_reason_codes()) {
            if (code >= 0x80) {
              return Status::failedPrecondition("broker refused subscription to '" + filter +
                                                "' (reason " + std::to_string(code) + ")");
            }
          }
        }
      } catch (const ::mqtt::exception& e) {
        if (notAuthorized(e) || e.get_return_code() == 0x80) {
          return Status::failedPrecondition("broker refused subscription to '" + filter +
                                            "': " + describe(e));
        }
        return Status::unavailable("subscribe to '" + filter + "' failed: " + describe(e));
      }
    }
    return Status::ok();
  }

  Status publish(const Message& m, bool waitForAck) override {
    if (!connected()) return Status::unavailable("not connected");
    try {
      // Flow control: Paho refuses ("No more messages can be buffered") once ~100 publishes
      // wait in its queue, and the broker's receive maximum keeps most of them there; the
      // caller waits here for the oldest instead (TOOLCHAIN.md §8).
      while (!outstanding_.empty() && outstanding_.front()->is_complete()) outstanding_.pop_front();
      if (outstanding_.size() >= kMaxOutstanding) {
        if (!outstanding_.front()->wait_for(std::chrono::seconds(10))) {
          return Status::unavailable("no PUBACK from the broker for 10 s");
        }
        outstanding_.pop_front();
      }
      auto tok = client_->publish(m.topic, m.payload.data(), m.payload.size(), m.qos, m.retained);
      if (waitForAck && !tok->wait_for(std::chrono::seconds(10))) {
        return Status::unavailable("no PUBACK for a message on '" + m.topic + "'");
      }
      if (!waitForAck && m.qos > 0) outstanding_.push_back(std::move(tok));
      return Status::ok();
    } catch (const ::mqtt::exception& e) {
      if (notAuthorized(e)) {
        return Status::failedPrecondition("broker refused a message on '" + m.topic +
                                          "': not authorised");
      }
      return Status::unavailable("publish on '" + m.topic + "' failed: " + describe(e));
    }
  }

  void wake() override { push(TransportEvent{TransportEvent::Kind::kWake, {}, ""}); }

  std::optional<TransportEvent> poll(std::chrono::milliseconds timeout) override {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [this] { return !events_.empty(); });
    if (events_.empty()) return std::nullopt;
    TransportEvent e = std::move(events_.front());
    events_.pop_front();
    return e;
  }

 private:
  void makeClient(const ConnectOptions& o) {
    if (client_) {
      try {
        if (client_->is_connected()) client_->disconnect()->wait_for(std::chrono::seconds(2));
      } catch (const ::mqtt::exception&) {
        // Replaced anyway.
      }
    }
    // No persistence argument: memory persistence, so Paho never writes files
    // (an empty string would put them in the filesystem root, TOOLCHAIN.md §3).
    ::mqtt::create_options create(v5_ ? MQTTVERSION_5 : MQTTVERSION_3_1_1);
    client_ = std::make_unique<::mqtt::async_client>(o.url, o.clientId, create);
    outstanding_.clear();
    // Callbacks only enqueue; the owner's thread does the work after poll().
    client_->set_message_callback([this](::mqtt::const_message_ptr msg) {
      TransportEvent e;
      e.kind = TransportEvent::Kind::kMessage;
      e.message =
          Message{msg->get_topic(), msg->get_payload_str(), msg->get_qos(), msg->is_retained()};
      push(std::move(e));
    });
    client_->set_connection_lost_handler([this](const std::string& cause) {
      push(TransportEvent{
          TransportEvent::Kind::kConnectionLost, {}, cause.empty() ? "connection lost" : cause});
    });
    client_->set_disconnected_handler([this](const ::mqtt::properties&, ::mqtt::ReasonCode reason) {
      push(TransportEvent{TransportEvent::Kind::kConnectionLost,
                          {},
                          "broker sent DISCONNECT, reason " + std::to_string(int(reason))});
    });
  }

  void push(TransportEvent e) {
    {
      std::lock_guard lock(mu_);
      events_.push_back(std::move(e));
    }
    cv_.notify_one();
  }

  Logger log_;
  std::unique_ptr<::mqtt::async_client> client_;
  std::deque<::mqtt::delivery_token_ptr> outstanding_;  // publishes not yet acknowledged
  bool v5_ = true;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<TransportEvent> events_;  // guarded by mu_
  std::string lastTlsError_;           // guarded by mu_
};

}  // namespace

std::unique_ptr<MqttTransport> makePahoTransport(Logger logger) {
  return std::make_unique<PahoTransport>(std::move(logger));
}

}  // namespace ferry::mqtt
