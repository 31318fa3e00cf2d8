#include "common/http/http_server.h"

#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <algorithm>
#include <istream>
#include <sstream>

#include "common/http/http_connections.h"

namespace ferry::http {

namespace {

// After a 413 the rest of the body is read and thrown away up to this many bytes: closing a
// socket with unread input makes the kernel send RST, and the client then loses the 413.
constexpr std::int64_t kDrainLimitBytes = std::int64_t{1} << 20;

struct Shared {
  HttpHandler handler;
  Logger logger;
  std::int64_t maxBodyBytes;
};

// Headers and body leave in one send(): Poco's response streams write through a 4 KB
// buffer, and on loopback every extra segment costs a wake-up of the reader (a 20 KB page of
// runs went out in six). HEAD gets the headers alone.
void send(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out,
          const HttpResponse& r) {
  out.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(r.status));
  out.setContentType(r.contentType);
  for (const auto& [k, v] : r.headers) out.set(k, v);
  out.setContentLength64(static_cast<Poco::Int64>(r.body.size()));
  auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&in);
  if (impl == nullptr) {
    out.send().write(r.body.data(), static_cast<std::streamsize>(r.body.size()));
    return;
  }
  std::ostringstream headStream;
  out.write(headStream);
  const std::string head = std::move(headStream).str();
  const std::string_view body =
      in.getMethod() == Poco::Net::HTTPRequest::HTTP_HEAD ? std::string_view() : r.body;
  Poco::Net::StreamSocket& socket = impl->socket();
  auto sendAll = [&](std::string_view piece, std::size_t sent) {
    while (sent < piece.size()) {
      int n = socket.sendBytes(piece.data() + sent, static_cast<int>(piece.size() - sent));
      if (n <= 0) throw Poco::Net::NetException("the client stopped reading the response");
      sent += static_cast<std::size_t>(n);
    }
  };
  if (socket.secure()) {
    // TLS records are written by OpenSSL: one buffer, one SSL_write.
    sendAll(std::string(head).append(body), 0);
    return;
  }
  // Plain TCP: one writev for both, so a page of runs is not copied once more to join them
  // (iovec takes non-const pointers; writev only reads them).
  Poco::Net::SocketBufVec parts{
      Poco::Net::Socket::makeBuffer(const_cast<char*>(head.data()), head.size()),
      Poco::Net::Socket::makeBuffer(const_cast<char*>(body.data()), body.size())};
  int first = socket.sendBytes(parts);
  if (first <= 0) throw Poco::Net::NetException("the client stopped reading the response");
  // A full socket buffer may take part of it: the rest goes out piece by piece.
  const auto sent = static_cast<std::size_t>(first);
  if (sent < head.size()) {
    sendAll(head, sent);
    sendAll(body, 0);
  } else {
    sendAll(body, sent - head.size());
  }
}

HttpResponse problem(int status, const std::string& title, const std::string& detail) {
  HttpResponse r;
  r.status = status;
  r.contentType = "application/problem+json";
  auto esc = [](const std::string& s) {
    std::string o;
    for (char c : s) {
      if (c == '"' || c == '\\') o += '\\';
      if (static_cast<unsigned char>(c) >= 0x20) o += c;
    }
    return o;
  };
  r.body = "{\"type\":\"about:blank\",\"title\":\"" + esc(title) +
           "\",\"status\":" + std::to_string(status) + ",\"detail\":\"" + esc(detail) + "\"}";
  return r;
}

// The connection is closed afterwards: what is left of the body would otherwise be read as
// the next request. Nothing beyond kDrainLimitBytes is read.
void tooLarge(const Shared& shared, Poco::Net::HTTPServerRequest& in, std::istream& body,
              Poco::Net::HTTPServerResponse& out) {
  char buf[8192];
  std::int64_t drained = 0;
  while (drained < kDrainLimitBytes && (body.read(buf, sizeof buf) || body.gcount() > 0)) {
    drained += body.gcount();
  }
  out.setKeepAlive(false);
  send(in, out,
       problem(413, "Payload Too Large",
               "the body exceeds " + std::to_string(shared.maxBodyBytes) + " bytes"));
}

// Reads the request's body (up to the limit) and answers it with the handler. A failure to
// read or send is the connection's and goes up; a handler that throws gets a 500.
void answer(const Shared& shared, Poco::Net::HTTPServerRequest& in,
            Poco::Net::HTTPServerResponse& out) {
  HttpRequest req;
  req.method = in.getMethod();
  const std::string& uri = in.getURI();
  auto q = uri.find('?');
  req.path = uri.substr(0, q);
  if (q != std::string::npos) req.query = uri.substr(q + 1);
  for (const auto& [k, v] : in) {
    std::string key = k;
    std::transform(key.begin(), key.end(), key.begin(), ::tolower);
    req.headers[key] = v;
  }
  std::istream& body = in.stream();
  if (in.hasContentLength() && in.getContentLength64() > shared.maxBodyBytes) {
    return tooLarge(shared, in, body, out);
  }
  // RFC 9112 §6.3: a request with neither Content-Length nor chunked encoding has no
  // body; reading until the peer closes would stall a keep-alive client for a minute.
  const bool hasBody = in.hasContentLength() || in.getChunkedTransferEncoding();
  char buf[8192];
  while (hasBody && (body.read(buf, sizeof buf) || body.gcount() > 0)) {
    req.body.append(buf, static_cast<std::size_t>(body.gcount()));
    if (static_cast<std::int64_t>(req.body.size()) > shared.maxBodyBytes) {
      return tooLarge(shared, in, body, out);
    }
  }
  HttpResponse response;
  try {
    response = shared.handler(req);
  } catch (const std::exception& e) {
    shared.logger.error("request handler failed", {{"error", std::string(e.what())}});
    response = problem(500, "Internal Server Error", "see the server log");
  }
  send(in, out, response);
}

bool isHttp1RequestLine(const Poco::Net::HTTPRequest& in) {
  const std::string& version = in.getVersion();
  if (version != Poco::Net::HTTPMessage::HTTP_1_1 && version != Poco::Net::HTTPMessage::HTTP_1_0) {
    return false;
  }
  const std::string& method = in.getMethod();
  return !method.empty() && std::all_of(method.begin(), method.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_';
  });
}

// One request of a connection, as Poco's HTTPServerConnection reads and answers it.
bool serveOne(const Shared& shared, HttpConnections::Session& session) {
  Poco::Net::HTTPServerResponseImpl out(session);
  try {
    Poco::Net::HTTPServerRequestImpl in(out, session, session.params());
    // Poco reads any three words as a request line (a TLS hello sent to the plain port
    // became method "\x16\x03\x01" and version "is"); only HTTP/1.x with a token method is.
    if (!isHttp1RequestLine(in)) throw Poco::Net::MessageException("not an HTTP/1.x request line");
    out.setDate(Poco::Timestamp());
    out.setVersion(in.getVersion());
    out.setKeepAlive(in.getKeepAlive());
    if (in.getExpectContinue()) out.sendContinue();
    answer(shared, in, out);
    return out.getKeepAlive();
  } catch (const Poco::Net::NoMessageException&) {
    return false;  // the client closed the connection between requests
  } catch (const Poco::Net::MessageException& e) {
    // Not HTTP: answered once, then the connection is closed (where would the next
    // request begin?).
    if (out.sent()) return false;
    HttpResponse bad = problem(400, "Bad Request", "malformed HTTP request: " + e.message());
    out.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
    out.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST);
    out.setKeepAlive(false);
    out.setContentType(bad.contentType);
    out.sendBuffer(bad.body.data(), bad.body.size());
    return false;
  }
}

}  // namespace

struct HttpServer::Impl {
  Shared shared;
  std::unique_ptr<HttpConnections> connections;
  int port = 0;
  bool tls = false;
  bool stopped = false;
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  stop();
}

Result<std::unique_ptr<HttpServer>> HttpServer::start(const Options& options, HttpHandler handler,
                                                      Logger logger) {
  const bool tls = !options.tlsCertFile.empty() || !options.tlsKeyFile.empty();
  if (tls && (options.tlsCertFile.empty() || options.tlsKeyFile.empty())) {
    return Status::invalidArgument(
        "HTTPS needs both a certificate file and a key file (" +
        std::string(options.tlsCertFile.empty() ? "certFile" : "keyFile") + " is not set)");
  }
  auto impl = std::make_unique<Impl>(Impl{
      Shared{std::move(handler), std::move(logger), options.maxBodyBytes}, nullptr, 0, tls, false});
  // Creating the Context initialises OpenSSL through Poco's ref-counted initializer; the
  // global initializeSSL()/uninitializeSSL() pair is left to main(), because uninitializeSSL
  // also shuts down the process-wide SSLManager that HTTPS clients may be using.
  Poco::Net::Context::Ptr context;
  if (tls) {
    try {
      context = Poco::makeAuto<Poco::Net::Context>(
          Poco::Net::Context::TLS_SERVER_USE, options.tlsKeyFile, options.tlsCertFile, "",
          Poco::Net::Context::VERIFY_NONE, 9, false, "ALL:!ADH:!LOW:!EXP:!MD5:@STRENGTH");
      context->disableProtocols(Poco::Net::Context::PROTO_SSLV2 | Poco::Net::Context::PROTO_SSLV3 |
                                Poco::Net::Context::PROTO_TLSV1 |
                                Poco::Net::Context::PROTO_TLSV1_1);
    } catch (const Poco::Exception& e) {
      return Status::invalidArgument("cannot load the TLS certificate " + options.tlsCertFile +
                                     " with key " + options.tlsKeyFile + ": " + e.displayText());
    }
  }
  try {
    Poco::Net::SocketAddress address(options.bind, static_cast<Poco::UInt16>(options.port));
    // A ServerSocket is a handle to its implementation, so the secure one survives the copy.
    Poco::Net::ServerSocket socket;
    if (tls) socket = Poco::Net::SecureServerSocket(context);
    // Poco's binding constructors also set SO_REUSEPORT, which would let a second process
    // share the port silently; binding here keeps "address in use" an error.
    socket.bind(address, /*reuseAddress=*/true, /*reusePort=*/false);
    socket.listen(64);
    impl->port = socket.address().port();
    HttpConnections::Options connectionOptions;
    connectionOptions.workers = options.maxThreads;
    connectionOptions.maxConnections = options.maxConnections;
    connectionOptions.idleTimeout = std::chrono::seconds(options.keepAliveSeconds);
    connectionOptions.ioTimeout = std::chrono::seconds(options.ioTimeoutSeconds);
    auto connections = HttpConnections::start(
        socket, connectionOptions,
        [shared = &impl->shared](HttpConnections::Session& s) { return serveOne(*shared, s); },
        impl->shared.logger);
    if (!connections) return connections.status();
    impl->connections = std::move(*connections);
  } catch (const Poco::Exception& e) {
    return Status::unavailable("cannot listen on " + options.bind + ":" +
                               std::to_string(options.port) + ": " + e.displayText());
  }
  return std::make_unique<HttpServer>(std::move(impl));
}

int HttpServer::port() const {
  return impl_->port;
}

bool HttpServer::tls() const {
  return impl_->tls;
}

void HttpServer::stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  if (impl_->connections) impl_->connections->stop();
}

}  // namespace ferry::http
