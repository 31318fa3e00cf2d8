#include "agent/runtime/page_processor.h"

#include "common/model/flow_pipeline.h"

namespace ferry::agent::runtime {

using json = ferry::Json;

Result<std::unique_ptr<PageProcessor>> PageProcessor::create(const model::Definitions& definitions,
                                                             const model::Flow& flow,
                                                             Connectors connectors) {
  std::vector<Segment> segments;
  std::vector<std::string> importOrder;
  std::map<std::string, std::size_t> importStep;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= flow.steps.size(); ++i) {
    const bool cut =
        i == flow.steps.size() || (i > start && flow.steps[i].type == model::Step::Type::kLookup);
    if (i < flow.steps.size() && flow.steps[i].type == model::Step::Type::kImport) {
      importOrder.push_back(flow.steps[i].ref);
      importStep[flow.steps[i].ref] = i;
    }
    if (!cut) continue;
    model::Flow part = flow;
    part.steps.assign(flow.steps.begin() + static_cast<std::ptrdiff_t>(start),
                      flow.steps.begin() + static_cast<std::ptrdiff_t>(i));
    auto pipeline = model::buildPipeline(definitions, part);
    if (!pipeline) return pipeline.status().withContext("flow " + flow.id);
    std::string lookupId;
    if (!part.steps.empty() && part.steps[0].type == model::Step::Type::kLookup) {
      lookupId = part.steps[0].ref;
    }
    segments.push_back({start, std::move(lookupId), std::move(*pipeline)});
    start = i;
  }
  return std::make_unique<PageProcessor>(std::move(segments), std::move(importOrder),
                                         std::move(importStep), std::move(connectors));
}

PageResult PageProcessor::process(const connectors::PageId& pageId,
                                  const std::vector<json>& records) {
  PreparedPage page = prepare(pageId, std::make_shared<const std::vector<json>>(records));
  if (!page.result.outcome.ok()) return std::move(page.result);
  return write(page);
}

namespace {

// Records `message` as record i's error at `step` (once per record in the counts).
void recordError(PageResult& result, std::vector<bool>& failed, const json& record, std::size_t i,
                 std::size_t step, std::string name, std::string message) {
  result.errors.push_back({"", i, step, std::move(name), std::move(message), record});
  if (!failed[i]) ++result.counts.failed;
  failed[i] = true;
}

}  // namespace

PreparedPage PageProcessor::prepare(const connectors::PageId& pageId,
                                    std::shared_ptr<const std::vector<json>> records) {
  PreparedPage page;
  page.pageId = pageId;
  const std::size_t n = records->size();
  page.input = std::move(records);
  PageResult& result = page.result;
  result.counts.read = n;
  page.current.resize(n);
  page.changed.assign(n, false);
  page.failed.assign(n, false);
  page.rowOfOutput.assign(n, PreparedPage::kNoRow);
  std::vector<bool> alive(n, true);
  auto replace = [&](std::size_t i, json record) {
    page.current[i] = std::move(record);
    page.changed[i] = true;
  };
  auto fail = [&](std::size_t i, std::size_t step, std::string name, std::string message) {
    recordError(result, page.failed, page.record(i), i, step, std::move(name), std::move(message));
    alive[i] = false;
  };

  for (std::size_t seg = 0; seg < segments_.size(); ++seg) {
    auto& segment = segments_[seg];
    // After the last step nothing reads the records but error reports: when that step is a
    // plain import, its row is the record, kept once.
    const bool outputInRow = seg + 1 == segments_.size() && segment.pipeline.endsInPlainImport();
    const auto output = outputInRow ? transform::StepPipeline::Output::kInLastImport
                                    : transform::StepPipeline::Output::kKeep;
    std::unique_ptr<transform::LookupRows> lookupRows;
    if (!segment.lookupId.empty()) {
      std::vector<json> batch;
      std::vector<std::size_t> indexes;
      for (std::size_t i = 0; i < n; ++i) {
        if (!alive[i]) continue;
        batch.push_back(page.record(i));
        indexes.push_back(i);
      }
      if (batch.empty()) continue;
      auto fetched = connectors_.lookups.at(segment.lookupId)->fetch(batch);
      if (!fetched.outcome.ok()) {
        result.outcome = fetched.outcome;
        return page;
      }
      for (const auto& f : fetched.failures) {
        fail(indexes.at(f.index), segment.firstStep, "lookup " + segment.lookupId, f.message);
      }
      lookupRows = std::move(fetched.rows);
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (!alive[i]) continue;
      transform::RecordOutcome outcome =
          segment.pipeline.run(page.record(i), lookupRows.get(), output);
      for (auto& [importId, imported] : outcome.imports) {
        if (imported.skipped) continue;
        auto& importRows = page.rows[importId];
        if (outcome.outputInLastImport && importId == importOrder_.back()) {
          page.lastImport = importId;
          page.rowOfOutput[i] = importRows.first.size();
        }
        importRows.first.push_back(std::move(imported.row));
        importRows.second.push_back(i);
      }
      if (outcome.outputInLastImport) continue;  // not failed, not filtered: in its row
      if (outcome.failed()) {
        // The record as it entered the failing step is the one a retry starts from.
        replace(i, std::move(outcome.output));
        for (const auto& e : outcome.errors) {
          fail(i, segment.firstStep + e.stepIndex, e.step, e.message);
        }
        continue;
      }
      if (outcome.filtered) {
        alive[i] = false;
        ++result.counts.filtered;
        continue;
      }
      replace(i, std::move(outcome.output));
    }
  }
  return page;
}

PageResult PageProcessor::write(const PreparedPage& page) {
  return std::move(write(std::vector<const PreparedPage*>{&page}).front());
}

std::vector<PageResult> PageProcessor::write(const std::vector<const PreparedPage*>& pages) {
  std::vector<PageResult> results;
  std::vector<std::vector<bool>> failed;
  for (const auto* page : pages) {
    results.push_back(page->result);
    failed.push_back(page->failed);
  }
  for (const auto& importId : importOrder_) {
    std::vector<connectors::PageRows> batch;
    std::vector<std::size_t> pageOf;  // per batch entry, its index in `pages`
    for (std::size_t p = 0; p < pages.size(); ++p) {
      auto it = pages[p]->rows.find(importId);
      if (it == pages[p]->rows.end() || it->second.first.empty()) continue;
      connectors::PageId id = pages[p]->pageId;
      id.importId = importId;
      batch.push_back({std::move(id), &it->second.first});
      pageOf.push_back(p);
    }
    if (batch.empty()) continue;
    auto written = connectors_.imports.at(importId)->writePages(batch);
    for (std::size_t b = 0; b < batch.size(); ++b) {
      PageResult& result = results[pageOf[b]];
      if (b >= written.size() || !written[b].outcome.ok()) {
        // The batch is not done: the caller writes it again (checkpoints skip what was).
        result.outcome = b < written.size()
                             ? written[b].outcome
                             : connectors::Outcome(Status::aborted("an earlier page failed"));
        return results;
      }
      // A page an earlier attempt or run already wrote (its checkpoint covers it) is not
      // written again, and not counted again: a run's count is what it delivered.
      const auto& rows = pages[pageOf[b]]->rows.at(importId);
      if (!written[b].alreadyWritten) {
        result.counts.written += rows.first.size() - written[b].failures.size();
      }
      for (const auto& f : written[b].failures) {
        const std::size_t record = rows.second.at(f.index);
        recordError(result, failed[pageOf[b]], pages[pageOf[b]]->record(record), record,
                    importStep_.at(importId), "import " + importId, f.message);
      }
    }
  }
  return results;
}

std::vector<json> PageProcessor::preview(const std::vector<json>& records) {
  std::vector<json> current = records;
  std::vector<json> out(records.size());
  std::vector<bool> alive(records.size(), true);
  for (auto& o : out) {
    o = {{"filtered", false}, {"imports", json::object()}, {"errors", json::array()}};
  }
  for (auto& segment : segments_) {
    std::unique_ptr<transform::LookupRows> lookupRows;
    std::string lookupNote;
    if (!segment.lookupId.empty()) {
      auto source = connectors_.lookups.find(segment.lookupId);
      if (source == connectors_.lookups.end()) {
        lookupNote = "skipped";
      } else {
        std::vector<json> batch;
        for (std::size_t i = 0; i < current.size(); ++i) {
          if (alive[i]) batch.push_back(current[i]);
        }
        auto fetched = source->second->fetch(batch);
        if (fetched.outcome.ok()) {
          lookupRows = std::move(fetched.rows);
        } else {
          lookupNote = "failed: " + fetched.outcome.status.message();
        }
      }
    }
    for (std::size_t i = 0; i < current.size(); ++i) {
      if (!alive[i]) continue;
      if (!lookupNote.empty()) out[i]["lookups"][segment.lookupId] = lookupNote;
      transform::RecordOutcome outcome = segment.pipeline.run(current[i], lookupRows.get());
      for (auto& [importId, imported] : outcome.imports) {
        if (!imported.skipped) out[i]["imports"][importId] = std::move(imported.row);
      }
      for (const auto& e : outcome.errors) {
        out[i]["errors"].push_back({{"step", e.step},
                                    {"stepIndex", segment.firstStep + e.stepIndex},
                                    {"message", e.message}});
      }
      current[i] = std::move(outcome.output);
      if (outcome.failed()) alive[i] = false;
      if (outcome.filtered) {
        alive[i] = false;
        out[i]["filtered"] = true;
      }
    }
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i]["output"] = out[i]["filtered"].get<bool>() ? json(nullptr) : current[i];
  }
  return out;
}

}  // namespace ferry::agent::runtime
