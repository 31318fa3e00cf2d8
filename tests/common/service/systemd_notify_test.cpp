// sd_notify's protocol against a real unix datagram socket, as systemd listens on one.
#include "common/service/systemd_notify.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>

#include "tests/support/temp_dir.h"

namespace ferry::service {
namespace {

// A bound datagram socket standing in for systemd's notify socket; restores NOTIFY_SOCKET.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& name) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, name.data(), name.size());
    if (name[0] == '@') address.sun_path[0] = '\0';
    const auto size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&address), size), 0) << name;
    ::setenv("NOTIFY_SOCKET", name.c_str(), 1);
  }
  ~NotifySocket() {
    ::unsetenv("NOTIFY_SOCKET");
    ::close(fd_);
  }
  std::string receive() {
    char buf[256];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    return n < 0 ? std::string("(nothing)") : std::string(buf, static_cast<std::size_t>(n));
  }

 private:
  int fd_ = -1;
};

TEST(SystemdNotifyTest, SendsTheStateToAPathSocket) {
  testing::TempDir dir;
  NotifySocket socket(dir.file("notify"));
  EXPECT_TRUE(notifySystemd("READY=1"));
  EXPECT_EQ(socket.receive(), "READY=1");
  EXPECT_TRUE(notifySystemd("STOPPING=1"));
  EXPECT_EQ(socket.receive(), "STOPPING=1");
}

TEST(SystemdNotifyTest, SendsTheStateToAnAbstractSocket) {
  NotifySocket socket("@ferry-notify-test-" + std::to_string(::getpid()));
  EXPECT_TRUE(notifySystemd("READY=1"));
  EXPECT_EQ(socket.receive(), "READY=1");
}

TEST(SystemdNotifyTest, IsANoOpOutsideSystemdAndFailsForAMissingSocket) {
  ::unsetenv("NOTIFY_SOCKET");
  EXPECT_TRUE(notifySystemd("READY=1"));
  ::setenv("NOTIFY_SOCKET", "/nonexistent/notify", 1);
  EXPECT_FALSE(notifySystemd("READY=1"));
  ::setenv("NOTIFY_SOCKET", "relative/path", 1);
  EXPECT_FALSE(notifySystemd("READY=1"));
  ::unsetenv("NOTIFY_SOCKET");
}

}  // namespace
}  // namespace ferry::service
