#include "credence/core/vesting.h"

#include <cassert>
#include <limits>
#include <string>
#include <utility>

namespace credence::core {

using codec::U256;

namespace {

constexpr std::string_view kScheduleTag = "credence/vesting-schedule";
constexpr std::uint8_t kScheduleVersion = 1;

enum class Kind : std::uint8_t { segmented = 1, linear = 2, tranched = 3 };

// TokenTable's constants (TokenTableUnlockerV2: BIPS_PRECISION, token and duration precision).
constexpr std::uint64_t kTokenTableBips = 10'000;
constexpr std::uint64_t kTokenTableTokenPrecision = 100'000;
constexpr std::uint64_t kTokenTableDurationPrecision = 100'000;

Status bad(const char* code, std::string message) {
  return Status::invalid(code, std::move(message));
}

// start + offset fits in 64 bits.
bool fits_after(std::uint64_t start, std::uint64_t offset) {
  return offset <= std::numeric_limits<std::uint64_t>::max() - start;
}

// The length of segment i of a (shape-valid) segmented schedule.
std::uint64_t segment_length(const SegmentedVesting& s, std::size_t i) {
  const std::uint64_t next = i + 1 < s.segments.size() ? s.segments[i + 1].offset : s.end;
  return next - s.segments[i].offset;
}

Status validate_segmented(std::uint64_t start, const SegmentedVesting& s) {
  if (s.segments.empty()) return bad("no_segments", "a segmented schedule needs at least one segment");
  if (s.segments.size() > kMaxVestingSegments) {
    return bad("too_many_segments", "more than " + std::to_string(kMaxVestingSegments) + " segments");
  }
  if (s.precision != VestingPrecision::exact && s.precision != VestingPrecision::tokentable) {
    return bad("unknown_precision", "precision " + std::to_string(static_cast<unsigned>(s.precision)));
  }
  std::uint32_t shares = 0;
  for (std::size_t i = 0; i < s.segments.size(); ++i) {
    shares += s.segments[i].share_bps;
    if (i > 0 && s.segments[i].offset <= s.segments[i - 1].offset) {
      return bad("segment_offsets_not_increasing",
                 "segment " + std::to_string(i) + " does not start after segment " + std::to_string(i - 1));
    }
  }
  if (shares != kBasisPoints) {
    return bad("share_sum_mismatch", "segment shares sum to " + std::to_string(shares) + " basis points, not 10000");
  }
  if (s.segments.back().offset >= s.end) {
    return bad("segment_not_before_end", "the last segment starts at or after end");
  }
  if (!fits_after(start, s.end)) return bad("time_overflow", "start + end does not fit in 64 bits");
  for (std::size_t i = 0; i < s.segments.size(); ++i) {
    const std::uint64_t unlocks = s.segments[i].unlocks;
    const std::uint64_t length = segment_length(s, i);
    if (unlocks == 0) return bad("zero_unlocks", "segment " + std::to_string(i) + " has no unlocks");
    if (unlocks > length) {
      return bad("unlocks_exceed_length", "segment " + std::to_string(i) + " has " + std::to_string(unlocks) +
                                              " unlocks over " + std::to_string(length) + " seconds");
    }
    if (s.precision == VestingPrecision::tokentable && unlocks >= kMaxTokenTableStepUnlocks && unlocks != length) {
      return bad("tokentable_step_overshoot",
                 "segment " + std::to_string(i) + ": TokenTable precision allows fewer than " +
                     std::to_string(kMaxTokenTableStepUnlocks) + " steps unless it streams per second");
    }
  }
  return Status::ok();
}

Status validate_linear(std::uint64_t start, const LinearVesting& l) {
  if (l.end == 0) return bad("empty_duration", "a linear schedule must end after its start");
  if (l.cliff >= l.end) return bad("cliff_not_before_end", "the cliff must come before the end");
  if (l.cliff == 0 && !l.cliff_unlock.is_zero()) {
    return bad("cliff_unlock_without_cliff", "a cliff unlock amount needs a cliff");
  }
  if (!fits_after(start, l.end)) return bad("time_overflow", "start + end does not fit in 64 bits");
  return Status::ok();
}

Result<U256> tranche_sum(const TranchedVesting& v) {
  U256 sum;
  for (const auto& tranche : v.tranches) {
    auto next = codec::checked_add(sum, tranche.amount);
    if (!next) return bad("tranche_sum_overflow", "the tranche amounts do not sum within 256 bits");
    sum = *next;
  }
  return sum;
}

Status validate_tranched(std::uint64_t start, const TranchedVesting& v) {
  if (v.tranches.empty()) return bad("no_tranches", "a tranched schedule needs at least one tranche");
  if (v.tranches.size() > kMaxVestingTranches) {
    return bad("too_many_tranches", "more than " + std::to_string(kMaxVestingTranches) + " tranches");
  }
  for (std::size_t i = 0; i < v.tranches.size(); ++i) {
    if (i > 0 && v.tranches[i].offset <= v.tranches[i - 1].offset) {
      return bad("tranche_offsets_not_increasing",
                 "tranche " + std::to_string(i) + " is not after tranche " + std::to_string(i - 1));
    }
    if (v.tranches[i].amount.is_zero()) return bad("zero_tranche_amount", "tranche " + std::to_string(i) + " is empty");
  }
  if (!fits_after(start, v.tranches.back().offset)) {
    return bad("time_overflow", "start + the last tranche's offset does not fit in 64 bits");
  }
  return tranche_sum(v).status();
}

// ---- evaluation of validated schedules

// The exact segmented formula (docs/vesting.md "Segmented"): r is the time since start, r < end.
Result<U256> segmented_exact(const SegmentedVesting& s, const U256& total, std::uint64_t r) {
  std::size_t i = 0;
  std::uint64_t before = 0;  // basis points of the segments that have ended
  while (i + 1 < s.segments.size() && s.segments[i + 1].offset <= r) {
    before += s.segments[i].share_bps;
    ++i;
  }
  const VestingSegment& seg = s.segments[i];
  const std::uint64_t elapsed = r - seg.offset;  // < length
  CREDENCE_ASSIGN_OR_RETURN(const U256 steps, codec::mul_div(U256::from_u64(elapsed), U256::from_u64(seg.unlocks),
                                                             U256::from_u64(segment_length(s, i))));
  // fraction = (before·unlocks + share·steps) / (10^4·unlocks) ≤ 1: before + share ≤ 10^4 and steps < unlocks.
  CREDENCE_ASSIGN_OR_RETURN(const U256 a, codec::checked_mul(U256::from_u64(before), U256::from_u64(seg.unlocks)));
  CREDENCE_ASSIGN_OR_RETURN(const U256 b, codec::checked_mul(U256::from_u64(seg.share_bps), steps));
  CREDENCE_ASSIGN_OR_RETURN(const U256 numerator, codec::checked_add(a, b));
  CREDENCE_ASSIGN_OR_RETURN(const U256 denominator,
                            codec::checked_mul(U256::from_u64(kBasisPoints), U256::from_u64(seg.unlocks)));
  return codec::mul_div(total, numerator, denominator);
}

// One view of TokenTable's preset fields, shared by the raw function and the schedule mode.
struct TokenTableView {
  const TokenTablePreset& preset;
  bool faithful_overflow;  // true: acc·total overflows as the contract's checked math does; false: 512-bit product
};

Status out_of_bounds(const char* array, std::size_t index) {
  return bad("index_out_of_bounds", std::string(array) + "[" + std::to_string(index) + "]");
}

// TokenTable's updatedAmountClaimed before the comparison with amountClaimed (REFERENCES §4 steps 2–6), for
// t ≥ start + starts[0].
Result<U256> tokentable_updated(const TokenTableView& view, const TokenTableActual& actual, const U256& t) {
  const TokenTablePreset& p = view.preset;
  const U256 tp = U256::from_u64(kTokenTableTokenPrecision);
  const U256 dp = U256::from_u64(kTokenTableDurationPrecision);
  const std::size_t m = p.starts.size();
  CREDENCE_ASSIGN_OR_RETURN(const U256 r, codec::checked_sub(t, actual.start));
  std::size_t i = 0;
  for (std::size_t j = 0; j < m; ++j) {
    if (p.starts[j] <= r) {
      i = j;
    } else {
      break;
    }
  }
  U256 acc;
  for (std::size_t j = 0; j < i; ++j) {
    if (j >= p.bips.size()) return out_of_bounds("linearBips", j);
    CREDENCE_ASSIGN_OR_RETURN(const U256 scaled, codec::checked_mul(p.bips[j], tp));
    CREDENCE_ASSIGN_OR_RETURN(acc, codec::checked_add(acc, scaled));
  }
  U256 d;
  if (i == m - 1) {
    CREDENCE_ASSIGN_OR_RETURN(d, codec::checked_sub(p.end, p.starts[i]));
  } else {
    CREDENCE_ASSIGN_OR_RETURN(d, codec::checked_sub(p.starts[i + 1], p.starts[i]));
  }
  if (d.is_zero()) d = U256::from_u64(1);
  U256 u = d;
  if (!p.stream) {
    if (i >= p.unlocks.size()) return out_of_bounds("numOfUnlocksForEachLinear", i);
    u = p.unlocks[i];
  }
  CREDENCE_ASSIGN_OR_RETURN(const U256 d_scaled, codec::checked_mul(d, dp));
  CREDENCE_ASSIGN_OR_RETURN(const U256 step, codec::checked_div(d_scaled, u));
  CREDENCE_ASSIGN_OR_RETURN(const U256 elapsed, codec::checked_sub(r, p.starts[i]));
  CREDENCE_ASSIGN_OR_RETURN(const U256 elapsed_scaled, codec::checked_mul(elapsed, dp));
  CREDENCE_ASSIGN_OR_RETURN(const U256 k, codec::checked_div(elapsed_scaled, step));
  if (i >= p.bips.size()) return out_of_bounds("linearBips", i);
  CREDENCE_ASSIGN_OR_RETURN(const U256 bips_scaled, codec::checked_mul(p.bips[i], tp));
  CREDENCE_ASSIGN_OR_RETURN(const U256 partial_scaled, codec::checked_mul(bips_scaled, k));
  CREDENCE_ASSIGN_OR_RETURN(const U256 partial, codec::checked_div(partial_scaled, u));
  CREDENCE_ASSIGN_OR_RETURN(acc, codec::checked_add(acc, partial));
  U256 updated;
  if (view.faithful_overflow) {
    CREDENCE_ASSIGN_OR_RETURN(const U256 product, codec::checked_mul(acc, actual.total));
    CREDENCE_ASSIGN_OR_RETURN(const U256 in_tokens, codec::checked_div(product, U256::from_u64(kTokenTableBips)));
    CREDENCE_ASSIGN_OR_RETURN(updated, codec::checked_div(in_tokens, tp));
  } else {
    // floor(floor(x / 10^4) / 10^5) == floor(x / 10^9); an overflow means the result is above the total.
    auto exact = codec::mul_div(acc, actual.total, U256::from_u64(kTokenTableBips * kTokenTableTokenPrecision));
    updated = exact ? *exact : actual.total;
  }
  return updated < actual.total ? updated : actual.total;
}

Result<U256> segmented_vested(const SegmentedVesting& s, std::uint64_t start, const U256& total, std::uint64_t t) {
  if (t < start || t - start < s.segments.front().offset) return U256();
  const std::uint64_t r = t - start;
  if (r >= s.end) return total;
  if (s.precision == VestingPrecision::exact) return segmented_exact(s, total, r);
  const TokenTablePreset preset = tokentable_preset(s);
  const TokenTableActual actual{U256::from_u64(start), U256(), total};
  return tokentable_updated(TokenTableView{preset, false}, actual, U256::from_u64(t));
}

Result<U256> linear_vested(const LinearVesting& l, std::uint64_t start, const U256& total, std::uint64_t t) {
  if (t < start) return U256();
  const std::uint64_t r = t - start;
  if (l.cliff != 0 && r < l.cliff) return l.start_unlock;
  if (r >= l.end) return total;
  CREDENCE_ASSIGN_OR_RETURN(const U256 unlocked, codec::checked_add(l.start_unlock, l.cliff_unlock));
  CREDENCE_ASSIGN_OR_RETURN(const U256 streamable, codec::checked_sub(total, unlocked));
  const std::uint64_t from = l.cliff;  // 0 without a cliff
  CREDENCE_ASSIGN_OR_RETURN(const U256 streamed,
                            codec::mul_div(streamable, U256::from_u64(r - from), U256::from_u64(l.end - from)));
  return codec::checked_add(unlocked, streamed);
}

U256 tranched_vested(const TranchedVesting& v, std::uint64_t start, std::uint64_t t) {
  U256 sum;
  if (t < start) return sum;
  for (const auto& tranche : v.tranches) {
    if (tranche.offset > t - start) break;
    sum = *codec::checked_add(sum, tranche.amount);  // bounded by the validated total
  }
  return sum;
}

}  // namespace

// ---------------------------------------------------------------- validation

Status validate_schedule(const Schedule& schedule) {
  struct Visitor {
    std::uint64_t start;
    Status operator()(const SegmentedVesting& s) const { return validate_segmented(start, s); }
    Status operator()(const LinearVesting& l) const { return validate_linear(start, l); }
    Status operator()(const TranchedVesting& v) const { return validate_tranched(start, v); }
  };
  return std::visit(Visitor{schedule.start}, schedule.curve);
}

Status validate_schedule(const Schedule& schedule, const U256& total) {
  CREDENCE_RETURN_IF_ERROR(validate_schedule(schedule));
  if (const auto* l = std::get_if<LinearVesting>(&schedule.curve)) {
    auto unlocked = codec::checked_add(l->start_unlock, l->cliff_unlock);
    if (!unlocked || *unlocked > total) {
      return bad("unlock_exceeds_total", "start and cliff unlock amounts exceed the total");
    }
  }
  if (const auto* v = std::get_if<TranchedVesting>(&schedule.curve)) {
    CREDENCE_ASSIGN_OR_RETURN(const U256 sum, tranche_sum(*v));
    if (sum != total) {
      return bad("tranche_sum_mismatch",
                 "tranches sum to " + sum.to_decimal() + ", the total is " + total.to_decimal());
    }
  }
  return Status::ok();
}

Result<std::uint64_t> schedule_end(const Schedule& schedule) {
  CREDENCE_RETURN_IF_ERROR(validate_schedule(schedule));
  if (const auto* s = std::get_if<SegmentedVesting>(&schedule.curve)) return schedule.start + s->end;
  if (const auto* l = std::get_if<LinearVesting>(&schedule.curve)) return schedule.start + l->end;
  return schedule.start + std::get<TranchedVesting>(schedule.curve).tranches.back().offset;
}

Result<U256> tranched_total(const Schedule& schedule) {
  const auto* v = std::get_if<TranchedVesting>(&schedule.curve);
  if (v == nullptr) return bad("not_tranched", "only a tranched schedule fixes its total");
  CREDENCE_RETURN_IF_ERROR(validate_schedule(schedule));
  return tranche_sum(*v);
}

// ---------------------------------------------------------------- evaluation

Result<U256> vested(const Schedule& schedule, const U256& total, std::uint64_t t) {
  CREDENCE_RETURN_IF_ERROR(validate_schedule(schedule, total));
  if (const auto* s = std::get_if<SegmentedVesting>(&schedule.curve)) {
    return segmented_vested(*s, schedule.start, total, t);
  }
  if (const auto* l = std::get_if<LinearVesting>(&schedule.curve)) return linear_vested(*l, schedule.start, total, t);
  return tranched_vested(std::get<TranchedVesting>(schedule.curve), schedule.start, t);
}

Result<U256> claimable(const Schedule& schedule, const U256& total, const U256& claimed, std::uint64_t t) {
  CREDENCE_ASSIGN_OR_RETURN(const U256 now, vested(schedule, total, t));
  if (claimed > total) {
    return bad("claimed_exceeds_total", "claimed " + claimed.to_decimal() + " of " + total.to_decimal());
  }
  if (claimed >= now) return U256();
  return codec::checked_sub(now, claimed);
}

// ---------------------------------------------------------------- TokenTable

TokenTablePreset tokentable_preset(const SegmentedVesting& curve) {
  TokenTablePreset p;
  p.end = U256::from_u64(curve.end);
  for (const auto& seg : curve.segments) {
    p.starts.push_back(U256::from_u64(seg.offset));
    p.bips.push_back(U256::from_u64(seg.share_bps));
    p.unlocks.push_back(U256::from_u64(seg.unlocks));
  }
  return p;
}

Result<TokenTableClaim> tokentable_claimable(const TokenTablePreset& preset, const TokenTableActual& actual,
                                             const U256& t) {
  if (preset.starts.empty()) return out_of_bounds("linearStartTimestampsRelative", 0);
  CREDENCE_ASSIGN_OR_RETURN(const U256 first, codec::checked_add(actual.start, preset.starts[0]));
  if (t < first) return TokenTableClaim{U256(), actual.amount_claimed};
  CREDENCE_ASSIGN_OR_RETURN(const U256 updated, tokentable_updated(TokenTableView{preset, true}, actual, t));
  if (actual.amount_claimed > updated) return TokenTableClaim{U256(), actual.amount_claimed};
  return TokenTableClaim{*codec::checked_sub(updated, actual.amount_claimed), updated};
}

Result<Schedule> schedule_from_tokentable(const TokenTablePreset& preset, std::uint64_t start) {
  const std::size_t m = preset.starts.size();
  if (preset.bips.size() != m || preset.unlocks.size() != m) {
    return bad("array_length_mismatch", "starts, bips and unlocks have " + std::to_string(m) + ", " +
                                            std::to_string(preset.bips.size()) + " and " +
                                            std::to_string(preset.unlocks.size()) + " entries");
  }
  if (!preset.end.fits_u64()) return bad("value_out_of_range", "end does not fit in 64 bits");
  SegmentedVesting s;
  s.end = preset.end.low_u64();
  for (std::size_t i = 0; i < m; ++i) {
    if (!preset.starts[i].fits_u64() || !preset.unlocks[i].fits_u64() ||
        preset.bips[i] > U256::from_u64(kBasisPoints)) {
      return bad("value_out_of_range", "segment " + std::to_string(i) + " has a field out of range");
    }
    VestingSegment seg;
    seg.offset = preset.starts[i].low_u64();
    seg.share_bps = static_cast<std::uint16_t>(preset.bips[i].low_u64());
    seg.unlocks = preset.unlocks[i].low_u64();
    s.segments.push_back(seg);
  }
  // The preset as written must be well formed, its (ignored) unlock counts in a stream preset included: TokenTable
  // itself cannot create a preset whose segment length is shorter than its unlock count.
  CREDENCE_RETURN_IF_ERROR(validate_segmented(start, s));
  if (preset.stream) {
    // Streaming is one unlock per second: TokenTable uses u = d, which is what unlocks == length computes.
    for (std::size_t i = 0; i < m; ++i) s.segments[i].unlocks = segment_length(s, i);
  }
  s.precision = VestingPrecision::tokentable;
  Schedule schedule{start, std::move(s)};
  CREDENCE_RETURN_IF_ERROR(validate_schedule(schedule));  // the TokenTable precision limit
  return schedule;
}

// ---------------------------------------------------------------- Sablier

Result<Schedule> schedule_from_sablier_linear(std::uint64_t start_time, std::uint64_t cliff_time,
                                              std::uint64_t end_time, const U256& start_unlock,
                                              const U256& cliff_unlock) {
  if (end_time < start_time || (cliff_time != 0 && cliff_time < start_time)) {
    return bad("time_before_start", "the cliff and end must not precede the start");
  }
  LinearVesting l;
  l.end = end_time - start_time;
  l.cliff = cliff_time == 0 ? 0 : cliff_time - start_time;
  if (cliff_time != 0 && l.cliff == 0) return bad("cliff_at_start", "a cliff at the start time is no cliff");
  l.start_unlock = start_unlock;
  l.cliff_unlock = cliff_unlock;
  Schedule schedule{start_time, l};
  CREDENCE_RETURN_IF_ERROR(validate_schedule(schedule));
  return schedule;
}

Result<Schedule> schedule_from_sablier_tranched(std::uint64_t start_time, const std::vector<SablierTranche>& tranches) {
  TranchedVesting v;
  for (const auto& tranche : tranches) {
    if (tranche.timestamp < start_time) return bad("time_before_start", "a tranche precedes the start");
    v.tranches.push_back({tranche.timestamp - start_time, tranche.amount});
  }
  Schedule schedule{start_time, std::move(v)};
  CREDENCE_RETURN_IF_ERROR(validate_schedule(schedule));
  return schedule;
}

// ---------------------------------------------------------------- canonical encoding

namespace {

void write_amount(codec::Writer& w, const U256& amount) {
  w.fixed<32>(amount.to_be_bytes());
}

Result<U256> read_amount(codec::Reader& r) {
  CREDENCE_ASSIGN_OR_RETURN(const auto bytes, r.fixed<32>());
  return U256::from_be_bytes(bytes);
}

constexpr std::size_t kSegmentBytes = 8 + 2 + 8;
constexpr std::size_t kTrancheBytes = 8 + 32;

// A list: a count the remaining input can hold (checked before allocating), at most `limit`, then the elements.
template <typename Item, typename ReadOne>
Result<std::vector<Item>> read_list(codec::Reader& r, std::size_t element_bytes, std::size_t limit,
                                    const char* too_many, ReadOne read_one) {
  CREDENCE_ASSIGN_OR_RETURN(const std::uint64_t n, r.count(element_bytes));
  if (n > limit) return bad(too_many, std::to_string(n) + " entries, at most " + std::to_string(limit));
  std::vector<Item> out;
  out.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    CREDENCE_ASSIGN_OR_RETURN(Item item, read_one(r));
    out.push_back(std::move(item));
  }
  return out;
}

Result<SegmentedVesting> read_segmented(codec::Reader& r) {
  SegmentedVesting s;
  CREDENCE_ASSIGN_OR_RETURN(const std::uint8_t precision, r.u8());
  if (precision > static_cast<std::uint8_t>(VestingPrecision::tokentable)) {
    return bad("unknown_precision", "precision " + std::to_string(precision));
  }
  s.precision = static_cast<VestingPrecision>(precision);
  CREDENCE_ASSIGN_OR_RETURN(s.end, r.u64());
  auto read_segment = [](codec::Reader& in) -> Result<VestingSegment> {
    VestingSegment seg;
    CREDENCE_ASSIGN_OR_RETURN(seg.offset, in.u64());
    CREDENCE_ASSIGN_OR_RETURN(seg.share_bps, in.u16());
    CREDENCE_ASSIGN_OR_RETURN(seg.unlocks, in.u64());
    return seg;
  };
  CREDENCE_ASSIGN_OR_RETURN(
      s.segments, read_list<VestingSegment>(r, kSegmentBytes, kMaxVestingSegments, "too_many_segments", read_segment));
  return s;
}

Result<LinearVesting> read_linear(codec::Reader& r) {
  LinearVesting l;
  CREDENCE_ASSIGN_OR_RETURN(l.end, r.u64());
  CREDENCE_ASSIGN_OR_RETURN(l.cliff, r.u64());
  CREDENCE_ASSIGN_OR_RETURN(l.start_unlock, read_amount(r));
  CREDENCE_ASSIGN_OR_RETURN(l.cliff_unlock, read_amount(r));
  return l;
}

Result<TranchedVesting> read_tranched(codec::Reader& r) {
  TranchedVesting v;
  auto read_tranche = [](codec::Reader& in) -> Result<VestingTranche> {
    VestingTranche tranche;
    CREDENCE_ASSIGN_OR_RETURN(tranche.offset, in.u64());
    CREDENCE_ASSIGN_OR_RETURN(tranche.amount, read_amount(in));
    return tranche;
  };
  CREDENCE_ASSIGN_OR_RETURN(
      v.tranches, read_list<VestingTranche>(r, kTrancheBytes, kMaxVestingTranches, "too_many_tranches", read_tranche));
  return v;
}

}  // namespace

void write_schedule(codec::Writer& w, const Schedule& schedule) {
  assert(validate_schedule(schedule).is_ok() && "encode a validated schedule");
  w.u64(schedule.start);
  if (const auto* s = std::get_if<SegmentedVesting>(&schedule.curve)) {
    w.u8(static_cast<std::uint8_t>(Kind::segmented)).u8(static_cast<std::uint8_t>(s->precision)).u64(s->end);
    w.varint(s->segments.size());
    for (const auto& seg : s->segments) w.u64(seg.offset).u16(seg.share_bps).u64(seg.unlocks);
  } else if (const auto* l = std::get_if<LinearVesting>(&schedule.curve)) {
    w.u8(static_cast<std::uint8_t>(Kind::linear)).u64(l->end).u64(l->cliff);
    write_amount(w, l->start_unlock);
    write_amount(w, l->cliff_unlock);
  } else {
    const auto& v = std::get<TranchedVesting>(schedule.curve);
    w.u8(static_cast<std::uint8_t>(Kind::tranched)).varint(v.tranches.size());
    for (const auto& tranche : v.tranches) {
      w.u64(tranche.offset);
      write_amount(w, tranche.amount);
    }
  }
}

Result<Schedule> read_schedule(codec::Reader& r) {
  Schedule schedule;
  CREDENCE_ASSIGN_OR_RETURN(schedule.start, r.u64());
  CREDENCE_ASSIGN_OR_RETURN(const std::uint8_t kind, r.u8());
  switch (static_cast<Kind>(kind)) {
    case Kind::segmented: {
      CREDENCE_ASSIGN_OR_RETURN(schedule.curve, read_segmented(r));
      break;
    }
    case Kind::linear: {
      CREDENCE_ASSIGN_OR_RETURN(schedule.curve, read_linear(r));
      break;
    }
    case Kind::tranched: {
      CREDENCE_ASSIGN_OR_RETURN(schedule.curve, read_tranched(r));
      break;
    }
    default:
      return bad("unknown_schedule_kind", "schedule kind " + std::to_string(kind));
  }
  CREDENCE_RETURN_IF_ERROR(validate_schedule(schedule));
  return schedule;
}

Bytes encode(const Schedule& schedule) {
  codec::Writer w(kScheduleTag, kScheduleVersion);
  write_schedule(w, schedule);
  return std::move(w).take();
}

Result<Schedule> decode_schedule(ByteView bytes) {
  codec::Reader r(bytes);
  CREDENCE_RETURN_IF_ERROR(r.header(kScheduleTag, kScheduleVersion, kScheduleVersion).status());
  CREDENCE_ASSIGN_OR_RETURN(Schedule schedule, read_schedule(r));
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return schedule;
}

// ---------------------------------------------------------------- JSON

namespace {

Status bad_field(const std::string& what, const std::string& why) {
  return Status::invalid("bad_field", what + ": " + why);
}

Result<U256> amount_from(codec::ObjectReader& r, const std::string& key) {
  CREDENCE_ASSIGN_OR_RETURN(const std::string text, r.string(key));
  auto amount = U256::parse_decimal(text);
  if (!amount) return bad_field(key, "a decimal amount: " + amount.status().to_string());
  return *amount;
}

template <typename Item, typename Read>
Result<std::vector<Item>> list_from(codec::ObjectReader& r, const std::string& key, std::size_t limit, Read read) {
  CREDENCE_ASSIGN_OR_RETURN(const codec::Json* list, r.value(key));
  if (!list->is_array()) return bad_field(key, "must be an array");
  if (list->size() > limit) return bad_field(key, "more than " + std::to_string(limit) + " entries");
  std::vector<Item> out;
  out.reserve(list->size());
  for (const auto& entry : *list) {
    CREDENCE_ASSIGN_OR_RETURN(auto er, codec::ObjectReader::make(entry, key + " entry"));
    CREDENCE_ASSIGN_OR_RETURN(Item item, read(er));
    CREDENCE_RETURN_IF_ERROR(er.finish());
    out.push_back(std::move(item));
  }
  return out;
}

Result<SegmentedVesting> segmented_from(codec::ObjectReader& r) {
  SegmentedVesting s;
  CREDENCE_ASSIGN_OR_RETURN(const std::string precision, r.string("precision"));
  if (precision == "exact") {
    s.precision = VestingPrecision::exact;
  } else if (precision == "tokentable") {
    s.precision = VestingPrecision::tokentable;
  } else {
    return bad_field("precision", "must be exact or tokentable");
  }
  CREDENCE_ASSIGN_OR_RETURN(s.end, r.u64("end"));
  auto read_segment = [](codec::ObjectReader& er) -> Result<VestingSegment> {
    VestingSegment seg;
    CREDENCE_ASSIGN_OR_RETURN(seg.offset, er.u64("offset"));
    CREDENCE_ASSIGN_OR_RETURN(const std::uint64_t share, er.u64("share_bps"));
    if (share > kBasisPoints) return bad_field("share_bps", "at most 10000");
    seg.share_bps = static_cast<std::uint16_t>(share);
    CREDENCE_ASSIGN_OR_RETURN(seg.unlocks, er.u64("unlocks"));
    return seg;
  };
  CREDENCE_ASSIGN_OR_RETURN(s.segments, list_from<VestingSegment>(r, "segments", kMaxVestingSegments, read_segment));
  return s;
}

Result<LinearVesting> linear_from(codec::ObjectReader& r) {
  LinearVesting l;
  CREDENCE_ASSIGN_OR_RETURN(l.end, r.u64("end"));
  CREDENCE_ASSIGN_OR_RETURN(l.cliff, r.u64("cliff"));
  CREDENCE_ASSIGN_OR_RETURN(l.start_unlock, amount_from(r, "start_unlock"));
  CREDENCE_ASSIGN_OR_RETURN(l.cliff_unlock, amount_from(r, "cliff_unlock"));
  return l;
}

Result<TranchedVesting> tranched_from(codec::ObjectReader& r) {
  TranchedVesting v;
  auto read_tranche = [](codec::ObjectReader& er) -> Result<VestingTranche> {
    VestingTranche tranche;
    CREDENCE_ASSIGN_OR_RETURN(tranche.offset, er.u64("offset"));
    CREDENCE_ASSIGN_OR_RETURN(tranche.amount, amount_from(er, "amount"));
    return tranche;
  };
  CREDENCE_ASSIGN_OR_RETURN(v.tranches, list_from<VestingTranche>(r, "tranches", kMaxVestingTranches, read_tranche));
  return v;
}

}  // namespace

codec::Json to_json(const Schedule& schedule) {
  codec::Json j;
  j["start"] = schedule.start;
  if (const auto* s = std::get_if<SegmentedVesting>(&schedule.curve)) {
    j["kind"] = "segmented";
    j["precision"] = s->precision == VestingPrecision::exact ? "exact" : "tokentable";
    j["end"] = s->end;
    j["segments"] = codec::Json::array();
    for (const auto& seg : s->segments) {
      j["segments"].push_back({{"offset", seg.offset}, {"share_bps", seg.share_bps}, {"unlocks", seg.unlocks}});
    }
  } else if (const auto* l = std::get_if<LinearVesting>(&schedule.curve)) {
    j["kind"] = "linear";
    j["end"] = l->end;
    j["cliff"] = l->cliff;
    j["start_unlock"] = l->start_unlock.to_decimal();
    j["cliff_unlock"] = l->cliff_unlock.to_decimal();
  } else {
    j["kind"] = "tranched";
    j["tranches"] = codec::Json::array();
    for (const auto& tranche : std::get<TranchedVesting>(schedule.curve).tranches) {
      j["tranches"].push_back({{"offset", tranche.offset}, {"amount", tranche.amount.to_decimal()}});
    }
  }
  return j;
}

Result<Schedule> schedule_from_json(const codec::Json& json) {
  CREDENCE_ASSIGN_OR_RETURN(auto r, codec::ObjectReader::make(json, "schedule"));
  Schedule schedule;
  CREDENCE_ASSIGN_OR_RETURN(schedule.start, r.u64("start"));
  CREDENCE_ASSIGN_OR_RETURN(const std::string kind, r.string("kind"));
  if (kind == "segmented") {
    CREDENCE_ASSIGN_OR_RETURN(schedule.curve, segmented_from(r));
  } else if (kind == "linear") {
    CREDENCE_ASSIGN_OR_RETURN(schedule.curve, linear_from(r));
  } else if (kind == "tranched") {
    CREDENCE_ASSIGN_OR_RETURN(schedule.curve, tranched_from(r));
  } else {
    return Status::invalid("unknown_schedule_kind", "kind must be segmented, linear or tranched");
  }
  CREDENCE_RETURN_IF_ERROR(r.finish());
  CREDENCE_RETURN_IF_ERROR(validate_schedule(schedule));
  return schedule;
}

}  // namespace credence::core
