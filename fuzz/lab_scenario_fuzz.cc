// The stress lab's scenario decoder (lab/scenario.h). For every input:
//  - parse_scenario never throws and fails only with invalid("bad_toml" | "bad_scenario"), never error;
//  - a success passes validate() again, has at least one phase and 2 <= t <= n, and its stress path is a finite
//    value in [0, 1] with a positive price at every phase boundary and in between.
// Seeds (fuzz/corpus/lab_scenario/): the reference scenarios, the functional-test scenario, and broken variants
// (syntax error, unknown key, wrong type, out-of-range value, inconsistent committee).
#include <cmath>
#include <string_view>

#include "credence/lab/scenario.h"
#include "credence/lab/simulation.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using credence::fuzz::require;
  namespace lab = credence::lab;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto s = lab::parse_scenario(text);
  if (!s.ok()) {
    require(s.status().is_invalid());
    require(s.status().code() == "bad_toml" || s.status().code() == "bad_scenario");
    return 0;
  }
  require(lab::validate(*s).is_ok());
  require(!s->phases.empty());
  require(s->protocol.t >= 2 && s->protocol.t <= s->protocol.n);
  const double d = s->duration();
  require(d > 0 && std::isfinite(d));
  for (int k = 0; k <= 16; ++k) {
    const lab::Exogenous e = lab::exogenous_at(*s, d * k / 16);
    require(std::isfinite(e.stress) && e.stress >= 0 && e.stress <= 1);
    require(e.price > 0 && std::isfinite(e.price));
    require(e.phase < s->phases.size());
  }
  return 0;
}
