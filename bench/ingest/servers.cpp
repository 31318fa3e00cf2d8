#include "bench/ingest/servers.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "bench/ingest/bench_support.h"
#include "tests/support/sqlite_file.h"
#include "tests/support/temp_dir.h"

namespace ferry::bench {

namespace {

std::string mosquittoBinary() {
  for (const char* p : {"/usr/sbin/mosquitto", "/usr/bin/mosquitto"}) {
    if (std::filesystem::exists(p)) return p;
  }
  die("mosquitto is not installed (scripts/deps.sh installs it)");
}

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

double cpuSecondsOf(pid_t pid) {
  // Fields 14 and 15 (utime, stime) follow the command name, which is in parentheses.
  std::string stat = readFile("/proc/" + std::to_string(pid) + "/stat");
  auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string skip;
  for (int i = 3; i < 14; ++i) fields >> skip;
  long long utime = 0, stime = 0;
  fields >> utime >> stime;
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// The limits of packaging/mosquitto/ferry.conf, the production config; mosquitto's
// defaults (1000 queued messages per client, 20 in flight) drop QoS 1 messages of a
// subscriber that falls behind (TOOLCHAIN.md §8).
const char* Mosquitto::kTuning =
    "max_queued_messages 100000\n"
    "max_queued_bytes 268435456\n"
    "max_inflight_messages 100\n"
    "set_tcp_nodelay true\n";

Mosquitto::Mosquitto(const std::string& dir) : port_(testing::freeTcpPort()) {
  std::filesystem::create_directories(dir);
  // Started as root, mosquitto drops to user mosquitto before it reads the config.
  std::filesystem::permissions(dir, std::filesystem::perms::all);
  const std::string config = dir + "/mosquitto.conf";
  std::ofstream(config) << "persistence false\nlog_dest stderr\nlog_type error\n"
                           "log_type warning\n"
                        << kTuning << "listener " << port_ << " 127.0.0.1\n"
                        << "allow_anonymous true\n";
  process_ = std::make_unique<testing::ChildProcess>(
      std::vector<std::string>{mosquittoBinary(), "-c", config}, dir);
  killOnExit(process_->pid());
  for (int i = 0; i < 500 && !testing::tcpAccepting(port_); ++i) {
    if (process_->wait(std::chrono::milliseconds(0)))
      die("mosquitto exited: " + process_->stderrText());
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!testing::tcpAccepting(port_)) die("mosquitto did not listen on " + url());
}

Mosquitto::~Mosquitto() {
  forgetOnExit(process_->pid());
}

Controller::Controller(const std::string& bin, const std::string& dir, const std::string& brokerUrl)
    : dir_(dir), stateDir_(dir + "/state") {
  std::filesystem::create_directories(dir_ + "/logs");
  auto token =
      testing::runProcess({bin, "token", "create", "--name", "bench", "--state", stateDir_});
  std::smatch m;
  static const std::regex kToken("ferry_pat_[A-Za-z0-9_-]+");
  if (token.exitCode != 0 || !std::regex_search(token.out, m, kToken)) {
    die("ferry-controller token create failed: " + token.out + token.err);
  }
  const int port = testing::freeTcpPort();
  process_ = std::make_unique<testing::ChildProcess>(
      std::vector<std::string>{bin, "--state", stateDir_}, dir_ + "/logs",
      std::map<std::string, std::string>{{"FERRY_MQTT_URL", brokerUrl},
                                         {"FERRY_HTTP_PORT", std::to_string(port)},
                                         {"FERRY_LOG_LEVEL", "debug"}});
  killOnExit(process_->pid());
  // Logged by the fleet link once it is subscribed; the API listens before that.
  if (!process_->waitForStderr("desired documents published", std::chrono::seconds(30))) {
    die("ferry-controller did not connect to the broker: " + process_->stderrText());
  }
  auto client = http::JsonClient::open("http://127.0.0.1:" + std::to_string(port), m.str());
  if (!client) die(client.status().message());
  client_ = std::move(*client);
}

Controller::~Controller() {
  process_->signal(SIGTERM);
  if (!process_->wait(std::chrono::seconds(20))) process_->signal(SIGKILL);
  forgetOnExit(process_->pid());
}

http::JsonReply Controller::call(const std::string& method, const std::string& path,
                                 const ferry::Json& body) {
  auto reply = client_->call(method, path, body.is_null() ? nullptr : &body);
  if (!reply) die(method + " " + path + ": " + reply.status().message());
  return std::move(*reply);
}

ferry::Json Controller::callOk(const std::string& method, const std::string& path,
                               const ferry::Json& body) {
  http::JsonReply r = call(method, path, body);
  if (r.status / 100 != 2) {
    die(method + " " + path + ": HTTP " + std::to_string(r.status) + " " + r.body.dump());
  }
  return std::move(r.body);
}

Controller::IngestLog Controller::ingestLog() const {
  IngestLog out;
  std::istringstream lines(process_->stderrText());
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find("\"events stored\"") == std::string::npos) continue;
    auto doc = ferry::Json::parse(line, nullptr, false);
    if (!doc.is_object()) continue;
    ++out.batches;
    out.events += doc.value("events", std::int64_t{0});
    out.ms += doc.value("ms", std::int64_t{0});
  }
  return out;
}

long long Controller::storedEvents() const {
  return testing::sqliteScalar(stateDir_ + "/controller.db", "SELECT count(*) FROM events_seen");
}

}  // namespace ferry::bench
