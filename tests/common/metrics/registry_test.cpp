#include "common/metrics/registry.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "common/metrics/build_info.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace ferry::metrics {
namespace {

TEST(RegistryTest, RendersTextFormat) {
  Registry r;
  r.counter("ferry_records_total", "Records by outcome.", {{"flow", "f1"}, {"outcome", "ok"}})
      .inc(3);
  r.gauge("ferry_queue_depth_pages", "Pages waiting.").set(7);
  auto& h = r.histogram("ferry_run_seconds", "Run time.", {0.5, 1});
  h.observe(0.2);
  h.observe(0.7);
  h.observe(5);
  std::string text = r.render();
  EXPECT_EQ(text,
            "# HELP ferry_queue_depth_pages Pages waiting.\n"
            "# TYPE ferry_queue_depth_pages gauge\n"
            "ferry_queue_depth_pages 7\n"
            "# HELP ferry_records_total Records by outcome.\n"
            "# TYPE ferry_records_total counter\n"
            "ferry_records_total{flow=\"f1\",outcome=\"ok\"} 3\n"
            "# HELP ferry_run_seconds Run time.\n"
            "# TYPE ferry_run_seconds histogram\n"
            "ferry_run_seconds_bucket{le=\"0.5\"} 1\n"
            "ferry_run_seconds_bucket{le=\"1\"} 2\n"
            "ferry_run_seconds_bucket{le=\"+Inf\"} 3\n"
            "ferry_run_seconds_sum 5.9000000000000004\n"
            "ferry_run_seconds_count 3\n");
}

TEST(RegistryTest, EscapesLabelValuesAndRejectsBadNames) {
  Registry r;
  r.gauge("g", "help", {{"v", "a\"b\\c\nd"}}).set(1);
  EXPECT_NE(r.render().find("g{v=\"a\\\"b\\\\c\\nd\"} 1"), std::string::npos) << r.render();
  EXPECT_THROW(r.counter("bad-name", "x"), std::invalid_argument);
  EXPECT_THROW(r.counter("ok", "x", {{"__reserved", "v"}}), std::invalid_argument);
  EXPECT_NO_THROW(r.gauge("g", "help", {{"v", "other"}}));
  EXPECT_THROW(r.counter("g", "same name, other type"), std::invalid_argument);
}

TEST(RegistryTest, RefreshersRunBeforeRenderAndCountersAreThreadSafe) {
  Registry r;
  Gauge& depth = r.gauge("depth", "d");
  int calls = 0;
  r.onRender([&] { depth.set(++calls * 10); });
  EXPECT_NE(r.render().find("depth 10"), std::string::npos);
  EXPECT_NE(r.render().find("depth 20"), std::string::npos);
  Counter& c = r.counter("hits_total", "h");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) c.inc();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.value(), 40000);
}

TEST(RegistryTest, PromtoolAcceptsTheOutput) {
  if (!std::filesystem::exists("/usr/bin/promtool")) {
    FAIL() << "promtool missing: scripts/deps.sh installs the prometheus package";
  }
  Registry r;
  registerBuildInfo(r);
  r.counter("ferry_flow_runs_total", "Runs by flow and state.", {{"flow", "a"}, {"state", "ok"}})
      .inc();
  r.histogram("ferry_flow_run_duration_seconds", "Run duration.", Registry::latencyBuckets(),
              {{"flow", "a"}})
      .observe(0.3);
  auto result = ferry::testing::runProcess({"/usr/bin/promtool", "check", "metrics"}, r.render());
  EXPECT_EQ(result.exitCode, 0) << result.out << result.err;
  EXPECT_EQ(result.out + result.err, "") << "promtool found lint problems";
}

}  // namespace
}  // namespace ferry::metrics
