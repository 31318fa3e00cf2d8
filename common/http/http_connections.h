#pragma once

#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/fs/unique_fd.h"
#include "common/log/logger.h"
#include "common/status/result.h"

namespace ferry::http {

// The connections of one listening socket and the workers that serve them. A connection
// waiting for its next request sits in one epoll set and holds no thread; a worker takes it
// when it has bytes to read, answers what it sent and parks it again. Poco's HTTPServer
// instead gives each connection a thread for as long as it stays open: with 8 threads, 8
// idle keep-alive clients (a browser alone keeps up to 6) stalled every other client until
// their 15 s keep-alive timeout.
class HttpConnections {
 public:
  struct Options {
    int workers = 8;
    std::size_t maxConnections = 512;               // a connection beyond it is closed at once
    std::chrono::milliseconds idleTimeout{15'000};  // a parked connection is closed after it
    std::chrono::milliseconds ioTimeout{15'000};    // a read or write within one request
  };

  // Gives HTTPServerSession's read buffer a public face: bytes already read from the socket
  // (a pipelined request) are served at once, since epoll will not report them again.
  class Session final : public Poco::Net::HTTPServerSession {
   public:
    Session(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params)
        : HTTPServerSession(socket, params), params_(std::move(params)) {}
    bool hasBufferedInput();
    Poco::Net::HTTPServerParams* params() { return params_.get(); }

   private:
    Poco::Net::HTTPServerParams::Ptr params_;
  };

  // Reads and answers one request; returns whether the connection stays open. Runs on a
  // worker thread; an exception it lets out closes the connection.
  using ServeOne = std::function<bool(Session&)>;

  struct PassKey {
    explicit PassKey() = default;
  };

  // Takes over a bound, listening socket and starts the workers.
  static Result<std::unique_ptr<HttpConnections>> start(Poco::Net::ServerSocket listener,
                                                        const Options& options, ServeOne serve,
                                                        Logger logger);
  HttpConnections(PassKey, Poco::Net::ServerSocket listener, const Options& options, ServeOne serve,
                  Logger logger);  // use start()
  ~HttpConnections();
  HttpConnections(const HttpConnections&) = delete;
  HttpConnections& operator=(const HttpConnections&) = delete;

  // Stops accepting, lets requests being answered finish (one still being received is cut
  // off), closes every connection. Idempotent; not for a worker thread.
  void stop();

 private:
  struct Connection;

  void work();
  void acceptOne();
  void serve(std::uint64_t id);
  void sweepIfDue();
  bool arm(int fd, std::uint64_t id, int op);  // caller holds mu_ for connections

  Poco::Net::ServerSocket listener_;
  Options options_;
  ServeOne serveOne_;
  Logger logger_;
  Poco::Net::HTTPServerParams::Ptr params_;
  fs::UniqueFd epoll_;
  fs::UniqueFd wake_;  // an eventfd, readable once stop() begins
  std::atomic<bool> stopping_{false};
  std::atomic<std::int64_t> nextSweepNs_{0};

  std::mutex mu_;
  std::unordered_map<std::uint64_t, std::shared_ptr<Connection>> connections_;
  std::uint64_t nextId_;
  bool refusedLogged_ = false;

  std::vector<std::thread> workers_;
};

}  // namespace ferry::http
