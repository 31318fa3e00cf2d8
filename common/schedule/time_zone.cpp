#include "common/schedule/time_zone.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/schema/suggest.h"

namespace ferry::schedule {

namespace {

using namespace std::chrono;

class ByteReader {
 public:
  explicit ByteReader(std::string_view b) : b_(b) {}
  bool has(std::size_t n) const { return b_.size() - pos_ >= n; }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(b_[pos_++]);
    return v;
  }
  std::int64_t i64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(b_[pos_++]);
    return static_cast<std::int64_t>(v);
  }
  std::uint8_t u8() { return static_cast<unsigned char>(b_[pos_++]); }
  void skip(std::size_t n) { pos_ += n; }
  std::size_t pos() const { return pos_; }
  std::string_view rest() const { return b_.substr(pos_); }

 private:
  std::string_view b_;
  std::size_t pos_ = 0;
};

struct Header {
  char version = 0;
  std::uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

std::optional<Header> readHeader(ByteReader& r) {
  if (!r.has(44) || r.rest().substr(0, 4) != "TZif") return std::nullopt;
  r.skip(4);
  Header h;
  h.version = static_cast<char>(r.u8());
  r.skip(15);
  h.isutcnt = r.u32();
  h.isstdcnt = r.u32();
  h.leapcnt = r.u32();
  h.timecnt = r.u32();
  h.typecnt = r.u32();
  h.charcnt = r.u32();
  if (h.typecnt == 0 || h.typecnt > 256 || h.timecnt > 100000 || h.charcnt > 100000 ||
      h.leapcnt > 10000 || h.isutcnt > 256 || h.isstdcnt > 256) {
    return std::nullopt;
  }
  return h;
}

std::size_t blockSize(const Header& h, std::size_t timeSize) {
  return h.timecnt * timeSize + h.timecnt + h.typecnt * 6 + h.charcnt + h.leapcnt * (timeSize + 4) +
         h.isstdcnt + h.isutcnt;
}

bool validZoneName(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.back() == '/') {
    return false;
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '/' && c != '_' && c != '-' &&
        c != '+') {
      return false;
    }
  }
  return name.find("//") == std::string_view::npos;
}

// A close zone name from the same directory ("Europe/Berln" -> "Europe/Berlin").
std::optional<std::string> suggestZone(std::string_view name, const std::string& dir) {
  std::string_view region;
  std::string_view leaf = name;
  if (auto slash = name.rfind('/'); slash != std::string_view::npos) {
    region = name.substr(0, slash);
    leaf = name.substr(slash + 1);
  }
  std::error_code ec;
  std::vector<std::string> names;
  std::filesystem::directory_iterator it(std::filesystem::path(dir) / region, ec);
  for (; !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) names.push_back(it->path().filename().string());
  }
  auto guess = closestMatch(leaf, names);
  if (!guess) return std::nullopt;
  return region.empty() ? *guess : std::string(region) + "/" + *guess;
}

}  // namespace

TimeZone TimeZone::utc() {
  TimeZone tz;
  tz.name_ = "UTC";
  tz.offsets_ = {0};
  return tz;
}

Result<TimeZone> TimeZone::load(std::string_view name, const std::string& zoneinfoDir) {
  if (name == "UTC") return utc();
  if (!validZoneName(name) || name.find("..") != std::string_view::npos) {
    return Status::invalidArgument("'" + std::string(name) +
                                   "' is not an IANA time zone name (e.g. 'Europe/Berlin')");
  }
  std::string path = zoneinfoDir + "/" + std::string(name);
  std::error_code ec;
  std::ifstream in;
  if (std::filesystem::is_regular_file(path, ec)) in.open(path, std::ios::binary);
  if (!in.is_open()) {
    std::string message = "unknown time zone '" + std::string(name) + "'";
    if (auto guess = suggestZone(name, zoneinfoDir)) message += "; did you mean '" + *guess + "'?";
    return Status::notFound(message);
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return fromTzif(std::string(name), bytes.str());
}

Result<TimeZone> TimeZone::fromTzif(std::string name, std::string_view bytes) {
  auto bad = [&](const std::string& why) {
    return Status::invalidArgument("time zone file of '" + name + "' is not valid TZif: " + why);
  };
  ByteReader r(bytes);
  auto h = readHeader(r);
  if (!h) return bad("bad header");
  std::size_t timeSize = 4;
  if (h->version >= '2') {
    // Skip the 32-bit block; the 64-bit block and the footer follow.
    if (!r.has(blockSize(*h, 4))) return bad("truncated");
    r.skip(blockSize(*h, 4));
    h = readHeader(r);
    if (!h) return bad("bad second header");
    timeSize = 8;
  }
  if (!r.has(blockSize(*h, timeSize))) return bad("truncated");
  TimeZone tz;
  tz.name_ = std::move(name);
  for (std::uint32_t i = 0; i < h->timecnt; ++i) {
    tz.transitions_.push_back(timeSize == 8 ? r.i64() : static_cast<std::int32_t>(r.u32()));
  }
  for (std::uint32_t i = 0; i < h->timecnt; ++i) {
    std::uint8_t type = r.u8();
    if (type >= h->typecnt) return bad("transition names a missing type");
    tz.transitionType_.push_back(type);
  }
  for (std::uint32_t i = 0; i < h->typecnt; ++i) {
    auto off = static_cast<std::int32_t>(r.u32());
    r.skip(2);  // isdst, abbreviation index
    if (off < -25 * 3600 || off > 26 * 3600) return bad("offset out of range");
    tz.offsets_.push_back(off);
  }
  if (!std::is_sorted(tz.transitions_.begin(), tz.transitions_.end())) {
    return bad("transitions out of order");
  }
  r.skip(h->charcnt + h->leapcnt * (timeSize + 4) + h->isstdcnt + h->isutcnt);
  if (timeSize == 8) {
    std::string_view rest = r.rest();
    if (rest.size() >= 2 && rest[0] == '\n') {
      auto nl = rest.find('\n', 1);
      if (nl == std::string_view::npos) return bad("unterminated footer");
      std::string_view footer = rest.substr(1, nl - 1);
      if (!footer.empty()) {
        auto rule = PosixTz::parse(footer);
        if (!rule) return bad(rule.status().message());
        tz.footer_ = *rule;
      }
    }
  }
  return tz;
}

seconds TimeZone::offsetAt(sys_seconds t) const {
  std::int64_t s = t.time_since_epoch().count();
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), s);
  if (it == transitions_.end() && footer_ && !transitions_.empty()) return footer_->offsetAt(t);
  if (transitions_.empty() && footer_) return footer_->offsetAt(t);
  if (it == transitions_.begin()) return seconds{offsets_[0]};
  return seconds{
      offsets_[transitionType_[static_cast<std::size_t>(it - transitions_.begin()) - 1]]};
}

local_seconds TimeZone::toLocal(sys_seconds t) const {
  return local_seconds{(t + offsetAt(t)).time_since_epoch()};
}

TimeZone::Instants TimeZone::toUtc(local_seconds local) const {
  sys_seconds probe{local.time_since_epoch()};
  // Every offset in force within half a day of the wall-clock time is a candidate.
  std::vector<seconds> candidates;
  for (int h = -26; h <= 26; h += 2) {
    seconds off = offsetAt(probe + hours{h});
    if (std::find(candidates.begin(), candidates.end(), off) == candidates.end()) {
      candidates.push_back(off);
    }
  }
  std::vector<sys_seconds> valid;
  for (seconds off : candidates) {
    sys_seconds u = probe - off;
    if (offsetAt(u) == off && std::find(valid.begin(), valid.end(), u) == valid.end()) {
      valid.push_back(u);
    }
  }
  std::sort(valid.begin(), valid.end());
  Instants out;
  if (valid.size() == 1) {
    out.first = out.second = valid[0];
  } else if (valid.size() >= 2) {
    out.kind = Instants::Kind::kAmbiguous;
    out.first = valid.front();
    out.second = valid.back();
  } else {
    // A gap: the clocks jumped over `local`. Find the jump between the instant `local`
    // would be under the largest offset (still before it) and under the smallest.
    out.kind = Instants::Kind::kGap;
    auto [lo, hi] = std::minmax_element(candidates.begin(), candidates.end());
    sys_seconds a = probe - *hi;
    sys_seconds b = probe - *lo;
    seconds before = offsetAt(a);
    while (b - a > seconds{1}) {
      sys_seconds mid = a + (b - a) / 2;
      (offsetAt(mid) == before ? a : b) = mid;
    }
    out.first = out.second = b;
  }
  return out;
}

}  // namespace ferry::schedule
