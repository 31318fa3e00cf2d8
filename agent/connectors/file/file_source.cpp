#include "agent/connectors/file/file_source.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <set>

#include "agent/connectors/file/file_paths.h"
#include "agent/connectors/file/io_status.h"

namespace ferry::agent::connectors::file {

FileSource::FileSource(FileExportOptions options, const Logger* logger, const Clock* clock)
    : options_(std::move(options)), logger_(logger), clock_(clock ? clock : &systemClock_) {}

Result<FileSource::Mark> FileSource::parseMark(const ferry::Json& json) {
  Mark mark;
  try {
    mark.file = json.at("file").get<std::string>();
    mark.at.offset = json.at("offset").get<std::uint64_t>();
    mark.at.line = json.at("line").get<std::uint64_t>();
    mark.done = json.value("done", false);
    if (json.contains("inode")) mark.inode = json["inode"].get<std::uint64_t>();
  } catch (const ferry::Json::exception&) {
    return Status::failedPrecondition("not a file position");
  }
  if (mark.at.line < 1 || !normaliseRelative(mark.file, "file").isOk()) {
    return Status::failedPrecondition("not a file position");
  }
  return mark;
}

Result<std::optional<FileSource::Progress>> FileSource::parseProgress(const ferry::Json& progress) {
  if (progress.is_null()) return std::optional<Progress>{};
  const Status bad =
      Status::failedPrecondition("stored progress " + progress.dump() + " is not a file position");
  if (!progress.is_object()) return bad;
  Progress out;
  auto mark = parseMark(progress);
  if (!mark.isOk()) return bad;
  out.mark = std::move(*mark);
  const auto finished = progress.find("finished");
  if (finished != progress.end()) {
    if (!finished->is_array()) return bad;
    for (const auto& item : *finished) {
      auto m = parseMark(item);
      if (!m.isOk() || !item.is_object()) return bad;
      m->done = true;
      out.finished.push_back(std::move(*m));
    }
  }
  return std::optional<Progress>(std::move(out));
}

ferry::Json FileSource::markJson(const Mark& mark) {
  ferry::Json json = {
      {"file", mark.file}, {"offset", mark.at.offset}, {"line", mark.at.line}, {"done", mark.done}};
  if (mark.inode) json["inode"] = *mark.inode;
  return json;
}

ferry::Json FileSource::progressOf(const Mark& mark) const {
  ferry::Json progress = markJson(mark);
  if (!finished_.empty()) {
    progress["finished"] = ferry::Json::array();
    for (const auto& m : finished_) {
      auto item = markJson(m);
      item.erase("done");
      progress["finished"].push_back(std::move(item));
    }
  }
  return progress;
}

Status FileSource::finishAll(const Progress& progress) {
  for (const auto& m : progress.finished) FERRY_RETURN_IF_ERROR(finish(m));
  if (progress.mark.done) FERRY_RETURN_IF_ERROR(finish(progress.mark));
  return Status::ok();
}

Outcome FileSource::open(const ferry::Json& progress) {
  toRead_.clear();
  reading_.reset();
  finished_.clear();
  auto resume = parseProgress(progress);
  if (!resume.isOk()) return resume.status().withContext("export " + options_.exportId);
  const auto context = [&](const Status& s) {
    return s.withContext("export " + options_.exportId);
  };
  if (Status s = prepareDirectories(); !s.isOk()) return context(s);
  if (*resume) {
    // Its page is queued, but a crash may have come before committed() archived the files
    // it finished.
    if (Status s = finishAll(**resume); !s.isOk()) return context(s);
  }
  std::optional<Mark> resumeAt;
  if (*resume && !(*resume)->mark.done) resumeAt = (*resume)->mark;
  if (Status s = listFiles(resumeAt); !s.isOk()) return context(s);
  return {};
}

Status FileSource::prepareDirectories() {
  auto directory = resolveDirectory(options_.root, options_.directory, false);
  if (!directory.isOk()) return directory.status();
  directoryPath_ = *directory;
  if (options_.archive) {
    auto archive = resolveDirectory(options_.root, *options_.archive, true);
    if (!archive.isOk()) return archive.status();
    if (*archive == directoryPath_) {
      return Status::invalidArgument("archive: is the directory the files are read from");
    }
    archivePath_ = *archive;
  } else if (!memory_) {
    const std::string memoryDirectory = parentOf(options_.memoryPath);
    if (::mkdir(memoryDirectory.c_str(), 0700) != 0 && errno != EEXIST) {
      return errnoStatus(errno, "creating " + memoryDirectory);
    }
    auto memory = ReadMemory::load(options_.memoryPath);
    if (!memory.isOk()) return memory.status();
    memory_ = std::move(*memory);
  }
  return Status::ok();
}

Status FileSource::listFiles(const std::optional<Mark>& resume) {
  auto names = listMatching(directoryPath_, options_.pattern);
  if (!names.isOk()) return names.status();
  std::set<std::string> present;
  for (const auto& base : *names) {
    const std::string name = options_.directory.empty() ? base : options_.directory + "/" + base;
    if (!isValidUtf8(name)) {
      return Status::failedPrecondition("the name of file \"" + name +
                                        "\" is not valid UTF-8; rename it");
    }
    FERRY_RETURN_IF_ERROR(checkInside(options_.root, pathOf(name), name));
    present.insert(name);
    if (memory_) {
      struct stat st {};
      if (::stat(pathOf(name).c_str(), &st) == 0 &&
          memory_->contains(name, static_cast<std::uint64_t>(st.st_size))) {
        continue;
      }
    }
    toRead_.push_back(Mark{name, {}, std::nullopt, false});
  }
  if (memory_ && memory_->keepOnly(present)) FERRY_RETURN_IF_ERROR(memory_->save());
  if (resume) {
    auto it = std::find_if(toRead_.begin(), toRead_.end(),
                           [&](const Mark& m) { return m.file == resume->file; });
    if (it != toRead_.end()) {
      toRead_.erase(it);
      toRead_.push_front(*resume);  // the file that was being read goes on first
    }
  }
  return Status::ok();
}

Status FileSource::startReading(const Mark& mark) {
  auto bytes = FdByteSource::open(pathOf(mark.file), mark.file);
  if (!bytes.isOk()) return bytes.status();
  Mark start = mark;
  if ((mark.inode && *mark.inode != (*bytes)->inode()) || mark.at.offset > (*bytes)->size()) {
    warn("file was replaced since it was partly read; reading it from the start", mark.file);
    start.at = {};
  }
  start.inode = (*bytes)->inode();
  start.done = false;
  auto records = options_.format == FileFormat::kCsv
                     ? makeCsvRecordReader(**bytes, options_.csv, start.at, options_.limits)
                     : makeJsonlRecordReader(**bytes, start.at, options_.limits);
  reading_ = Reading{std::move(start), std::move(*bytes), std::move(records)};
  return Status::ok();
}

Outcome FileSource::next(std::optional<ExportPage>& page) {
  page.reset();
  while (!reading_) {
    if (toRead_.empty()) return {};
    Status s = startReading(toRead_.front());
    if (s.code() == StatusCode::kNotFound) {  // gone since it was listed: nothing to read
      toRead_.pop_front();
      continue;
    }
    if (!s.isOk()) return s.withContext("export " + options_.exportId);
    toRead_.pop_front();
  }

  ExportPage out;
  RecordItem item;
  bool ended = false;
  while (!ended && out.records.size() + out.failures.size() < options_.pageSize) {
    if (Status s = reading_->records->next(item); !s.isOk()) {
      // Read this page again from its start next time, so no record is skipped.
      toRead_.push_front(reading_->mark);
      reading_.reset();
      return s.withContext("export " + options_.exportId);
    }
    switch (item.kind) {
      case RecordItem::Kind::kEnd: ended = true; break;
      case RecordItem::Kind::kRecord: out.records.push_back(std::move(item.record)); break;
      case RecordItem::Kind::kFailure:
        out.failures.push_back(
            {out.records.size(),
             reading_->mark.file + ":" + std::to_string(item.line) + ": " + item.message});
        break;
    }
  }
  Mark mark = reading_->mark;
  mark.at = reading_->records->position();
  // Past the size the file had when opened: done without one more, empty page.
  mark.done = ended || mark.at.offset >= reading_->bytes->size();
  out.progress = progressOf(mark);
  if (mark.done) {
    finished_.push_back(mark);
    reading_.reset();
  } else {
    reading_->mark = mark;
  }
  page = std::move(out);
  return {};
}

Outcome FileSource::committed(const ferry::Json& progress) {
  auto parsed = parseProgress(progress);
  if (!parsed.isOk()) return parsed.status().withContext("export " + options_.exportId);
  if (!*parsed) return {};
  if (Status s = finishAll(**parsed); !s.isOk()) {
    return s.withContext("export " + options_.exportId);
  }
  const auto committedFile = [&](const Mark& m) {
    if ((*parsed)->mark.done && m.file == (*parsed)->mark.file) return true;
    return std::any_of((*parsed)->finished.begin(), (*parsed)->finished.end(),
                       [&](const Mark& f) { return f.file == m.file; });
  };
  finished_.erase(std::remove_if(finished_.begin(), finished_.end(), committedFile),
                  finished_.end());
  return {};
}

Status FileSource::finish(const Mark& mark) {
  const std::string path = pathOf(mark.file);
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::ok();  // already archived, or removed by someone
    return errnoStatus(errno, mark.file);
  }
  struct stat target {};
  if (::stat(path.c_str(), &target) == 0 &&
      ((mark.inode && target.st_ino != *mark.inode) ||
       static_cast<std::uint64_t>(target.st_size) != mark.at.offset)) {
    // Written to (or replaced) after it was read: archiving it would lose the new data.
    warn("file changed after it was read; it is left in place and read again", mark.file);
    return Status::ok();
  }
  if (memory_) {
    memory_->remember(mark.file, mark.at.offset);
    return memory_->save();
  }
  auto moved = moveWithoutReplacing(path, archivePath_, baseName(mark.file), clock_->now(), true);
  return moved.isOk() ? Status::ok() : moved.status();
}

void FileSource::warn(std::string_view message, const std::string& file) const {
  if (logger_) logger_->warning(message, {{"export", options_.exportId}, {"file", file}});
}

}  // namespace ferry::agent::connectors::file
