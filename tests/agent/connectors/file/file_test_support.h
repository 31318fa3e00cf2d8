#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "agent/connectors/connector.h"
#include "common/clock/clock.h"
#include "common/json/json.h"

namespace ferry::agent::connectors::file::testing {

// A wall clock that stays where the test puts it.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(std::int64_t unixSeconds)
      : now_(std::chrono::system_clock::time_point(std::chrono::seconds(unixSeconds))) {}
  TimePoint now() const override { return now_; }
  SteadyPoint steadyNow() const override { return {}; }

 private:
  TimePoint now_;
};

constexpr std::int64_t k20261130T140000Z = 1796047200;

model::Connection connection(const std::string& root);
model::Export fileExport(ferry::Json options, int pageSize = 500,
                         const std::string& id = "price-files");
model::Import fileImport(ferry::Json options, ferry::Json mapping = nullptr,
                         const std::string& id = "orders-file");

// Writes `content` to `path`, creating its directories.
void writeFile(const std::string& path, const std::string& content);
std::string readFile(const std::string& path);
// Names in `directory`, sorted; empty when it does not exist.
std::vector<std::string> listDirectory(const std::string& directory);

// Every page the source yields until it is exhausted; fails the test on a bad outcome.
std::vector<ExportPage> readAllPages(Source& source);

}  // namespace ferry::agent::connectors::file::testing
