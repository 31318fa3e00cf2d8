#include "controller/store/store_url.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

namespace ferry::controller::store {

namespace {

constexpr std::string_view kSqliteScheme = "sqlite://";

Status bad(std::string_view url, const std::string& problem) {
  return Status::invalidArgument("store URL \"" + redactStoreUrl(url) + "\": " + problem);
}

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes `in`; false on a broken escape.
bool percentDecode(std::string_view in, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size()) return false;
    int hi = hexDigit(in[i + 1]);
    int lo = hexDigit(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

// Splits "a=1&b=2" into `out`; returns the first problem or "".
std::string parseQuery(std::string_view query, std::map<std::string, std::string>& out) {
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return "query parameter \"" + std::string(pair) + "\" is not name=value";
    }
    std::string key, value;
    if (!percentDecode(pair.substr(0, eq), key) || !percentDecode(pair.substr(eq + 1), value)) {
      return "query parameter \"" + std::string(pair) + "\" has a broken %-escape";
    }
    if (out.count(key) != 0) return "query parameter \"" + key + "\" is given twice";
    out[key] = value;
  }
  return "";
}

std::string joinNames(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

Result<StoreLocation> parseSqlite(std::string_view url) {
  StoreLocation loc;
  loc.backend = Backend::kSqlite;
  std::string_view rest = url.substr(kSqliteScheme.size());
  std::size_t q = rest.find('?');
  std::string_view path = rest.substr(0, q);
  if (path.empty() || path.front() != '/') {
    return bad(url,
               "an SQLite store needs an absolute path: sqlite:///var/lib/ferry/controller/"
               "controller.db (three slashes)");
  }
  if (!percentDecode(path, loc.sqlitePath)) return bad(url, "the path has a broken %-escape");
  if (loc.sqlitePath.back() == '/') return bad(url, "the path names a directory, not a file");
  std::map<std::string, std::string> params;
  if (q != std::string_view::npos) {
    std::string problem = parseQuery(rest.substr(q + 1), params);
    if (!problem.empty()) return bad(url, problem);
  }
  for (const auto& [key, value] : params) {
    if (key != "synchronous") {
      return bad(url, "unknown query parameter \"" + key + "\" (sqlite accepts: synchronous)");
    }
    std::string upper = value;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (upper != "FULL" && upper != "NORMAL") {
      return bad(url, "synchronous must be FULL or NORMAL, not \"" + value + "\"");
    }
    loc.sqliteSynchronous = upper;
  }
  return loc;
}

const std::set<std::string>& postgresParams() {
  static const std::set<std::string> names = {
      "sslmode",         "sslrootcert",      "sslcert", "sslkey",         "sslcrl",
      "connect_timeout", "application_name", "host",    "passwordSecret", "target_session_attrs"};
  return names;
}

Result<StoreLocation> parsePostgres(std::string_view url, std::size_t schemeLength) {
  StoreLocation loc;
  loc.backend = Backend::kPostgresql;
  std::string_view rest = url.substr(schemeLength);
  std::size_t q = rest.find('?');
  std::string_view query = q == std::string_view::npos ? "" : rest.substr(q + 1);
  rest = rest.substr(0, q);
  std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos || slash + 1 >= rest.size()) {
    return bad(url, "the database name is missing: postgresql://user@host:5432/database");
  }
  std::string_view authority = rest.substr(0, slash);
  if (!percentDecode(rest.substr(slash + 1), loc.database)) {
    return bad(url, "the database name has a broken %-escape");
  }
  if (loc.database.find('/') != std::string::npos) {
    return bad(url, "the database name \"" + loc.database + "\" contains '/'");
  }
  std::size_t at = authority.rfind('@');
  if (at == std::string_view::npos) {
    return bad(url, "the user is missing: postgresql://user@host:5432/database");
  }
  std::string_view userInfo = authority.substr(0, at);
  std::string_view hostPort = authority.substr(at + 1);
  if (userInfo.find(':') != std::string_view::npos) {
    return bad(url,
               "a password does not belong in the store URL; keep it in the controller's "
               "secret store (`ferry-controller secret set store-password`)");
  }
  if (userInfo.empty() || !percentDecode(userInfo, loc.user)) {
    return bad(url, "the user is empty or has a broken %-escape");
  }
  std::string_view portText;
  bool hasPort = false;
  if (!hostPort.empty() && hostPort.front() == '[') {  // [IPv6]:port
    std::size_t close = hostPort.find(']');
    if (close == std::string_view::npos) return bad(url, "an IPv6 host lacks its ']'");
    loc.host = std::string(hostPort.substr(1, close - 1));
    std::string_view after = hostPort.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad(url, "unexpected text after the IPv6 host");
      portText = after.substr(1);
      hasPort = true;
    }
  } else {
    std::size_t colon = hostPort.find(':');
    if (!percentDecode(hostPort.substr(0, colon), loc.host)) {
      return bad(url, "the host has a broken %-escape");
    }
    if (colon != std::string_view::npos) {
      portText = hostPort.substr(colon + 1);
      hasPort = true;
    }
  }
  if (hasPort) {
    int port = 0;
    auto [ptr, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), port);
    if (portText.empty() || ec != std::errc() || ptr != portText.data() + portText.size() ||
        port < 1 || port > 65535) {
      return bad(url, "the port \"" + std::string(portText) + "\" is not a number in 1..65535");
    }
    loc.port = port;
  }
  std::map<std::string, std::string> params;
  std::string problem = parseQuery(query, params);
  if (!problem.empty()) return bad(url, problem);
  for (auto& [key, value] : params) {
    if (postgresParams().count(key) == 0) {
      return bad(url, "unknown query parameter \"" + key +
                          "\" (postgresql accepts: " + joinNames(postgresParams()) + ")");
    }
    if (key == "passwordSecret") {
      if (value.empty()) return bad(url, "passwordSecret is empty");
      loc.passwordSecret = value;
    } else if (key == "host") {
      if (!loc.host.empty()) return bad(url, "the host is given twice (authority and ?host=)");
      loc.host = value;
    } else {
      loc.libpqParams[key] = value;
    }
  }
  if (loc.host.empty()) {
    return bad(url, "the host is missing: postgresql://user@host:5432/database");
  }
  // Poco's PostgreSQL connector splits its connection string at every space, quoted or
  // not, so no value can carry one.
  auto spaced = [](const std::string& v) {
    return std::any_of(v.begin(), v.end(), [](unsigned char c) { return std::isspace(c); });
  };
  for (const auto& [name, value] : std::map<std::string, std::string>{
           {"host", loc.host}, {"user", loc.user}, {"database", loc.database}}) {
    if (spaced(value))
      return bad(url, "the " + name + " contains whitespace, which cannot be passed");
  }
  for (const auto& [key, value] : loc.libpqParams) {
    if (spaced(value)) return bad(url, key + " contains whitespace, which cannot be passed");
  }
  if (auto it = loc.libpqParams.find("sslmode"); it != loc.libpqParams.end()) {
    static const std::set<std::string> modes = {"disable", "allow",     "prefer",
                                                "require", "verify-ca", "verify-full"};
    if (modes.count(it->second) == 0) {
      return bad(url, "sslmode \"" + it->second + "\" is not one of " + joinNames(modes));
    }
  }
  return loc;
}

// libpq quoting: single quotes around the value, backslash before ' and \.
std::string quoteLibpq(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace

std::string_view backendName(Backend b) {
  return b == Backend::kSqlite ? "sqlite" : "postgresql";
}

Result<StoreLocation> parseStoreUrl(std::string_view url, std::string_view stateDir) {
  if (url.empty()) {
    if (stateDir.empty()) {
      return Status::invalidArgument(
          "no store URL and no stateDir: set `store` or `stateDir` in controller.json");
    }
    StoreLocation loc;
    loc.sqlitePath = std::string(stateDir);
    if (loc.sqlitePath.back() != '/') loc.sqlitePath += '/';
    loc.sqlitePath += "controller.db";
    return loc;
  }
  if (url.substr(0, kSqliteScheme.size()) == kSqliteScheme) return parseSqlite(url);
  for (std::string_view scheme : {"postgresql://", "postgres://"}) {
    if (url.substr(0, scheme.size()) == scheme) return parsePostgres(url, scheme.size());
  }
  return bad(url, "unknown scheme; use sqlite:///path/file.db or postgresql://user@host/db");
}

std::string libpqConnectionString(const StoreLocation& loc, const std::string& password) {
  std::string out = "host=" + quoteLibpq(loc.host) + " port=" + std::to_string(loc.port) +
                    " dbname=" + quoteLibpq(loc.database) + " user=" + quoteLibpq(loc.user);
  if (!password.empty()) out += " password=" + quoteLibpq(password);
  if (loc.libpqParams.count("connect_timeout") == 0) out += " connect_timeout=10";
  if (loc.libpqParams.count("application_name") == 0) out += " application_name='ferry'";
  // libpq prints server notices ("already exists, skipping") on stderr; warnings still show.
  // (No space inside: Poco splits the connection string at every space.)
  out += " options='--client_min_messages=warning'";
  for (const auto& [key, value] : loc.libpqParams) out += " " + key + "=" + quoteLibpq(value);
  return out;
}

std::string redactStoreUrl(std::string_view url) {
  std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  std::size_t start = scheme + 3;
  std::size_t end = url.find_first_of("/?", start);
  std::string_view authority = url.substr(start, end == std::string_view::npos ? end : end - start);
  std::size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  std::size_t colon = authority.substr(0, at).find(':');
  if (colon == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, start + colon + 1)) + "***" +
         std::string(url.substr(start + at));
}

}  // namespace ferry::controller::store
