#pragma once

#include <cstdint>
#include <string>

namespace ferry::bench {

// `bench_ingest --count URL FILTER EXPECTED`: the baseline's plain subscriber, in a process
// of its own because Paho C runs all clients of a process on the same threads, and the
// simulator's would slow it down. Subscribes to FILTER (QoS 1), writes "subscribed" to
// stderr, counts messages until EXPECTED arrived, then prints
// "received=N first_ns=T last_ns=T cpu_s=S" (steady clock, which Linux shares between
// processes; its own CPU seconds)
// and exits 0; exits 1 when they do not all arrive within 150 s.
int runCountSubscriber(const std::string& url, const std::string& filter, std::uint64_t expected);

}  // namespace ferry::bench
