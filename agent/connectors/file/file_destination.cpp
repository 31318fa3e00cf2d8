#include "agent/connectors/file/file_destination.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "agent/connectors/file/byte_source.h"
#include "agent/connectors/file/csv_writer.h"
#include "agent/connectors/file/file_paths.h"
#include "agent/connectors/file/io_status.h"

namespace ferry::agent::connectors::file {

namespace {
constexpr std::size_t kScanBlock = 64 * 1024;
}  // namespace

FileDestination::FileDestination(FileImportOptions options, const Logger* logger,
                                 const Clock* clock)
    : options_(std::move(options)),
      logger_(logger),
      clock_(clock ? clock : &systemClock_),
      columns_(options_.columns) {}

PageWrite FileDestination::write(const PageId& page, const std::vector<ferry::Json>& rows) {
  (void)page;  // files keep no checkpoint: delivery is at-least-once
  PageWrite result;
  if (rows.empty()) return result;
  for (auto step :
       {&FileDestination::openFile, &FileDestination::rotateIfFull, &FileDestination::openFile}) {
    if (Status s = (this->*step)(); !s.isOk()) {
      result.outcome = context(s);
      return result;
    }
  }
  std::vector<RecordFailure> failed;
  const std::string body = encode(rows, failed);
  if (!body.empty()) {
    std::string bytes;
    if (options_.format == FileFormat::kCsv && options_.csv.header && size_ == 0) {
      appendCsvRecord(bytes, columns_, options_.csv.dialect);
    }
    bytes += body;
    if (Status s = append(bytes); !s.isOk()) {
      result.outcome = context(s);
      return result;
    }
  }
  result.failures = std::move(failed);
  // The page is written; a rotation that fails now is tried again before the next page.
  if (Status s = rotateIfFull(); !s.isOk() && logger_) {
    logger_->warning("rotating the file failed",
                     {{"import", options_.importId}, {"error", s.toString()}});
  }
  return result;
}

Status FileDestination::openFile() {
  if (fd_.valid()) return Status::ok();
  const std::string parent = parentOf(options_.path);
  auto directory = resolveDirectory(options_.root, parent == "." ? "" : parent, true);
  if (!directory.isOk()) return directory.status();
  directory_ = *directory;
  name_ = baseName(options_.path);
  const std::string path = directory_ + "/" + name_;
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    FERRY_RETURN_IF_ERROR(checkInside(options_.root, path, options_.path));
  }
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0666));
  if (!fd.valid()) return errnoStatus(errno, options_.path);
  if (::fstat(fd.get(), &st) != 0) return errnoStatus(errno, options_.path);
  if (!S_ISREG(st.st_mode))
    return Status::failedPrecondition(options_.path + ": not a regular file");
  fd_ = std::move(fd);
  size_ = static_cast<std::uint64_t>(st.st_size);
  directorySynced_ = false;  // the file may be new: its entry is synced with the first page
  FERRY_RETURN_IF_ERROR(cutIncompleteLine());
  if (options_.format == FileFormat::kCsv && options_.csv.header && size_ > 0) {
    return readColumnsFromFile();
  }
  return Status::ok();
}

Status FileDestination::readColumnsFromFile() {
  auto bytes = FdByteSource::open(directory_ + "/" + name_, options_.path);
  if (!bytes.isOk()) return bytes.status();
  CsvReader::Options o;
  o.dialect = options_.csv.dialect;
  o.fieldCount = CsvReader::FieldCount::kVariable;
  CsvReader reader(**bytes, o);
  CsvReader::Row row;
  CsvReader::Error error;
  switch (reader.next(row, error)) {
    case CsvReader::Read::kRow: columns_ = std::move(row.fields); return Status::ok();
    case CsvReader::Read::kError:
      return Status::failedPrecondition(options_.path + ": cannot append, the header line is " +
                                        "malformed: " + error.message);
    case CsvReader::Read::kEnd: break;
  }
  return reader.ioStatus();
}

Status FileDestination::cutIncompleteLine() {
  // Every line Ferry writes ends in LF; bytes after the last LF are a torn write.
  std::uint64_t end = size_;
  std::string block;
  while (end > 0) {
    const std::uint64_t start = end > kScanBlock ? end - kScanBlock : 0;
    block.resize(static_cast<std::size_t>(end - start));
    const ssize_t n = ::pread(fd_.get(), block.data(), block.size(), static_cast<off_t>(start));
    if (n < 0) return errnoStatus(errno, "reading " + options_.path);
    if (static_cast<std::size_t>(n) != block.size()) {
      return Status::unavailable(options_.path + ": changed while it was being opened");
    }
    const std::size_t newline = block.rfind('\n');
    if (newline != std::string::npos) {
      end = start + newline + 1;
      break;
    }
    end = start;
  }
  if (end == size_) return Status::ok();
  if (::ftruncate(fd_.get(), static_cast<off_t>(end)) != 0) {
    return errnoStatus(errno, "truncating " + options_.path);
  }
  if (logger_) {
    logger_->warning("cut off an incomplete last line left by an interrupted write",
                     {{"import", options_.importId},
                      {"file", options_.path},
                      {"bytes", static_cast<std::uint64_t>(size_ - end)}});
  }
  size_ = end;
  return Status::ok();
}

Status FileDestination::rotateIfFull() {
  if (options_.rotateBytes == 0 || !fd_.valid() || size_ < options_.rotateBytes) {
    return Status::ok();
  }
  fd_.reset();
  auto moved =
      moveWithoutReplacing(directory_ + "/" + name_, directory_, name_, clock_->now(), false);
  if (!moved.isOk()) return moved.status();
  size_ = 0;
  return Status::ok();
}

std::string FileDestination::encode(const std::vector<ferry::Json>& rows,
                                    std::vector<RecordFailure>& failed) {
  std::string out;
  const bool csv = options_.format == FileFormat::kCsv;
  if (csv && columns_.empty()) {
    for (const auto& row : rows) {
      if (row.is_object() && !row.empty()) {
        columns_ = columnsOf(row);
        break;
      }
    }
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto fail = [&](const std::string& why) {
      failed.push_back({i, options_.path + ": " + why});
    };
    if (!rows[i].is_object()) {
      fail(std::string("a row must be a JSON object, got ") + rows[i].type_name());
    } else if (!csv) {
      try {
        out += rows[i].dump();
        out.push_back('\n');
      } catch (const ferry::Json::exception& e) {  // a string that is not UTF-8
        fail(std::string("the row cannot be written as JSON: ") + e.what());
      }
    } else if (columns_.empty()) {
      fail("the row has no fields to write as CSV columns");
    } else {
      auto fields = csvFieldsOf(rows[i], columns_);
      if (fields.isOk()) {
        appendCsvRecord(out, *fields, options_.csv.dialect);
      } else {
        fail(fields.status().message());
      }
    }
  }
  return out;
}

Status FileDestination::append(const std::string& bytes) {
  const std::uint64_t before = size_;
  const auto undo = [&](int err, const std::string& what) {
    // Leave no partial page behind: the page is retried whole. When even that fails, the
    // retry may repeat lines (files are at-least-once), and the message says so.
    if (::ftruncate(fd_.get(), static_cast<off_t>(before)) != 0) {
      return errnoStatus(err, what + " " + options_.path +
                                  " (the partial page could not be cut off; its lines may repeat)");
    }
    return errnoStatus(err, what + " " + options_.path);
  };
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd_.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return undo(errno, "writing");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd_.get()) != 0) return undo(errno, "syncing");
  size_ += bytes.size();
  if (!directorySynced_) {
    FERRY_RETURN_IF_ERROR(syncDirectory(directory_));
    directorySynced_ = true;
  }
  return Status::ok();
}

}  // namespace ferry::agent::connectors::file
