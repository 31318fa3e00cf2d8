#include "common/http/http_connections.h"

#include <Poco/Exception.h>
#include <Poco/Net/StreamSocket.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ferry::http {

namespace {

constexpr std::uint64_t kListenerId = 0;
constexpr std::uint64_t kWakeId = 1;
constexpr std::uint64_t kFirstConnectionId = 2;
// How long a worker waits for an event before it looks for idle connections to close.
constexpr int kPollMs = 1000;
constexpr std::chrono::seconds kSweepEvery{1};

std::int64_t nowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

bool HttpConnections::Session::hasBufferedInput() {
  if (buffered() > 0) return true;
  // OpenSSL may hold decrypted bytes of the next request that the socket no longer shows.
  Poco::Net::StreamSocket& s = socket();
  return s.secure() && s.available() > 0;
}

struct HttpConnections::Connection {
  Connection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params)
      : session(socket, params), fd(socket.impl()->sockfd()) {}
  Session session;
  int fd;
  std::int64_t idleSinceNs = 0;
  bool busy = false;
};

HttpConnections::HttpConnections(PassKey, Poco::Net::ServerSocket listener, const Options& options,
                                 ServeOne serve, Logger logger)
    : listener_(std::move(listener)),
      options_(options),
      serveOne_(std::move(serve)),
      logger_(std::move(logger)),
      params_(Poco::makeAuto<Poco::Net::HTTPServerParams>()),
      nextId_(kFirstConnectionId) {
  params_->setKeepAlive(true);
}

Result<std::unique_ptr<HttpConnections>> HttpConnections::start(Poco::Net::ServerSocket listener,
                                                                const Options& options,
                                                                ServeOne serve, Logger logger) {
  auto c = std::make_unique<HttpConnections>(PassKey{}, std::move(listener), options,
                                             std::move(serve), std::move(logger));
  c->epoll_ = fs::UniqueFd(::epoll_create1(EPOLL_CLOEXEC));
  c->wake_ = fs::UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!c->epoll_.valid() || !c->wake_.valid()) {
    return Status::unavailable(std::string("cannot create the connection poller: ") +
                               std::strerror(errno));
  }
  // Accepting must not block a worker when another one took the connection first.
  c->listener_.setBlocking(false);
  epoll_event wake{};
  wake.events = EPOLLIN;  // level-triggered: once written it wakes every worker
  wake.data.u64 = kWakeId;
  if (::epoll_ctl(c->epoll_.get(), EPOLL_CTL_ADD, c->wake_.get(), &wake) != 0 ||
      !c->arm(c->listener_.impl()->sockfd(), kListenerId, EPOLL_CTL_ADD)) {
    return Status::unavailable(std::string("cannot watch the listening socket: ") +
                               std::strerror(errno));
  }
  const int workers = options.workers < 1 ? 1 : options.workers;
  for (int i = 0; i < workers; ++i) c->workers_.emplace_back([p = c.get()] { p->work(); });
  return c;
}

HttpConnections::~HttpConnections() {
  stop();
}

bool HttpConnections::arm(int fd, std::uint64_t id, int op) {
  epoll_event ev{};
  // One worker per event: the connection is disarmed until that worker parks it again.
  ev.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
  ev.data.u64 = id;
  return ::epoll_ctl(epoll_.get(), op, fd, &ev) == 0;
}

void HttpConnections::stop() {
  if (stopping_.exchange(true)) return;
  const std::uint64_t one = 1;
  if (wake_.valid()) (void)!::write(wake_.get(), &one, sizeof one);
  {
    std::lock_guard lock(mu_);
    for (auto& [id, c] : connections_) {
      // A worker waiting for the rest of a request returns now; one writing an answer
      // finishes it. On the descriptor itself: Poco's TLS socket ignores shutdownReceive().
      if (c->busy) ::shutdown(c->fd, SHUT_RD);
    }
  }
  for (auto& t : workers_) {
    if (t.joinable()) t.join();
  }
  std::unordered_map<std::uint64_t, std::shared_ptr<Connection>> closing;
  {
    std::lock_guard lock(mu_);
    closing.swap(connections_);
  }
  closing.clear();
  try {
    listener_.close();
  } catch (const Poco::Exception&) {
    // closing is all that is left to do
  }
}

void HttpConnections::work() {
  while (!stopping_.load()) {
    epoll_event ev{};
    const int n = ::epoll_wait(epoll_.get(), &ev, 1, kPollMs);
    if (stopping_.load()) return;
    if (n < 0 && errno != EINTR) {
      logger_.error("waiting for connections failed", {{"error", std::strerror(errno)}});
      std::this_thread::sleep_for(std::chrono::milliseconds(kPollMs));
    }
    sweepIfDue();
    if (n <= 0) continue;
    if (ev.data.u64 == kWakeId) return;
    if (ev.data.u64 == kListenerId) {
      acceptOne();
    } else {
      serve(ev.data.u64);
    }
  }
}

void HttpConnections::acceptOne() {
  Poco::Net::StreamSocket socket;
  bool accepted = false;
  try {
    socket = listener_.acceptConnection();
    accepted = true;
  } catch (const Poco::Exception& e) {
    // Nothing to accept (the client gave up, or another worker was first) is expected;
    // anything else (no descriptors left) is worth a line.
    if (e.code() != EAGAIN && e.code() != EWOULDBLOCK) {
      logger_.warning("accepting a connection failed", {{"error", e.displayText()}});
    }
  }
  {
    std::lock_guard lock(mu_);
    if (!stopping_.load()) arm(listener_.impl()->sockfd(), kListenerId, EPOLL_CTL_MOD);
  }
  if (!accepted) return;
  std::shared_ptr<Connection> c;
  try {
    socket.setBlocking(true);
    socket.setNoDelay(true);
    const Poco::Timespan io(
        std::chrono::duration_cast<std::chrono::microseconds>(options_.ioTimeout).count());
    socket.setReceiveTimeout(io);
    socket.setSendTimeout(io);
    c = std::make_shared<Connection>(socket, params_);
  } catch (const Poco::Exception& e) {
    logger_.warning("setting up a connection failed", {{"error", e.displayText()}});
    return;
  }
  std::lock_guard lock(mu_);
  if (stopping_.load()) return;
  if (connections_.size() >= options_.maxConnections) {
    // Closed unanswered (when `c` goes): the client sees a reset and may retry.
    if (!refusedLogged_) {
      logger_.warning("too many open connections; new ones are closed until some end",
                      {{"maxConnections", static_cast<std::int64_t>(options_.maxConnections)}});
      refusedLogged_ = true;
    }
    return;
  }
  refusedLogged_ = false;
  const std::uint64_t id = nextId_++;
  c->idleSinceNs = nowNs();
  if (!arm(c->fd, id, EPOLL_CTL_ADD)) {
    logger_.warning("watching a connection failed", {{"error", std::strerror(errno)}});
    return;
  }
  connections_.emplace(id, std::move(c));
}

void HttpConnections::serve(std::uint64_t id) {
  std::shared_ptr<Connection> c;
  {
    std::lock_guard lock(mu_);
    // Checked under the lock stop() takes to cut off busy connections: either it sees this
    // one busy, or this sees it stopping.
    if (stopping_.load()) return;
    auto it = connections_.find(id);
    if (it == connections_.end() || it->second->busy) return;  // closed by a sweep meanwhile
    c = it->second;
    c->busy = true;
  }
  bool keep = false;
  try {
    do {
      keep = serveOne_(c->session);
    } while (keep && !stopping_.load() && c->session.hasBufferedInput());
  } catch (const Poco::Exception& e) {
    keep = false;  // the peer went away or timed out: nothing to answer
    logger_.debug("connection closed", {{"error", e.displayText()}});
  } catch (const std::exception& e) {
    keep = false;
    logger_.warning("connection closed after an error", {{"error", std::string(e.what())}});
  }
  std::lock_guard lock(mu_);
  c->busy = false;
  c->idleSinceNs = nowNs();
  // Re-armed under the lock: a sweep that closed the descriptor first could otherwise see
  // its number reused by a new connection, and this MOD would steal that one's events.
  if (keep && !stopping_.load() && arm(c->fd, id, EPOLL_CTL_MOD)) return;
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, c->fd, nullptr);
  connections_.erase(id);  // the socket closes when `c` goes
}

void HttpConnections::sweepIfDue() {
  const std::int64_t now = nowNs();
  std::int64_t due = nextSweepNs_.load();
  if (now < due) return;
  const std::int64_t next =
      now + std::chrono::duration_cast<std::chrono::nanoseconds>(kSweepEvery).count();
  if (!nextSweepNs_.compare_exchange_strong(due, next)) return;  // another worker sweeps
  const std::int64_t idleNs =
      std::chrono::duration_cast<std::chrono::nanoseconds>(options_.idleTimeout).count();
  std::vector<std::shared_ptr<Connection>> closing;
  {
    std::lock_guard lock(mu_);
    for (auto it = connections_.begin(); it != connections_.end();) {
      const Connection& c = *it->second;
      if (!c.busy && now - c.idleSinceNs >= idleNs) {
        ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, c.fd, nullptr);
        closing.push_back(std::move(it->second));
        it = connections_.erase(it);
      } else {
        ++it;
      }
    }
  }
  // Closed outside the lock: a TLS close sends its alert.
}

}  // namespace ferry::http
