// The scenario decoder: the reference scenarios parse; every kind of bad input gets its reason code and names the key.
#include "credence/lab/scenario.h"

#include <gtest/gtest.h>

namespace credence::lab {
namespace {

const char* const kMinimal = R"(
[scenario]
name = "tiny"
[[phase]]
name = "only"
duration = 60
)";

TEST(LabScenario, MinimalScenarioTakesTheDefaults) {
  auto s = parse_scenario(kMinimal);
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  EXPECT_EQ(s->name, "tiny");
  ASSERT_EQ(s->phases.size(), 1u);
  EXPECT_DOUBLE_EQ(s->duration(), 60);
  EXPECT_EQ(s->protocol.n, 10u);
  EXPECT_EQ(s->protocol.t, 7u);
  EXPECT_DOUBLE_EQ(s->protocol.batch_window, 0.002);  // the node's batch_window_ms = 2 …
  EXPECT_EQ(s->protocol.max_batch, 256u);             // … and max_batch
  EXPECT_FALSE(s->underwriting.enabled);
}

TEST(LabScenario, RampsAndTables) {
  auto s = parse_scenario(R"(
[scenario]
name = "r"
bucket = 10
[[phase]]
name = "a"
duration = 100
price = [1.0, 0.5]
capital_cost = 0.1
[[phase]]
name = "b"
duration = 50
volatility = [0.2, 1]
request_rate = 3
[protocol]
n = 5
t = 3
batch_window = 0.25
max_batch = 16
[underwriting]
enabled = true
capacity = 1e6
[[partition]]
start = 10
end = 20
first_member = 1
last_member = 2
)");
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  EXPECT_DOUBLE_EQ(s->phases[0].price.start, 1.0);
  EXPECT_DOUBLE_EQ(s->phases[0].price.end, 0.5);
  EXPECT_DOUBLE_EQ(s->phases[0].price.at(0.5), 0.75);
  EXPECT_DOUBLE_EQ(s->phases[0].capital_cost.end, 0.1);
  EXPECT_DOUBLE_EQ(s->phases[1].volatility.end, 1.0);
  EXPECT_DOUBLE_EQ(s->protocol.batch_window, 0.25);
  EXPECT_EQ(s->protocol.max_batch, 16u);
  EXPECT_DOUBLE_EQ(s->phases[1].request_rate, 3);
  EXPECT_TRUE(s->underwriting.enabled);
  EXPECT_DOUBLE_EQ(s->underwriting.capacity, 1e6);
  ASSERT_EQ(s->network.partitions.size(), 1u);
  EXPECT_EQ(s->network.partitions[0].last_member, 2u);
  EXPECT_DOUBLE_EQ(s->duration(), 150);
}

void expect_bad(const std::string& text, const std::string& code, const std::string& needle) {
  auto s = parse_scenario(text);
  ASSERT_FALSE(s.ok()) << text;
  EXPECT_EQ(s.status().code(), code) << s.status().to_string();
  EXPECT_NE(s.status().message().find(needle), std::string::npos) << s.status().to_string();
}

TEST(LabScenario, BadInputIsNamed) {
  expect_bad("[scenario\nname = 1", "bad_toml", "line 1");
  expect_bad("", "bad_scenario", "scenario");
  expect_bad(std::string(kMinimal) + "[protocol]\nn = 4\nt = 5\n", "bad_scenario", "protocol.t");
  expect_bad(std::string(kMinimal) + "[protocol]\nnn = 4\n", "bad_scenario", "protocol.nn: unknown key");
  expect_bad(std::string(kMinimal) + "[bogus]\n", "bad_scenario", "bogus: unknown table");
  expect_bad(std::string(kMinimal) + "[protocol]\nn = \"ten\"\n", "bad_scenario", "protocol.n: expected an integer");
  expect_bad(std::string(kMinimal) + "[network]\nloss = 1.5\n", "bad_scenario", "network.loss: must be in");
  expect_bad(std::string(kMinimal) + "[protocol]\nbatch_window = 11\n", "bad_scenario", "protocol.batch_window");
  expect_bad(std::string(kMinimal) + "[protocol]\nmax_batch = 0\n", "bad_scenario", "protocol.max_batch");
  expect_bad(std::string(kMinimal) + "[network]\nloss = nan\n", "bad_scenario", "network.loss: must be finite");
  expect_bad(std::string(kMinimal) + "[members]\nresponse = \"gamma\"\n", "bad_scenario", "members.response");
  expect_bad(std::string(kMinimal) + "[claimants]\nrisk_mix = [0.5, 0.2, 0.2]\n", "bad_scenario", "must sum to 1");
  expect_bad(std::string(kMinimal) + "[claimants]\nrisk_mix = [0.5, 0.5]\n", "bad_scenario", "claimants.risk_mix");
  expect_bad(std::string(kMinimal) + "[members]\nsilent = 8\nmalicious = 5\n", "bad_scenario", "silent");
  expect_bad("[scenario]\nname = \"x\"\n", "bad_scenario", "phase");
  expect_bad("[scenario]\nname = \"x\"\n[[phase]]\nname = \"p\"\n", "bad_scenario", "phase[0].duration: missing");
  expect_bad("[scenario]\nname = \"a,b\"\n[[phase]]\nname = \"p\"\nduration = 1\n", "bad_scenario", "scenario.name");
  expect_bad(std::string(kMinimal) + "[[phase]]\nname = \"p\"\nduration = 1\nprice = [1, 0]\n", "bad_scenario",
             "phase[1].price");
  expect_bad(std::string(kMinimal) + "[[partition]]\nstart = 5\nend = 1\nfirst_member = 1\nlast_member = 1\n",
             "bad_scenario", "partition[0].end");
  expect_bad(std::string(kMinimal) + "phase = 3\n", "bad_scenario", "phase");
}

TEST(LabScenario, ReferenceScenariosParse) {
  for (const char* name : {"calm.toml", "liquidity_shock.toml", "prolonged_drawdown.toml",
                           "liquidity_shock_underwritten.toml"}) {
    auto s = load_scenario(std::string(CREDENCE_LAB_SCENARIOS_DIR) + "/" + name);
    EXPECT_TRUE(s.ok()) << name << ": " << s.status().to_string();
  }
  auto missing = load_scenario("/nonexistent/scenario.toml");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), "io_error");
}

}  // namespace
}  // namespace credence::lab
