#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agent/connectors/connector.h"
#include "agent/connectors/file/file_options.h"
#include "common/clock/clock.h"
#include "common/fs/unique_fd.h"

namespace ferry::agent::connectors::file {

using ferry::fs::UniqueFd;

// Appends the rows of each page to one file, as CSV or JSON Lines, and fsyncs before
// reporting the page written. At-least-once: a crash after the append and before the
// queue records the page as delivered writes that page again on the next run, so a file
// may hold a page twice.
//
// CSV: the columns are the file's header when it exists, else the import mapping's `to`
// fields, else the first row's keys (numeric order for "1", "2", …, else byte order). A
// row with a key that is not a column fails alone; missing keys are empty fields. The
// header is written when a file is started.
// Rotation: once the file has reached rotateBytes it is renamed with a UTC timestamp
// ("orders.jsonl" -> "orders-20261130T140000Z.jsonl", "-1", "-2", … on a clash) and a new
// file is started. Pages are never split, so a file may pass rotateBytes by one page.
// Opening a file whose last line is incomplete (a crash in the middle of a write) cuts
// that line off: its page was not reported written and comes again.
// Used by one thread at a time.
class FileDestination final : public Destination {
 public:
  // `logger`, `clock` may be null (no logging; the system clock); both must outlive this.
  FileDestination(FileImportOptions options, const Logger* logger, const Clock* clock = nullptr);

  PageWrite write(const PageId& page, const std::vector<ferry::Json>& rows) override;

 private:
  Status openFile();
  Status readColumnsFromFile();
  Status cutIncompleteLine();
  Status rotateIfFull();
  Status append(const std::string& bytes);
  std::string encode(const std::vector<ferry::Json>& rows, std::vector<RecordFailure>& failed);
  Status context(const Status& s) const { return s.withContext("import " + options_.importId); }

  FileImportOptions options_;
  const Logger* logger_;
  SystemClock systemClock_;
  const Clock* clock_;
  std::string directory_;  // canonical directory of the file
  std::string name_;       // file name within it
  UniqueFd fd_;
  std::uint64_t size_ = 0;
  bool directorySynced_ = false;
  std::vector<std::string> columns_;  // CSV, once known
};

}  // namespace ferry::agent::connectors::file
