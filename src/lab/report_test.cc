// The outputs: self-contained HTML, CSV shape, JSON keys.
#include "credence/lab/report.h"

#include <gtest/gtest.h>

#include <sstream>

namespace credence::lab {
namespace {

Scenario tiny() {
  Scenario s;
  s.name = "tiny";
  s.bucket = 10;
  Phase p;
  p.name = "only";
  p.duration = 30;
  p.request_rate = 2;
  s.phases = {p};
  s.protocol.n = 4;
  s.protocol.t = 3;
  s.holders.count = 10;
  return s;
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(LabReport, HtmlIsSelfContained) {
  const Scenario s = tiny();
  auto r = run(s, RunOptions{});
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  const std::string html = report_html(s, *r);
  EXPECT_EQ(count(html, "<svg"), 6u);
  EXPECT_EQ(count(html, "<script"), 0u);
  EXPECT_EQ(count(html, "src="), 0u);
  EXPECT_EQ(count(html, "href="), 0u);
  EXPECT_EQ(count(html, "@import"), 0u);
  // The only URL is the SVG namespace, which is an identifier and never fetched.
  EXPECT_EQ(count(html, "http"), count(html, "http://www.w3.org/2000/svg"));
  std::vector<NamedRun> runs = {{&s, &*r}, {&s, &*r}};
  const std::string cmp = compare_html(runs);
  EXPECT_EQ(count(cmp, "<svg"), 7u);
  EXPECT_EQ(count(cmp, "<script"), 0u);
}

TEST(LabReport, CsvRowsHaveTheHeaderColumns) {
  const Scenario s = tiny();
  auto r = run(s, RunOptions{});
  ASSERT_TRUE(r.ok());
  std::istringstream in(timeseries_csv(*r));
  std::string line;
  std::getline(in, line);
  const std::size_t columns = count(line, ",") + 1;
  EXPECT_EQ(columns, 40u);
  std::size_t rows = 0;
  while (std::getline(in, line)) {
    EXPECT_EQ(count(line, ",") + 1, columns) << line;
    ++rows;
  }
  EXPECT_EQ(rows, 3u);
}

TEST(LabReport, SummaryHasEveryMetric) {
  const Scenario s = tiny();
  auto r = run(s, RunOptions{});
  ASSERT_TRUE(r.ok());
  const codec::Json j = summary_json(s, *r);
  for (const char* key : {"scenario", "seed", "crypto", "overall", "phases", "events"}) EXPECT_TRUE(j.contains(key));
  const codec::Json& o = j["overall"];
  for (const char* key : {"late_finality_rate", "claimant_late_finality_rate", "bypass_rate", "latency_seconds",
                          "throughput_per_second", "participation_rate", "abstention_rate", "acceptance_by_risk",
                          "selectivity", "issuers", "concentration", "drift_index", "stress"}) {
    EXPECT_TRUE(o.contains(key)) << key;
  }
  EXPECT_EQ(j["phases"].size(), 1u);
  EXPECT_EQ(j["phases"][0]["name"], "only");
}

TEST(LabReport, ChartDrawsGapsForUndefinedValues) {
  const std::string svg =
      line_chart_svg("t", "y", {0, 1, 2, 3}, {{"a", {1, std::numeric_limits<double>::quiet_NaN(), 2, 3}}});
  // Two pen-down moves: one before the gap and one after.
  EXPECT_EQ(count(svg, "M"), 2u);
  EXPECT_NE(svg.find("<path"), std::string::npos);
}

}  // namespace
}  // namespace credence::lab
