#include "common/config/config_loader.h"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/json/json.h"
#include "common/json/json_pointer.h"

namespace ferry::config {

using json = ferry::Json;

Environment processEnvironment(char** envp) {
  Environment env;
  for (char** e = envp; e && *e; ++e) {
    std::string entry(*e);
    if (entry.rfind("FERRY_", 0) != 0) continue;
    auto eq = entry.find('=');
    if (eq == std::string::npos) continue;
    env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return env;
}

std::string environmentName(const std::vector<std::string>& path) {
  std::string out = "FERRY";
  for (const auto& segment : path) {
    out += '_';
    for (std::size_t i = 0; i < segment.size(); ++i) {
      char c = segment[i];
      bool upper = c >= 'A' && c <= 'Z';
      if (upper && i > 0) {
        char prev = segment[i - 1];
        if ((prev >= 'a' && prev <= 'z') || (prev >= '0' && prev <= '9')) out += '_';
      }
      out += static_cast<char>(upper ? c : (c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c));
    }
  }
  return out;
}

Result<std::string> readTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    if (err == ENOENT) return Status::notFound("file '" + path + "' does not exist");
    return Status::invalidArgument("cannot read '" + path + "': " + std::strerror(err));
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return Status::invalidArgument("cannot read '" + path + "'");
  return buf.str();
}

Result<json> parseJsonText(const std::string& text, const std::string& origin) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    // Turn the byte offset into line:column, which is what an editor shows.
    std::size_t line = 1, column = 1;
    std::size_t end = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    for (std::size_t i = 0; i < end; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    std::string what = e.what();
    auto pos = what.find("syntax error ");
    if (pos != std::string::npos) what = what.substr(pos);
    return Status::invalidArgument(origin + ":" + std::to_string(line) + ":" +
                                   std::to_string(column) + ": malformed JSON: " + what);
  }
}

namespace {

std::optional<json> parseEnvValue(const std::string& raw, const schema::FieldSpec& field) {
  using schema::FieldType;
  switch (field.type) {
    case FieldType::kString: return json(raw);
    case FieldType::kInteger: {
      long long v = 0;
      auto [ptr, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), v);
      if (ec != std::errc() || ptr != raw.data() + raw.size() || raw.empty()) return std::nullopt;
      return json(v);
    }
    case FieldType::kNumber: {
      try {
        std::size_t used = 0;
        double d = std::stod(raw, &used);
        if (used != raw.size()) return std::nullopt;
        return json(d);
      } catch (const std::exception&) {
        return std::nullopt;
      }
    }
    case FieldType::kBoolean:
      if (raw == "true" || raw == "1") return json(true);
      if (raw == "false" || raw == "0") return json(false);
      return std::nullopt;
    case FieldType::kStringArray: {
      json arr = json::array();
      std::stringstream ss(raw);
      std::string item;
      while (std::getline(ss, item, ',')) arr.push_back(item);
      return arr;
    }
    default: return std::nullopt;
  }
}

}  // namespace

Result<json> loadConfig(const std::optional<std::string>& path, const schema::ObjectSpec& spec,
                        const Environment& env) {
  json doc = json::object();
  std::string origin = path ? *path : std::string("(environment)");
  if (path) {
    auto text = readTextFile(*path);
    if (!text) {
      if (text.status().code() == StatusCode::kNotFound) {
        return Status::notFound("config file '" + *path + "' does not exist");
      }
      return text.status();
    }
    auto parsed = parseJsonText(*text, *path);
    if (!parsed) return parsed.status();
    doc = std::move(*parsed);
    if (!doc.is_object()) {
      return Status::invalidArgument(*path + ": the config must be a JSON object");
    }
  }

  Problems problems;
  for (const auto& leaf : schema::leaves(spec)) {
    if (leaf.field->secret) continue;  // secrets never travel through the environment
    std::string name = environmentName(leaf.path);
    auto it = env.find(name);
    if (it == env.end()) continue;
    std::string pointer;
    for (const auto& p : leaf.path) pointer = jsonptr::appendToken(pointer, p);
    auto value = parseEnvValue(it->second, *leaf.field);
    if (!value) {
      problems.push_back({pointer, "environment variable " + name + "='" + it->second +
                                       "' is not a valid " +
                                       std::string(schema::fieldTypeName(leaf.field->type))});
      continue;
    }
    json* target = &doc;
    for (std::size_t i = 0; i + 1 < leaf.path.size(); ++i) {
      json& next = (*target)[leaf.path[i]];
      if (!next.is_object()) next = json::object();
      target = &next;
    }
    (*target)[leaf.path.back()] = std::move(*value);
  }

  schema::validate(doc, spec, "", problems);
  if (hasErrors(problems)) {
    std::string message = origin + ": ";
    for (std::size_t i = 0; i < problems.size(); ++i) {
      if (i) message += "; ";
      message += problems[i].toString();
    }
    return Status::invalidArgument(message);
  }
  return schema::withDefaults(doc, spec);
}

}  // namespace ferry::config
