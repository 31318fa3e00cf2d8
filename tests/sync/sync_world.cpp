#include "tests/sync/sync_world.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <sstream>
#include <thread>

#include "tests/support/sqlite_file.h"

namespace ferry::testing {

using json = ferry::Json;

namespace {

constexpr auto kStartTimeout = std::chrono::seconds(30);

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

bool waitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

std::map<std::string, std::string> retainedMessages(int port, const std::string& topic,
                                                    int seconds) {
  // Only retained messages; -F "%t %p" prints topic and payload on one line; -W ends the
  // client after `seconds`.
  auto r = runProcess({"/usr/bin/mosquitto_sub", "-h", "127.0.0.1", "-p", std::to_string(port),
                       "-q", "1", "-t", topic, "--retained-only", "-W", std::to_string(seconds),
                       "-F", "%t %p"});
  std::map<std::string, std::string> out;
  std::istringstream lines(r.out);
  std::string line;
  while (std::getline(lines, line)) {
    auto space = line.find(' ');
    if (space == std::string::npos) continue;
    out[line.substr(0, space)] = line.substr(space + 1);
  }
  return out;
}

void publishRaw(int port, const std::string& topic, const std::string& payload, bool retained) {
  std::vector<std::string> argv = {"/usr/bin/mosquitto_pub",
                                   "-h",
                                   "127.0.0.1",
                                   "-p",
                                   std::to_string(port),
                                   "-q",
                                   "1",
                                   "-t",
                                   topic,
                                   "-m",
                                   payload};
  if (retained) argv.push_back("-r");
  auto r = runProcess(argv);
  ASSERT_EQ(r.exitCode, 0) << r.err;
}

std::string definitions(const TempDir& dir, const Flows& f) {
  json resources = json::array();
  auto flowSchedule = [&](json flow) {
    if (!f.schedule.empty()) flow["schedule"] = {{"every", f.schedule}};
    return flow;
  };
  resources.push_back({{"kind", "integration"}, {"id", "erp"}, {"name", "ERP"}});
  resources.push_back({{"kind", "connection"},
                       {"id", "src"},
                       {"type", "sqlite"},
                       {"settings", {{"path", dir.file("src.db")}}}});
  resources.push_back({{"kind", "connection"},
                       {"id", "dst"},
                       {"type", "sqlite"},
                       {"settings", {{"path", dir.file("dst.db")}}}});
  resources.push_back({{"kind", "export"},
                       {"id", "rows"},
                       {"connection", "src"},
                       {"type", "query"},
                       {"query", "SELECT * FROM src WHERE id >= :since ORDER BY id"},
                       {"delta", {{"field", "id"}, {"key", "id"}, {"initial", 0}}},
                       {"pageSize", 500}});
  resources.push_back({{"kind", "import"},
                       {"id", "out"},
                       {"connection", "dst"},
                       {"type", "table"},
                       {"table", "dst"},
                       {"mode", "upsert"},
                       {"key", json::array({"id"})}});
  resources.push_back(flowSchedule({{"kind", "flow"},
                                    {"id", "copy"},
                                    {"integration", "erp"},
                                    {"agent", f.agent},
                                    {"sources", json::array({"rows"})},
                                    {"steps", json::array({{{"import", "out"}}})}}));
  if (f.rejectFlows > 0) {
    resources.push_back({{"kind", "export"},
                         {"id", "bad-rows"},
                         {"connection", "src"},
                         {"type", "query"},
                         {"query", "SELECT * FROM bad WHERE id >= :since ORDER BY id"},
                         {"delta", {{"field", "id"}, {"key", "id"}, {"initial", 0}}},
                         {"pageSize", f.rejectPageSize}});
    resources.push_back({{"kind", "import"},
                         {"id", "refuse"},
                         {"connection", "dst"},
                         {"type", "table"},
                         {"table", "refused"},
                         {"mode", "insert"}});
    for (int i = 1; i <= f.rejectFlows; ++i) {
      resources.push_back(flowSchedule({{"kind", "flow"},
                                        {"id", "reject-" + std::to_string(i)},
                                        {"integration", "erp"},
                                        {"agent", f.agent},
                                        {"sources", json::array({"bad-rows"})},
                                        {"steps", json::array({{{"import", "refuse"}}})}}));
    }
  }
  return json{{"resources", resources}}.dump(1);
}

void createDatabases(const TempDir& dir, int rows) {
  std::string sql = "CREATE TABLE src(id INTEGER PRIMARY KEY, v TEXT);";
  for (int i = 1; i <= rows; ++i) sql += "INSERT INTO src VALUES(" + std::to_string(i) + ",'v');";
  sql += "CREATE TABLE bad(id INTEGER PRIMARY KEY, v TEXT);";
  sqliteExec(dir.file("src.db"), sql);
  sqliteExec(dir.file("dst.db"),
             "CREATE TABLE dst(id INTEGER PRIMARY KEY, v TEXT);"
             "CREATE TABLE refused(id INTEGER PRIMARY KEY, v TEXT CHECK (length(v) > 5));");
}

long long dstRows(const TempDir& dir) {
  return sqliteScalar(dir.file("dst.db"), "SELECT count(*) FROM dst");
}

// Ends a service process: SIGKILL, or SIGTERM after which it must exit 0 within 20 s. Its
// log is kept for failure messages.
void endChild(std::unique_ptr<ChildProcess>& process, std::string& logs, int sig) {
  if (!process) return;
  process->signal(sig);
  auto code = process->wait(std::chrono::seconds(sig == SIGKILL ? 10 : 20));
  logs += process->stderrText();
  process.reset();
  if (sig == SIGKILL) return;
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0);
}

// --- controller ---------------------------------------------------------------------------

ControllerProcess::ControllerProcess(const TempDir& dir, std::string name, std::string brokerUrl,
                                     std::string storeUrl)
    : dir_(dir),
      name_(std::move(name)),
      brokerUrl_(std::move(brokerUrl)),
      storeUrl_(std::move(storeUrl)),
      stateDir_(dir.file(name_ + "-state")),
      logDir_(dir.file(name_ + "-logs")) {
  std::filesystem::create_directories(logDir_);
  port_ = freeTcpPort();
}

ControllerProcess::~ControllerProcess() {
  if (process_) kill();
}

void ControllerProcess::start() {
  std::map<std::string, std::string> env = {{"FERRY_HTTP_PORT", std::to_string(port_)},
                                            {"FERRY_MQTT_URL", brokerUrl_}};
  if (!storeUrl_.empty()) env["FERRY_STORE"] = storeUrl_;
  for (const auto& [k, v] : env_) env[k] = v;
  if (token_.empty()) {
    std::vector<std::string> argv = {FERRY_CONTROLLER_BIN, "token",   "create", "--name",
                                     name_ + "-test",      "--state", stateDir_};
    if (!configFile_.empty()) argv.insert(argv.end(), {"--config", configFile_});
    auto created = runProcess(argv, "", env);
    ASSERT_EQ(created.exitCode, 0) << created.err;
    token_ = trimmed(created.out);
  }
  std::vector<std::string> argv = {FERRY_CONTROLLER_BIN, "--state", stateDir_};
  if (!configFile_.empty()) argv.insert(argv.end(), {"--config", configFile_});
  process_ = std::make_unique<ChildProcess>(argv, logDir_, env);
  ASSERT_TRUE(process_->waitForStderr("HTTP API listening", kStartTimeout)) << log();
  ASSERT_TRUE(process_->waitForStderr("connected to the broker", kStartTimeout)) << log();
}

void ControllerProcess::kill() {
  endChild(process_, previousLogs_, SIGKILL);
}

void ControllerProcess::stop() {
  endChild(process_, previousLogs_, SIGTERM);
}

std::string ControllerProcess::log() const {
  return previousLogs_ + (process_ ? process_->stderrText() : "");
}

ApiReply ControllerProcess::call(const std::string& method, const std::string& path,
                                 const ferry::Json& body) const {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port_));
  session.setTimeout(Poco::Timespan(30, 0));
  Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  request.set("Authorization", "Bearer " + token_);
  std::string text = body.is_null() ? "" : body.dump();
  if (!body.is_null()) request.setContentType("application/json");
  request.setContentLength(static_cast<std::streamsize>(text.size()));
  session.sendRequest(request) << text;
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  std::string reply(std::istreambuf_iterator<char>(in), {});
  ApiReply out;
  out.status = static_cast<int>(response.getStatus());
  out.body = ferry::Json::parse(reply, nullptr, false);
  if (out.body.is_discarded()) out.body = reply;
  return out;
}

std::string ControllerProcess::metrics() const {
  ApiReply r = get("/metrics");
  return r.body.is_string() ? r.body.get<std::string>() : r.body.dump();
}

double ControllerProcess::counter(const std::string& name) const {
  std::istringstream lines(metrics());
  std::string line;
  double sum = 0;
  while (std::getline(lines, line)) {
    if (line.rfind(name, 0) != 0) continue;
    auto rest = line.substr(name.size());
    if (!rest.empty() && rest[0] != ' ' && rest[0] != '{') continue;  // a longer name
    sum += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return sum;
}

std::string ControllerProcess::deploy(const std::string& file) const {
  auto r = runProcess({FERRY_CONTROLLER_BIN, "deploy", file, "--url",
                       "http://127.0.0.1:" + std::to_string(port_), "--token", token_});
  EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
  return r.out + r.err;
}

void ControllerProcess::setSecret(const std::string& name, const std::string& value) const {
  auto r = runProcess({FERRY_CONTROLLER_BIN, "secret", "set", name, "--state", stateDir_}, value);
  ASSERT_EQ(r.exitCode, 0) << r.err;
}

void ControllerProcess::createAgent(const std::string& id) const {
  ApiReply r = call("POST", "/api/v1/agents", {{"id", id}});
  ASSERT_EQ(r.status, 201) << r.body.dump();
}

std::string ControllerProcess::createAgentForEnrollment(const std::string& id) const {
  ApiReply r = call("POST", "/api/v1/agents", {{"id", id}});
  EXPECT_EQ(r.status, 201) << r.body.dump();
  return r.body.value("enrollmentToken", "");
}

// --- agent ------------------------------------------------------------------------------

AgentProcess::AgentProcess(const TempDir& dir, std::string agentId, std::string brokerUrl,
                           std::map<std::string, std::string> env)
    : dir_(dir),
      agentId_(std::move(agentId)),
      brokerUrl_(std::move(brokerUrl)),
      env_(std::move(env)),
      stateDir_(dir.file(agentId_ + "-state")),
      logDir_(dir.file(agentId_ + "-logs")) {
  std::filesystem::create_directories(logDir_);
}

AgentProcess::~AgentProcess() {
  if (process_) kill();
}

void AgentProcess::start() {
  std::map<std::string, std::string> env = {{"FERRY_METRICS_PORT", "0"},
                                            {"FERRY_LISTENER_PORT", "0"}};
  if (!enrolled_) {
    env["FERRY_AGENT_ID"] = agentId_;
    env["FERRY_MQTT_URL"] = brokerUrl_;
  }
  for (const auto& [k, v] : env_) env[k] = v;
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{FERRY_AGENT_BIN, "--state", stateDir_}, logDir_, env);
  ASSERT_TRUE(process_->waitForStderr("connected to the broker", kStartTimeout)) << log();
}

void AgentProcess::kill() {
  endChild(process_, previousLogs_, SIGKILL);
}

void AgentProcess::stop() {
  endChild(process_, previousLogs_, SIGTERM);
}

void AgentProcess::useFreshStateDir() {
  stateDir_ = dir_.file(agentId_ + "-state-" + std::to_string(++generation_));
}

std::string AgentProcess::log() const {
  return previousLogs_ + (process_ ? process_->stderrText() : "");
}

long long AgentProcess::outboxBacklog() const {
  return sqliteScalar(stateDir_ + "/outbox.db", "SELECT count(*) FROM events");
}

long long AgentProcess::outboxLastSeq() const {
  return sqliteScalar(stateDir_ + "/outbox.db",
                      "SELECT value - 1 FROM meta WHERE key = 'next_seq'");
}

std::string AgentProcess::epoch() const {
  auto rows = sqliteQuery(stateDir_ + "/queue.db", "SELECT value FROM meta WHERE key = 'queue_id'");
  return rows.empty() ? "" : rows[0][0];
}

}  // namespace ferry::testing
