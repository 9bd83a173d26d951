// Unit and vector tests of core/vesting.h: TokenTable's simulateAmountClaimable on the worked presets of
// tests/vectors/core/tokentable_vesting.json, one test per validation reason, the exact formulas on hand-worked
// cases, the Sablier imports, and the canonical encoding and JSON view (golden bytes, strictness, round trips).
#include "credence/core/vesting.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "credence/codec/hex.h"
#include "vectors.h"

namespace credence::core {
namespace {

using codec::U256;

constexpr std::uint64_t kMax64 = std::numeric_limits<std::uint64_t>::max();

U256 u(std::uint64_t v) {
  return U256::from_u64(v);
}

U256 parse_u256(const nlohmann::json& j) {
  EXPECT_TRUE(j.is_string()) << j.dump();
  auto v = U256::parse_decimal(j.is_string() ? j.get<std::string>() : "x");
  EXPECT_TRUE(v.ok()) << j.dump();
  return v.ok() ? *v : U256();
}

std::vector<U256> parse_u256_list(const nlohmann::json& j) {
  std::vector<U256> out;
  EXPECT_TRUE(j.is_array());
  for (const auto& e : j) out.push_back(parse_u256(e));
  return out;
}

std::string code_of(const Status& s) {
  return s.is_ok() ? "ok" : s.code();
}

template <typename T>
std::string code_of(const Result<T>& r) {
  return code_of(r.status());
}

// ---------------------------------------------------------------------------------------------------------------
// TokenTable vectors

TEST(TokenTableVesting, Vectors) {
  auto cases = test::load_vectors("core/tokentable_vesting.json");
  ASSERT_FALSE(cases.empty());
  for (auto& c : cases) {
    SCOPED_TRACE(c.where() + " — " + c.str("note"));
    TokenTablePreset preset;
    preset.starts = parse_u256_list(c.raw("starts"));
    preset.end = parse_u256(c.raw("end"));
    preset.bips = parse_u256_list(c.raw("bips"));
    preset.unlocks = parse_u256_list(c.raw("unlocks"));
    preset.stream = c.boolean("stream");
    const TokenTableActual actual{parse_u256(c.raw("start")), parse_u256(c.raw("amount_claimed")),
                                  parse_u256(c.raw("total"))};
    const std::string import_verdict = c.str("import");
    ASSERT_TRUE(actual.start.fits_u64());
    auto imported = schedule_from_tokentable(preset, actual.start.low_u64());
    EXPECT_EQ(code_of(imported), import_verdict);
    Schedule exact_schedule;
    if (imported.ok()) {
      auto& seg = std::get<SegmentedVesting>(imported->curve);
      EXPECT_EQ(seg.precision, VestingPrecision::tokentable);
      exact_schedule = *imported;
      std::get<SegmentedVesting>(exact_schedule.curve).precision = VestingPrecision::exact;
    }

    const auto& checks = c.raw("checks");
    ASSERT_TRUE(checks.is_array() && !checks.empty());
    for (const auto& check_json : checks) {
      auto check = codec::ObjectReader::make(check_json, "check");
      ASSERT_TRUE(check.ok());
      auto t_text = check->string("t");
      ASSERT_TRUE(t_text.ok());
      SCOPED_TRACE("t = " + *t_text);
      const U256 t = *U256::parse_decimal(*t_text);
      auto got = tokentable_claimable(preset, actual, t);
      if (check->has("error")) {
        EXPECT_EQ(code_of(got), *check->string("error"));
      } else {
        ASSERT_TRUE(got.ok()) << got.status().to_string();
        EXPECT_EQ(got->delta.to_decimal(), *check->string("delta"));
        EXPECT_EQ(got->updated_claimed.to_decimal(), *check->string("updated_claimed"));
      }
      if (imported.ok()) {
        ASSERT_TRUE(t.fits_u64());
        auto tokentable_vested = vested(*imported, actual.total, t.low_u64());
        ASSERT_TRUE(tokentable_vested.ok()) << tokentable_vested.status().to_string();
        EXPECT_EQ(tokentable_vested->to_decimal(), *check->string("tokentable_vested"));
        auto native_vested = vested(exact_schedule, actual.total, t.low_u64());
        ASSERT_TRUE(native_vested.ok()) << native_vested.status().to_string();
        EXPECT_EQ(native_vested->to_decimal(), *check->string("native_vested"));
        if (got.ok()) {
          // The imported schedule's claimable amount is TokenTable's delta wherever TokenTable answers.
          auto mine = claimable(*imported, actual.total, actual.amount_claimed, t.low_u64());
          ASSERT_TRUE(mine.ok());
          EXPECT_EQ(*mine, got->delta);
        }
      }
      EXPECT_TRUE(check->finish().is_ok()) << check->finish().to_string();
    }
  }
}

TEST(TokenTableVesting, UnlockCountsOfAStreamPresetAreIgnoredButChecked) {
  TokenTablePreset p;
  p.starts = {u(0), u(10)};
  p.end = u(40);
  p.bips = {u(2000), u(8000)};
  p.unlocks = {u(1), u(3)};
  p.stream = true;
  auto s = schedule_from_tokentable(p, 100);
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  const auto& seg = std::get<SegmentedVesting>(s->curve);
  EXPECT_EQ(seg.segments[0].unlocks, 10u);  // one per second
  EXPECT_EQ(seg.segments[1].unlocks, 30u);
  p.unlocks = {u(0), u(3)};
  EXPECT_EQ(code_of(schedule_from_tokentable(p, 100)), "zero_unlocks");
}

TEST(TokenTableVesting, FieldsOutOfRangeAreRejected) {
  TokenTablePreset p;
  p.starts = {u(0)};
  p.end = U256::power_of_two(64);
  p.bips = {u(10000)};
  p.unlocks = {u(1)};
  EXPECT_EQ(code_of(schedule_from_tokentable(p, 0)), "value_out_of_range");
  p.end = u(10);
  p.bips = {u(70000)};
  EXPECT_EQ(code_of(schedule_from_tokentable(p, 0)), "value_out_of_range");
  p.bips = {u(10000)};
  p.unlocks = {U256::power_of_two(70)};
  EXPECT_EQ(code_of(schedule_from_tokentable(p, 0)), "value_out_of_range");
}

// ---------------------------------------------------------------------------------------------------------------
// Validation: one reason per defect

Schedule segmented_base() {
  SegmentedVesting s;
  s.segments = {{0, 0, 1}, {100, 2500, 1}, {101, 7500, 12}};
  s.end = 221;
  return Schedule{1000, s};
}

Schedule linear_base() {
  LinearVesting l;
  l.end = 100;
  l.cliff = 10;
  l.start_unlock = u(5);
  l.cliff_unlock = u(20);
  return Schedule{1000, l};
}

Schedule tranched_base() {
  TranchedVesting v;
  v.tranches = {{0, u(10)}, {50, u(20)}, {100, u(70)}};
  return Schedule{1000, v};
}

SegmentedVesting& seg_of(Schedule& s) {
  return std::get<SegmentedVesting>(s.curve);
}
LinearVesting& lin_of(Schedule& s) {
  return std::get<LinearVesting>(s.curve);
}
TranchedVesting& tr_of(Schedule& s) {
  return std::get<TranchedVesting>(s.curve);
}

TEST(VestingValidation, BaseSchedulesAreValid) {
  EXPECT_TRUE(validate_schedule(segmented_base(), u(1'000'000)).is_ok());
  EXPECT_TRUE(validate_schedule(linear_base(), u(1000)).is_ok());
  EXPECT_TRUE(validate_schedule(tranched_base(), u(100)).is_ok());
}

struct Defect {
  const char* name;
  Schedule schedule;
  U256 total;
  const char* reason;
};

// One mutation of a valid base schedule per defect.
std::vector<Defect> defects() {
  std::vector<Defect> d;
  const U256 big = u(1'000'000);
  auto segmented = [&](const char* name, const char* reason, auto mutate) {
    Schedule s = segmented_base();
    mutate(s, seg_of(s));
    d.push_back({name, std::move(s), big, reason});
  };
  auto linear = [&](const char* name, const char* reason, U256 total, auto mutate) {
    Schedule s = linear_base();
    mutate(s, lin_of(s));
    d.push_back({name, std::move(s), total, reason});
  };
  auto tranched = [&](const char* name, const char* reason, U256 total, auto mutate) {
    Schedule s = tranched_base();
    mutate(s, tr_of(s));
    d.push_back({name, std::move(s), total, reason});
  };
  using Seg = SegmentedVesting;
  using Lin = LinearVesting;
  using Tr = TranchedVesting;
  segmented("no segments", "no_segments", [](Schedule&, Seg& v) { v.segments.clear(); });
  segmented("257 segments", "too_many_segments", [](Schedule&, Seg& v) {
    v.segments.clear();
    for (std::uint64_t i = 0; i <= kMaxVestingSegments; ++i) {
      v.segments.push_back({i, static_cast<std::uint16_t>(i == 0 ? kBasisPoints : 0), 1});
    }
    v.end = kMaxVestingSegments + 1;
  });
  segmented("shares sum to 9999", "share_sum_mismatch", [](Schedule&, Seg& v) { v.segments[2].share_bps = 7499; });
  segmented("shares sum to 10001", "share_sum_mismatch", [](Schedule&, Seg& v) { v.segments[2].share_bps = 7501; });
  segmented("equal offsets", "segment_offsets_not_increasing", [](Schedule&, Seg& v) { v.segments[2].offset = 100; });
  segmented("decreasing offsets", "segment_offsets_not_increasing",
            [](Schedule&, Seg& v) { v.segments[1].offset = 0; });
  segmented("last segment starts at the end", "segment_not_before_end", [](Schedule&, Seg& v) { v.end = 101; });
  segmented("zero unlocks", "zero_unlocks", [](Schedule&, Seg& v) { v.segments[2].unlocks = 0; });
  segmented("2 unlocks in 1 s", "unlocks_exceed_length", [](Schedule&, Seg& v) { v.segments[1].unlocks = 2; });
  segmented("end past 2^64", "time_overflow", [](Schedule& s, Seg&) { s.start = kMax64 - 220; });
  segmented("unknown precision", "unknown_precision",
            [](Schedule&, Seg& v) { v.precision = static_cast<VestingPrecision>(7); });
  segmented("TokenTable precision with 250,000 steps", "tokentable_step_overshoot", [](Schedule&, Seg& v) {
    v = Seg{{{0, kBasisPoints, 250'000}}, 300'000, VestingPrecision::tokentable};
  });
  linear("no duration", "empty_duration", big, [](Schedule&, Lin& l) { l = Lin{}; });
  linear("cliff at the end", "cliff_not_before_end", big, [](Schedule&, Lin& l) { l.cliff = 100; });
  linear("cliff unlock without a cliff", "cliff_unlock_without_cliff", big, [](Schedule&, Lin& l) { l.cliff = 0; });
  linear("end past 2^64", "time_overflow", big, [](Schedule& s, Lin&) { s.start = kMax64 - 99; });
  linear("unlocks above the total", "unlock_exceeds_total", u(24), [](Schedule&, Lin&) {});
  linear("unlock amounts overflow", "unlock_exceeds_total", U256::max(),
         [](Schedule&, Lin& l) { l.start_unlock = U256::max(); });
  tranched("no tranches", "no_tranches", big, [](Schedule&, Tr& v) { v.tranches.clear(); });
  tranched("257 tranches", "too_many_tranches", u(kMaxVestingTranches + 1), [](Schedule&, Tr& v) {
    v.tranches.clear();
    for (std::uint64_t i = 0; i <= kMaxVestingTranches; ++i) v.tranches.push_back({i, u(1)});
  });
  tranched("equal offsets", "tranche_offsets_not_increasing", u(100),
           [](Schedule&, Tr& v) { v.tranches[2].offset = 50; });
  tranched("empty tranche", "zero_tranche_amount", u(80), [](Schedule&, Tr& v) { v.tranches[1].amount = U256(); });
  tranched("amounts overflow", "tranche_sum_overflow", U256::max(),
           [](Schedule&, Tr& v) { v.tranches[0].amount = U256::max(); });
  tranched("sum below the total", "tranche_sum_mismatch", u(101), [](Schedule&, Tr&) {});
  tranched("sum above the total", "tranche_sum_mismatch", u(99), [](Schedule&, Tr&) {});
  tranched("last tranche past 2^64", "time_overflow", u(100), [](Schedule& s, Tr&) { s.start = kMax64 - 99; });
  return d;
}

TEST(VestingValidation, EachDefectHasItsReason) {
  for (const auto& d : defects()) {
    SCOPED_TRACE(d.name);
    EXPECT_EQ(code_of(validate_schedule(d.schedule, d.total)), d.reason);
    // Every evaluation refuses the schedule with the same reason.
    EXPECT_EQ(code_of(vested(d.schedule, d.total, 1500)), d.reason);
    EXPECT_EQ(code_of(claimable(d.schedule, d.total, U256(), 1500)), d.reason);
  }
}

TEST(VestingValidation, ShapeChecksDoNotNeedTheTotal) {
  // The amount checks are the only ones validate_schedule(schedule) leaves out.
  EXPECT_TRUE(validate_schedule(linear_base()).is_ok());
  EXPECT_TRUE(validate_schedule(tranched_base()).is_ok());
  for (const auto& d : defects()) {
    SCOPED_TRACE(d.name);
    const std::string reason = d.reason;
    if (reason == "unlock_exceeds_total" || reason == "tranche_sum_mismatch") continue;
    EXPECT_EQ(code_of(validate_schedule(d.schedule)), reason);
  }
}

TEST(VestingValidation, ClaimedAboveTotal) {
  EXPECT_EQ(code_of(claimable(tranched_base(), u(100), u(101), 5000)), "claimed_exceeds_total");
}

TEST(VestingValidation, EndAndTrancheTotal) {
  EXPECT_EQ(*schedule_end(segmented_base()), 1221u);
  EXPECT_EQ(*schedule_end(linear_base()), 1100u);
  EXPECT_EQ(*schedule_end(tranched_base()), 1100u);
  EXPECT_EQ(*tranched_total(tranched_base()), u(100));
  EXPECT_EQ(code_of(tranched_total(linear_base())), "not_tranched");
  Schedule bad = segmented_base();
  seg_of(bad).end = 5;
  EXPECT_EQ(code_of(schedule_end(bad)), "segment_not_before_end");
}

// ---------------------------------------------------------------------------------------------------------------
// Exact formulas on hand-worked cases

U256 vested_at(const Schedule& s, std::uint64_t total, std::uint64_t t) {
  auto v = vested(s, u(total), t);
  EXPECT_TRUE(v.ok()) << v.status().to_string();
  return v.ok() ? *v : U256::max();
}

// vested(s, total, t) at each (t, expected) point.
void expect_vested(const Schedule& s, std::uint64_t total,
                   std::initializer_list<std::pair<std::uint64_t, std::uint64_t>> points) {
  for (const auto& [t, expected] : points) EXPECT_EQ(vested_at(s, total, t), u(expected)) << "t = " << t;
}

TEST(VestingExact, SegmentedStepsFallOnTheFirstSecondAtOrAfterTheirTime) {
  // 3 steps over 10 s: at 10/3 → 4 s, 20/3 → 7 s, 10 s.
  SegmentedVesting v;
  v.segments = {{0, kBasisPoints, 3}};
  v.end = 10;
  const Schedule s{500, v};
  expect_vested(s, 900,
                {{0, 0},
                 {499, 0},
                 {500, 0},
                 {503, 0},
                 {504, 300},
                 {506, 300},
                 {507, 600},
                 {509, 600},
                 {510, 900},
                 {kMax64, 900}});
}

TEST(VestingExact, SegmentedRoundsDownAndReachesTheTotalAtTheEnd) {
  // A cliff segment, then 1/3 of the share streamed per second over 3 s: total 10 → floor(10/3), floor(20/3), 10.
  SegmentedVesting v;
  v.segments = {{0, 0, 1}, {5, kBasisPoints, 3}};
  v.end = 8;
  const Schedule s{0, v};
  expect_vested(s, 10, {{5, 0}, {6, 3}, {7, 6}, {8, 10}});
  // Shares that do not divide the total: 1 bp of 9999 is 0.9999 → 0.
  SegmentedVesting w;
  w.segments = {{0, 1, 1}, {1, 9999, 1}};
  w.end = 2;
  expect_vested(Schedule{0, w}, 9999, {{1, 0}, {2, 9999}});
}

TEST(VestingExact, SegmentedWithTheLargestTotal) {
  SegmentedVesting v;
  v.segments = {{0, 3333, 1}, {1, 6667, 7}};
  v.end = 8;
  const Schedule s{0, v};
  auto at = [&](std::uint64_t t) { return *vested(s, U256::max(), t); };
  EXPECT_EQ(at(1), *codec::mul_div(U256::max(), u(3333), u(10000)));
  EXPECT_EQ(at(2), *codec::mul_div(U256::max(), u(3333 * 7 + 6667), u(70000)));
  EXPECT_EQ(at(8), U256::max());
}

TEST(VestingExact, LinearWithCliffFollowsSablier) {
  // start unlock 5, cliff at 10 s unlocking 20 more, the other 75 streamed from 10 s to 100 s.
  const Schedule s = linear_base();
  expect_vested(s, 100,
                {{999, 0},
                 {1000, 5},
                 {1009, 5},
                 {1010, 25},
                 {1011, 25},  // floor(75/90)
                 {1055, 62},  // 25 + floor(75·45/90) = 25 + 37
                 {1099, 99},  // 25 + floor(75·89/90) = 25 + 74
                 {1100, 100}});
  // Without a cliff streaming starts at the start.
  Schedule plain = linear_base();
  lin_of(plain).cliff = 0;
  lin_of(plain).cliff_unlock = U256();
  expect_vested(plain, 105, {{1000, 5}, {1050, 55}});
  // Unlock amounts equal to the total vest everything at the cliff.
  EXPECT_EQ(vested_at(linear_base(), 25, 1010), u(25));
}

TEST(VestingExact, TranchedReleasesEachAmountAtItsOffset) {
  const Schedule s = tranched_base();
  expect_vested(s, 100, {{999, 0}, {1000, 10}, {1049, 10}, {1050, 30}, {1100, 100}});
}

TEST(VestingExact, ClaimableSaturatesBelowASkipAmount) {
  const Schedule s = tranched_base();
  EXPECT_EQ(*claimable(s, u(100), u(25), 1000), U256());  // vested 10 < claimed 25
  EXPECT_EQ(*claimable(s, u(100), u(25), 1050), u(5));
  EXPECT_EQ(*claimable(s, u(100), u(100), 2000), U256());
}

// ---------------------------------------------------------------------------------------------------------------
// Sablier imports

TEST(SablierImport, LinearAndTranched) {
  auto l = schedule_from_sablier_linear(1000, 1010, 1100, u(5), u(20));
  ASSERT_TRUE(l.ok()) << l.status().to_string();
  EXPECT_EQ(*l, linear_base());
  auto none = schedule_from_sablier_linear(1000, 0, 1100, u(5), U256());
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(lin_of(*none).cliff, 0u);
  EXPECT_EQ(code_of(schedule_from_sablier_linear(1000, 1000, 1100, u(5), u(1))), "cliff_at_start");
  EXPECT_EQ(code_of(schedule_from_sablier_linear(1000, 999, 1100, u(5), u(1))), "time_before_start");
  EXPECT_EQ(code_of(schedule_from_sablier_linear(1000, 0, 999, u(5), U256())), "time_before_start");
  EXPECT_EQ(code_of(schedule_from_sablier_linear(1000, 1100, 1100, u(5), u(1))), "cliff_not_before_end");
  EXPECT_EQ(code_of(schedule_from_sablier_linear(1000, 0, 1000, U256(), U256())), "empty_duration");

  auto t = schedule_from_sablier_tranched(1000, {{1000, u(10)}, {1050, u(20)}, {1100, u(70)}});
  ASSERT_TRUE(t.ok()) << t.status().to_string();
  EXPECT_EQ(*t, tranched_base());
  EXPECT_EQ(code_of(schedule_from_sablier_tranched(1000, {{999, u(10)}})), "time_before_start");
  EXPECT_EQ(code_of(schedule_from_sablier_tranched(1000, {{1050, u(10)}, {1050, u(1)}})),
            "tranche_offsets_not_increasing");
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding and JSON

// Golden bytes worked from docs/vesting.md "Encoding" (an independent Python encoder of the spec).
constexpr const char* kSegmentedHex =
    "1963726564656e63652f76657374696e672d7363686564756c650100000000000003e8010000000000000000dd03000000000000000000"
    "000000000000000001000000000000006409c4000000000000000100000000000000651d4c000000000000000c";
constexpr const char* kLinearHex =
    "1963726564656e63652f76657374696e672d7363686564756c650100000000000003e8020000000000000064000000000000000a000000"
    "0000000000000000000000000000000000000000000000000000000005000000000000000000000000000000000000000000000000000"
    "0000000000014";
constexpr const char* kTranchedHex =
    "1963726564656e63652f76657374696e672d7363686564756c650100000000000003e8030300000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000a00000000000000320000000000000000000000000000000000000000000000000"
    "00000000000001400000000000000640000000000000000000000000000000000000000000000000000000000000046";

TEST(VestingEncoding, GoldenBytes) {
  EXPECT_EQ(codec::hex_encode(encode(segmented_base())), kSegmentedHex);
  EXPECT_EQ(codec::hex_encode(encode(linear_base())), kLinearHex);
  EXPECT_EQ(codec::hex_encode(encode(tranched_base())), kTranchedHex);
  for (const Schedule& s : {segmented_base(), linear_base(), tranched_base()}) {
    auto back = decode_schedule(encode(s));
    ASSERT_TRUE(back.ok()) << back.status().to_string();
    EXPECT_EQ(*back, s);
  }
}

Bytes golden(const char* hex) {
  return *codec::hex_decode(hex);
}

TEST(VestingEncoding, DecoderIsStrict) {
  Bytes b = golden(kSegmentedHex);
  b.push_back(0);
  EXPECT_EQ(code_of(decode_schedule(b)), "trailing_bytes");
  b = golden(kSegmentedHex);
  b.pop_back();
  EXPECT_EQ(code_of(decode_schedule(b)), "truncated");
  b = golden(kSegmentedHex);
  b[1] = 'x';  // the tag
  EXPECT_EQ(code_of(decode_schedule(b)), "bad_tag");
  b = golden(kSegmentedHex);
  b[26] = 2;  // the version
  EXPECT_EQ(code_of(decode_schedule(b)), "unsupported_version");
  const std::size_t kind_at = 1 + 25 + 1 + 8;
  b = golden(kSegmentedHex);
  b[kind_at] = 4;
  EXPECT_EQ(code_of(decode_schedule(b)), "unknown_schedule_kind");
  b = golden(kSegmentedHex);
  b[kind_at + 1] = 2;  // precision
  EXPECT_EQ(code_of(decode_schedule(b)), "unknown_precision");
  b = golden(kSegmentedHex);
  b[kind_at + 1 + 8] = 0x65;  // end 0xdd → 0x65 = 101, where the last segment starts
  EXPECT_EQ(code_of(decode_schedule(b)), "segment_not_before_end");
  b = golden(kSegmentedHex);
  b[b.size() - 8 - 2] = 0x1e;  // the last share 7500 (0x1d4c) → 7756
  EXPECT_EQ(code_of(decode_schedule(b)), "share_sum_mismatch");
  // A count the input cannot hold is refused before anything is allocated.
  b = golden(kTranchedHex);
  b[kind_at + 1] = 0x7f;
  EXPECT_EQ(code_of(decode_schedule(b)), "truncated");
}

TEST(VestingEncoding, DecoderRefusesTooManyElementsAndEmbeddedBodiesRoundTrip) {
  Schedule s = tranched_base();
  tr_of(s).tranches.clear();
  for (std::uint64_t i = 0; i <= kMaxVestingTranches; ++i) tr_of(s).tranches.push_back({i, u(1)});
  codec::Writer w("credence/vesting-schedule", 1);
  w.u64(s.start).u8(3).varint(tr_of(s).tranches.size());
  for (const auto& t : tr_of(s).tranches) w.u64(t.offset).raw(t.amount.to_be_bytes());
  EXPECT_EQ(code_of(decode_schedule(w.data())), "too_many_tranches");

  codec::Writer body;
  write_schedule(body, linear_base());
  body.u8(0xaa);  // whatever follows in the enclosing message
  codec::Reader r(body.data());
  auto back = read_schedule(r);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, linear_base());
  EXPECT_EQ(*r.u8(), 0xaa);
  EXPECT_TRUE(r.finish().is_ok());
}

TEST(VestingJson, ViewsRoundTrip) {
  Schedule tt = segmented_base();
  seg_of(tt).precision = VestingPrecision::tokentable;
  for (const Schedule& s : {segmented_base(), tt, linear_base(), tranched_base()}) {
    const codec::Json j = to_json(s);
    auto back = schedule_from_json(j);
    ASSERT_TRUE(back.ok()) << back.status().to_string() << " " << j.dump();
    EXPECT_EQ(*back, s);
    // And through text.
    auto reparsed = codec::parse_json(codec::dump_json(j));
    ASSERT_TRUE(reparsed.ok());
    EXPECT_EQ(*schedule_from_json(*reparsed), s);
  }
  EXPECT_EQ(codec::dump_json(to_json(tranched_base())),
            R"({"kind":"tranched","start":1000,"tranches":[{"amount":"10","offset":0},{"amount":"20","offset":50},)"
            R"({"amount":"70","offset":100}]})");
  EXPECT_EQ(codec::dump_json(to_json(linear_base())),
            R"({"cliff":10,"cliff_unlock":"20","end":100,"kind":"linear","start":1000,"start_unlock":"5"})");
}

TEST(VestingJson, ReaderIsStrict) {
  auto parse = [](const char* text) { return schedule_from_json(*codec::parse_json(text)); };
  EXPECT_EQ(code_of(parse(R"({"kind":"tranched","start":1,"tranches":[{"amount":"10","offset":0}]})")), "ok");
  EXPECT_EQ(code_of(parse(R"({"kind":"tranched","start":1,"tranches":[{"amount":"10","offset":0}],"end":5})")),
            "unknown_field");
  EXPECT_EQ(code_of(parse(R"({"kind":"tranched","start":1,"tranches":[{"amount":"10","offset":0,"x":1}]})")),
            "unknown_field");
  EXPECT_EQ(code_of(parse(R"({"kind":"tranched","start":1,"tranches":[{"amount":10,"offset":0}]})")), "bad_field");
  EXPECT_EQ(code_of(parse(R"({"kind":"tranched","start":1,"tranches":[{"amount":"-1","offset":0}]})")), "bad_field");
  EXPECT_EQ(code_of(parse(R"({"kind":"tranched","start":1,"tranches":{}})")), "bad_field");
  EXPECT_EQ(code_of(parse(R"({"kind":"tranched","tranches":[{"amount":"1","offset":0}]})")), "missing_field");
  EXPECT_EQ(code_of(parse(R"({"kind":"cubic","start":1})")), "unknown_schedule_kind");
  EXPECT_EQ(code_of(parse(R"({"kind":"linear","start":1,"end":10,"cliff":0,"start_unlock":"1"})")), "missing_field");
  EXPECT_EQ(code_of(parse(R"({"kind":"linear","start":1,"end":10,"cliff":10,"start_unlock":"1","cliff_unlock":"0"})")),
            "cliff_not_before_end");
  EXPECT_EQ(code_of(parse(R"({"kind":"segmented","start":1,"precision":"fast","end":10,"segments":[]})")), "bad_field");
  EXPECT_EQ(code_of(parse(R"({"kind":"segmented","start":1,"precision":"exact","end":10,)"
                          R"("segments":[{"offset":0,"share_bps":70000,"unlocks":1}]})")),
            "bad_field");
  EXPECT_EQ(code_of(parse(R"({"kind":"segmented","start":1,"precision":"exact","end":10,)"
                          R"("segments":[{"offset":0,"share_bps":9000,"unlocks":1}]})")),
            "share_sum_mismatch");
}

}  // namespace
}  // namespace credence::core
