// TCP_NODELAY on the sockets a connect opened (common/mqtt/socket_nodelay.h), on real sockets.
#include "common/mqtt/socket_nodelay.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ferry::mqtt {
namespace {

int nodelay(int fd) {
  int value = 0;
  socklen_t len = sizeof value;
  ::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, &len);
  return value;
}

TEST(SocketNodelayTest, OnlyNewSocketsToThePortGetTheOption) {
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(listener, 4), 0);
  socklen_t len = sizeof addr;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);
  auto connectOne = [&] {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    return fd;
  };
  const int old = connectOne();  // open before: left alone
  const auto before = openSockets();
  EXPECT_EQ(before.count(old), 1u);
  const int fresh = connectOne();
  EXPECT_EQ(disableNagleOnNewSockets(before, port + 1), 0);  // another port: nothing
  EXPECT_EQ(nodelay(fresh), 0);
  EXPECT_EQ(disableNagleOnNewSockets(before, port), 1);
  EXPECT_NE(nodelay(fresh), 0);
  EXPECT_EQ(nodelay(old), 0);
  for (int fd : {old, fresh, listener}) ::close(fd);
}

}  // namespace
}  // namespace ferry::mqtt
