#include "common/protocol/messages.h"

#include <gtest/gtest.h>

namespace ferry::protocol {
namespace {

using json = ferry::Json;

std::string envelope(json patch = json::object()) {
  json e = {{"agent", "a1"},
            {"epoch", "3f1c"},
            {"seq", 7},
            {"type", "heartbeat"},
            {"ts", "2026-11-22T10:00:00Z"},
            {"body", {{"stats", json::object()}}}};
  e.merge_patch(patch);
  return e.dump();
}

TEST(EventEnvelopeTest, RoundTrip) {
  auto e = parseEventEnvelope(envelope(), "a1");
  ASSERT_TRUE(e.isOk()) << e.status().toString();
  EXPECT_EQ(e->seq, 7u);
  EXPECT_EQ(e->epoch, "3f1c");
  auto again = parseEventEnvelope(serialize(*e), "a1");
  ASSERT_TRUE(again.isOk());
  EXPECT_EQ(again->body, e->body);
}

TEST(EventEnvelopeTest, MalformedEnvelopesNameTheProblem) {
  auto msg = [](const std::string& payload) {
    return parseEventEnvelope(payload, "a1").status().message();
  };
  EXPECT_EQ(msg("{oops"), "event: not valid JSON");
  EXPECT_EQ(msg("[1]"), "event: not a JSON object");
  EXPECT_EQ(msg(envelope({{"agent", "a2"}})), "event: agent 'a2' does not match the topic's 'a1'");
  EXPECT_EQ(msg(envelope({{"seq", "7"}})), "event: 'seq' must be a non-negative integer");
  EXPECT_EQ(msg(envelope({{"seq", -1}})), "event: 'seq' must be a non-negative integer");
  EXPECT_EQ(msg(envelope({{"seq", 0}})), "event: 'seq' starts at 1");
  EXPECT_EQ(msg(envelope({{"epoch", nullptr}})), "event: missing 'epoch'");
  EXPECT_EQ(msg(envelope({{"type", 5}})), "event: 'type' must be a string");
  EXPECT_EQ(msg(envelope({{"body", nullptr}})), "event: missing 'body'");
}

TEST(EventBodyTest, KnownTypesAreChecked) {
  EXPECT_TRUE(validateEventBody(
                  "run.started",
                  {{"runId", "r"}, {"flowId", "f"}, {"trigger", "schedule"}, {"startedAt", "t"}})
                  .isOk());
  EXPECT_EQ(validateEventBody("run.started", {{"runId", "r"}}).message(),
            "run.started body: missing 'flowId'");
  EXPECT_EQ(validateEventBody("run.progress", {{"runId", "r"}, {"counts", 3}}).message(),
            "run.progress body: 'counts' must be an object");
  EXPECT_TRUE(validateEventBody("record.error", {{"errorId", "e"},
                                                 {"runId", "r"},
                                                 {"flowId", "f"},
                                                 {"step", "import x"},
                                                 {"message", "m"},
                                                 {"record", {{"id", 1}}}})
                  .isOk());
  EXPECT_EQ(
      validateEventBody("error.closed", {{"errorIds", json::array()}, {"how", "lost"}}).message(),
      "error.closed body: 'how' must be retried, resolved or expired");
  EXPECT_TRUE(
      validateEventBody("command.result", {{"commandId", "c"}, {"ok", true}, {"message", ""}})
          .isOk());
  EXPECT_EQ(validateEventBody("run.exploded", json::object()).message(),
            "unknown event type 'run.exploded'");
  EXPECT_EQ(validateEventBody("heartbeat", json::array()).message(),
            "heartbeat body: not a JSON object");
}

TEST(OnlineAckCommandTest, RoundTripsAndErrors) {
  auto online = parseOnline(serialize(OnlineMessage{false, "e1", 4}));
  ASSERT_TRUE(online.isOk());
  EXPECT_FALSE(online->online);
  EXPECT_EQ(online->session, 4);
  EXPECT_EQ(parseOnline(R"({"online":"yes","epoch":"e","session":1})").status().message(),
            "online: 'online' must be a boolean");
  auto ack = parseAck(serialize(AckMessage{"e1", 99}));
  ASSERT_TRUE(ack.isOk());
  EXPECT_EQ(ack->upTo, 99u);
  EXPECT_EQ(parseAck(R"({"epoch":"e"})").status().message(), "ack: missing 'upTo'");
  auto cmd = parseCommand(serialize(CommandMessage{"c1", "run-flow", {{"flowId", "f"}}}));
  ASSERT_TRUE(cmd.isOk());
  EXPECT_EQ(cmd->args["flowId"], "f");
  EXPECT_EQ(parseCommand(R"({"id":"c","type":"format-disk"})").status().message(),
            "command: unknown type 'format-disk'");
  EXPECT_EQ(parseCommand(R"({"id":"c","type":"run-flow","args":[]})").status().message(),
            "command: 'args' must be an object");
}

TEST(ReportedDesiredTest, RoundTripsAndErrors) {
  ReportedMessage r;
  r.appliedVersion = 3;
  r.rejectedVersion = 4;
  r.error = "/resources/0/sources/0: no export 'x'";
  r.agentVersion = "0.1.0";
  r.epoch = "e1";
  r.stats = {{"outboxBacklog", 2}};
  r.flows = {{"copy", {{"state", "paused"}}}};
  auto back = parseReported(serialize(r));
  ASSERT_TRUE(back.isOk()) << back.status().message();
  EXPECT_EQ(back->appliedVersion, 3);
  EXPECT_EQ(back->rejectedVersion, 4);
  EXPECT_EQ(back->error, r.error);
  EXPECT_EQ(back->stats, r.stats);
  EXPECT_EQ(back->flows, r.flows);
  r.rejectedVersion = 0;  // nothing rejected: neither key is sent
  auto doc = ferry::Json::parse(serialize(r));
  EXPECT_FALSE(doc.contains("rejectedVersion"));
  EXPECT_FALSE(doc.contains("error"));
  EXPECT_EQ(
      parseReported(R"({"appliedVersion":-1,"agentVersion":"v","epoch":"e"})").status().message(),
      "reported: 'appliedVersion' must be a non-negative integer");
  EXPECT_EQ(parseReported(R"({"appliedVersion":1,"agentVersion":"v","epoch":"e","stats":[]})")
                .status()
                .message(),
            "reported: 'stats' must be an object");
  EXPECT_EQ(parseReported(R"({"appliedVersion":1,"epoch":"e"})").status().message(),
            "reported: missing 'agentVersion'");

  EXPECT_EQ(parseDesiredHeader(ferry::Json::parse(R"({"version":2,"resources":[]})"))->version, 2);
  EXPECT_EQ(
      parseDesiredHeader(ferry::Json::parse(R"({"version":0,"resources":[]})")).status().message(),
      "desired: 'version' must be an integer of at least 1");
  EXPECT_EQ(parseDesiredHeader(ferry::Json::parse(R"({"version":2})")).status().message(),
            "desired: 'resources' must be an array");
}

}  // namespace
}  // namespace ferry::protocol
