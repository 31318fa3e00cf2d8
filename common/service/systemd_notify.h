#pragma once

#include <string_view>

namespace ferry::service {

// Tells systemd the service's state (sd_notify(3) protocol: one datagram to the socket named
// by $NOTIFY_SOCKET, "@" for the abstract namespace), without linking libsystemd. A no-op
// outside a Type=notify unit. "READY=1" once signals are handled and the service is up, so
// `systemctl start` returns, and `systemctl reload` sends SIGHUP, only after that (with
// Type=simple a reload right after a start could kill the process before it handled
// SIGHUP). Returns false only when a socket was named and the message could not be sent.
bool notifySystemd(std::string_view state);

}  // namespace ferry::service
