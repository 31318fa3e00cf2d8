#include "controller/api/router.h"

#include <algorithm>
#include <utility>

namespace ferry::controller::api {

namespace {

std::vector<std::string_view> splitPath(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  for (;;) {
    auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

std::vector<std::string> splitOwned(std::string_view path) {
  std::vector<std::string> out;
  for (auto s : splitPath(path)) out.emplace_back(s);
  return out;
}

bool isParam(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// How well `pattern` matches `segments`: -1 no match, else the number of literal segments.
int score(const std::vector<std::string>& pattern, const std::vector<std::string_view>& segments) {
  if (pattern.size() != segments.size()) return -1;
  int literals = 0;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (isParam(pattern[i])) {
      if (segments[i].empty()) return -1;
    } else if (pattern[i] == segments[i]) {
      ++literals;
    } else {
      return -1;
    }
  }
  return literals;
}

}  // namespace

const std::string& ApiRequest::param(const std::string& name) const {
  static const std::string kEmpty;
  auto it = params.find(name);
  return it == params.end() ? kEmpty : it->second;
}

std::string ApiRequest::queryValue(const std::string& name, const std::string& fallback) const {
  auto it = query.find(name);
  return it == query.end() ? fallback : it->second;
}

std::string ApiRequest::header(const std::string& lowerCaseName) const {
  auto it = http.headers.find(lowerCaseName);
  return it == http.headers.end() ? std::string() : it->second;
}

bool percentDecode(std::string_view in, std::string& out, bool plusAsSpace) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      int hi = i + 1 < in.size() ? hexValue(in[i + 1]) : -1;
      int lo = i + 2 < in.size() ? hexValue(in[i + 2]) : -1;
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plusAsSpace) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return true;
}

bool parseQueryString(std::string_view raw, std::map<std::string, std::string>& out,
                      std::string& error) {
  while (!raw.empty()) {
    auto amp = raw.find('&');
    std::string_view pair = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string name, value;
    if (!percentDecode(pair.substr(0, eq), name, true) ||
        (eq != std::string_view::npos && !percentDecode(pair.substr(eq + 1), value, true))) {
      error = "malformed percent-encoding in the query parameter '" + std::string(pair) + "'";
      return false;
    }
    out[name] = value;
  }
  return true;
}

void Router::add(std::string method, std::string pattern, RouteHandler handler, bool isPublic) {
  patterns_.push_back(splitOwned(pattern));
  routes_.push_back({std::move(method), std::move(pattern), std::move(handler), isPublic});
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  Match m;
  auto segments = splitPath(path);
  int best = -1;
  std::size_t bestIndex = 0;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const Route& r = routes_[i];
    int s = score(patterns_[i], segments);
    if (s < 0) continue;
    if (r.method != method) {
      if (std::find(m.allowed.begin(), m.allowed.end(), r.method) == m.allowed.end()) {
        m.allowed.push_back(r.method);
      }
      continue;
    }
    if (s <= best) continue;
    best = s;
    bestIndex = i;
    m.route = &r;
  }
  if (!m.route) {
    m.kind = m.allowed.empty() ? Match::Kind::kNoRoute : Match::Kind::kWrongMethod;
    std::sort(m.allowed.begin(), m.allowed.end());
    return m;
  }
  m.allowed.clear();
  const auto& pattern = patterns_[bestIndex];
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (!isParam(pattern[i])) continue;
    std::string name(pattern[i].substr(1, pattern[i].size() - 2));
    std::string value;
    if (!percentDecode(segments[i], value, false)) {
      m.kind = Match::Kind::kBadPath;
      m.error = "malformed percent-encoding in the path segment '" + std::string(segments[i]) + "'";
      m.route = nullptr;
      m.params.clear();
      return m;
    }
    m.params[name] = std::move(value);
  }
  m.kind = Match::Kind::kFound;
  return m;
}

}  // namespace ferry::controller::api
