#include "tests/controller/api/api_fixture.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>

#include <algorithm>
#include <sstream>

#include "controller/api/http_handler.h"
#include "controller/api/tokens.h"

namespace ferry::controller::api::testing {

void ApiTest::SetUp() {
  store::StoreOptions options;
  options.stateDir = dir_.path();
  options.clock = &clock_;
  auto opened = store::openStore(options);
  ASSERT_TRUE(opened.isOk()) << opened.status().toString();
  store_ = std::move(*opened);
  token_ = *newToken(kApiTokenPrefix);
  authHeader_ = "Bearer " + token_;
  ASSERT_TRUE(store_->createToken("test", tokenHash(token_)).isOk());
  api_ = std::make_unique<ControllerApi>(
      *store_, publisher_, clock_,
      Logger(std::make_shared<FdLogSink>(2), LogLevel::kWarning, "api-test"));
  http::HttpServer::Options serverOptions;
  serverOptions.port = ferry::testing::freeTcpPort();
  serverOptions.maxBodyBytes = maxBodyBytes_;
  auto server = http::HttpServer::start(
      serverOptions, controllerHttpHandler(*api_, registry_),
      Logger(std::make_shared<FdLogSink>(2), LogLevel::kWarning, "http-test"));
  ASSERT_TRUE(server.isOk()) << server.status().toString();
  server_ = std::move(*server);
  port_ = server_->port();
}

void ApiTest::TearDown() {
  if (server_) server_->stop();
}

Reply ApiTest::call(const std::string& method, const std::string& path, const std::string& body,
                    const std::map<std::string, std::string>& headers) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port_));
  Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  if (!authHeader_.empty()) request.set("Authorization", authHeader_);
  for (const auto& [k, v] : headers) request.set(k, v);
  if (!body.empty() || method == "POST" || method == "PUT") {
    request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
  }
  session.sendRequest(request) << body;
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  std::ostringstream text;
  text << in.rdbuf();
  Reply r;
  r.status = response.getStatus();
  r.contentType = response.getContentType();
  for (const auto& [k, v] : response) {
    std::string key = k;
    std::transform(key.begin(), key.end(), key.begin(), ::tolower);
    r.headers[key] = v;
  }
  r.text = text.str();
  r.body = ferry::Json::parse(r.text, nullptr, false);
  if (r.body.is_discarded()) r.body = nullptr;
  return r;
}

Reply ApiTest::putOk(const ferry::Json& resource) {
  std::string path = "/api/v1/resources/" + resource.at("kind").get<std::string>() + "/" +
                     resource.at("id").get<std::string>();
  Reply r = put(path, resource);
  EXPECT_TRUE(r.status == 200 || r.status == 201) << path << ": " << r.text;
  return r;
}

void ApiTest::createAgent(const std::string& id) {
  Reply r = post("/api/v1/agents", {{"id", id}, {"name", "Agent " + id}});
  ASSERT_EQ(r.status, 201) << r.text;
}

void ApiTest::seedDefinitions(const std::string& integration, const std::string& agent,
                              const std::string& flowId) {
  putOk({{"kind", "integration"}, {"id", integration}, {"name", "Integration " + integration}});
  putOk({{"kind", "connection"},
         {"id", integration + "-src"},
         {"type", "sqlite"},
         {"settings", {{"path", dir_.file("src.db")}}}});
  putOk({{"kind", "connection"},
         {"id", integration + "-dst"},
         {"integration", integration},
         {"type", "sqlite"},
         {"settings", {{"path", dir_.file("dst.db")}}}});
  putOk({{"kind", "export"},
         {"id", integration + "-rows"},
         {"integration", integration},
         {"connection", integration + "-src"},
         {"type", "query"},
         {"query", "SELECT * FROM orders"}});
  putOk({{"kind", "import"},
         {"id", integration + "-out"},
         {"integration", integration},
         {"connection", integration + "-dst"},
         {"type", "table"},
         {"table", "orders"},
         {"mode", "insert"}});
  putOk({{"kind", "flow"},
         {"id", flowId},
         {"integration", integration},
         {"agent", agent},
         {"sources", {integration + "-rows"}},
         {"steps", {{{"import", integration + "-out"}}}}});
}

void ApiTest::expectProblem(const Reply& r, int status) {
  EXPECT_EQ(r.status, status) << r.text;
  EXPECT_EQ(r.contentType, "application/problem+json") << r.text;
  ASSERT_TRUE(r.body.is_object()) << r.text;
  EXPECT_EQ(r.body.value("type", ""), "about:blank");
  EXPECT_EQ(r.body.value("status", 0), status);
  EXPECT_TRUE(r.body.contains("title") && r.body["title"].is_string()) << r.text;
  EXPECT_TRUE(r.body.contains("detail") && r.body["detail"].is_string()) << r.text;
  if (r.body.contains("errors")) {
    for (const auto& e : r.body["errors"]) {
      EXPECT_TRUE(e.contains("pointer") && e["pointer"].is_string()) << r.text;
      EXPECT_TRUE(e.contains("detail") && e["detail"].is_string()) << r.text;
    }
  }
}

}  // namespace ferry::controller::api::testing
