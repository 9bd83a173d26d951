// Structured logs (docs/node.md "Logs"): levels filter, each event is one line, and the JSON format is valid JSON
// whatever the field values hold.
#include "credence/node/log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "credence/codec/json.h"

namespace credence::node {
namespace {

// Runs `body` with stderr (fd 2, where the logger writes) sent to a file, and returns the lines written.
template <typename Body>
std::vector<std::string> captured_stderr(Body body) {
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("credence_log_test_" + std::to_string(::getpid()));
  std::fflush(stderr);
  const int saved = ::dup(2);
  std::FILE* out = std::fopen(file.c_str(), "w");
  if (out == nullptr) {
    ADD_FAILURE() << "cannot create " << file;
    ::close(saved);
    return {};
  }
  ::dup2(::fileno(out), 2);
  body();
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  std::fclose(out);
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::filesystem::remove(file);
  return lines;
}

class LogTest : public ::testing::Test {
 protected:
  void TearDown() override { ASSERT_TRUE(log::configure("info", "text").is_ok()); }
};

TEST_F(LogTest, JsonLinesCarryLevelEventAndEscapedFields) {
  ASSERT_TRUE(log::configure("info", "json").is_ok());
  const auto lines = captured_stderr([] {
    log::debug("below_the_level");
    log::info("block_committed", {{"height", "7"}, {"note", "quote \" backslash \\ newline \n tab \t bell \a"}});
    log::error("node_failed", {{"reason", "storage: disk full"}});
  });
  ASSERT_EQ(lines.size(), 2u);
  auto first = codec::parse_json(lines[0]);
  ASSERT_TRUE(first.ok()) << lines[0];
  EXPECT_EQ((*first)["level"], "info");
  EXPECT_EQ((*first)["event"], "block_committed");
  EXPECT_EQ((*first)["height"], "7");
  EXPECT_EQ((*first)["note"], "quote \" backslash \\ newline \n tab \t bell \a");
  EXPECT_TRUE((*first)["ts"].is_string());
  auto second = codec::parse_json(lines[1]);
  ASSERT_TRUE(second.ok()) << lines[1];
  EXPECT_EQ((*second)["level"], "error");
  EXPECT_EQ((*second)["reason"], "storage: disk full");
}

TEST_F(LogTest, TextLinesQuoteValuesThatWouldSplit) {
  ASSERT_TRUE(log::configure("debug", "text").is_ok());
  const auto lines = captured_stderr([] {
    log::write(log::Level::trace, "below_the_level");
    log::debug("listening", {{"address", "127.0.0.1:8545"}, {"note", "two words"}});
  });
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find(" debug listening address=127.0.0.1:8545 note=\"two words\""), std::string::npos) << lines[0];
}

TEST_F(LogTest, UnknownLevelOrFormatIsRefused) {
  EXPECT_EQ(log::configure("verbose", "text").code(), "bad_config");
  EXPECT_EQ(log::configure("info", "xml").code(), "bad_config");
}

}  // namespace
}  // namespace credence::node
