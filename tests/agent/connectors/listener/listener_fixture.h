#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "agent/connectors/listener/listener_server.h"
#include "agent/queue/log_queue.h"
#include "common/clock/clock.h"
#include "common/json/json.h"
#include "tests/agent/connectors/listener/listener_test_client.h"
#include "tests/support/temp_dir.h"

namespace ferry::agent::connectors::listener::testing {

inline Logger quietLogger() {
  return Logger(std::make_shared<FdLogSink>(2), LogLevel::kError, "listener-test");
}

// A real LogQueue in a TempDir and a ListenerServer on 127.0.0.1:freeTcpPort() writing into
// it. `pages(topic)` reads everything the topic holds through a consumer of its own.
class ListenerFixture : public ::testing::Test {
 protected:
  void openQueue(std::int64_t quotaBytes = std::int64_t{1} << 30) {
    queue::LogQueue::Options o;
    o.stateDir = dir_.path();
    o.quotaBytes = quotaBytes;
    auto q = queue::LogQueue::open(o);
    ASSERT_TRUE(q.isOk()) << q.status().toString();
    queue_ = std::move(*q);
  }

  void startServer(std::vector<ListenerRoute> routes, ListenerServer::Options options = {}) {
    if (!queue_) openQueue();
    options.bind = "127.0.0.1";
    options.port = ferry::testing::freeTcpPort();
    auto server = ListenerServer::start(
        options, std::move(routes), std::make_unique<LogQueueSink>(*queue_, clock_), quietLogger());
    ASSERT_TRUE(server.isOk()) << server.status().toString();
    server_ = std::move(*server);
  }

  std::vector<queue::StoredPage> pages(const std::string& topic) {
    EXPECT_TRUE(
        queue_->registerConsumer("test-reader", topic, queue::LogQueue::StartAt::kEarliest).isOk());
    auto read = queue_->read("test-reader", topic, 1000);
    EXPECT_TRUE(read.isOk()) << read.status().toString();
    return read.isOk() ? std::move(*read) : std::vector<queue::StoredPage>{};
  }

  static ListenerRoute route(const std::string& path, const std::string& topic,
                             ListenerAuth auth = {}) {
    return ListenerRoute{path, topic, topic, std::move(auth)};
  }

  ferry::testing::TempDir dir_;
  SystemClock clock_;
  std::unique_ptr<queue::LogQueue> queue_;
  std::unique_ptr<ListenerServer> server_;  // declared last: stopped before the queue closes
};

// The problem+json body of an error reply; fails the test when it is not one.
inline ferry::Json problemOf(const Reply& reply) {
  EXPECT_EQ(reply.contentType, "application/problem+json") << reply.body;
  auto doc = ferry::Json::parse(reply.body, nullptr, false);
  EXPECT_TRUE(doc.is_object()) << reply.body;
  if (!doc.is_object()) return ferry::Json::object();
  EXPECT_EQ(doc.value("status", 0), reply.status);
  EXPECT_EQ(doc.value("type", ""), "about:blank");
  return doc;
}

}  // namespace ferry::agent::connectors::listener::testing
