#include "controller/api/deploy_command.h"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/URI.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "common/model/resources.h"
#include "common/model/validate.h"

namespace ferry::controller::api {

namespace {

struct Reply {
  int status = 0;
  nlohmann::json body;  // null when the body is not JSON
};

// A few calls to one controller, over one keep-alive connection.
class ApiClient {
 public:
  ApiClient(const Poco::URI& base, std::string token) : base_(base), token_(std::move(token)) {
    if (base.getScheme() == "https") {
      auto context = Poco::makeAuto<Poco::Net::Context>(Poco::Net::Context::TLS_CLIENT_USE, "", "",
                                                        "", Poco::Net::Context::VERIFY_RELAXED, 9,
                                                        /*loadDefaultCAs=*/true);
      session_ =
          std::make_unique<Poco::Net::HTTPSClientSession>(base.getHost(), base.getPort(), context);
    } else {
      session_ = std::make_unique<Poco::Net::HTTPClientSession>(base.getHost(), base.getPort());
    }
    session_->setTimeout(Poco::Timespan(30, 0));
  }

  Result<Reply> call(const std::string& method, const std::string& path,
                     const nlohmann::json* body) {
    try {
      std::string prefix = base_.getPath();
      if (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
      Poco::Net::HTTPRequest request(method, prefix + path, Poco::Net::HTTPMessage::HTTP_1_1);
      request.set("Authorization", "Bearer " + token_);
      std::string text = body ? body->dump() : "";
      if (body) {
        request.setContentType("application/json");
        request.setContentLength(static_cast<std::streamsize>(text.size()));
      }
      session_->sendRequest(request) << text;
      Poco::Net::HTTPResponse response;
      std::istream& in = session_->receiveResponse(response);
      std::ostringstream received;
      received << in.rdbuf();
      Reply reply;
      reply.status = response.getStatus();
      reply.body = nlohmann::json::parse(received.str(), nullptr, false);
      if (reply.body.is_discarded()) reply.body = nullptr;
      return reply;
    } catch (const Poco::Exception& e) {
      return Status::unavailable("cannot reach " + base_.toString() + ": " + e.displayText());
    }
  }

 private:
  Poco::URI base_;
  std::string token_;
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
};

// Prints a problem+json answer; `pointerPrefix` maps its pointers into the file.
void printProblem(const Reply& reply, const std::string& what, const std::string& pointerPrefix) {
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

Result<nlohmann::json> readDefinitions(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::notFound("cannot read " + path);
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    return Status::invalidArgument(path + ": malformed JSON at byte " + std::to_string(e.byte) +
                                   ": " + e.what());
  }
}

// PUTs resource `index` of the file unless the controller holds the same document.
bool putResource(ApiClient& client, const nlohmann::json& r, std::size_t index) {
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
  const nlohmann::json& resources = (*doc)["resources"];
  std::vector<std::size_t> order(resources.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return kindRank(resources[a].value("kind", "")) < kindRank(resources[b].value("kind", ""));
  });
  ApiClient client(base, token);
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
    nlohmann::json empty = nlohmann::json::object();
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
