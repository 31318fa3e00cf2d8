#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/connectors/connector.h"
#include "agent/connectors/file/byte_source.h"
#include "agent/connectors/file/file_options.h"
#include "agent/connectors/file/read_memory.h"
#include "agent/connectors/file/record_reader.h"
#include "common/clock/clock.h"

namespace ferry::agent::connectors::file {

// Reads the files of a `file` export, in name order, as pages of at most pageSize records
// (and per-record failures). A page never spans two files, so its progress names one:
//   {"file": "inbox/a.csv", "offset": 1234, "line": 57, "inode": 99, "done": false}
// offset/line: where the next record of the file starts (byte offset, 1-based line);
// inode: which file it was (a file replaced under the same name is read from the start);
// done: the file has been read to its end.
// finished (only when not empty): files read to their end by earlier pages whose archive
// step has not happened yet, as {"file", "offset", "line", "inode"}; so whichever page's
// progress survives a crash, no finished file is read twice.
// open() resumes exactly after a stored progress. A finished file is archived (or, without
// `archive`, remembered by name and size) only in committed(), i.e. once its last page is
// durably queued; open() completes that step for a done progress whose committed() a crash
// prevented. Used by one thread at a time.
class FileSource final : public Source {
 public:
  // `logger` and `clock` may be null (no logging; the system clock); both must outlive this.
  FileSource(FileExportOptions options, const Logger* logger, const Clock* clock = nullptr);

  Outcome open(const ferry::Json& progress) override;
  Outcome next(std::optional<ExportPage>& page) override;
  Outcome committed(const ferry::Json& progress) override;

 private:
  struct Mark {  // a position in one file
    std::string file;
    FilePosition at;
    std::optional<std::uint64_t> inode;
    bool done = false;
  };
  struct Progress {
    Mark mark;
    std::vector<Mark> finished;
  };
  struct Reading {
    Mark mark;  // where the current page started
    std::unique_ptr<FdByteSource> bytes;
    std::unique_ptr<RecordReader> records;
  };

  static Result<std::optional<Progress>> parseProgress(const ferry::Json& progress);
  static Result<Mark> parseMark(const ferry::Json& json);
  static ferry::Json markJson(const Mark& mark);
  ferry::Json progressOf(const Mark& mark) const;
  Status finishAll(const Progress& progress);
  Status prepareDirectories();
  Status listFiles(const std::optional<Mark>& resume);
  Status startReading(const Mark& mark);
  Status finish(const Mark& mark);
  std::string pathOf(const std::string& name) const { return options_.root + "/" + name; }
  void warn(std::string_view message, const std::string& file) const;

  FileExportOptions options_;
  const Logger* logger_;
  SystemClock systemClock_;
  const Clock* clock_;
  std::string directoryPath_;  // canonical
  std::string archivePath_;    // canonical, with `archive`
  std::optional<ReadMemory> memory_;
  std::deque<Mark> toRead_;         // files still to read, in order
  std::optional<Reading> reading_;  // the file being read
  std::vector<Mark> finished_;      // read to the end, waiting for committed()
};

}  // namespace ferry::agent::connectors::file
