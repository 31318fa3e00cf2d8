#include "agent/service/identity.h"

#include <sys/stat.h>
#include <unistd.h>

#include "common/fs/atomic_file.h"
#include "common/json/json.h"

namespace ferry::agent {

using json = ferry::Json;

std::string identityPath(const config::AgentConfig& cfg, const std::string& stateDir) {
  return cfg.identityFile.empty() ? stateDir + "/identity.json" : cfg.identityFile;
}

Status applyIdentity(config::AgentConfig& cfg, const std::string& stateDir) {
  const std::string path = identityPath(cfg, stateDir);
  auto text = fs::readWholeFile(path);
  if (!text) {
    return text.status().code() == StatusCode::kNotFound ? Status::ok() : text.status();
  }
  json doc = json::parse(*text, nullptr, false);
  auto bad = [&](const std::string& what) {
    return Status::failedPrecondition(path + ": " + what + " (run `ferry-agent enroll` again)");
  };
  if (!doc.is_object()) return bad("not a JSON object");
  if (!doc.contains("agentId") || !doc["agentId"].is_string()) return bad("'agentId' missing");
  const json mqtt = doc.value("mqtt", json::object());
  if (!mqtt.is_object() || !mqtt.contains("url") || !mqtt["url"].is_string()) {
    return bad("'mqtt.url' missing");
  }
  if (cfg.agentId.empty()) cfg.agentId = doc["agentId"].get<std::string>();
  if (cfg.mqtt.url.empty()) cfg.mqtt.url = mqtt["url"].get<std::string>();
  if (cfg.mqtt.username.empty() && mqtt.contains("username") && mqtt["username"].is_string()) {
    cfg.mqtt.username = mqtt["username"].get<std::string>();
    if (cfg.mqtt.passwordSecret.empty()) cfg.mqtt.passwordSecret = kMqttPasswordSecret;
  }
  return Status::ok();
}

Status writeIdentity(const std::string& path, const std::string& agentId, const std::string& url,
                     const std::string& username) {
  json mqtt = {{"url", url}};
  if (!username.empty()) mqtt["username"] = username;
  json doc = {{"agentId", agentId}, {"mqtt", mqtt}};
  // `sudo ferry-agent enroll` runs as root: the file goes to the owner of its directory (the
  // service user), or the service could not read it.
  auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  struct stat owner {};
  const bool adopt = ::geteuid() == 0 && ::stat(dir.c_str(), &owner) == 0;
  return fs::writeFileAtomically(path, doc.dump(2) + "\n", 0600, [&](const std::string& tmp) {
    if (adopt && ::chown(tmp.c_str(), owner.st_uid, owner.st_gid) != 0) {
      // Best effort: the service reports an unreadable identity at start, naming the file.
    }
  });
}

}  // namespace ferry::agent
