#include "common/cli/command_line.h"

#include <gtest/gtest.h>

namespace ferry::cli {
namespace {

std::vector<CommandSpec> commands() {
  return {
      {"", "", "service", {}, 0, 0, true},
      {"run", "FILE", "run", {{"flow", true, "ID", "flow"}}, 1, 1, true},
      {"secret set", "NAME", "set", {}, 1, 1, true},
      {"secret list", "", "list", {}, 0, 0, false},
  };
}

std::vector<OptionSpec> globals() {
  return {{"config", true, "FILE", ""}, {"help", false, "", ""}, {"state", true, "DIR", ""}};
}

// parseCommandLine returns a pointer into the command table, so the table must outlive it.
const std::vector<CommandSpec> kCommands = commands();
const std::vector<OptionSpec> kGlobals = globals();

TEST(CommandLineTest, ServiceModeWithGlobalOptions) {
  auto r = parseCommandLine({"--config", "a.json"}, kCommands, kGlobals);
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(r->command->name, "");
  EXPECT_EQ(r->get("config"), "a.json");
}

TEST(CommandLineTest, CommandOptionsAndArgsInAnyOrder) {
  auto r =
      parseCommandLine({"--state", "/s", "run", "--flow=f1", "defs.json"}, kCommands, kGlobals);
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(r->command->name, "run");
  EXPECT_EQ(r->get("flow"), "f1");
  EXPECT_EQ(r->get("state"), "/s");
  ASSERT_EQ(r->args.size(), 1u);
  EXPECT_EQ(r->args[0], "defs.json");
}

TEST(CommandLineTest, TwoWordCommands) {
  auto r = parseCommandLine({"secret", "set", "db-pw"}, kCommands, kGlobals);
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(r->command->name, "secret set");
  EXPECT_EQ(r->args, std::vector<std::string>{"db-pw"});
}

TEST(CommandLineTest, ErrorsNameTheOffendingWord) {
  auto unknown = parseCommandLine({"frobnicate"}, kCommands, kGlobals);
  EXPECT_EQ(unknown.status().message(), "unknown command 'frobnicate' (see --help)");
  auto flag = parseCommandLine({"run", "x", "--fast"}, kCommands, kGlobals);
  EXPECT_EQ(flag.status().message(), "unknown option '--fast' for 'run' (see --help)");
  auto missingValue = parseCommandLine({"run", "x", "--flow"}, kCommands, kGlobals);
  EXPECT_EQ(missingValue.status().message(), "option '--flow' needs a value (ID)");
  auto missingArg = parseCommandLine({"run"}, kCommands, kGlobals);
  EXPECT_EQ(missingArg.status().message(), "'run' needs FILE");
  auto extra = parseCommandLine({"run", "a", "b"}, kCommands, kGlobals);
  EXPECT_EQ(extra.status().message(), "unexpected argument 'b' (see --help)");
  auto flagValue = parseCommandLine({"--help=yes"}, kCommands, kGlobals);
  EXPECT_EQ(flagValue.status().message(), "option '--help' takes no value");
}

TEST(CommandLineTest, DoubleDashEndsOptions) {
  auto r = parseCommandLine({"run", "--", "--weird-file"}, kCommands, kGlobals);
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(r->args, std::vector<std::string>{"--weird-file"});
}

TEST(CommandLineTest, HelpListsUnavailableCommands) {
  std::string help = helpText("ferry-x", "does things", kCommands, kGlobals);
  EXPECT_NE(help.find("ferry-x secret list"), std::string::npos);
  EXPECT_NE(help.find("[not yet available]"), std::string::npos);
  EXPECT_NE(help.find("--config FILE"), std::string::npos);
}

}  // namespace
}  // namespace ferry::cli
