#include "controller/api/deploy_command.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>

#include "common/http/json_client.h"
#include "common/json/json.h"
#include "common/model/resources.h"
#include "common/model/validate.h"

namespace ferry::controller::api {

namespace {

// Prints a problem+json answer; `pointerPrefix` maps its pointers into the file.
void printProblem(const http::JsonReply& reply, const std::string& what,
                  const std::string& pointerPrefix) {
  std::cerr << what << ": HTTP " << reply.status;
  if (reply.body.is_object()) {
    std::cerr << ": " << reply.body.value("detail", reply.body.value("title", std::string()));
    if (auto errors = reply.body.find("errors"); errors != reply.body.end() && errors->is_array()) {
      for (const auto& e : *errors) {
        std::cerr << "\n  " << pointerPrefix << e.value("pointer", "") << ": "
                  << e.value("detail", "");
      }
    }
  }
  std::cerr << "\n";
}

int kindRank(const std::string& kind) {
  static const std::vector<std::string> order = {"integration", "connection", "export",
                                                 "lookup",      "import",     "flow"};
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (order[i] == kind) return static_cast<int>(i);
  }
  return static_cast<int>(order.size());
}

Result<ferry::Json> readDefinitions(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::notFound("cannot read " + path);
  try {
    return ferry::Json::parse(in);
  } catch (const ferry::Json::parse_error& e) {
    return Status::invalidArgument(path + ": malformed JSON at byte " + std::to_string(e.byte) +
                                   ": " + e.what());
  }
}

// PUTs resource `index` of the file unless the controller holds the same document.
bool putResource(http::JsonClient& client, const ferry::Json& r, std::size_t index) {
  std::string kind = r.value("kind", ""), id = r.value("id", "");
  std::string path = "/api/v1/resources/" + kind + "/" + id;
  std::string label = kind + " " + id;
  auto current = client.call("GET", path, nullptr);
  if (!current) {
    std::cerr << current.status().message() << "\n";
    return false;
  }
  if (current->status == 200 && current->body.is_object() && current->body["resource"] == r) {
    std::cout << label << ": unchanged (version " << current->body["version"] << ")\n";
    return true;
  }
  auto put = client.call("PUT", path, &r);
  if (!put) {
    std::cerr << put.status().message() << "\n";
    return false;
  }
  if (put->status != 200 && put->status != 201) {
    printProblem(*put, label, "/resources/" + std::to_string(index));
    return false;
  }
  std::cout << label << ": " << (put->status == 201 ? "created" : "updated") << " (version "
            << put->body["version"] << ")\n";
  return true;
}

}  // namespace

int deployCommand(cli::Invocation& inv) {
  std::string token = inv.command.get("token");
  if (token.empty()) {
    if (const char* env = std::getenv("FERRY_TOKEN")) token = env;
  }
  Poco::URI base;
  try {
    base = Poco::URI(inv.command.get("url"));
  } catch (const Poco::Exception& e) {
    std::cerr << "ferry-controller: --url is not a URL: " << e.displayText() << "\n";
    return 2;
  }
  if ((base.getScheme() != "http" && base.getScheme() != "https") || base.getHost().empty()) {
    std::cerr << "ferry-controller: --url must be http://HOST:PORT or https://HOST:PORT\n";
    return 2;
  }
  if (token.empty()) {
    std::cerr << "ferry-controller: deploy needs --token T or FERRY_TOKEN\n";
    return 2;
  }
  const std::string& file = inv.command.args.at(0);
  auto doc = readDefinitions(file);
  if (!doc) {
    std::cerr << "deploy: " << doc.status().message() << "\n";
    return 1;
  }
  model::ValidationOptions options;
  options.requireAgent = true;
  Problems problems = model::validateDefinitions(*doc, options);
  if (hasErrors(problems)) {
    std::cerr << file << " is not valid:\n" << formatProblems(problems);
    return 1;
  }
  const ferry::Json& resources = (*doc)["resources"];
  std::vector<std::size_t> order(resources.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return kindRank(resources[a].value("kind", "")) < kindRank(resources[b].value("kind", ""));
  });
  auto opened = http::JsonClient::open(inv.command.get("url"), token);
  if (!opened) {
    std::cerr << "ferry-controller: --url: " << opened.status().message() << "\n";
    return 2;
  }
  http::JsonClient& client = **opened;
  std::set<std::string> integrations;
  for (std::size_t i : order) {
    const auto& r = resources[i];
    if (!putResource(client, r, i)) return 1;
    std::string kind = r.value("kind", "");
    if (kind == "integration") integrations.insert(r.value("id", ""));
    if (kind == "flow" && r.contains("integration"))
      integrations.insert(r.value("integration", ""));
  }
  for (const auto& id : integrations) {
    ferry::Json empty = ferry::Json::object();
    auto reply = client.call("POST", "/api/v1/integrations/" + id + "/deploy", &empty);
    if (!reply) {
      std::cerr << reply.status().message() << "\n";
      return 1;
    }
    if (reply->status != 200) {
      printProblem(*reply, "deploy " + id, "");
      return 1;
    }
    for (const auto& d : reply->body["deployments"]) {
      std::cout << "integration " << id << ": agent " << d.value("agent", "") << " version "
                << d["version"] << "\n";
    }
  }
  return 0;
}

}  // namespace ferry::controller::api
