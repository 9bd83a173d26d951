// Property tests of core/vesting.h against simple reference models written here from docs/vesting.md and
// REFERENCES §4 — with 128-bit integers and loops instead of U256 and floor divisions — over random valid schedules:
//   - vested is 0 before the start, the total from schedule_end on, never above the total, monotone in t;
//   - exact segmented schedules match a per-step model (each step released at the first second at or after its
//     time, every segment summed, one common denominator);
//   - linear schedules match the formula and stay within one unit (plus total / 10^18) above Sablier's UD60x18
//     arithmetic; tranched schedules match a plain sum;
//   - TokenTable precision matches a line-by-line model of simulateAmountClaimable, and tokentable_claimable on the
//     preset gives the same amounts;
//   - sequences of claims never exceed the total and reach it at the end;
//   - encode/decode and the JSON view round-trip.
// Rapidcheck prints the seed that replays a failure (RC_PARAMS="reproduce=…").
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <limits>
#include <numeric>
#include <vector>

#include "credence/core/vesting.h"

namespace credence::core {
namespace {

using codec::U256;
__extension__ typedef unsigned __int128 u128;  // NOLINT(modernize-use-using): __extension__ needs typedef

U256 from_u128(u128 v) {
  return U256::from_limbs({static_cast<std::uint64_t>(v), static_cast<std::uint64_t>(v >> 64), 0, 0});
}

// ---- generators

// Shares summing to 10,000 over m segments (some may be 0).
std::vector<std::uint16_t> random_shares(std::size_t m) {
  std::vector<std::uint16_t> cuts;
  for (std::size_t i = 0; i + 1 < m; ++i) cuts.push_back(*rc::gen::inRange<std::uint16_t>(0, kBasisPoints + 1));
  cuts.push_back(0);
  cuts.push_back(kBasisPoints);
  std::sort(cuts.begin(), cuts.end());
  std::vector<std::uint16_t> shares;
  for (std::size_t i = 1; i < cuts.size(); ++i) shares.push_back(static_cast<std::uint16_t>(cuts[i] - cuts[i - 1]));
  return shares;
}

// A valid segmented schedule: ≤ 5 segments, lengths ≤ max_length, unlocks ≤ max_unlocks (or per second).
Schedule random_segmented(VestingPrecision precision, std::uint64_t max_length, std::uint64_t max_unlocks) {
  const auto m = *rc::gen::inRange<std::size_t>(1, 6);
  const auto shares = random_shares(m);
  SegmentedVesting s;
  s.precision = precision;
  std::uint64_t at = *rc::gen::inRange<std::uint64_t>(0, 100);
  for (std::size_t i = 0; i < m; ++i) {
    const auto length = *rc::gen::inRange<std::uint64_t>(1, max_length + 1);
    std::uint64_t unlocks = *rc::gen::inRange<std::uint64_t>(1, std::min(length, max_unlocks) + 1);
    if (precision == VestingPrecision::tokentable && unlocks >= kMaxTokenTableStepUnlocks) unlocks = length;
    if (*rc::gen::inRange(0, 4) == 0) unlocks = length;  // streaming
    s.segments.push_back({at, shares[i], unlocks});
    at += length;
  }
  s.end = at;
  return Schedule{*rc::gen::inRange<std::uint64_t>(0, 1ULL << 40), s};
}

U256 random_u256(unsigned max_bits) {
  const auto bits = *rc::gen::inRange<unsigned>(0, max_bits + 1);
  if (bits == 0) return U256();
  U256::Limbs limbs{};
  for (auto& limb : limbs) limb = *rc::gen::inRange<std::uint64_t>(0, std::numeric_limits<std::uint64_t>::max());
  return U256::from_limbs(limbs) >> (256 - bits);
}

Schedule random_linear(const U256& total) {
  LinearVesting l;
  l.end = *rc::gen::inRange<std::uint64_t>(1, 5000);
  if (*rc::gen::inRange(0, 2) == 0) {
    l.cliff = *rc::gen::inRange<std::uint64_t>(1, l.end + 1) % l.end;  // may be 0 = no cliff
  }
  const auto a = *rc::gen::inRange<std::uint64_t>(0, 1001);
  const auto b = l.cliff == 0 ? 0 : *rc::gen::inRange<std::uint64_t>(0, 1001 - a);
  l.start_unlock = *codec::mul_div(total, U256::from_u64(a), U256::from_u64(1000));
  l.cliff_unlock = *codec::mul_div(total, U256::from_u64(b), U256::from_u64(1000));
  return Schedule{*rc::gen::inRange<std::uint64_t>(0, 1ULL << 40), l};
}

Schedule random_tranched(unsigned max_amount_bits) {
  TranchedVesting v;
  const auto n = *rc::gen::inRange<std::size_t>(1, 9);
  std::uint64_t at = *rc::gen::inRange<std::uint64_t>(0, 50);
  for (std::size_t i = 0; i < n; ++i) {
    U256 amount = random_u256(max_amount_bits);
    if (amount.is_zero()) amount = U256::from_u64(1);
    v.tranches.push_back({at, amount});
    at += *rc::gen::inRange<std::uint64_t>(1, 500);
  }
  return Schedule{*rc::gen::inRange<std::uint64_t>(0, 1ULL << 40), v};
}

// Any valid schedule with a total that fits it; totals up to 2^256 − 1.
std::pair<Schedule, U256> random_schedule_and_total(unsigned max_total_bits) {
  switch (*rc::gen::inRange(0, 4)) {
    case 0:
      return {random_segmented(VestingPrecision::exact, 2000, 64), random_u256(max_total_bits)};
    case 1:
      return {random_segmented(VestingPrecision::tokentable, 2000, 64), random_u256(max_total_bits)};
    case 2: {
      const U256 total = random_u256(max_total_bits);
      return {random_linear(total), total};
    }
    default: {
      Schedule s = random_tranched(max_total_bits > 3 ? max_total_bits - 3 : 1);  // ≤ 8 tranches cannot overflow
      return {s, *tranched_total(s)};
    }
  }
}

// ---- reference models (u128; totals < 2^40)

u128 model_segmented_exact(const SegmentedVesting& s, std::uint64_t start, u128 total, std::uint64_t t) {
  if (t < start) return 0;
  const u128 r = t - start;
  u128 denominator = kBasisPoints;
  for (const auto& seg : s.segments) denominator *= seg.unlocks;  // ≤ 10^4 · 2000^5 < 2^69
  u128 numerator = 0;
  for (std::size_t i = 0; i < s.segments.size(); ++i) {
    const auto& seg = s.segments[i];
    const u128 a = seg.offset;
    const u128 length = (i + 1 < s.segments.size() ? s.segments[i + 1].offset : s.end) - seg.offset;
    u128 steps = 0;
    for (u128 j = 1; j <= seg.unlocks; ++j) {
      if (a * seg.unlocks + j * length <= r * seg.unlocks) ++steps;  // released at a + j·length/unlocks
    }
    numerator += seg.share_bps * steps * (denominator / (u128{kBasisPoints} * seg.unlocks));
  }
  return total * numerator / denominator;  // < 2^40 · 2^69
}

// Line by line from REFERENCES §4 (valid presets only, so nothing reverts): the updated amount with claimed = 0.
u128 model_tokentable(const SegmentedVesting& s, std::uint64_t start, u128 total, std::uint64_t t) {
  const u128 tp = 100'000;
  const u128 dp = 100'000;
  const std::size_t m = s.segments.size();
  if (t < u128{start} + s.segments[0].offset) return 0;
  const u128 r = t - start;
  std::size_t i = 0;
  for (std::size_t j = 0; j < m; ++j) {
    if (s.segments[j].offset <= r) {
      i = j;
    } else {
      break;
    }
  }
  u128 acc = 0;
  for (std::size_t j = 0; j < i; ++j) acc += s.segments[j].share_bps * tp;
  u128 d = (i == m - 1 ? s.end : s.segments[i + 1].offset) - s.segments[i].offset;
  if (d == 0) d = 1;
  const u128 u = s.segments[i].unlocks;  // streaming segments already carry unlocks == d
  const u128 step = d * dp / u;
  const u128 k = (r - s.segments[i].offset) * dp / step;
  acc += s.segments[i].share_bps * tp * k / u;
  const u128 updated = acc * total / 10'000 / tp;
  return std::min(updated, total);
}

// Sablier LockupLinear with UD60x18: floor(floor(elapsed·10^18 / range) · streamable / 10^18).
u128 model_sablier_linear(const LinearVesting& l, std::uint64_t start, u128 total, std::uint64_t t) {
  if (t < start) return 0;
  const u128 r = t - start;
  if (l.cliff != 0 && r < l.cliff) return l.start_unlock.low_u64();
  if (r >= l.end) return total;
  const u128 unlocked = u128{l.start_unlock.low_u64()} + l.cliff_unlock.low_u64();
  if (unlocked >= total) return total;
  const u128 unit = 1'000'000'000'000'000'000ULL;
  const u128 percentage = (r - l.cliff) * unit / (l.end - l.cliff);
  return unlocked + percentage * (total - unlocked) / unit;
}

std::uint64_t random_time_around(const Schedule& s) {
  const std::uint64_t end = *schedule_end(s);
  const std::uint64_t from = s.start > 100 ? s.start - 100 : 0;
  return *rc::gen::inRange<std::uint64_t>(from, end + 101);
}

// ---- properties

RC_GTEST_PROP(VestingProperty, BoundsAndMonotonicity, ()) {
  const auto [schedule, total] = random_schedule_and_total(256);
  RC_ASSERT(validate_schedule(schedule, total).is_ok());
  const std::uint64_t end = *schedule_end(schedule);
  std::vector<std::uint64_t> times;
  for (int i = 0; i < 20; ++i) times.push_back(random_time_around(schedule));
  times.push_back(end);
  times.push_back(end - 1);
  times.push_back(std::numeric_limits<std::uint64_t>::max());
  if (schedule.start > 0) times.push_back(schedule.start - 1);
  std::sort(times.begin(), times.end());
  U256 previous;
  for (const std::uint64_t t : times) {
    auto v = vested(schedule, total, t);
    RC_ASSERT(v.ok());
    RC_ASSERT(*v <= total);
    RC_ASSERT(*v >= previous);
    if (t < schedule.start) RC_ASSERT(v->is_zero());
    if (t >= end) RC_ASSERT(*v == total);
    previous = *v;
  }
}

RC_GTEST_PROP(VestingProperty, ExactSegmentedMatchesThePerStepModel, ()) {
  const Schedule s = random_segmented(VestingPrecision::exact, 2000, 64);
  const std::uint64_t total = *rc::gen::inRange<std::uint64_t>(0, 1ULL << 40);
  const auto& seg = std::get<SegmentedVesting>(s.curve);
  for (int i = 0; i < 10; ++i) {
    const std::uint64_t t = random_time_around(s);
    const u128 want = model_segmented_exact(seg, s.start, total, t);
    RC_ASSERT(*vested(s, U256::from_u64(total), t) == from_u128(want));
  }
}

RC_GTEST_PROP(VestingProperty, TokenTablePrecisionMatchesTheContractModel, ()) {
  // Long segments too, so that per-second streaming and large step counts appear.
  const bool long_segments = *rc::gen::inRange(0, 2) == 0;
  const Schedule s =
      random_segmented(VestingPrecision::tokentable, long_segments ? 1'000'000 : 2000, long_segments ? 400'000 : 64);
  const std::uint64_t total = *rc::gen::inRange<std::uint64_t>(0, 1ULL << 40);
  const auto& seg = std::get<SegmentedVesting>(s.curve);
  const TokenTablePreset preset = tokentable_preset(seg);
  const TokenTableActual actual{U256::from_u64(s.start), U256(), U256::from_u64(total)};
  for (int i = 0; i < 10; ++i) {
    const std::uint64_t t = random_time_around(s);
    const U256 want = from_u128(model_tokentable(seg, s.start, total, t));
    RC_ASSERT(*vested(s, U256::from_u64(total), t) == want);
    auto raw = tokentable_claimable(preset, actual, U256::from_u64(t));
    RC_ASSERT(raw.ok());
    RC_ASSERT(raw->updated_claimed == want);
    RC_ASSERT(raw->delta == want);
  }
  // Monotone across every segment boundary, where a truncated step length could overshoot (kMaxTokenTableStepUnlocks).
  for (std::size_t i = 1; i < seg.segments.size(); ++i) {
    const std::uint64_t boundary = s.start + seg.segments[i].offset;
    RC_ASSERT(*vested(s, U256::from_u64(total), boundary - 1) <= *vested(s, U256::from_u64(total), boundary));
  }
  // The import of the same preset is this schedule.
  auto imported = schedule_from_tokentable(preset, s.start);
  RC_ASSERT(imported.ok());
  RC_ASSERT(*imported == s);
}

RC_GTEST_PROP(VestingProperty, LinearAndTranchedMatchTheirModels, ()) {
  const U256 total = U256::from_u64(*rc::gen::inRange<std::uint64_t>(0, 1ULL << 40));
  const Schedule linear = random_linear(total);
  const auto& l = std::get<LinearVesting>(linear.curve);
  for (int i = 0; i < 10; ++i) {
    const std::uint64_t t = random_time_around(linear);
    const u128 mine = vested(linear, total, t)->low_u64();
    u128 want = 0;
    if (t >= linear.start) {
      const u128 r = t - linear.start;
      const u128 unlocked = u128{l.start_unlock.low_u64()} + l.cliff_unlock.low_u64();
      if (l.cliff != 0 && r < l.cliff) {
        want = l.start_unlock.low_u64();
      } else if (r >= l.end) {
        want = total.low_u64();
      } else {
        want = unlocked + (total.low_u64() - unlocked) * (r - l.cliff) / (l.end - l.cliff);
      }
    }
    RC_ASSERT(mine == want);
    // Sablier's UD60x18 percentage rounds down once more: never above ours, at most 1 unit below (totals < 10^18).
    const u128 sablier = model_sablier_linear(l, linear.start, total.low_u64(), t);
    RC_ASSERT(sablier <= mine && mine - sablier <= 1);
  }
  const Schedule tranched = random_tranched(40);
  const U256 sum = *tranched_total(tranched);
  for (int i = 0; i < 10; ++i) {
    const std::uint64_t t = random_time_around(tranched);
    U256 want;
    for (const auto& x : std::get<TranchedVesting>(tranched.curve).tranches) {
      if (t >= tranched.start && x.offset <= t - tranched.start) want = *codec::checked_add(want, x.amount);
    }
    RC_ASSERT(*vested(tranched, sum, t) == want);
  }
}

RC_GTEST_PROP(VestingProperty, ClaimSequencesNeverExceedTheTotal, ()) {
  const auto [schedule, total] = random_schedule_and_total(256);
  const std::uint64_t end = *schedule_end(schedule);
  // An up-front (skip) amount sometimes, then claims at increasing times, then one after the end.
  U256 claimed;
  if (*rc::gen::inRange(0, 3) == 0) {
    const auto percent = *rc::gen::inRange<std::uint64_t>(0, 101);
    claimed = *codec::mul_div(total, U256::from_u64(percent), U256::from_u64(100));
  }
  std::vector<std::uint64_t> times;
  for (int i = 0; i < 12; ++i) times.push_back(random_time_around(schedule));
  std::sort(times.begin(), times.end());
  times.push_back(end);
  for (const std::uint64_t t : times) {
    auto delta = claimable(schedule, total, claimed, t);
    RC_ASSERT(delta.ok());
    claimed = *codec::checked_add(claimed, *delta);
    RC_ASSERT(claimed <= total);
    RC_ASSERT(claimed >= *vested(schedule, total, t));  // nothing left behind
  }
  RC_ASSERT(claimed == total);
  RC_ASSERT(claimable(schedule, total, claimed, end)->is_zero());
}

RC_GTEST_PROP(VestingProperty, EncodingAndJsonRoundTrip, ()) {
  const auto [schedule, total] = random_schedule_and_total(256);
  (void)total;
  const Bytes bytes = encode(schedule);
  auto decoded = decode_schedule(bytes);
  RC_ASSERT(decoded.ok());
  RC_ASSERT(*decoded == schedule);
  auto from_json = schedule_from_json(to_json(schedule));
  RC_ASSERT(from_json.ok());
  RC_ASSERT(*from_json == schedule);
}

}  // namespace
}  // namespace credence::core
