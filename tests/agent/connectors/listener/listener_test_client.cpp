#include "tests/agent/connectors/listener/listener_test_client.h"

#include <Poco/AutoPtr.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/StreamCopier.h>

#include <sstream>

namespace ferry::agent::connectors::listener::testing {

struct TestClient::Impl {
  std::unique_ptr<Poco::Net::HTTPClientSession> session;
};

TestClient::TestClient(int port, std::string caFile) : impl_(std::make_unique<Impl>()) {
  const auto p = static_cast<Poco::UInt16>(port);
  if (caFile.empty()) {
    impl_->session = std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", p);
  } else {
    Poco::Net::Context::Ptr context = Poco::makeAuto<Poco::Net::Context>(
        Poco::Net::Context::TLS_CLIENT_USE, "", "", caFile, Poco::Net::Context::VERIFY_STRICT);
    impl_->session = std::make_unique<Poco::Net::HTTPSClientSession>("127.0.0.1", p, context);
  }
  impl_->session->setTimeout(Poco::Timespan(30, 0));
}

TestClient::~TestClient() = default;

Reply TestClient::send(const Request& request) {
  Poco::Net::HTTPRequest req(request.method, request.path, Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [k, v] : request.headers) req.set(k, v);
  const bool hasBody = request.method != "GET" || !request.body.empty();
  if (hasBody) {
    req.setContentType("application/json");
    if (request.chunked) {
      req.setChunkedTransferEncoding(true);
    } else {
      req.setContentLength(static_cast<std::streamsize>(request.body.size()));
    }
  }
  std::ostream& out = impl_->session->sendRequest(req);
  if (hasBody) out << request.body;
  Poco::Net::HTTPResponse res;
  std::istream& in = impl_->session->receiveResponse(res);
  Reply reply;
  reply.status = static_cast<int>(res.getStatus());
  reply.contentType = res.getContentType();
  for (const auto& [k, v] : res) reply.headers[k] = v;
  std::ostringstream body;
  Poco::StreamCopier::copyStream(in, body);
  reply.body = body.str();
  return reply;
}

Reply TestClient::post(const std::string& path, const std::string& body,
                       const std::map<std::string, std::string>& headers) {
  Request r;
  r.path = path;
  r.body = body;
  r.headers = headers;
  return send(r);
}

}  // namespace ferry::agent::connectors::listener::testing
