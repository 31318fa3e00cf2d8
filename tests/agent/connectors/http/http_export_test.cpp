// http exports end to end against a scripted server: each paging style, records paths,
// :since, resuming after a crash, and the watermark of the next run.
#include <gtest/gtest.h>

#include "agent/connectors/http/http_connector.h"
#include "tests/agent/connectors/http/http_test_util.h"
#include "tests/agent/connectors/http/test_http_server.h"

namespace ferry::agent::connectors::http {
namespace {

using json = ferry::Json;
using testing::ScriptedHttpServer;
using testing::ScriptedReply;
using testing::SeenRequest;
using namespace testutil;

// Ten orders; order i was updated at "2026-01-<10+i>".
json order(int i) {
  return {{"id", i}, {"updated_at", "2026-01-" + std::to_string(10 + i)}};
}

json orders(int from, int to) {
  json out = json::array();
  for (int i = from; i < to; ++i) out.push_back(order(i));
  return out;
}

ScriptedReply jsonReply(const json& body, int status = 200) {
  return {status, body.dump(), {}, {}};
}

std::unique_ptr<Source> openSource(const json& settings, const json& fields) {
  auto source =
      httpConnectorImpl().openSource(parseConnection(settings), parseExport(settings, fields), {});
  EXPECT_TRUE(source.isOk()) << source.status().toString();
  return source.isOk() ? std::move(*source) : nullptr;
}

struct Drained {
  std::vector<ExportPage> pages;
  Outcome outcome;
};

Drained drain(Source& source) {
  Drained d;
  for (int i = 0; i < 50; ++i) {
    std::optional<ExportPage> page;
    d.outcome = source.next(page);
    if (!d.outcome.ok() || !page) return d;
    d.pages.push_back(std::move(*page));
  }
  ADD_FAILURE() << "the export did not end after 50 pages";
  return d;
}

std::vector<int> ids(const Drained& d) {
  std::vector<int> out;
  for (const auto& p : d.pages) {
    for (const auto& r : p.records) out.push_back(r["id"].get<int>());
  }
  return out;
}

TEST(HttpExportTest, NoPagingReadsTheRecordsAtTheDottedPath) {
  ScriptedHttpServer server([](const SeenRequest&) {
    return jsonReply({{"data", {{"items", orders(0, 3)}}}});
  });
  json settings = {{"baseUrl", server.baseUrl() + "/api/"}};
  auto source = openSource(settings, {{"path", "/orders"}, {"records", "data.items"}});
  ASSERT_TRUE(source->open(nullptr).ok());
  Drained d = drain(*source);
  ASSERT_TRUE(d.outcome.ok()) << d.outcome.status.toString();
  ASSERT_EQ(d.pages.size(), 1u);
  EXPECT_EQ(ids(d), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(d.pages[0].progress, json({{"since", nullptr}, {"maxDelta", nullptr}}));
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].path, "/api/orders");
  EXPECT_EQ(seen[0].header("accept"), "application/json");
}

// A cursor API: ?cursor=<n> returns two orders from n and next_cursor, none at the end.
ScriptedHttpServer::Script cursorApi(int total) {
  return [total](const SeenRequest& r) {
    const int from = r.query.count("cursor") ? std::stoi(r.query.at("cursor").substr(1)) : 0;
    json body = {{"data", {{"items", orders(from, std::min(from + 2, total))}}}};
    body["meta"]["next_cursor"] = from + 2 < total ? json("c" + std::to_string(from + 2)) : json();
    return jsonReply(body);
  };
}

const json kDeltaCursorExport = {
    {"path", "/orders"},
    {"params", {{"updated_since", ":since"}, {"status", "open"}, {"filter", "updated>:since"}}},
    {"records", "data.items"},
    {"paging", {{"style", "cursor"}, {"field", "meta.next_cursor"}, {"param", "cursor"}}},
    {"delta", {{"field", "updated_at"}, {"initial", "2026-01-01T00:00:00Z"}}}};

TEST(HttpExportTest, CursorPagingSendsSinceAndEndsWithoutACursor) {
  ScriptedHttpServer server(cursorApi(5));
  json settings = {{"baseUrl", server.baseUrl()}};
  auto source = openSource(settings, kDeltaCursorExport);
  ASSERT_TRUE(source->open(nullptr).ok());
  Drained d = drain(*source);
  ASSERT_TRUE(d.outcome.ok()) << d.outcome.status.toString();
  EXPECT_EQ(ids(d), (std::vector<int>{0, 1, 2, 3, 4}));
  ASSERT_EQ(d.pages.size(), 3u);
  EXPECT_EQ(
      d.pages[0].progress,
      json({{"since", "2026-01-01T00:00:00Z"}, {"maxDelta", "2026-01-11"}, {"cursor", "c2"}}));
  EXPECT_EQ(
      d.pages[2].progress,
      json({{"since", "2026-01-01T00:00:00Z"}, {"maxDelta", "2026-01-14"}, {"cursor", nullptr}}));
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].query.count("cursor"), 0u);
  EXPECT_EQ(seen[0].query.at("updated_since"), "2026-01-01T00:00:00Z");
  EXPECT_EQ(seen[0].query.at("filter"), "updated>2026-01-01T00:00:00Z");
  EXPECT_EQ(seen[0].query.at("status"), "open");
  EXPECT_EQ(seen[1].query.at("cursor"), "c2");
  EXPECT_EQ(seen[2].query.at("cursor"), "c4");
  EXPECT_EQ(seen[2].query.at("updated_since"), "2026-01-01T00:00:00Z");

  // The next run starts from the largest updated_at the finished run saw.
  ASSERT_TRUE(source->open(d.pages.back().progress).ok());
  Drained again = drain(*source);
  ASSERT_TRUE(again.outcome.ok());
  seen = server.requests();
  ASSERT_EQ(seen.size(), 6u);
  EXPECT_EQ(seen[3].query.at("updated_since"), "2026-01-14");
  EXPECT_EQ(seen[3].query.count("cursor"), 0u);
  EXPECT_EQ(again.pages[0].progress["since"], "2026-01-14");
}

TEST(HttpExportTest, ResumesAtTheNextPageWithTheSameWatermarkAfterACrash) {
  ScriptedHttpServer server(cursorApi(5));
  json settings = {{"baseUrl", server.baseUrl()}};
  json firstPage;
  {
    auto source = openSource(settings, kDeltaCursorExport);
    ASSERT_TRUE(source->open(nullptr).ok());
    std::optional<ExportPage> page;
    ASSERT_TRUE(source->next(page).ok());
    firstPage = page->progress;  // what the queue committed before the "crash"
  }
  auto source = openSource(settings, kDeltaCursorExport);
  ASSERT_TRUE(source->open(firstPage).ok());
  Drained d = drain(*source);
  ASSERT_TRUE(d.outcome.ok());
  EXPECT_EQ(ids(d), (std::vector<int>{2, 3, 4}));
  EXPECT_EQ(d.pages.back().progress["maxDelta"], "2026-01-14");
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 3u);  // page 1 before the crash, then pages 2 and 3
  EXPECT_EQ(seen[1].query.at("cursor"), "c2");
  EXPECT_EQ(seen[1].query.at("updated_since"), "2026-01-01T00:00:00Z");
}

TEST(HttpExportTest, ARunThatSeesNothingKeepsItsWatermark) {
  ScriptedHttpServer server([](const SeenRequest&) { return jsonReply(json::array()); });
  json settings = {{"baseUrl", server.baseUrl()}};
  auto source = openSource(settings, {{"path", "/orders"},
                                      {"params", {{"since", ":since"}}},
                                      {"delta", {{"field", "updated_at"}, {"key", "id"}}}});
  ASSERT_TRUE(source->open({{"since", "2026-01-05"}, {"maxDelta", nullptr}}).ok());
  Drained d = drain(*source);
  ASSERT_TRUE(d.outcome.ok());
  ASSERT_EQ(d.pages.size(), 1u);
  EXPECT_TRUE(d.pages[0].records.empty());
  EXPECT_EQ(d.pages[0].progress, json({{"since", "2026-01-05"}, {"maxDelta", nullptr}}));
  EXPECT_EQ(server.requests()[0].query.at("since"), "2026-01-05");
}

TEST(HttpExportTest, WithoutAnInitialWatermarkTheSinceParameterIsLeftOut) {
  ScriptedHttpServer server([](const SeenRequest&) { return jsonReply(orders(0, 1)); });
  json settings = {{"baseUrl", server.baseUrl()}};
  auto source = openSource(settings, {{"path", "/orders"},
                                      {"params", {{"since", ":since"}, {"limit", 10}}},
                                      {"delta", {{"field", "updated_at"}, {"key", "id"}}}});
  ASSERT_TRUE(source->open(nullptr).ok());
  Drained d = drain(*source);
  ASSERT_TRUE(d.outcome.ok());
  auto seen = server.requests();
  EXPECT_EQ(seen[0].query.count("since"), 0u);
  EXPECT_EQ(seen[0].query.at("limit"), "10");
  EXPECT_EQ(d.pages[0].progress["maxDelta"], "2026-01-10");
}

// ?page=<n>&per_page=<k> (1-based) or ?offset=<n>&limit=<k> over `total` orders.
ScriptedHttpServer::Script countedApi(int total, const std::string& param, bool pages) {
  return [=](const SeenRequest& r) {
    const int size = r.query.count("per_page") ? std::stoi(r.query.at("per_page")) : 3;
    const int at = std::stoi(r.query.at(param));
    const int from = pages ? (at - 1) * size : at;
    return jsonReply({{"items", orders(std::min(from, total), std::min(from + size, total))}});
  };
}

TEST(HttpExportTest, PagePagingStopsAtAShortPageWhenTheSizeIsSent) {
  ScriptedHttpServer server(countedApi(5, "page", true));
  json settings = {{"baseUrl", server.baseUrl()}};
  auto source = openSource(
      settings, {{"path", "/orders"},
                 {"records", "items"},
                 {"pageSize", 2},
                 {"paging", {{"style", "page"}, {"param", "page"}, {"sizeParam", "per_page"}}}});
  ASSERT_TRUE(source->open(nullptr).ok());
  Drained d = drain(*source);
  ASSERT_TRUE(d.outcome.ok()) << d.outcome.status.toString();
  EXPECT_EQ(ids(d), (std::vector<int>{0, 1, 2, 3, 4}));
  ASSERT_EQ(d.pages.size(), 3u);
  EXPECT_EQ(d.pages[0].progress["page"], 2);
  EXPECT_EQ(d.pages[2].progress["page"], nullptr);
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].query.at("page"), "1");
  EXPECT_EQ(seen[2].query.at("page"), "3");
  EXPECT_EQ(seen[2].query.at("per_page"), "2");
}

TEST(HttpExportTest, PagePagingWithoutSizeStopsAtAnEmptyPage) {
  ScriptedHttpServer server(countedApi(6, "page", true));  // the server's size is 3
  json settings = {{"baseUrl", server.baseUrl()}};
  auto source = openSource(settings, {{"path", "/orders"},
                                      {"records", "items"},
                                      {"paging", {{"style", "page"}, {"param", "page"}}}});
  ASSERT_TRUE(source->open(nullptr).ok());
  Drained d = drain(*source);
  ASSERT_TRUE(d.outcome.ok());
  EXPECT_EQ(ids(d), (std::vector<int>{0, 1, 2, 3, 4, 5}));
  ASSERT_EQ(d.pages.size(), 3u);
  EXPECT_TRUE(d.pages[2].records.empty());
  EXPECT_EQ(d.pages[2].progress["page"], nullptr);  // the run is finished
}

TEST(HttpExportTest, OffsetPagingAdvancesByTheRecordsReceived) {
  ScriptedHttpServer server(countedApi(7, "offset", false));
  json settings = {{"baseUrl", server.baseUrl()}};
  auto source = openSource(settings, {{"path", "/orders"},
                                      {"records", "items"},
                                      {"paging", {{"style", "offset"}, {"param", "offset"}}}});
  ASSERT_TRUE(source->open(nullptr).ok());
  Drained d = drain(*source);
  ASSERT_TRUE(d.outcome.ok());
  EXPECT_EQ(ids(d), (std::vector<int>{0, 1, 2, 3, 4, 5, 6}));
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[1].query.at("offset"), "3");
  EXPECT_EQ(seen[3].query.at("offset"), "7");
  EXPECT_EQ(d.pages[1].progress["offset"], 6);
}

TEST(HttpExportTest, LinkPagingFollowsRelNextOnTheSameOrigin) {
  std::string origin;
  ScriptedHttpServer server([&origin](const SeenRequest& r) {
    ScriptedReply reply;
    const std::string page = r.query.count("p") ? r.query.at("p") : "1";
    if (page == "1") {
      reply = jsonReply(orders(0, 2));
      reply.headers.push_back({"Link", "<?p=2&size=2>; rel=\"next\", </api/orders?p=3>; rel=last"});
    } else if (page == "2") {
      reply = jsonReply(orders(2, 4));
      reply.headers.push_back(
          {"Link", "<" + origin + "/api/orders?p=3&size=2>; rel=\"next last\""});
    } else {
      reply = jsonReply(orders(4, 5));
      reply.headers.push_back({"Link", "</api/orders?p=1>; rel=\"first\""});
    }
    return reply;
  });
  origin = server.baseUrl();
  json settings = {{"baseUrl", server.baseUrl() + "/api"}};
  auto source = openSource(settings, {{"path", "orders"},
                                      {"pageSize", 2},
                                      {"paging", {{"style", "link"}, {"sizeParam", "size"}}}});
  ASSERT_TRUE(source->open(nullptr).ok());
  Drained d = drain(*source);
  ASSERT_TRUE(d.outcome.ok()) << d.outcome.status.toString();
  EXPECT_EQ(ids(d), (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(d.pages[0].progress["next"], "/api/orders?p=2&size=2");
  EXPECT_EQ(d.pages[2].progress["next"], nullptr);
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].query.at("size"), "2");
  EXPECT_EQ(seen[2].query.at("p"), "3");

  // A crash after page 1: the stored link is followed as it is.
  ASSERT_TRUE(source->open(d.pages[0].progress).ok());
  Drained resumed = drain(*source);
  EXPECT_EQ(ids(resumed), (std::vector<int>{2, 3, 4}));
}

TEST(HttpExportTest, LinkPagingRefusesAnotherOrigin) {
  ScriptedHttpServer server([](const SeenRequest&) {
    ScriptedReply reply = jsonReply(orders(0, 2));
    reply.headers.push_back({"Link", "<https://elsewhere.example/orders?p=2>; rel=next"});
    return reply;
  });
  json settings = {{"baseUrl", server.baseUrl()}};
  auto source = openSource(settings, {{"path", "/orders"}, {"paging", {{"style", "link"}}}});
  ASSERT_TRUE(source->open(nullptr).ok());
  Drained d = drain(*source);
  EXPECT_TRUE(d.outcome.fatal());
  EXPECT_NE(d.outcome.status.message().find("another origin"), std::string::npos);
  EXPECT_TRUE(d.pages.empty());
}

TEST(HttpExportTest, PostExportSendsTheBodyWithSince) {
  ScriptedHttpServer server([](const SeenRequest&) { return jsonReply({{"rows", orders(0, 1)}}); });
  json settings = {{"baseUrl", server.baseUrl()}};
  auto source =
      openSource(settings, {{"path", "/search"},
                            {"method", "POST"},
                            {"body", {{"filter", {{"changedAfter", ":since"}}}, {"limit", 5}}},
                            {"records", "rows"},
                            {"delta", {{"field", "updated_at"}, {"key", "id"}, {"initial", 0}}}});
  ASSERT_TRUE(source->open(nullptr).ok());
  ASSERT_TRUE(drain(*source).outcome.ok());
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].header("content-type"), "application/json");
  EXPECT_EQ(json::parse(seen[0].body), json({{"filter", {{"changedAfter", 0}}}, {"limit", 5}}));
}

TEST(HttpExportTest, ResponsesThatDoNotFitAreFatalAndNamed) {
  ScriptedHttpServer server([](const SeenRequest& r) {
    if (r.path == "/html") return ScriptedReply{200, "<html>oops</html>", {}, {}};
    if (r.path == "/object") return jsonReply({{"data", {{"items", {{"id", 1}}}}}});
    return jsonReply({{"data", json::object()}});
  });
  json settings = {{"baseUrl", server.baseUrl()}};
  for (const std::string path : {"/html", "/object", "/missing"}) {
    auto source = openSource(settings, {{"path", path}, {"records", "data.items"}});
    ASSERT_TRUE(source->open(nullptr).ok());
    Drained d = drain(*source);
    EXPECT_TRUE(d.outcome.fatal()) << path;
    EXPECT_NE(d.outcome.status.message().find("GET " + path), std::string::npos)
        << d.outcome.status.message();
  }
}

TEST(HttpExportTest, ElementsThatAreNotObjectsArePerRecordFailures) {
  ScriptedHttpServer server([](const SeenRequest&) {
    return jsonReply(json::array({order(1), "junk", order(2)}));
  });
  json settings = {{"baseUrl", server.baseUrl()}};
  auto source = openSource(settings, {{"path", "/orders"}});
  ASSERT_TRUE(source->open(nullptr).ok());
  Drained d = drain(*source);
  ASSERT_TRUE(d.outcome.ok());
  EXPECT_EQ(ids(d), (std::vector<int>{1, 2}));
  ASSERT_EQ(d.pages[0].failures.size(), 1u);
  EXPECT_EQ(d.pages[0].failures[0].index, 1u);
  EXPECT_NE(d.pages[0].failures[0].message.find("string, not an object"), std::string::npos);
}

TEST(HttpExportTest, A4xxIsFatalWithItsStatusAndABodyExcerpt) {
  ScriptedHttpServer server([](const SeenRequest&) {
    return jsonReply({{"error", "unknown field 'updated_since'"}}, 400);
  });
  json settings = {{"baseUrl", server.baseUrl()}};
  auto source = openSource(settings, {{"path", "/orders"}});
  ASSERT_TRUE(source->open(nullptr).ok());
  Drained d = drain(*source);
  EXPECT_TRUE(d.outcome.fatal());
  EXPECT_EQ(d.outcome.status.message(),
            "HTTP 400 from GET /orders: {\"error\":\"unknown field 'updated_since'\"}");
}

TEST(HttpExportTest, PagingWithoutItsFieldsIsRefusedOnOpen) {
  json settings = {{"baseUrl", "http://127.0.0.1:9"}};
  auto missingParam = httpConnectorImpl().openSource(
      parseConnection(settings),
      parseExport(settings, {{"path", "/x"}, {"paging", {{"style", "page"}}}}), {});
  ASSERT_FALSE(missingParam.isOk());
  EXPECT_EQ(missingParam.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missingParam.status().message().find("export orders: /paging/param"),
            std::string::npos);
  auto missingField = httpConnectorImpl().openSource(
      parseConnection(settings),
      parseExport(settings, {{"path", "/x"}, {"paging", {{"style", "cursor"}, {"param", "c"}}}}),
      {});
  ASSERT_FALSE(missingField.isOk());
  EXPECT_NE(missingField.status().message().find("/paging/field"), std::string::npos);
}

}  // namespace
}  // namespace ferry::agent::connectors::http
