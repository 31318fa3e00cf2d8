#pragma once

namespace ferry::controller::store {

// Every SQLite connection of the controller is leased to one thread at a time (SessionPool),
// so SQLite's per-connection mutexes only cost time: one lock per column read, ≈ 5 % of the
// CPU of a listed page of runs. Switches SQLite to its multi-thread mode; call it in main
// before any connection opens (never in a process that shares a connection between
// threads). Returns false when SQLite refused: it then stays serialized, which is safe.
bool useLeasedSqliteConnections();

}  // namespace ferry::controller::store
