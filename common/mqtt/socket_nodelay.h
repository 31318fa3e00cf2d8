#pragma once

#include <set>

namespace ferry::mqtt {

// Paho C never sets TCP_NODELAY on its sockets (paho.mqtt.c issue #530), so each small
// packet (a PUBACK, an ack, a `reported`) can wait ~40 ms for Nagle's algorithm; that held
// one agent's event delivery to ~0.3 of the broker's rate (docs/benchmarks.md, ingest).
// With no hook into Paho, the transport finds the socket it just connected: the TCP sockets
// of this process that were not open before the connect and whose peer is `port`.

// The file descriptors of this process's sockets now.
std::set<int> openSockets();
// Sets TCP_NODELAY on every socket not in `before` whose peer port is `port`; returns how
// many it set.
int disableNagleOnNewSockets(const std::set<int>& before, int port);

}  // namespace ferry::mqtt
