// The vesting schedule decoder (core/vesting.h). For every input:
//  - decode_schedule fails only with invalid(reason), never error;
//  - a success re-encodes to the input byte for byte, passes validate_schedule, and its JSON view round-trips to an
//    equal schedule, both as a JSON value and through JSON text;
//  - evaluated with a total it accepts (the tranche sum; 2^256 − 1 and 10^6 otherwise, linear unlock amounts scaled
//    to fit), vested is 0 before the start, the total from schedule_end on, never above the total and monotone over
//    a spread of times; claimable agrees with vested;
//  - a TokenTable-precision schedule gives tokentable_claimable's amounts on its preset (tokentable_preset), and
//    importing that preset gives the schedule back.
// Seeds (fuzz/corpus/vesting_schedule/): each kind (segmented exact and TokenTable precision, streaming, linear with
// and without a cliff, tranched), plus truncated and corrupted variants.
#include <algorithm>
#include <limits>
#include <vector>

#include "fuzz_support.h"
#include "credence/codec/json.h"
#include "credence/core/vesting.h"

namespace {

using credence::fuzz::require;

using namespace credence;
using namespace credence::core;
using codec::U256;

std::vector<U256> totals_for(const Schedule& s) {
  if (std::holds_alternative<TranchedVesting>(s.curve)) return {*tranched_total(s)};
  if (const auto* l = std::get_if<LinearVesting>(&s.curve)) {
    auto unlocked = codec::checked_add(l->start_unlock, l->cliff_unlock);
    if (!unlocked) return {};
    std::vector<U256> totals{*unlocked, U256::max()};
    if (auto more = codec::checked_add(*unlocked, U256::from_u64(1'000'000))) totals.push_back(*more);
    return totals;
  }
  return {U256::max(), U256::from_u64(1'000'000), U256()};
}

std::vector<std::uint64_t> times_for(const Schedule& s, std::uint64_t end) {
  std::vector<std::uint64_t> times{0, s.start, end, std::numeric_limits<std::uint64_t>::max()};
  if (s.start > 0) times.push_back(s.start - 1);
  if (end > 0) times.push_back(end - 1);
  for (std::uint64_t i = 1; i < 16; ++i) times.push_back(s.start + (end - s.start) / 16 * i);
  if (const auto* seg = std::get_if<SegmentedVesting>(&s.curve)) {
    for (const auto& x : seg->segments) {
      times.push_back(s.start + x.offset);
      if (s.start + x.offset > 0) times.push_back(s.start + x.offset - 1);
    }
  }
  std::sort(times.begin(), times.end());
  return times;
}

void check_tokentable(const Schedule& s, const SegmentedVesting& seg, const std::vector<std::uint64_t>& times) {
  const TokenTablePreset preset = tokentable_preset(seg);
  const U256 total = U256::from_u64(1'000'000);
  const TokenTableActual actual{U256::from_u64(s.start), U256(), total};
  for (const std::uint64_t t : times) {
    auto raw = tokentable_claimable(preset, actual, U256::from_u64(t));
    require(raw.ok());
    require(raw->updated_claimed == *vested(s, total, t));
  }
  auto imported = schedule_from_tokentable(preset, s.start);
  require(imported.ok() && *imported == s);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView input(data, size);
  auto decoded = decode_schedule(input);
  if (!decoded) {
    require(decoded.status().is_invalid() && !decoded.status().code().empty());
    return 0;
  }
  const Schedule& s = *decoded;
  require(encode(s) == Bytes(input.begin(), input.end()));
  require(validate_schedule(s).is_ok());
  const codec::Json json = to_json(s);
  auto back = schedule_from_json(json);
  require(back.ok() && *back == s);
  auto parsed = codec::parse_json(codec::dump_json(json));
  require(parsed.ok());
  auto back_text = schedule_from_json(*parsed);
  require(back_text.ok() && *back_text == s);

  auto end = schedule_end(s);
  require(end.ok());
  const std::vector<std::uint64_t> times = times_for(s, *end);
  for (const U256& total : totals_for(s)) {
    require(validate_schedule(s, total).is_ok());
    U256 previous;
    for (const std::uint64_t t : times) {
      auto v = vested(s, total, t);
      require(v.ok());
      require(*v <= total && *v >= previous);
      if (t < s.start) require(v->is_zero());
      if (t >= *end) require(*v == total);
      auto c = claimable(s, total, previous, t);
      require(c.ok() && *codec::checked_add(previous, *c) == *v);
      previous = *v;
    }
  }
  if (const auto* seg = std::get_if<SegmentedVesting>(&s.curve)) {
    if (seg->precision == VestingPrecision::tokentable) check_tokentable(s, *seg, times);
  }
  return 0;
}
