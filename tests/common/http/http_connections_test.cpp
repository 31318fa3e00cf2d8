// How the HTTP server treats connections, on real loopback sockets: idle keep-alive clients
// hold no worker, pipelined requests are all answered, garbage gets 400, idle connections
// time out, the connection limit holds, and stop() ends what is open.
#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "common/http/http_server.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tls_files.h"

namespace ferry::http {
namespace {

using namespace std::chrono_literals;

// Far longer than any answer takes here, far shorter than a stalled worker would make a
// client wait (the keep-alive timeout below).
constexpr auto kClientPatience = 5s;

class HttpConnectionsTest : public ::testing::Test {
 protected:
  void start(HttpServer::Options options) {
    auto server = HttpServer::start(
        options,
        [](const HttpRequest& r) {
          HttpResponse out;
          out.contentType = "text/plain";
          out.body = "path " + r.path;
          return out;
        },
        Logger(std::make_shared<FdLogSink>(2), LogLevel::kError, "http-connections-test"));
    ASSERT_TRUE(server.isOk()) << server.status().message();
    server_ = std::move(*server);
  }

  Poco::Net::StreamSocket connect() {
    Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", server_->port()));
    s.setReceiveTimeout(Poco::Timespan(std::chrono::microseconds(kClientPatience).count()));
    return s;
  }

  // n connections, each answered once and then kept alive, idle.
  std::vector<Poco::Net::StreamSocket> keptAlive(int n) {
    std::vector<Poco::Net::StreamSocket> out;
    std::string pending;
    for (int i = 0; i < n; ++i) {
      out.push_back(connect());
      sendText(out.back(), get("/kept"));
      EXPECT_NE(readResponse(out.back(), pending).find("path /kept"), std::string::npos) << i;
      EXPECT_TRUE(pending.empty());
    }
    return out;
  }

  // Sends part of a request (a worker then waits for the rest) and stops the server, whose
  // timeouts are 60 s: stop() must end it without waiting them out. Not a performance
  // bound.
  void stopWithHalfSentRequest(Poco::Net::StreamSocket& half) {
    sendText(half, "GET /half HTTP/1.1\r\nHost: te");
    std::this_thread::sleep_for(200ms);
    const auto before = std::chrono::steady_clock::now();
    server_->stop();
    EXPECT_LT(std::chrono::steady_clock::now() - before, 30s);
    EXPECT_TRUE(closedByServer(half));
  }

  // HTTPS with a throwaway CA; the client trusts exactly it.
  HttpServer::Options withTls(HttpServer::Options options) {
    tls_ = ferry::testing::makeTlsFiles(dir_.path());
    options.tlsCertFile = tls_.certFile;
    options.tlsKeyFile = tls_.keyFile;
    return options;
  }

  Poco::Net::SecureStreamSocket connectTls() {
    auto context =
        Poco::makeAuto<Poco::Net::Context>(Poco::Net::Context::TLS_CLIENT_USE, "", "", tls_.caFile,
                                           Poco::Net::Context::VERIFY_RELAXED);
    Poco::Net::SecureStreamSocket s(Poco::Net::SocketAddress("127.0.0.1", server_->port()),
                                    context);
    s.setReceiveTimeout(Poco::Timespan(std::chrono::microseconds(kClientPatience).count()));
    return s;
  }

  static void sendText(Poco::Net::StreamSocket& s, const std::string& text) {
    ASSERT_EQ(s.sendBytes(text.data(), static_cast<int>(text.size())),
              static_cast<int>(text.size()));
  }

  static std::string get(const std::string& path) {
    return "GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n";
  }

  // One whole response (headers and Content-Length body); "" when the server closed first.
  static std::string readResponse(Poco::Net::StreamSocket& s, std::string& pending) {
    char buf[4096];
    for (;;) {
      const auto headEnd = pending.find("\r\n\r\n");
      if (headEnd != std::string::npos) {
        const auto at = pending.find("Content-Length: ");
        const std::size_t length =
            at == std::string::npos || at > headEnd ? 0 : std::stoul(pending.substr(at + 16));
        if (pending.size() >= headEnd + 4 + length) {
          std::string response = pending.substr(0, headEnd + 4 + length);
          pending.erase(0, response.size());
          return response;
        }
      }
      const int n = s.receiveBytes(buf, sizeof buf);
      if (n <= 0) return "";
      pending.append(buf, static_cast<std::size_t>(n));
    }
  }

  // True when the server closes the connection (whatever it sent first is skipped) before
  // the client's patience runs out.
  static bool closedByServer(Poco::Net::StreamSocket& s) {
    char buf[256];
    try {
      while (s.receiveBytes(buf, sizeof buf) > 0) {
      }
      return true;
    } catch (const Poco::Net::ConnectionResetException&) {
      return true;
    } catch (const Poco::Net::SSLException&) {
      return true;  // TLS closed without close_notify: the peer is gone all the same
    } catch (const Poco::TimeoutException&) {
      return false;
    }
  }

  ferry::testing::TempDir dir_;
  ferry::testing::TlsFiles tls_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpConnectionsTest, IdleKeepAliveClientsDoNotHoldWorkers) {
  HttpServer::Options options;
  options.maxThreads = 2;
  options.keepAliveSeconds = 60;
  start(options);
  // Ten times as many kept-alive clients as workers, each idle after one answer.
  std::vector<Poco::Net::StreamSocket> idle = keptAlive(20);
  std::string pending;
  // A new client is answered while they all stay open (Poco's HTTPServer made it wait for
  // their keep-alive timeout), and each idle one is still answered afterwards.
  Poco::Net::StreamSocket fresh = connect();
  sendText(fresh, get("/fresh"));
  EXPECT_NE(readResponse(fresh, pending).find("path /fresh"), std::string::npos);
  for (auto& s : idle) {
    sendText(s, get("/again"));
    EXPECT_NE(readResponse(s, pending).find("path /again"), std::string::npos);
  }
}

TEST_F(HttpConnectionsTest, PipelinedRequestsAreAllAnsweredInOrder) {
  start({});
  Poco::Net::StreamSocket s = connect();
  sendText(s, get("/one") + get("/two") + get("/three"));
  std::string pending;
  EXPECT_NE(readResponse(s, pending).find("path /one"), std::string::npos);
  EXPECT_NE(readResponse(s, pending).find("path /two"), std::string::npos);
  EXPECT_NE(readResponse(s, pending).find("path /three"), std::string::npos);
}

TEST_F(HttpConnectionsTest, GarbageGets400AndTheConnectionCloses) {
  start({});
  Poco::Net::StreamSocket s = connect();
  sendText(s, "\x16\x03\x01 this is not HTTP\r\n\r\n");
  std::string pending;
  const std::string response = readResponse(s, pending);
  EXPECT_NE(response.find(" 400 "), std::string::npos) << response;
  EXPECT_NE(response.find("application/problem+json"), std::string::npos) << response;
  EXPECT_TRUE(closedByServer(s));
  // The server goes on.
  Poco::Net::StreamSocket next = connect();
  sendText(next, get("/next"));
  EXPECT_NE(readResponse(next, pending).find("path /next"), std::string::npos);
}

TEST_F(HttpConnectionsTest, IdleConnectionsAreClosedAfterTheKeepAliveTimeout) {
  HttpServer::Options options;
  options.keepAliveSeconds = 1;
  start(options);
  Poco::Net::StreamSocket s = connect();
  sendText(s, get("/once"));
  std::string pending;
  ASSERT_NE(readResponse(s, pending).find("path /once"), std::string::npos);
  // The client's patience (5 s) outlasts the timeout and the sweep after it (≤ 2 s).
  EXPECT_TRUE(closedByServer(s));
}

TEST_F(HttpConnectionsTest, ConnectionsBeyondTheLimitAreClosedUntilOthersEnd) {
  HttpServer::Options options;
  options.maxConnections = 3;
  start(options);
  std::vector<Poco::Net::StreamSocket> open = keptAlive(3);
  std::string pending;
  Poco::Net::StreamSocket extra = connect();
  try {
    extra.sendBytes("GET / HTTP/1.1\r\n\r\n", 18);
  } catch (const Poco::Exception&) {
    // already reset: that is the refusal too
  }
  EXPECT_TRUE(closedByServer(extra));
  // Once one of the three ends, a new connection is served again.
  open.front().close();
  std::string answer;
  for (int attempt = 0; attempt < 50 && answer.empty(); ++attempt) {
    Poco::Net::StreamSocket next = connect();
    try {
      sendText(next, get("/later"));
      answer = readResponse(next, pending);
    } catch (const Poco::Exception&) {
      // refused while the server has not yet seen the close
    }
    if (answer.empty()) std::this_thread::sleep_for(100ms);
  }
  EXPECT_NE(answer.find("path /later"), std::string::npos);
}

TEST_F(HttpConnectionsTest, StopClosesIdleAndHalfSentConnections) {
  HttpServer::Options options;
  options.keepAliveSeconds = 60;
  options.ioTimeoutSeconds = 60;
  start(options);
  std::vector<Poco::Net::StreamSocket> idle = keptAlive(1);
  Poco::Net::StreamSocket half = connect();
  stopWithHalfSentRequest(half);
  EXPECT_TRUE(closedByServer(idle.front()));
}

TEST_F(HttpConnectionsTest, PipelinedRequestsOverTlsAreAllAnswered) {
  start(withTls({}));
  Poco::Net::SecureStreamSocket s = connectTls();
  // Four requests of exactly 4 KB (the server's read buffer) in one TLS record: after
  // each one the buffer is empty and the rest waits in OpenSSL, not in the socket, where
  // epoll would never report it.
  std::string padded;
  for (const std::string path : {"/one", "/two", "/three", "/four"}) {
    const std::string head = "GET " + path + " HTTP/1.1\r\nHost: test\r\nX-Filler: ";
    padded += head + std::string(4096 - head.size() - 4, 'x') + "\r\n\r\n";
  }
  ASSERT_EQ(padded.size(), 4u * 4096u);  // 16 KB: a TLS record's most
  sendText(s, padded);
  std::string pending;
  for (const char* path : {"/one", "/two", "/three", "/four"}) {
    EXPECT_NE(readResponse(s, pending).find(std::string("path ") + path), std::string::npos)
        << path;
  }
}

TEST_F(HttpConnectionsTest, StopEndsAHalfSentTlsRequest) {
  HttpServer::Options options = withTls({});
  options.ioTimeoutSeconds = 60;
  start(options);
  Poco::Net::SecureStreamSocket half = connectTls();
  stopWithHalfSentRequest(half);
}

}  // namespace
}  // namespace ferry::http
