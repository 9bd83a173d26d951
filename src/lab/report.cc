#include "credence/lab/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

namespace credence::lab {
namespace {

using codec::Json;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const char* const kRisk[3] = {"low", "medium", "high"};
const char* const kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"};

// Values are rounded to 12 significant digits in every output, so outputs do not depend on the last bits of
// floating-point sums (which are deterministic here anyway).
double round12(double x) {
  if (!std::isfinite(x) || x == 0) return x;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.12g", x);
  return std::strtod(buf, nullptr);
}

Json num(double x) { return std::isfinite(x) ? Json(round12(x)) : Json(nullptr); }
Json opt(const std::optional<double>& x) { return x ? num(*x) : Json(nullptr); }

// Fixed formats only: 'g' with `digits` significant digits, or 'f' with `digits` decimals.
std::string fmt(double x, int digits = 6, bool fixed = false) {
  if (!std::isfinite(x)) return "";
  char buf[48];
  if (fixed) {
    std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  } else {
    std::snprintf(buf, sizeof buf, "%.*g", digits, x);
  }
  return buf;
}
std::string fmt_opt(const std::optional<double>& x) { return x ? fmt(*x) : ""; }

std::string escape(const std::string& s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

Json concentration_json(const std::optional<Concentration>& c) {
  if (!c) return nullptr;
  Json j;
  j["holders"] = c->holders;
  j["gini"] = num(c->gini);
  j["population_gini"] = num(c->population_gini);
  j["hhi"] = num(c->hhi);
  j["nakamoto"] = c->nakamoto;
  j["top1_share"] = num(c->top1_share);
  return j;
}

const char* crypto_name(CryptoMode m) { return m == CryptoMode::real ? "real" : "modeled"; }

double value_or_nan(const std::optional<double>& x) { return x ? *x : kNaN; }

}  // namespace

Json window_json(const WindowMetrics& w) {
  const Rates r = rates(w);
  Json j;
  j["start"] = num(w.start);
  j["end"] = num(w.end);
  j["stress"] = num(w.stress);
  j["price"] = num(w.price);
  j["capital_cost"] = num(w.capital_cost);
  j["volatility"] = num(w.volatility);
  j["requests"] = {{"arrived", w.arrived},           {"bypassed", w.bypassed},
                   {"underwritten", w.underwritten}, {"in_protocol", w.in_protocol},
                   {"certified", w.certified},       {"certified_late", w.certified_late},
                   {"timed_out", w.timed_out},       {"claimant_late", w.claimant_late}};
  j["late_finality_rate"] = opt(r.late_finality);
  j["claimant_late_finality_rate"] = opt(r.claimant_late_finality);
  j["bypass_rate"] = opt(r.bypass);
  j["underwritten_rate"] = opt(r.underwritten);
  j["latency_seconds"] = {{"p50", opt(r.latency_p50)}, {"p90", opt(r.latency_p90)}, {"p99", opt(r.latency_p99)}};
  j["deadline_seconds_p50"] = opt(r.deadline_p50);
  j["throughput_per_second"] = opt(r.throughput);
  j["certificates_completed"] = w.certificates_completed;
  j["participation_rate"] = opt(r.participation);
  j["abstention_rate"] = opt(r.abstention);
  Json acc;
  for (std::size_t i = 0; i < 3; ++i) acc[kRisk[i]] = opt(r.acceptance[i]);
  j["acceptance_by_risk"] = acc;
  j["selectivity"] = opt(r.selectivity);
  j["committee"] = {{"decisions", w.decisions},
                    {"participations", w.participations},
                    {"sessions", w.sessions},
                    {"malicious_detected", w.malicious_detected},
                    {"messages", w.messages}};
  j["issuers"] = {{"attempts", w.issuance_attempts},
                  {"issued", w.attestations_issued},
                  {"rejected", w.attestations_rejected},
                  {"revoked", w.revocations},
                  {"acceptance", opt(r.issuer_acceptance)}};
  j["holders"] = {{"sells", w.holder_sells}, {"buys", w.holder_buys}};
  j["ledger"] = {{"transactions", w.ledger_transactions}, {"failures", w.ledger_failures}};
  j["concentration"] = concentration_json(w.concentration);
  j["concentration_ex_exchange"] = concentration_json(w.concentration_ex_exchange);
  j["drift_index"] = opt(r.drift);
  j["high_value"] = {{"arrived", w.high_value}, {"in_time", w.high_value_in_time}};
  return j;
}

Json summary_json(const Scenario& scenario, const RunResult& result) {
  Json j;
  j["scenario"] = scenario.name;
  j["description"] = scenario.description;
  j["seed"] = result.seed;
  j["crypto"] = crypto_name(result.crypto);
  j["duration_seconds"] = num(scenario.duration());
  j["bucket_seconds"] = num(scenario.bucket);
  j["committee"] = {{"n", scenario.protocol.n}, {"t", scenario.protocol.t}};
  j["underwriting"] = scenario.underwriting.enabled;
  j["events"] = result.events;
  j["native_supply"] = result.native_supply;
  j["overall"] = window_json(result.overall);
  Json phases = Json::array();
  for (const auto& p : result.phases) {
    Json pj = window_json(p.metrics);
    pj["name"] = p.name;
    phases.push_back(std::move(pj));
  }
  j["phases"] = std::move(phases);
  return j;
}

std::string summary_text(const Scenario& scenario, const RunResult& result) {
  return summary_json(scenario, result).dump(2) + "\n";
}

std::string timeseries_csv(const RunResult& result) {
  std::ostringstream o;
  o << "start,end,stress,price,capital_cost,volatility,arrived,bypassed,underwritten,in_protocol,certified,"
       "certified_late,timed_out,late_finality_rate,claimant_late_finality_rate,bypass_rate,latency_p50,latency_p90,"
       "latency_p99,deadline_p50,throughput,participation_rate,acceptance_low,acceptance_medium,acceptance_high,"
       "selectivity,sessions,malicious_detected,attestations_issued,attestations_rejected,revocations,holder_sells,"
       "holder_buys,gini,population_gini,hhi,nakamoto,top1_share,gini_ex_exchange,drift_index\n";
  for (const auto& w : result.buckets) {
    const Rates r = rates(w);
    o << fmt(w.start) << ',' << fmt(w.end) << ',' << fmt(w.stress) << ',' << fmt(w.price) << ','
      << fmt(w.capital_cost) << ',' << fmt(w.volatility) << ',' << w.arrived << ',' << w.bypassed << ','
      << w.underwritten << ',' << w.in_protocol << ',' << w.certified << ',' << w.certified_late << ','
      << w.timed_out << ',' << fmt_opt(r.late_finality) << ',' << fmt_opt(r.claimant_late_finality) << ','
      << fmt_opt(r.bypass) << ',' << fmt_opt(r.latency_p50) << ',' << fmt_opt(r.latency_p90) << ','
      << fmt_opt(r.latency_p99) << ',' << fmt_opt(r.deadline_p50) << ',' << fmt_opt(r.throughput) << ','
      << fmt_opt(r.participation) << ',' << fmt_opt(r.acceptance[0]) << ',' << fmt_opt(r.acceptance[1]) << ','
      << fmt_opt(r.acceptance[2]) << ',' << fmt_opt(r.selectivity) << ',' << w.sessions << ','
      << w.malicious_detected << ',' << w.attestations_issued << ',' << w.attestations_rejected << ','
      << w.revocations << ',' << w.holder_sells << ',' << w.holder_buys << ',';
    if (w.concentration) {
      o << fmt(w.concentration->gini) << ',' << fmt(w.concentration->population_gini) << ','
        << fmt(w.concentration->hhi) << ',' << w.concentration->nakamoto << ',' << fmt(w.concentration->top1_share);
    } else {
      o << ",,,,";
    }
    o << ',' << (w.concentration_ex_exchange ? fmt(w.concentration_ex_exchange->gini) : "") << ','
      << fmt_opt(r.drift) << '\n';
  }
  return o.str();
}

std::string line_chart_svg(const std::string& title, const std::string& y_label, const std::vector<double>& x,
                           const std::vector<Series>& series) {
  constexpr double kW = 640, kH = 240, kLeft = 58, kRight = 150, kTop = 26, kBottom = 34;
  const double pw = kW - kLeft - kRight;
  const double ph = kH - kTop - kBottom;
  double xmin = x.empty() ? 0 : x.front(), xmax = x.empty() ? 1 : x.back();
  if (xmax <= xmin) xmax = xmin + 1;
  double ymin = 0, ymax = 0;
  bool any = false;
  for (const auto& s : series) {
    for (const double v : s.values) {
      if (!std::isfinite(v)) continue;
      ymin = any ? std::min(ymin, v) : std::min(0.0, v);
      ymax = any ? std::max(ymax, v) : v;
      any = true;
    }
  }
  if (!any || ymax <= ymin) ymax = ymin + 1;
  ymax += (ymax - ymin) * 0.05;
  auto sx = [&](double v) { return kLeft + (v - xmin) / (xmax - xmin) * pw; };
  auto sy = [&](double v) { return kTop + ph - (v - ymin) / (ymax - ymin) * ph; };
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " << kW << ' ' << kH << "\" width=\"" << kW
    << "\" height=\"" << kH << "\" font-family=\"sans-serif\" font-size=\"11\">\n";
  o << "<rect x=\"0\" y=\"0\" width=\"" << kW << "\" height=\"" << kH << "\" fill=\"#ffffff\"/>\n";
  o << "<text x=\"" << kLeft << "\" y=\"16\" font-size=\"13\" font-weight=\"bold\">" << escape(title) << "</text>\n";
  o << "<rect x=\"" << kLeft << "\" y=\"" << kTop << "\" width=\"" << pw << "\" height=\"" << ph
    << "\" fill=\"none\" stroke=\"#999\"/>\n";
  for (int k = 0; k <= 4; ++k) {
    const double v = ymin + (ymax - ymin) * k / 4;
    o << "<line x1=\"" << kLeft << "\" x2=\"" << kLeft + pw << "\" y1=\"" << fmt(sy(v), 2, true) << "\" y2=\""
      << fmt(sy(v), 2, true) << "\" stroke=\"#eee\"/>";
    o << "<text x=\"" << kLeft - 4 << "\" y=\"" << fmt(sy(v) + 4, 2, true) << "\" text-anchor=\"end\">"
      << fmt(v, 3) << "</text>\n";
    const double xv = xmin + (xmax - xmin) * k / 4;
    o << "<text x=\"" << fmt(sx(xv), 2, true) << "\" y=\"" << kTop + ph + 14 << "\" text-anchor=\"middle\">"
      << fmt(xv, 4) << "</text>\n";
  }
  o << "<text x=\"" << kLeft + pw / 2 << "\" y=\"" << kH - 4 << "\" text-anchor=\"middle\">time (s)</text>\n";
  o << "<text x=\"12\" y=\"" << kTop + ph / 2 << "\" transform=\"rotate(-90 12 " << kTop + ph / 2
    << ")\" text-anchor=\"middle\">" << escape(y_label) << "</text>\n";
  for (std::size_t i = 0; i < series.size(); ++i) {
    const char* color = kPalette[i % (sizeof kPalette / sizeof kPalette[0])];
    std::string path;
    bool pen = false;
    for (std::size_t k = 0; k < x.size() && k < series[i].values.size(); ++k) {
      const double v = series[i].values[k];
      if (!std::isfinite(v)) {
        pen = false;
        continue;
      }
      path += (pen ? "L" : "M") + fmt(sx(x[k]), 2, true) + "," + fmt(sy(v), 2, true) + " ";
      pen = true;
    }
    o << "<path d=\"" << path << "\" fill=\"none\" stroke=\"" << color << "\" stroke-width=\"1.6\"/>\n";
    const double ly = kTop + 12 + 16 * static_cast<double>(i);
    o << "<line x1=\"" << kLeft + pw + 10 << "\" x2=\"" << kLeft + pw + 28 << "\" y1=\"" << ly - 4 << "\" y2=\""
      << ly - 4 << "\" stroke=\"" << color << "\" stroke-width=\"2\"/>";
    o << "<text x=\"" << kLeft + pw + 32 << "\" y=\"" << ly << "\">" << escape(series[i].name) << "</text>\n";
  }
  o << "</svg>\n";
  return o.str();
}

namespace {

struct Column {
  std::vector<double> x;
};

std::vector<double> bucket_mid(const RunResult& r) {
  std::vector<double> x;
  for (const auto& w : r.buckets) x.push_back((w.start + w.end) / 2);
  return x;
}

template <typename F>
std::vector<double> per_bucket(const RunResult& r, F f) {
  std::vector<double> v;
  for (const auto& w : r.buckets) v.push_back(f(w));
  return v;
}

const char* kStyle =
    "<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}"
    "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
    "th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}.charts svg{margin:6px 0;display:block}"
    "p.note{color:#555;font-size:90%}</style>\n";

std::string cell(const std::optional<double>& v) {
  return "<td>" + (v ? fmt(*v, 4) : std::string("—")) + "</td>";
}

std::string headline_row(const std::string& label, const WindowMetrics& w) {
  const Rates r = rates(w);
  std::string row = "<tr><td>" + escape(label) + "</td>";
  row += cell(w.stress);
  row += "<td>" + std::to_string(w.arrived) + "</td>";
  row += cell(r.late_finality);
  row += cell(r.claimant_late_finality);
  row += cell(r.bypass);
  row += cell(r.latency_p50);
  row += cell(r.latency_p99);
  row += cell(r.participation);
  row += cell(r.selectivity);
  row += cell(r.drift);
  row += w.concentration ? cell(w.concentration->gini) : std::string("<td>—</td>");
  row += "</tr>\n";
  return row;
}

const char* kHeadlineHeader =
    "<tr><th>window</th><th>stress</th><th>requests</th><th>late finality</th><th>claimant late</th><th>bypass</th>"
    "<th>latency p50 (s)</th><th>latency p99 (s)</th><th>participation</th><th>selectivity</th><th>drift "
    "index</th><th>Gini</th></tr>\n";

}  // namespace

std::string report_html(const Scenario& scenario, const RunResult& r) {
  const auto x = bucket_mid(r);
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>credence-lab: " << escape(scenario.name)
    << "</title>\n"
    << kStyle << "</head><body>\n";
  o << "<h1>credence-lab report: " << escape(scenario.name) << "</h1>\n";
  if (!scenario.description.empty()) o << "<p>" << escape(scenario.description) << "</p>\n";
  o << "<p class=\"note\">seed " << r.seed << ", crypto " << crypto_name(r.crypto) << ", committee "
    << scenario.protocol.t << "-of-" << scenario.protocol.n << ", underwriting "
    << (scenario.underwriting.enabled ? "on" : "off") << ", " << fmt(scenario.duration()) << " s simulated in "
    << r.buckets.size() << " buckets of " << fmt(scenario.bucket) << " s, " << r.events
    << " events. Request outcomes belong to the bucket of the request's arrival. Definitions: docs/lab.md.</p>\n";
  o << "<h2>Headline</h2>\n<table>" << kHeadlineHeader;
  o << headline_row("overall", r.overall);
  for (const auto& p : r.phases) o << headline_row("phase: " + p.name, p.metrics);
  o << "</table>\n<div class=\"charts\">\n";
  o << line_chart_svg("Stress path", "value", x,
                      {{"stress index", per_bucket(r, [](const WindowMetrics& w) { return w.stress; })},
                       {"price", per_bucket(r, [](const WindowMetrics& w) { return w.price; })},
                       {"capital cost ×10", per_bucket(r, [](const WindowMetrics& w) { return 10 * w.capital_cost; })},
                       {"volatility", per_bucket(r, [](const WindowMetrics& w) { return w.volatility; })}});
  o << line_chart_svg(
      "Truth too late: late finality and bypass", "share of requests", x,
      {{"late finality", per_bucket(r, [](const WindowMetrics& w) { return value_or_nan(rates(w).late_finality); })},
       {"claimant late",
        per_bucket(r, [](const WindowMetrics& w) { return value_or_nan(rates(w).claimant_late_finality); })},
       {"bypass", per_bucket(r, [](const WindowMetrics& w) { return value_or_nan(rates(w).bypass); })},
       {"drift index", per_bucket(r, [](const WindowMetrics& w) { return value_or_nan(rates(w).drift); })}});
  o << line_chart_svg(
      "Certification latency against deadlines", "seconds", x,
      {{"latency p50", per_bucket(r, [](const WindowMetrics& w) { return value_or_nan(rates(w).latency_p50); })},
       {"latency p90", per_bucket(r, [](const WindowMetrics& w) { return value_or_nan(rates(w).latency_p90); })},
       {"latency p99", per_bucket(r, [](const WindowMetrics& w) { return value_or_nan(rates(w).latency_p99); })},
       {"deadline p50", per_bucket(r, [](const WindowMetrics& w) { return value_or_nan(rates(w).deadline_p50); })}});
  o << line_chart_svg(
      "Committee participation and selectivity", "share of decisions", x,
      {{"participation", per_bucket(r, [](const WindowMetrics& w) { return value_or_nan(rates(w).participation); })},
       {"accept low risk", per_bucket(r, [](const WindowMetrics& w) { return value_or_nan(rates(w).acceptance[0]); })},
       {"accept medium", per_bucket(r, [](const WindowMetrics& w) { return value_or_nan(rates(w).acceptance[1]); })},
       {"accept high risk",
        per_bucket(r, [](const WindowMetrics& w) { return value_or_nan(rates(w).acceptance[2]); })}});
  o << line_chart_svg(
      "Throughput and issuer activity", "per bucket", x,
      {{"certificates", per_bucket(r, [](const WindowMetrics& w) { return double(w.certificates_completed); })},
       {"attestations issued", per_bucket(r, [](const WindowMetrics& w) { return double(w.attestations_issued); })},
       {"issuer refusals", per_bucket(r, [](const WindowMetrics& w) { return double(w.attestations_rejected); })}});
  o << line_chart_svg(
      "Token concentration", "index", x,
      {{"Gini (holders)",
        per_bucket(r, [](const WindowMetrics& w) { return w.concentration ? w.concentration->gini : kNaN; })},
       {"Gini ex exchange", per_bucket(r, [](const WindowMetrics& w) {
          return w.concentration_ex_exchange ? w.concentration_ex_exchange->gini : kNaN;
        })},
       {"top-1% share",
        per_bucket(r, [](const WindowMetrics& w) { return w.concentration ? w.concentration->top1_share : kNaN; })},
       {"HHI / 10,000",
        per_bucket(r, [](const WindowMetrics& w) { return w.concentration ? w.concentration->hhi / 1e4 : kNaN; })}});
  o << "</div>\n</body></html>\n";
  return o.str();
}

std::string compare_html(const std::vector<NamedRun>& runs) {
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>credence-lab: comparison</title>\n"
    << kStyle << "</head><body>\n<h1>credence-lab comparison</h1>\n";
  if (!runs.empty()) {
    o << "<p class=\"note\">Same seed (" << runs.front().result->seed
      << ") for every design: the same arrivals and the same draws for every request and member, so differences "
         "come from the designs. Definitions: docs/lab.md.</p>\n";
  }
  o << "<h2>Overall</h2>\n<table>" << kHeadlineHeader;
  for (const auto& run : runs) o << headline_row(run.scenario->name, run.result->overall);
  o << "</table>\n<h2>Per phase</h2>\n<table>" << kHeadlineHeader;
  for (const auto& run : runs) {
    for (const auto& p : run.result->phases) o << headline_row(run.scenario->name + " / " + p.name, p.metrics);
  }
  o << "</table>\n<div class=\"charts\">\n";
  if (!runs.empty()) {
    const auto x = bucket_mid(*runs.front().result);
    auto overlay = [&](const std::string& title, const std::string& label, auto f) {
      std::vector<Series> series;
      for (const auto& run : runs) series.push_back({run.scenario->name, per_bucket(*run.result, f)});
      o << line_chart_svg(title, label, x, series);
    };
    overlay("Stress index", "stress", [](const WindowMetrics& w) { return w.stress; });
    overlay("Late finality", "share", [](const WindowMetrics& w) { return value_or_nan(rates(w).late_finality); });
    overlay("Late finality seen by claimants", "share",
            [](const WindowMetrics& w) { return value_or_nan(rates(w).claimant_late_finality); });
    overlay("Bypass rate", "share", [](const WindowMetrics& w) { return value_or_nan(rates(w).bypass); });
    overlay("Latency p90", "seconds", [](const WindowMetrics& w) { return value_or_nan(rates(w).latency_p90); });
    overlay("Participation", "share", [](const WindowMetrics& w) { return value_or_nan(rates(w).participation); });
    overlay("Drift index", "share", [](const WindowMetrics& w) { return value_or_nan(rates(w).drift); });
  }
  o << "</div>\n</body></html>\n";
  return o.str();
}

Json compare_json(const std::vector<NamedRun>& runs) {
  Json j;
  j["seed"] = runs.empty() ? 0 : runs.front().result->seed;
  Json list = Json::array();
  for (const auto& run : runs) list.push_back(summary_json(*run.scenario, *run.result));
  j["runs"] = std::move(list);
  return j;
}

std::string compare_csv(const std::vector<NamedRun>& runs) {
  std::ostringstream o;
  o << "scenario,window,stress,arrived,late_finality_rate,claimant_late_finality_rate,bypass_rate,latency_p50,"
       "latency_p99,participation_rate,selectivity,drift_index,gini\n";
  auto line = [&](const std::string& name, const std::string& window, const WindowMetrics& w) {
    const Rates r = rates(w);
    o << name << ',' << window << ',' << fmt(w.stress) << ',' << w.arrived << ',' << fmt_opt(r.late_finality) << ','
      << fmt_opt(r.claimant_late_finality) << ',' << fmt_opt(r.bypass) << ',' << fmt_opt(r.latency_p50) << ','
      << fmt_opt(r.latency_p99) << ',' << fmt_opt(r.participation) << ',' << fmt_opt(r.selectivity) << ','
      << fmt_opt(r.drift) << ',' << (w.concentration ? fmt(w.concentration->gini) : "") << '\n';
  };
  for (const auto& run : runs) {
    line(run.scenario->name, "overall", run.result->overall);
    for (const auto& p : run.result->phases) line(run.scenario->name, p.name, p.metrics);
  }
  return o.str();
}

}  // namespace credence::lab
