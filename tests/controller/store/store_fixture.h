#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "common/clock/clock.h"
#include "controller/store/store.h"
#include "tests/support/database_servers.h"
#include "tests/support/temp_dir.h"

namespace ferry::controller::store::testing {

// Wall time the test sets; store timestamps (created_at, received_at, …) come from it.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t ms) : ms_(ms) {}
  TimePoint now() const override { return TimePoint(std::chrono::milliseconds(ms_.load())); }
  SteadyPoint steadyNow() const override {
    return SteadyPoint(std::chrono::milliseconds(ms_.load()));
  }
  void set(std::int64_t ms) { ms_ = ms; }
  std::int64_t ms() const { return ms_.load(); }

 private:
  std::atomic<std::int64_t> ms_;
};

enum class TestBackend { kSqlite, kPostgresql };
std::string backendParamName(const ::testing::TestParamInfo<TestBackend>& info);

// The PostgreSQL server of this test binary: started on first use, stopped at exit.
ferry::testing::PostgresServer& postgres();

// Each test gets an empty database of its backend (a fresh SQLite file in a temp dir, or
// PostgreSQL's public schema dropped and recreated) and a store opened on it.
class StoreTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  static constexpr std::int64_t kT0 = 1'700'000'000'000;  // the clock's start (2023-11-14)

  void SetUp() override;

  bool isPostgres() const { return GetParam() == TestBackend::kPostgresql; }
  std::string url() const;
  StoreOptions options() const;
  // Another store on the same database (a second controller replica).
  std::unique_ptr<Store> openAnother(bool migrate = true) const;
  // Runs SQL on the database behind the store's back (test setup only).
  void execRaw(const std::string& sql) const;

  ManualClock clock_{kT0};
  ferry::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

// Dies with the status when `r` is an error, so a test reads `must(store_->getRun(id))`.
template <typename T>
T must(Result<T> r) {
  EXPECT_TRUE(r.isOk()) << r.status().toString();
  if (!r.isOk()) throw std::runtime_error(r.status().toString());
  return std::move(r).value();
}

inline void must(const Status& st) {
  EXPECT_TRUE(st.isOk()) << st.toString();
  if (!st.isOk()) throw std::runtime_error(st.toString());
}

}  // namespace ferry::controller::store::testing
