// The OpenAPI document and the router describe the same API.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "tests/controller/api/api_fixture.h"

namespace ferry::controller::api::testing {
namespace {

using OpenApiTest = ApiTest;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  return s;
}

std::set<std::string> documentedRoutes(const ferry::Json& doc) {
  std::set<std::string> out;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) out.insert(method + " " + path);
  }
  return out;
}

TEST_F(OpenApiTest, EveryRouteIsDocumentedAndEveryDocumentedRouteExists) {
  Reply served = get("/api/v1/openapi.json");
  ASSERT_EQ(served.status, 200);
  ASSERT_TRUE(served.body.is_object()) << "not JSON";
  EXPECT_EQ(served.body["openapi"], "3.1.0");
  std::set<std::string> routed;
  for (const auto& r : api_->router().routes()) routed.insert(lower(r.method) + " " + r.pattern);
  EXPECT_EQ(routed, documentedRoutes(served.body));
}

TEST_F(OpenApiTest, ServedDocumentIsTheFileInTheSourceTree) {
  std::ifstream in(std::string(FERRY_SOURCE_DIR) + "/controller/api/openapi.json");
  ASSERT_TRUE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  authHeader_.clear();  // public
  EXPECT_EQ(get("/api/v1/openapi.json").text, text.str());
}

TEST_F(OpenApiTest, SecurityAndErrorResponsesMatchTheServer) {
  ferry::Json doc = ferry::Json::parse(openApiDocument());
  std::set<std::string> publicRoutes;
  for (const auto& r : api_->router().routes()) {
    if (r.isPublic) publicRoutes.insert(lower(r.method) + " " + r.pattern);
  }
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      std::string name = method + " " + path;
      bool isPublic = publicRoutes.count(name) > 0;
      EXPECT_EQ(op["security"].empty(), isPublic) << name;
      EXPECT_EQ(op["responses"].contains("401"), !isPublic) << name;
      EXPECT_TRUE(op["responses"].contains("400")) << name;
      EXPECT_TRUE(op.contains("operationId")) << name;
      // Path parameters in the template are declared.
      std::set<std::string> declared;
      for (const auto& p : op.value("parameters", ferry::Json::array())) {
        ferry::Json param = p;
        if (p.contains("$ref")) {
          std::string ref = p["$ref"];
          param = doc["components"]["parameters"][ref.substr(ref.rfind('/') + 1)];
        }
        if (param["in"] == "path") declared.insert(param["name"]);
      }
      std::set<std::string> inTemplate;
      for (std::size_t at = path.find('{'); at != std::string::npos; at = path.find('{', at + 1)) {
        inTemplate.insert(path.substr(at + 1, path.find('}', at) - at - 1));
      }
      EXPECT_EQ(declared, inTemplate) << name;
    }
  }
  // The problem schema requires what every problem response carries.
  auto required = doc["components"]["schemas"]["Problem"]["required"];
  EXPECT_EQ(required, ferry::Json({"type", "title", "status", "detail"}));
}

TEST_F(OpenApiTest, EveryReferenceResolves) {
  ferry::Json doc = ferry::Json::parse(openApiDocument());
  std::vector<std::string> dangling;
  std::function<void(const ferry::Json&)> walk = [&](const ferry::Json& node) {
    if (node.is_object()) {
      if (auto ref = node.find("$ref"); ref != node.end() && ref->is_string()) {
        std::string pointer = ref->get<std::string>();
        if (pointer.rfind("#", 0) != 0 ||
            !doc.contains(ferry::Json::json_pointer(pointer.substr(1)))) {
          dangling.push_back(pointer);
        }
      }
      for (const auto& [k, v] : node.items()) walk(v);
    } else if (node.is_array()) {
      for (const auto& v : node) walk(v);
    }
  };
  walk(doc);
  EXPECT_TRUE(dangling.empty()) << ferry::Json(dangling).dump();
}

}  // namespace
}  // namespace ferry::controller::api::testing
