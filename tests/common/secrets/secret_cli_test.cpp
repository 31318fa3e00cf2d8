// `secret set|list|delete` of both binaries, run as real processes.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace ferry {
namespace {

using testing::runProcess;
using testing::TempDir;

class SecretCliTest : public ::testing::TestWithParam<std::string> {};

std::string everything(const std::string& dir) {
  std::string all;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    all += s.str();
  }
  return all;
}

TEST_P(SecretCliTest, SetListDeleteNeverShowsTheValue) {
  TempDir dir;
  std::string state = dir.file("state");
  const std::string value = "pa55-W0rd-xyzzy";
  auto set = runProcess({GetParam(), "--state", state, "secret", "set", "db-pw"}, value + "\n");
  ASSERT_EQ(set.exitCode, 0) << set.err;
  EXPECT_EQ(set.out, "secret 'db-pw' stored\n");
  auto list = runProcess({GetParam(), "--state", state, "secret", "list"});
  ASSERT_EQ(list.exitCode, 0) << list.err;
  EXPECT_EQ(list.out, "db-pw\n");
  EXPECT_EQ((set.out + set.err + list.out + list.err).find("xyzzy"), std::string::npos);
  EXPECT_EQ(everything(state).find("xyzzy"), std::string::npos);
  auto del = runProcess({GetParam(), "--state", state, "secret", "delete", "db-pw"});
  EXPECT_EQ(del.exitCode, 0) << del.err;
  auto again = runProcess({GetParam(), "--state", state, "secret", "delete", "db-pw"});
  EXPECT_EQ(again.exitCode, 1);
  EXPECT_NE(again.err.find("no secret named 'db-pw'"), std::string::npos) << again.err;
}

TEST_P(SecretCliTest, BadInputIsRefused) {
  TempDir dir;
  std::string state = dir.file("state");
  auto empty = runProcess({GetParam(), "--state", state, "secret", "set", "x"}, "");
  EXPECT_EQ(empty.exitCode, 1);
  EXPECT_NE(empty.err.find("is empty"), std::string::npos) << empty.err;
  auto badName = runProcess({GetParam(), "--state", state, "secret", "set", "a/b"}, "v");
  EXPECT_EQ(badName.exitCode, 1);
  EXPECT_NE(badName.err.find("invalid secret name 'a/b'"), std::string::npos) << badName.err;
  auto noName = runProcess({GetParam(), "--state", state, "secret", "set"}, "v");
  EXPECT_EQ(noName.exitCode, 2);
}

TEST_P(SecretCliTest, FilesBelongToTheStateDirectoryOwnerWhenRunAsRoot) {
  // As root (how scripts/test.sh runs) the state directory is given to nobody and the files
  // must follow it; as another user the directory is the caller's own and so are the files.
  const uid_t owner = ::geteuid() == 0 ? 65534 : ::geteuid();
  TempDir dir;
  std::string state = dir.file("state");
  std::filesystem::create_directory(state);
  if (::geteuid() == 0) {
    ASSERT_EQ(::chown(state.c_str(), 65534, 65534), 0);  // nobody:nogroup
  }
  auto set = runProcess({GetParam(), "--state", state, "secret", "set", "x"}, "v");
  ASSERT_EQ(set.exitCode, 0) << set.err;
  for (const auto& e : std::filesystem::recursive_directory_iterator(state)) {
    if (e.path().filename() == "lock") continue;  // a lock file holds no data
    struct stat st {};
    ::stat(e.path().c_str(), &st);
    EXPECT_EQ(st.st_uid, owner) << e.path();
  }
}

INSTANTIATE_TEST_SUITE_P(Both, SecretCliTest,
                         ::testing::Values(std::string(FERRY_AGENT_BIN),
                                           std::string(FERRY_CONTROLLER_BIN)),
                         [](const auto& info) {
                           return info.param == FERRY_AGENT_BIN ? std::string("Agent")
                                                                : std::string("Controller");
                         });

}  // namespace
}  // namespace ferry
