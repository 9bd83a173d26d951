// The stress lab's outputs (docs/lab.md "Output"): summary.json, the per-bucket time series as CSV, and a
// self-contained HTML report with inline SVG charts (no script, no network at view time); the side-by-side forms
// for `credence-lab compare`. Every function is deterministic — the same RunResult gives the same bytes — and pure.
#pragma once

#include <string>
#include <vector>

#include "credence/codec/json.h"
#include "credence/lab/scenario.h"
#include "credence/lab/simulation.h"

namespace credence::lab {

// One window's metrics as JSON (every metric of docs/lab.md "Metrics"; undefined rates are null).
codec::Json window_json(const WindowMetrics& w);
// {scenario, seed, crypto, duration, bucket, events, overall, phases[]}.
codec::Json summary_json(const Scenario& scenario, const RunResult& result);
// summary_json pretty-printed, with a final newline.
std::string summary_text(const Scenario& scenario, const RunResult& result);
// One header line, then one line per bucket (columns: docs/lab.md "timeseries.csv"); undefined values are empty.
std::string timeseries_csv(const RunResult& result);

struct NamedRun {
  const Scenario* scenario = nullptr;
  const RunResult* result = nullptr;
};
// The report of one run.
std::string report_html(const Scenario& scenario, const RunResult& result);
// Side by side: a table of the headline metrics overall and per phase, and overlaid charts.
std::string compare_html(const std::vector<NamedRun>& runs);
// {seed, runs: [summary_json …]}.
codec::Json compare_json(const std::vector<NamedRun>& runs);
// The headline metrics of each run, one line per (run, window) with window "overall" or a phase name.
std::string compare_csv(const std::vector<NamedRun>& runs);

// An SVG line chart (used by the reports; exposed for tests). Each series has one value per x (NaN = gap).
struct Series {
  std::string name;
  std::vector<double> values;
};
std::string line_chart_svg(const std::string& title, const std::string& y_label, const std::vector<double>& x,
                           const std::vector<Series>& series);

}  // namespace credence::lab
