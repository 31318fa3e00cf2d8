#include "tests/agent/connectors/http/test_http_server.h"

#include <Poco/AutoPtr.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/SharedPtr.h>
#include <Poco/URI.h>

#include <algorithm>
#include <condition_variable>
#include <fstream>
#include <istream>
#include <iterator>
#include <mutex>
#include <stdexcept>

#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace ferry::testing {

struct ScriptedHttpServer::Impl {
  Script script;
  std::unique_ptr<Poco::Net::HTTPServer> server;
  int port = 0;
  bool tls = false;

  mutable std::mutex mu;
  std::condition_variable stopped;
  bool stopping = false;
  std::vector<SeenRequest> seen;

  void handle(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out) {
    SeenRequest req;
    req.method = in.getMethod();
    req.peer = in.clientAddress().toString();
    Poco::URI uri(in.getURI());
    req.path = uri.getPath();
    for (const auto& [k, v] : uri.getQueryParameters()) req.query[k] = v;
    for (const auto& [k, v] : in) {
      std::string key = k;
      std::transform(key.begin(), key.end(), key.begin(), ::tolower);
      req.headers[key] = v;
    }
    req.body.assign(std::istreambuf_iterator<char>(in.stream()), {});
    ScriptedReply reply;
    {
      std::unique_lock lock(mu);
      seen.push_back(req);
      reply = script(req);  // scripts keep state; one at a time
      if (reply.delay.count() > 0) {
        stopped.wait_for(lock, reply.delay, [this] { return stopping; });
      }
    }
    out.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
    out.setContentType("application/json");
    for (const auto& [k, v] : reply.headers) out.add(k, v);
    out.setContentLength(static_cast<std::streamsize>(reply.body.size()));
    out.send().write(reply.body.data(), static_cast<std::streamsize>(reply.body.size()));
  }
};

namespace {

class Handler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(ScriptedHttpServer::Impl& impl) : impl_(impl) {}
  void handleRequest(Poco::Net::HTTPServerRequest& in,
                     Poco::Net::HTTPServerResponse& out) override {
    impl_.handle(in, out);
  }

 private:
  ScriptedHttpServer::Impl& impl_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(ScriptedHttpServer::Impl& impl) : impl_(impl) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(impl_);  // Poco takes ownership (its API contract)
  }

 private:
  ScriptedHttpServer::Impl& impl_;
};

}  // namespace

ScriptedHttpServer::ScriptedHttpServer(Script script, std::optional<Tls> tls,
                                       std::chrono::milliseconds keepAlive)
    : impl_(std::make_unique<Impl>()) {
  impl_->script = std::move(script);
  impl_->tls = tls.has_value();
  impl_->port = freeTcpPort();
  Poco::Net::SocketAddress address("127.0.0.1", static_cast<Poco::UInt16>(impl_->port));
  Poco::Net::ServerSocket socket;
  if (tls) {
    Poco::Net::Context::Ptr context = Poco::makeAuto<Poco::Net::Context>(
        Poco::Net::Context::TLS_SERVER_USE, tls->keyFile, tls->certFile, "",
        Poco::Net::Context::VERIFY_NONE, 9, false, "ALL:!ADH:!LOW:!EXP:!MD5:@STRENGTH");
    socket = Poco::Net::SecureServerSocket(address, 64, context);
  } else {
    socket = Poco::Net::ServerSocket(address, 64);
  }
  auto params = Poco::makeAuto<Poco::Net::HTTPServerParams>();
  params->setMaxThreads(4);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(
      Poco::Timespan(std::chrono::duration_cast<std::chrono::microseconds>(keepAlive).count()));
  impl_->server =
      std::make_unique<Poco::Net::HTTPServer>(Poco::makeShared<Factory>(*impl_), socket, params);
  impl_->server->start();
}

ScriptedHttpServer::~ScriptedHttpServer() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->stopped.notify_all();
  impl_->server->stopAll(true);
}

int ScriptedHttpServer::port() const {
  return impl_->port;
}

std::string ScriptedHttpServer::baseUrl() const {
  return std::string(impl_->tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(impl_->port);
}

std::vector<SeenRequest> ScriptedHttpServer::requests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->seen;
}

TestCertificates makeTestCertificates(const std::string& dir) {
  TestCertificates out;
  const std::string openssl = "/usr/bin/openssl";
  std::ofstream(dir + "/server.ext") << "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                                     << "extendedKeyUsage=serverAuth\n";
  const std::vector<std::vector<std::string>> steps = {
      {openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
       "-nodes", "-keyout", dir + "/ca.key", "-out", dir + "/ca.crt", "-days", "2", "-subj",
       "/CN=Ferry Test CA"},
      {openssl, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
       "-keyout", dir + "/server.key", "-out", dir + "/server.csr", "-subj", "/CN=localhost"},
      {openssl, "x509", "-req", "-in", dir + "/server.csr", "-CA", dir + "/ca.crt", "-CAkey",
       dir + "/ca.key", "-CAcreateserial", "-out", dir + "/server.crt", "-days", "2", "-extfile",
       dir + "/server.ext"},
  };
  for (const auto& argv : steps) {
    ProcessResult r = runProcess(argv);
    if (r.exitCode != 0) {
      out.error = "openssl " + argv[1] + " failed: " + r.err;
      return out;
    }
  }
  out.caFile = dir + "/ca.crt";
  out.certFile = dir + "/server.crt";
  out.keyFile = dir + "/server.key";
  return out;
}

}  // namespace ferry::testing
