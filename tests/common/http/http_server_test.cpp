// The HTTP server on a real loopback socket: whole bodies in one response, HEAD, keep-alive,
// a handler that throws.
#include "common/http/http_server.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <stdexcept>

namespace ferry::http {
namespace {

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = HttpServer::start(
        {}, [](const HttpRequest& r) { return answer(r); },
        Logger(std::make_shared<FdLogSink>(2), LogLevel::kError, "http-server-test"));
    ASSERT_TRUE(server.isOk()) << server.status().message();
    server_ = std::move(*server);
    session_ = std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", server_->port());
    session_->setKeepAlive(true);
  }

  static HttpResponse answer(const HttpRequest& r) {
    if (r.path == "/throw") throw std::runtime_error("handler failed on purpose");
    HttpResponse out;
    out.contentType = "text/plain";
    out.headers.emplace_back("X-Path", r.path);
    if (r.path == "/big") {
      for (int i = 0; out.body.size() < 300'000; ++i) out.body += std::to_string(i) + ",";
    } else {
      out.body = "hello " + r.method;
    }
    return out;
  }

  // Sends one request on the kept-alive session; returns the body.
  std::string call(const std::string& method, const std::string& path,
                   Poco::Net::HTTPResponse& response) {
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    session_->sendRequest(request);
    std::istream& in = session_->receiveResponse(response);
    std::string body;
    Poco::StreamCopier::copyToString(in, body);
    return body;
  }

  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
};

TEST_F(HttpServerTest, LargeBodiesArriveWholeWithTheirHeaders) {
  Poco::Net::HTTPResponse response;
  std::string body = call("GET", "/big", response);
  HttpResponse expected = answer(HttpRequest{"GET", "/big", "", {}, ""});
  EXPECT_EQ(response.getStatus(), Poco::Net::HTTPResponse::HTTP_OK);
  EXPECT_EQ(response.getContentLength64(), static_cast<Poco::Int64>(expected.body.size()));
  EXPECT_EQ(response.get("X-Path"), "/big");
  EXPECT_EQ(response.getContentType(), "text/plain");
  EXPECT_EQ(body, expected.body);
}

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  for (int i = 0; i < 3; ++i) {
    Poco::Net::HTTPResponse big;
    EXPECT_GT(call("GET", "/big", big).size(), 300'000u);
    Poco::Net::HTTPResponse small;
    EXPECT_EQ(call("POST", "/small", small), "hello POST");
    EXPECT_TRUE(small.getKeepAlive());
  }
}

TEST_F(HttpServerTest, HeadGetsTheHeadersAlone) {
  Poco::Net::HTTPResponse head;
  EXPECT_EQ(call("HEAD", "/big", head), "");
  EXPECT_GT(head.getContentLength64(), 300'000);
  // The connection is still in step: the next response is read correctly.
  Poco::Net::HTTPResponse next;
  EXPECT_EQ(call("GET", "/small", next), "hello GET");
}

TEST_F(HttpServerTest, AThrowingHandlerGets500AndTheServerGoesOn) {
  Poco::Net::HTTPResponse failed;
  std::string body = call("GET", "/throw", failed);
  EXPECT_EQ(failed.getStatus(), Poco::Net::HTTPResponse::HTTP_INTERNAL_SERVER_ERROR);
  EXPECT_EQ(failed.getContentType(), "application/problem+json");
  EXPECT_NE(body.find("see the server log"), std::string::npos);
  Poco::Net::HTTPResponse next;
  EXPECT_EQ(call("GET", "/small", next), "hello GET");
}

}  // namespace
}  // namespace ferry::http
