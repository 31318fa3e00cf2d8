#include "common/http/json_client.h"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/URI.h>

#include <sstream>

namespace ferry::http {

Result<std::unique_ptr<JsonClient>> JsonClient::open(const std::string& baseUrl,
                                                     std::string bearerToken,
                                                     const std::string& caFile) {
  try {
    Poco::URI base(baseUrl);
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (base.getScheme() == "https") {
      auto context = Poco::makeAuto<Poco::Net::Context>(
          Poco::Net::Context::TLS_CLIENT_USE, "", "", caFile, Poco::Net::Context::VERIFY_RELAXED, 9,
          /*loadDefaultCAs=*/caFile.empty());
      session =
          std::make_unique<Poco::Net::HTTPSClientSession>(base.getHost(), base.getPort(), context);
    } else if (base.getScheme() == "http") {
      session = std::make_unique<Poco::Net::HTTPClientSession>(base.getHost(), base.getPort());
    } else {
      return Status::invalidArgument("'" + baseUrl + "' is not an http:// or https:// URL");
    }
    session->setTimeout(Poco::Timespan(30, 0));
    std::string prefix = base.getPath();
    if (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    return std::make_unique<JsonClient>(baseUrl, prefix, std::move(bearerToken),
                                        std::move(session));
  } catch (const Poco::Exception& e) {
    return Status::invalidArgument("'" + baseUrl + "': " + e.displayText());
  }
}

JsonClient::JsonClient(std::string base, std::string prefix, std::string token,
                       std::unique_ptr<Poco::Net::HTTPClientSession> session)
    : base_(std::move(base)),
      prefix_(std::move(prefix)),
      token_(std::move(token)),
      session_(std::move(session)) {}

JsonClient::~JsonClient() = default;

Result<JsonReply> JsonClient::call(const std::string& method, const std::string& path,
                                   const ferry::Json* body) {
  try {
    Poco::Net::HTTPRequest request(method, prefix_ + path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!token_.empty()) request.set("Authorization", "Bearer " + token_);
    std::string text = body ? body->dump() : "";
    if (body) {
      request.setContentType("application/json");
      request.setContentLength(static_cast<std::streamsize>(text.size()));
    }
    session_->sendRequest(request) << text;
    Poco::Net::HTTPResponse response;
    std::istream& in = session_->receiveResponse(response);
    std::ostringstream received;
    received << in.rdbuf();
    JsonReply reply;
    reply.status = response.getStatus();
    reply.body = ferry::Json::parse(received.str(), nullptr, false);
    if (reply.body.is_discarded()) reply.body = nullptr;
    return reply;
  } catch (const Poco::Exception& e) {
    return Status::unavailable("cannot reach " + base_ + ": " + e.displayText());
  }
}

}  // namespace ferry::http
