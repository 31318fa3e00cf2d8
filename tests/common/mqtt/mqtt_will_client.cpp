// Test helper: connects with a will, prints "connected", then waits to be killed.
#include <unistd.h>

#include <iostream>

#include "common/mqtt/mqtt_transport.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: mqtt_will_client URL WILL_TOPIC WILL_PAYLOAD\n";
    return 2;
  }
  auto transport = ferry::mqtt::makePahoTransport(
      ferry::Logger(std::make_shared<ferry::FdLogSink>(2), ferry::LogLevel::kWarning, "will"));
  ferry::mqtt::ConnectOptions o;
  o.url = argv[1];
  o.clientId = "will-client";
  o.keepAliveSeconds = 5;
  o.will = ferry::mqtt::Message{argv[2], argv[3], 1, true};
  auto st = transport->connect(o);
  if (!st.isOk()) {
    std::cerr << st.toString() << "\n";
    return 1;
  }
  std::cout << "connected" << std::endl;
  for (;;) ::pause();
}
