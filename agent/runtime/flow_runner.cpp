#include "agent/runtime/flow_runner.h"

#include <algorithm>
#include <future>
#include <random>
#include <thread>

#include "agent/connectors/registry.h"
#include "agent/queue/sqlite_db.h"
#include "agent/runtime/offset_committer.h"
#include "agent/runtime/run_store.h"
#include "agent/runtime/serial_worker.h"
#include "agent/runtime/step_connectors.h"

namespace ferry::agent::runtime {

using json = ferry::Json;

namespace {

// A run keeps at most this many errors in memory for its summary; the counts go on.
constexpr std::size_t kMaxErrorsInSummary = 1000;
// A run's export reads at most this many records ahead of its flow (ReadAhead, in whole
// pages, at least two so reading overlaps the page in the steps); the queue keeps up to
// 16,000 decoded (LogQueue::Options), so what is read ahead is read back without decoding.
// Through the flow benchmark (pages of 1,000): 8,000 moved 4-8 % more rows per second than
// 4,000; 12,000 (with ferry::Json's smaller records) 5-15 % more than 8,000 for 4 MB more
// peak RSS (48 -> 52 MB); 16,000 no more than 12,000.
constexpr std::uint64_t kReadAheadRecords = 12000;
// The most records of pages a flow hands its writer at once (whole pages, at least one).
constexpr std::size_t kBatchRecords = 4000;

std::uint64_t readAheadPages(const std::vector<const model::Export*>& exports) {
  int largest = 1;
  for (const auto* e : exports) largest = std::max(largest, e->pageSize);
  return std::max<std::uint64_t>(2, kReadAheadRecords / static_cast<std::uint64_t>(largest));
}

double unitRandom() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

json countsJson(const PageCounts& c) {
  return {{"read", c.read}, {"filtered", c.filtered}, {"written", c.written}, {"failed", c.failed}};
}

}  // namespace

std::string_view runStateName(RunState state) {
  switch (state) {
    case RunState::kRunning: return "running";
    case RunState::kSucceeded: return "succeeded";
    case RunState::kPartial: return "partial";
    case RunState::kFailed: return "failed";
    case RunState::kCancelled: return "cancelled";
  }
  return "unknown";
}

FlowRunner::FlowRunner(Options options, queue::LogQueue& queue,
                       const model::Definitions& definitions)
    : options_(std::move(options)),
      queue_(queue),
      definitions_(definitions),
      policy_(options_.retry, unitRandom) {}

void FlowRunner::emit(const std::string& type, const json& body) {
  if (options_.events != nullptr) options_.events->emit(type, body);
}

// Keeps the run's errors (up to kMaxErrorsInSummary; the counts go on) and announces each.
void FlowRunner::addErrors(RunSummary& run, std::vector<RecordError> errors) {
  for (auto& e : errors) {
    if (run.errors.size() >= kMaxErrorsInSummary) break;
    auto id = queue::randomUuid();
    e.errorId = id ? *id : "";
    emit("record.error", {{"errorId", e.errorId},
                          {"runId", run.runId},
                          {"flowId", run.flowId},
                          {"step", e.step},
                          {"message", e.message},
                          {"record", e.record}});
    run.errors.push_back(std::move(e));
  }
}

// A full outbox (the controller out of reach for long) pauses reading and processing pages:
// pages wait in the durable queue, events are never dropped for data, and the room above
// the quota stays for final states. After maxPause the run fails and says why.
Status FlowRunner::waitForOutboxRoom(const std::string& exportId) {
  if (options_.events == nullptr || !options_.events->full()) return Status::ok();
  if (options_.logger) {
    options_.logger->warning("outbox full: paused until the controller acknowledges events",
                             {{"topic", exportId}});
  }
  const auto since = std::chrono::steady_clock::now();
  while (options_.events->full()) {
    if (cancelled() || stopReading_) return Status::cancelled("stopping");
    if (std::chrono::steady_clock::now() - since > options_.maxPause) {
      return Status::resourceExhausted(
          exportId + ": the outbox stayed full for " + std::to_string(options_.maxPause.count()) +
          " s; the controller is not acknowledging events (check the broker link, or raise "
          "outbox.quotaBytes)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  if (options_.logger) options_.logger->info("outbox has room: resumed", {{"topic", exportId}});
  return Status::ok();
}

bool FlowRunner::cancelled() const {
  return options_.cancel != nullptr && options_.cancel->load();
}

connectors::Outcome FlowRunner::withRetries(const std::string& what,
                                            const std::function<connectors::Outcome()>& attempt) {
  for (int n = 0;; ++n) {
    connectors::Outcome outcome = attempt();
    if (!outcome.shouldRetry()) return outcome;
    auto delay = policy_.delay(n, outcome.retryAfter);
    if (!delay) return outcome;
    if (options_.logger) {
      options_.logger->warning("retrying", {{"what", what},
                                            {"attempt", n + 1},
                                            {"delayMs", static_cast<std::int64_t>(delay->count())},
                                            {"error", outcome.status.message()}});
    }
    const auto until = std::chrono::steady_clock::now() + *delay;
    while (std::chrono::steady_clock::now() < until) {
      if (cancelled()) return Status::cancelled("stopping");
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
          std::chrono::milliseconds(100), until - std::chrono::steady_clock::now()));
    }
  }
}

Status FlowRunner::readExport(const model::Export& spec, RunSummary& run, ReadAhead* ahead) {
  const model::Connection* connection = definitions_.findConnection(spec.connection);
  if (connection == nullptr) {
    return Status::failedPrecondition("export " + spec.id + ": no connection " + spec.connection);
  }
  const connectors::ConnectorImpl* impl = connectors::findConnectorImpl(connection->type);
  if (impl == nullptr || !impl->openSource) {
    return Status::unimplemented("export " + spec.id + ": connector type " + connection->type +
                                 " cannot export");
  }
  connectors::ConnectorContext context{options_.secrets, options_.stateDir, options_.logger};
  std::unique_ptr<connectors::Source> source;
  auto opened = withRetries("open export " + spec.id, [&]() -> connectors::Outcome {
    auto s = impl->openSource(*connection, spec, context);
    if (!s) return s.status();
    source = std::move(*s);
    auto progress = queue_.progress(spec.id);
    if (!progress) return progress.status();
    return source->open(*progress);
  });
  if (!opened.ok()) return opened.status;

  while (true) {
    if (cancelled() || stopReading_) return Status::cancelled("stopping");
    FERRY_RETURN_IF_ERROR(waitForOutboxRoom(spec.id));
    std::optional<connectors::ExportPage> page;
    auto got = withRetries("read export " + spec.id, [&]() -> connectors::Outcome {
      auto outcome = source->next(page);
      if (outcome.shouldRetry()) {
        // Resume from what is queued: the failed read may have lost its cursor.
        auto progress = queue_.progress(spec.id);
        if (!progress) return progress.status();
        auto reopened = source->open(*progress);
        return reopened.ok() ? outcome : reopened;
      }
      return outcome;
    });
    if (!got.ok()) return got.status;
    if (!page) return Status::ok();
    run.counts.read += page->failures.size();
    run.counts.failed += page->failures.size();
    for (const auto& f : page->failures) {
      addErrors(run, {{"", f.index, 0, "export " + spec.id, f.message, nullptr}});
    }
    // A full queue pauses the export (back-pressure) until flows consume and retention
    // frees room; nothing is dropped, and the source is not read further meanwhile.
    if (ahead != nullptr) {
      ahead->waitForRoom(spec.id, [this] { return cancelled() || stopReading_; });
    }
    bool paused = false;
    const auto pausedSince = std::chrono::steady_clock::now();
    while (!page->records.empty()) {
      // Moved in once stored: the queue keeps the page decoded for the flow about to read it.
      auto seq = queue_.append(spec.id, std::move(page->records), page->progress);
      if (seq) {
        if (ahead != nullptr) ahead->appended(spec.id, *seq);
        break;
      }
      if (seq.status().code() != StatusCode::kResourceExhausted) {
        return seq.status().withContext("export " + spec.id);
      }
      if (!paused && options_.logger) {
        options_.logger->warning("queue full: export paused until the flows catch up",
                                 {{"export", spec.id}, {"error", seq.status().message()}});
      }
      paused = true;
      if (cancelled() || stopReading_) return Status::cancelled("stopping");
      // Retention deletes consumed pages in batches; a full queue cannot wait for a batch.
      Status freed = queue_.runRetention();
      if (!freed.isOk()) return freed.withContext("export " + spec.id);
      if (std::chrono::steady_clock::now() - pausedSince > options_.maxPause) {
        return Status::resourceExhausted(
            "export " + spec.id + ": the queue stayed full for " +
            std::to_string(options_.maxPause.count()) +
            " s; flows that read other exports hold it (run them, or raise queue.quotaBytes)");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (paused && options_.logger) options_.logger->info("export resumed", {{"export", spec.id}});
    auto committed = source->committed(page->progress);
    if (!committed.ok()) return committed.status.withContext("export " + spec.id);
  }
}

Status FlowRunner::consume(const model::Flow& flow, PageProcessor& processor, RunSummary& run,
                           const std::atomic<bool>* producing, ReadAhead* ahead) {
  // Round robin over the flow's topics until each is empty (and, while an export is still
  // being read, until the reader is done). Pages move through three stages at once: while
  // one goes through the steps (this thread), the one before is written by its imports
  // (`writer`) and the offsets of those written are committed (`committer`: the queue's
  // commit waits for the disk). Reads go on from the last page taken. A crash before a
  // page's offset commit re-delivers it, as it always could (imports skip what their
  // checkpoint covers); a page counts in the run once its write is done.
  struct Written {
    struct Page {
      std::string topic;
      std::uint64_t seq = 0;
      PageResult result;
    };
    std::vector<Page> pages;
    Status status;
  };
  OffsetCommitter committer(queue_, flow.id, ahead);
  SerialWorker writer;  // declared last: its pending write ends before the committer stops
  std::future<Written> writing;
  // Waits for the batch being written, adds its pages to the run and hands their offsets over.
  auto settle = [&]() -> Status {
    if (!writing.valid()) return Status::ok();
    Written w = writing.get();
    FERRY_RETURN_IF_ERROR(w.status);
    for (auto& page : w.pages) {
      // A page's errors go out only when the outbox has room, so a batch never puts more
      // than one page of them above its quota. If the wait ends without room they go out
      // anyway (the outbox keeps what fits under its hard cap) and the run stops.
      Status room = page.result.errors.empty() ? Status::ok() : waitForOutboxRoom(page.topic);
      FERRY_RETURN_IF_ERROR(committer.done(page.topic, page.seq));
      run.counts.read += page.result.counts.read;
      run.counts.filtered += page.result.counts.filtered;
      run.counts.written += page.result.counts.written;
      run.counts.failed += page.result.counts.failed;
      addErrors(run, std::move(page.result.errors));
      FERRY_RETURN_IF_ERROR(room);
    }
    if (options_.onProgress) options_.onProgress(run);
    const auto now = std::chrono::steady_clock::now();
    if (now - lastProgress_ >= std::chrono::seconds(1)) {  // at most once a second
      lastProgress_ = now;
      emit("run.progress", {{"runId", run.runId}, {"counts", countsJson(run.counts)}});
    }
    return Status::ok();
  };
  // Pages prepared while the writer was busy. They go to it together as one batch (one
  // transaction per SQL import instead of one per page), so a writer that falls behind
  // catches up on per-commit costs; an idle writer takes each page as soon as it is ready.
  std::vector<std::unique_ptr<PreparedPage>> batch;
  std::size_t batchRecords = 0;
  auto writerIdle = [&](std::chrono::milliseconds wait) {
    return !writing.valid() || writing.wait_for(wait) == std::future_status::ready;
  };
  auto submit = [&]() -> Status {
    if (batch.empty()) return Status::ok();
    FERRY_RETURN_IF_ERROR(settle());
    writing = writer.submit([this, &flow, &processor, pages = std::move(batch)]() mutable {
      const auto& first = pages.front()->pageId;
      const std::string numbers = pages.size() == 1 ? "page " + std::to_string(first.seq)
                                                    : "pages " + std::to_string(first.seq) + "-" +
                                                          std::to_string(pages.back()->pageId.seq);
      std::vector<const PreparedPage*> refs;
      for (const auto& page : pages) refs.push_back(page.get());
      std::vector<PageResult> results;
      auto written = withRetries("flow " + flow.id + " " + numbers, [&]() -> connectors::Outcome {
        results = processor.write(refs);
        for (const auto& r : results) {
          if (!r.outcome.ok()) return r.outcome;
        }
        return {};
      });
      Written w;
      if (!written.ok()) {
        w.status = written.status.withContext(numbers + " of " + first.topic);
      } else {
        for (std::size_t i = 0; i < pages.size(); ++i) {
          w.pages.push_back({first.topic, pages[i]->pageId.seq, std::move(results[i])});
        }
      }
      // Freed here, not by whoever drops the future: a page is thousands of nodes.
      pages.clear();
      return w;
    });
    batch.clear();  // moved from
    batchRecords = 0;
    return Status::ok();
  };
  // Every way out settles the batch in flight and the commits first, so the run counts what
  // was written and the offsets say so. Pages prepared but not handed over are read again by
  // the next run.
  auto leave = [&](Status status) {
    Status settled = settle();
    Status committed = committer.finish();
    if (settled.isOk()) settled = committed;
    return status.isOk() ? settled : status;
  };
  std::map<std::string, std::uint64_t> taken;
  while (true) {
    bool any = false;
    const bool more = producing != nullptr && producing->load();
    for (const auto& topic : flow.sources) {
      // Each page may announce many record errors: wait for room before taking one.
      if (Status room = waitForOutboxRoom(topic); !room.isOk()) return leave(room);
      auto pages = queue_.read(flow.id, topic, 1, taken[topic]);
      if (!pages) return leave(pages.status());
      if (pages->empty()) continue;
      any = true;
      for (const auto& page : *pages) {
        if (cancelled()) return leave(Status::cancelled("stopping"));
        connectors::PageId id{queue_.queueId(), flow.id, "", topic, page.seq};
        const std::string what = "flow " + flow.id + " page " + std::to_string(page.seq);
        const std::string where = "page " + std::to_string(page.seq) + " of " + topic;
        auto prepared = std::make_unique<PreparedPage>();
        auto outcome = withRetries(what, [&]() -> connectors::Outcome {
          *prepared = processor.prepare(id, page.records);
          return prepared->result.outcome;
        });
        if (!outcome.ok()) return leave(outcome.status.withContext(where));
        taken[topic] = page.seq;
        // A batch holds one topic: its imports keep a checkpoint per topic.
        if (!batch.empty() && batch.front()->pageId.topic != topic) {
          if (Status s = submit(); !s.isOk()) return leave(s);
        }
        batchRecords += page.records->size();
        batch.push_back(std::move(prepared));
        if (batchRecords >= kBatchRecords || writerIdle(std::chrono::milliseconds(0))) {
          if (Status s = submit(); !s.isOk()) return leave(s);
        }
      }
    }
    if (!any) {
      constexpr auto kPoll = std::chrono::milliseconds(2);
      if (!batch.empty()) {
        // The reader is behind: the batch goes as soon as the writer is free.
        if (writerIdle(kPoll)) {
          if (Status s = submit(); !s.isOk()) return leave(s);
        }
        continue;
      }
      if (!more) return leave(Status::ok());
      if (cancelled()) return leave(Status::cancelled("stopping"));
      // The reader is behind, or waits for room (ReadAhead) until the batch in flight is
      // committed: that batch is settled as soon as it is written, new pages are looked for
      // every 2 ms meanwhile.
      if (!writing.valid()) {
        std::this_thread::sleep_for(kPoll);
      } else if (writing.wait_for(kPoll) == std::future_status::ready) {
        if (Status settled = settle(); !settled.isOk()) return leave(settled);
      }
    }
  }
}

std::vector<RunSummary> FlowRunner::runOnce(const std::vector<std::string>& flowIds) {
  std::vector<const model::Flow*> flows;
  for (const auto& flow : definitions_.flows) {
    if (flowIds.empty() || std::find(flowIds.begin(), flowIds.end(), flow.id) != flowIds.end()) {
      flows.push_back(&flow);
    }
  }
  std::vector<RunSummary> runs;
  // Every consumer first, so no flow misses a page another flow's read appended.
  for (const auto* flow : flows) {
    for (const auto& topic : flow->sources) {
      Status registered =
          queue_.registerConsumer(flow->id, topic, queue::LogQueue::StartAt::kEarliest);
      if (!registered.isOk() && options_.logger) {
        options_.logger->error("cannot register the flow's consumer",
                               {{"flow", flow->id}, {"error", registered.message()}});
      }
    }
  }
  connectors::ConnectorContext context{options_.secrets, options_.stateDir, options_.logger};
  for (const auto* flow : flows) {
    RunSummary run;
    auto id = queue::randomUuid();
    run.runId = id ? *id : "";
    run.flowId = flow->id;
    run.startedAt = std::chrono::system_clock::now();
    lastProgress_ = std::chrono::steady_clock::now();
    emit("run.started", {{"runId", run.runId},
                         {"flowId", run.flowId},
                         {"trigger", options_.trigger},
                         {"startedAt", isoTime(run.startedAt)}});
    // The destinations and lookups open first: a flow that cannot write reads nothing.
    StepConnectorOptions connectorOptions;
    connectorOptions.attempt = [this](const std::string& what,
                                      const std::function<connectors::Outcome()>& open) {
      return withRetries(what, open);
    };
    auto connectors = openStepConnectors(definitions_, *flow, context, connectorOptions);
    Status status = connectors.status();
    std::unique_ptr<PageProcessor> processor;
    if (status.isOk()) {
      auto created = PageProcessor::create(definitions_, *flow, std::move(*connectors));
      if (created) {
        processor = std::move(*created);
      } else {
        status = created.status();
      }
    }
    if (status.isOk()) {
      // The exports are read on their own thread while this one consumes the pages they
      // queue, so reading, transforming and writing overlap; the queue (on disk, under its
      // quota) is the only buffer between them.
      std::vector<const model::Export*> toRead;
      for (const auto& exportId : flow->sources) {
        const model::Export* spec = definitions_.findExport(exportId);
        if (spec == nullptr || spec->type == "listener") continue;  // listeners fill their topic
        if (std::find(exportsRead_.begin(), exportsRead_.end(), exportId) != exportsRead_.end()) {
          continue;
        }
        toRead.push_back(spec);
        exportsRead_.push_back(exportId);
      }
      RunSummary exportRun;  // the reader's own counts and errors, merged after it ends
      exportRun.runId = run.runId;
      exportRun.flowId = run.flowId;
      std::atomic<bool> reading{true};
      Status readStatus = Status::ok();
      ReadAhead ahead(readAheadPages(toRead));
      std::thread reader([&] {
        for (const auto* spec : toRead) {
          if (options_.exportLocks != nullptr) {
            std::lock_guard lock(options_.exportLocks->of(spec->id));
            readStatus = readExport(*spec, exportRun, &ahead);
          } else {
            readStatus = readExport(*spec, exportRun, &ahead);
          }
          if (!readStatus.isOk()) break;
        }
        reading = false;
      });
      status = consume(*flow, *processor, run, &reading, &ahead);
      if (!status.isOk()) stopReading_ = true;
      ahead.release();
      reader.join();
      stopReading_ = false;
      if (status.isOk() && !readStatus.isOk()) status = readStatus;
      if (status.isOk()) status = consume(*flow, *processor, run, nullptr, nullptr);  // the tail
      run.counts.read += exportRun.counts.read;
      run.counts.failed += exportRun.counts.failed;
      for (auto& e : exportRun.errors) {
        if (run.errors.size() < kMaxErrorsInSummary) run.errors.push_back(std::move(e));
      }
    }
    run.finishedAt = std::chrono::system_clock::now();
    if (status.code() == StatusCode::kCancelled) {
      run.state = RunState::kCancelled;
    } else if (!status.isOk()) {
      run.state = RunState::kFailed;
      run.error = status.message();
    } else {
      run.state = run.counts.failed > 0 ? RunState::kPartial : RunState::kSucceeded;
    }
    emit("run.finished", {{"runId", run.runId},
                          {"state", std::string(runStateName(run.state))},
                          {"counts", countsJson(run.counts)},
                          {"finishedAt", isoTime(run.finishedAt)},
                          {"errorSummary", run.error}});
    if (options_.logger) {
      // An idle poll of a listener flow (nothing read, nothing wrong) is not news.
      const bool quiet = run.counts.read == 0 && run.state == RunState::kSucceeded;
      options_.logger->log(quiet ? LogLevel::kDebug : LogLevel::kInfo, "run finished",
                           {{"flow", flow->id},
                            {"run", run.runId},
                            {"state", std::string(runStateName(run.state))},
                            {"read", static_cast<std::int64_t>(run.counts.read)},
                            {"written", static_cast<std::int64_t>(run.counts.written)},
                            {"failed", static_cast<std::int64_t>(run.counts.failed)},
                            {"error", run.error}});
    }
    runs.push_back(std::move(run));
  }
  return runs;
}

}  // namespace ferry::agent::runtime
