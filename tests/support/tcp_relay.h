#pragma once

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace ferry::testing {

// A TCP relay on a free loopback port that forwards every connection to 127.0.0.1:target,
// so a test can cut one client off the broker (a network outage) while the others stay
// connected. cut() closes every relayed connection and refuses new ones; restore() accepts
// again on the same port.
class TcpRelay {
 public:
  explicit TcpRelay(int targetPort);
  ~TcpRelay();
  TcpRelay(const TcpRelay&) = delete;
  TcpRelay& operator=(const TcpRelay&) = delete;

  int port() const { return port_; }
  void cut();
  void restore();

 private:
  void listen();
  void acceptLoop();
  void pump(int client, int server);

  int targetPort_;
  int port_ = 0;
  int listenFd_ = -1;
  std::atomic<bool> open_{false};
  std::thread acceptor_;
  std::mutex mutex_;  // guards sockets_ and pumps_
  std::vector<int> sockets_;
  std::vector<std::thread> pumps_;
};

}  // namespace ferry::testing
