#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "common/http/http_server.h"
#include "common/json/json.h"
#include "common/metrics/registry.h"
#include "controller/api/controller_api.h"
#include "controller/api/publisher.h"
#include "controller/store/store.h"
#include "tests/support/temp_dir.h"

namespace ferry::controller::api::testing {

// Wall time the test sets (store timestamps come from it).
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t ms) : ms_(ms) {}
  TimePoint now() const override { return TimePoint(std::chrono::milliseconds(ms_.load())); }
  SteadyPoint steadyNow() const override {
    return SteadyPoint(std::chrono::milliseconds(ms_.load()));
  }
  void set(std::int64_t ms) { ms_ = ms; }

 private:
  std::atomic<std::int64_t> ms_;
};

// Remembers every document handed to it, as the MQTT side would receive them.
class RecordingPublisher final : public AgentPublisher {
 public:
  struct Published {
    std::string agentId;
    std::int64_t version;
    ferry::Json document;
  };
  void publishDesired(const std::string& agentId, std::int64_t version,
                      const std::string& documentJson) override {
    std::lock_guard lock(mu_);
    published_.push_back({agentId, version, ferry::Json::parse(documentJson)});
  }
  void publishCommand(const store::CommandRecord& command) override {
    std::lock_guard lock(mu_);
    commands_.push_back(command);
  }
  std::vector<store::CommandRecord> commands() const {
    std::lock_guard lock(mu_);
    return commands_;
  }
  std::vector<Published> published() const {
    std::lock_guard lock(mu_);
    return published_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<Published> published_;
  std::vector<store::CommandRecord> commands_;
};

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string contentType;
  std::string text;
  ferry::Json body;  // null when the body is empty or not JSON

  std::string header(const std::string& lowerName) const {
    auto it = headers.find(lowerName);
    return it == headers.end() ? "" : it->second;
  }
};

// A real controller API on 127.0.0.1:<free port> over a SQLite store in a temp dir, with
// one API token; calls go over real HTTP.
class ApiTest : public ::testing::Test {
 protected:
  static constexpr std::int64_t kT0 = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

  void SetUp() override;
  void TearDown() override;

  // Sends a request with the test's token (unless `token` says otherwise).
  Reply call(const std::string& method, const std::string& path, const std::string& body = "",
             const std::map<std::string, std::string>& headers = {});
  Reply get(const std::string& path) { return call("GET", path); }
  Reply post(const std::string& path, const ferry::Json& body) {
    return call("POST", path, body.dump());
  }
  Reply put(const std::string& path, const ferry::Json& body,
            const std::map<std::string, std::string>& headers = {}) {
    return call("PUT", path, body.dump(), headers);
  }
  // PUT /api/v1/resources/{kind}/{id} that must succeed.
  Reply putOk(const ferry::Json& resource);
  // Creates an integration, two connections, an export, an import and a flow on `agent`.
  void seedDefinitions(const std::string& integration, const std::string& agent,
                       const std::string& flowId = "orders");
  void createAgent(const std::string& id);

  // Checks the RFC 9457 shape of a problem response with the given status.
  static void expectProblem(const Reply& r, int status);

  std::string token_;
  std::string authHeader_;  // "Bearer <token_>"; tests may clear it
  int port_ = 0;
  ManualClock clock_{kT0};
  ferry::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  RecordingPublisher publisher_;
  metrics::Registry registry_;
  std::unique_ptr<ControllerApi> api_;
  std::unique_ptr<http::HttpServer> server_;
  std::int64_t maxBodyBytes_ = 64 * 1024;
};

}  // namespace ferry::controller::api::testing
