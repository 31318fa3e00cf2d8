// bench/run.sh queue — append → read → commit of 256-byte JSON records through the
// LogQueue, against the same job written plainly on the SQLite C API (one row per record,
// the same transactions: insert the page's rows and the watermark; select the page; delete
// it and move the offset), in the same run, on the same disk. Both take JSON records in and
// give JSON records out, so both pay for serialisation.
#include <sqlite3.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "agent/queue/log_queue.h"

using ferry::agent::queue::LogQueue;
using json = ferry::Json;

namespace {

std::vector<json> makeRecords(std::size_t n) {
  std::vector<json> out;
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back({{"id", static_cast<std::int64_t>(i)},
                   {"name", "Customer " + std::to_string(i)},
                   {"email", "customer" + std::to_string(i) + "@example.com"},
                   {"amount", 1234.5},
                   {"status", "paid"},
                   {"updated_at", "2026-11-22T10:00:00.000Z"},
                   {"note", std::string(90, 'x')}});
  }
  return out;
}

double seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

std::string tempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "ferry-bench-XXXXXX").string();
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) std::abort();
  return buf.data();
}

// `page` is appended `pages` times: the content does not change the queue's work, and the
// benchmark's own memory stays small, so the peak RSS is the queue's.
double ferryRun(const std::vector<json>& page, std::size_t pages, const std::string& sync) {
  std::string dir = tempDir();
  LogQueue::Options o;
  o.stateDir = dir;
  o.synchronous = sync;
  auto q = LogQueue::open(o);
  if (!q) std::abort();
  LogQueue& queue = **q;
  if (!queue.registerConsumer("flow", "t", LogQueue::StartAt::kEarliest).isOk()) std::abort();
  std::size_t moved = 0;
  auto start = std::chrono::steady_clock::now();
  for (std::size_t p = 0; p < pages; ++p) {
    if (!queue.append("t", page, {{"since", p}})) std::abort();
    auto read = queue.read("flow", "t", 1);
    if (!read || read->size() != 1) std::abort();
    moved += (*read)[0].records->size();
    if (!queue.commit("flow", "t", (*read)[0].seq).isOk()) std::abort();
  }
  double s = seconds(start);
  q->reset();
  std::filesystem::remove_all(dir);
  return static_cast<double>(moved) / s;
}

void check(int rc, sqlite3* db) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
    std::abort();
  }
}

double baselineRun(const std::vector<json>& page, std::size_t pages, const std::string& sync) {
  const std::size_t pageSize = page.size();
  std::string dir = tempDir();
  sqlite3* db = nullptr;
  check(sqlite3_open((dir + "/plain.db").c_str(), &db), db);
  auto exec = [&](const std::string& sql) {
    check(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), db);
  };
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=" + sync);
  exec("CREATE TABLE q(seq INTEGER PRIMARY KEY AUTOINCREMENT, payload TEXT NOT NULL)");
  exec("CREATE TABLE progress(topic TEXT PRIMARY KEY, since TEXT)");
  exec("CREATE TABLE offsets(consumer TEXT PRIMARY KEY, upto INTEGER)");
  exec("INSERT INTO offsets VALUES('flow', 0)");
  sqlite3_stmt *ins, *prog, *sel, *del, *off;
  auto prep = [&](const char* sql, sqlite3_stmt** s) {
    check(sqlite3_prepare_v2(db, sql, -1, s, nullptr), db);
  };
  prep("INSERT INTO q(payload) VALUES(?1)", &ins);
  prep("INSERT OR REPLACE INTO progress VALUES('t', ?1)", &prog);
  prep(
      "SELECT seq, payload FROM q WHERE seq > (SELECT upto FROM offsets WHERE consumer='flow') "
      "ORDER BY seq LIMIT ?1",
      &sel);
  prep("DELETE FROM q WHERE seq <= ?1", &del);
  prep("UPDATE offsets SET upto=?1 WHERE consumer='flow'", &off);
  std::size_t moved = 0;
  auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < pages; ++i) {
    exec("BEGIN IMMEDIATE");
    for (std::size_t k = 0; k < pageSize; ++k) {
      std::string text = page[k].dump();
      sqlite3_bind_text(ins, 1, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
      check(sqlite3_step(ins), db);
      sqlite3_reset(ins);
    }
    std::string since = json{{"since", i}}.dump();
    sqlite3_bind_text(prog, 1, since.data(), static_cast<int>(since.size()), SQLITE_STATIC);
    check(sqlite3_step(prog), db);
    sqlite3_reset(prog);
    exec("COMMIT");
    std::vector<json> read;
    sqlite3_int64 last = 0;
    sqlite3_bind_int64(sel, 1, static_cast<sqlite3_int64>(pageSize));
    while (sqlite3_step(sel) == SQLITE_ROW) {
      last = sqlite3_column_int64(sel, 0);
      read.push_back(json::parse(reinterpret_cast<const char*>(sqlite3_column_text(sel, 1))));
    }
    sqlite3_reset(sel);
    moved += read.size();
    exec("BEGIN IMMEDIATE");
    sqlite3_bind_int64(del, 1, last);
    check(sqlite3_step(del), db);
    sqlite3_reset(del);
    sqlite3_bind_int64(off, 1, last);
    check(sqlite3_step(off), db);
    sqlite3_reset(off);
    exec("COMMIT");
  }
  double s = seconds(start);
  for (auto* st : {ins, prog, sel, del, off}) sqlite3_finalize(st);
  sqlite3_close(db);
  std::filesystem::remove_all(dir);
  return static_cast<double>(moved) / s;
}

}  // namespace

int main() {
  struct Config {
    std::size_t pageSize;
    std::size_t records;
  };
  const Config configs[] = {{1, 3000}, {100, 100000}, {500, 200000}};
  std::vector<json> records = makeRecords(500);
  std::printf("record bytes: %zu\n", records[0].dump().size());
  std::vector<std::string> lines;
  for (const char* sync : {"FULL", "NORMAL"}) {
    for (const auto& c : configs) {
      std::vector<json> page(records.begin(), records.begin() + static_cast<long>(c.pageSize));
      std::size_t pages = c.records / c.pageSize;
      // Alternate and keep the best of two runs each, against the machine's noise.
      double ferry = 0, plain = 0;
      for (int round = 0; round < 2; ++round) {
        ferry = std::max(ferry, ferryRun(page, pages, sync));
        plain = std::max(plain, baselineRun(page, pages, sync));
      }
      char line[256];
      std::snprintf(line, sizeof line,
                    "BENCH queue-page%zu-%s records_per_s=%.0f baseline=%.0f ratio=%.2f",
                    c.pageSize, sync, ferry, plain, ferry / plain);
      std::printf("%s\n", line);
      std::fflush(stdout);
      lines.push_back(line);
    }
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("--\n");
  for (const auto& l : lines) std::printf("%s\n", l.c_str());
  std::printf("BENCH queue-peak-rss bytes=%ld\n", usage.ru_maxrss * 1024L);
  return 0;
}
