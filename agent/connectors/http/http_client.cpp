#include "agent/connectors/http/http_client.h"

#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Timespan.h>

#include <algorithm>
#include <cctype>
#include <istream>
#include <ostream>

namespace ferry::agent::connectors::http {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// A kept-alive connection the server has closed shows up as one of these before any byte
// of a reply: the request may be sent again on a new connection.
bool staleConnection(const Poco::Exception& e) {
  return dynamic_cast<const Poco::Net::NoMessageException*>(&e) != nullptr ||
         dynamic_cast<const Poco::Net::ConnectionResetException*>(&e) != nullptr ||
         dynamic_cast<const Poco::Net::ConnectionAbortedException*>(&e) != nullptr ||
         dynamic_cast<const Poco::Net::SSLConnectionUnexpectedlyClosedException*>(&e) != nullptr;
}

// RFC 3986 unreserved characters stay; every other byte becomes %XX (so '+', '&', '=' and
// ':' in a watermark or cursor reach the server as written).
std::string percentEncode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0F];
    }
  }
  return out;
}

bool untrustedCertificate(const Poco::Exception& e) {
  if (dynamic_cast<const Poco::Net::CertificateValidationException*>(&e) != nullptr ||
      dynamic_cast<const Poco::Net::InvalidCertificateException*>(&e) != nullptr) {
    return true;
  }
  return dynamic_cast<const Poco::Net::SSLException*>(&e) != nullptr &&
         e.displayText().find("certificate verify failed") != std::string::npos;
}

Poco::Net::Context::Ptr clientContext(const ClientOptions& options) {
  Poco::Net::Context::Params params;
  params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
  if (options.caFile.empty()) {
    params.loadDefaultCAs = true;  // OpenSSL's default paths: /etc/ssl/certs on Debian
  } else {
    params.caLocation = options.caFile;
  }
  Poco::Net::Context::Ptr context =
      Poco::makeAuto<Poco::Net::Context>(Poco::Net::Context::TLS_CLIENT_USE, params);
  context->disableProtocols(Poco::Net::Context::PROTO_SSLV2 | Poco::Net::Context::PROTO_SSLV3 |
                            Poco::Net::Context::PROTO_TLSV1 | Poco::Net::Context::PROTO_TLSV1_1);
  return context;
}

}  // namespace

std::string Reply::header(std::string_view name) const {
  auto it = headers.find(std::string(name));
  return it == headers.end() ? std::string() : it->second;
}

std::string describeRequest(const Request& request) {
  std::string path = request.target.substr(0, request.target.find('?'));
  return request.method + " " + path;
}

struct HttpClient::Impl {
  ClientOptions options;
  Poco::Net::Context::Ptr context;  // null for plain HTTP
  std::unique_ptr<Poco::Net::HTTPClientSession> session;

  Reply exchange(const Request& request);
  Status failure(const Request& request, const Poco::Exception& e) const;
};

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpClient::~HttpClient() = default;

Result<std::unique_ptr<HttpClient>> HttpClient::create(ClientOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  // Longest first, so "Bearer <token>" goes as a whole before the token alone.
  std::sort(impl->options.secrets.begin(), impl->options.secrets.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  const ClientOptions& o = impl->options;
  const auto port = static_cast<Poco::UInt16>(o.port);
  try {
    if (o.scheme == "https") {
      impl->context = clientContext(o);
      impl->session = std::make_unique<Poco::Net::HTTPSClientSession>(o.host, port, impl->context);
    } else {
      impl->session = std::make_unique<Poco::Net::HTTPClientSession>(o.host, port);
    }
  } catch (const Poco::Exception& e) {
    return Status::invalidArgument(
        "cannot set up TLS" +
        (o.caFile.empty() ? std::string(" with the system CAs") : " with caFile " + o.caFile) +
        ": " + e.displayText());
  }
  impl->session->setKeepAlive(true);
  impl->session->setTimeout(Poco::Timespan(static_cast<long>(o.timeout.count()), 0));
  return std::make_unique<HttpClient>(std::move(impl));
}

Reply HttpClient::Impl::exchange(const Request& request) {
  Poco::Net::HTTPRequest out(request.method, request.target, Poco::Net::HTTPMessage::HTTP_1_1);
  out.setKeepAlive(true);
  out.set("Accept", "application/json");
  for (const auto& [name, value] : options.headers) out.set(name, value);
  for (const auto& [name, value] : request.headers) out.set(name, value);
  if (!request.body.empty()) {
    out.setContentType("application/json");
    out.setContentLength64(static_cast<Poco::Int64>(request.body.size()));
  }
  std::ostream& body = session->sendRequest(out);
  body.write(request.body.data(), static_cast<std::streamsize>(request.body.size()));

  Poco::Net::HTTPResponse in;
  std::istream& stream = session->receiveResponse(in);
  Reply reply;
  reply.status = static_cast<int>(in.getStatus());
  for (const auto& [name, value] : in) {
    auto [it, inserted] = reply.headers.emplace(lower(name), value);
    if (!inserted) it->second += ", " + value;
  }
  char buf[16384];
  while (stream.read(buf, sizeof buf) || stream.gcount() > 0) {
    reply.body.append(buf, static_cast<std::size_t>(stream.gcount()));
    if (reply.body.size() > options.maxBodyBytes) {
      reply.body.resize(options.maxBodyBytes);
      reply.truncated = true;
      session->reset();  // the rest is not read, so this connection cannot carry more
      break;
    }
  }
  return reply;
}

Status HttpClient::Impl::failure(const Request& request, const Poco::Exception& e) const {
  const std::string what =
      describeRequest(request) + " to " + options.host + ":" + std::to_string(options.port);
  if (dynamic_cast<const Poco::TimeoutException*>(&e) != nullptr) {
    return Status::deadlineExceeded(what + ": no answer within " +
                                    std::to_string(options.timeout.count()) +
                                    " s (timeoutSeconds)");
  }
  if (untrustedCertificate(e)) {
    return Status::failedPrecondition(
        what + ": the server's TLS certificate is not trusted (" + e.displayText() + "); " +
        (options.caFile.empty() ? "set caFile to the CA that signed it"
                                : "check that caFile " + options.caFile + " signed it") +
        " and that it names the host");
  }
  return Status::unavailable(what + ": " + e.displayText());
}

Result<Reply> HttpClient::send(const Request& request) {
  for (int attempt = 0;; ++attempt) {
    const bool reused = impl_->session->connected();
    try {
      return impl_->exchange(request);
    } catch (const Poco::Exception& e) {
      impl_->session->reset();
      if (reused && attempt == 0 && staleConnection(e)) continue;
      return impl_->failure(request, e);
    } catch (const std::exception& e) {
      impl_->session->reset();
      return Status::unavailable(describeRequest(request) + ": " + e.what());
    }
  }
}

std::string HttpClient::target(const std::string& path, const Headers& query) const {
  std::string out = impl_->options.basePath;
  if (path.empty() || path.front() != '/') out += '/';
  out += path;
  char separator = out.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [name, value] : query) {
    out += separator;
    out += percentEncode(name) + "=" + percentEncode(value);
    separator = '&';
  }
  return out;
}

std::string HttpClient::origin() const {
  const ClientOptions& o = impl_->options;
  return o.scheme + "://" + o.host + ":" + std::to_string(o.port);
}

std::string HttpClient::redact(std::string text) const {
  for (const auto& secret : impl_->options.secrets) {
    if (secret.empty()) continue;
    for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 3)) {
      text.replace(pos, secret.size(), "***");
    }
  }
  return text;
}

const ClientOptions& HttpClient::options() const {
  return impl_->options;
}

}  // namespace ferry::agent::connectors::http
