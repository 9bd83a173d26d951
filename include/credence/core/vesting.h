// Vesting schedules: how much of an allocation has vested at a given time. Specification: docs/vesting.md.
//
// One model, `Schedule`, covers the three shapes distributions need:
//   - segmented: piecewise-linear segments, each vesting a share (basis points) of the total in N equal steps (N
//     equal to the segment's length in seconds is per-second streaming); a cliff is a zero-share waiting segment.
//     This is TokenTable's preset model, and a preset imports into it exactly (schedule_from_tokentable);
//   - linear: Sablier's LockupLinear — an unlock at the start, an optional cliff with its own unlock, then linear
//     streaming of the rest to the end;
//   - tranched: Sablier's LockupTranched — (time, amount) steps.
// Times: `Schedule::start` is absolute (unix seconds); every other time in a schedule is an offset in seconds from
// it. Segmented schedules are templates scaled by the allocation's total; linear and tranched schedules carry
// amounts and so belong to one total (tranche amounts must sum to it, unlock amounts must not exceed it).
//
// Arithmetic is exact on U256 and rounds down (in favour of the escrow); a valid schedule never vests more than the
// total and never overflows (docs/vesting.md "Bounds"). Every function validates its schedule first and answers
// invalid(reason) with one reason code per defect (docs/vesting.md "Validation"); nothing here throws, allocates
// beyond the schedule's size, reads a clock or keeps state. Plain value types: copyable, thread-compatible.
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "credence/bytes.h"
#include "credence/codec/canonical.h"
#include "credence/codec/json.h"
#include "credence/codec/u256.h"
#include "credence/status.h"

namespace credence::core {

inline constexpr std::uint16_t kBasisPoints = 10'000;    // the shares of a segmented schedule sum to this
inline constexpr std::size_t kMaxVestingSegments = 256;  // per segmented schedule
inline constexpr std::size_t kMaxVestingTranches = 256;  // per tranched schedule
// TokenTable precision only: a stepped segment needs fewer unlocks than this (or exactly one per second), else
// TokenTable's truncated step length can release more than the segment's share before it ends (docs/vesting.md).
inline constexpr std::uint64_t kMaxTokenTableStepUnlocks = 200'000;

// One segment of a segmented schedule. It runs from `offset` to the next segment's offset (the schedule's end for
// the last one) and releases `share_bps` of the total in `unlocks` equal steps; the j-th step is released at the
// first second at or after offset + j·length/unlocks, so the last one falls exactly on the segment's end.
struct VestingSegment {
  std::uint64_t offset = 0;     // seconds after Schedule::start
  std::uint16_t share_bps = 0;  // 0 for a waiting (cliff) segment
  std::uint64_t unlocks = 1;    // 1 ≤ unlocks ≤ length; unlocks == length is per-second streaming
  friend bool operator==(const VestingSegment&, const VestingSegment&) = default;
};

// How a segmented schedule turns a fraction of time into an amount.
enum class VestingPrecision : std::uint8_t {
  exact = 0,       // floor(total · vested fraction), the fraction exact (docs/vesting.md "Segmented")
  tokentable = 1,  // TokenTable's simulateAmountClaimable with its 10^5 token and duration precisions
};

struct SegmentedVesting {
  std::vector<VestingSegment> segments;  // 1..kMaxVestingSegments, offsets strictly increasing
  std::uint64_t end = 0;                 // offset of the end; > the last segment's offset
  VestingPrecision precision = VestingPrecision::exact;
  friend bool operator==(const SegmentedVesting&, const SegmentedVesting&) = default;
};

// Sablier LockupLinear: `start_unlock` at the start; at `cliff` (an offset; 0 = no cliff) `cliff_unlock` more;
// the rest streams linearly from the cliff (or the start) to `end`.
struct LinearVesting {
  std::uint64_t end = 0;    // offset, > 0
  std::uint64_t cliff = 0;  // 0 (no cliff) or an offset < end
  codec::U256 start_unlock;
  codec::U256 cliff_unlock;  // 0 when there is no cliff
  friend bool operator==(const LinearVesting&, const LinearVesting&) = default;
};

struct VestingTranche {
  std::uint64_t offset = 0;  // seconds after Schedule::start at which `amount` is released
  codec::U256 amount;        // > 0
  friend bool operator==(const VestingTranche&, const VestingTranche&) = default;
};

// Sablier LockupTranched: each amount is released at its offset; the schedule ends at the last one.
struct TranchedVesting {
  std::vector<VestingTranche> tranches;  // 1..kMaxVestingTranches, offsets strictly increasing, amounts sum to total
  friend bool operator==(const TranchedVesting&, const TranchedVesting&) = default;
};

struct Schedule {
  std::uint64_t start = 0;  // absolute, unix seconds
  std::variant<SegmentedVesting, LinearVesting, TranchedVesting> curve;
  friend bool operator==(const Schedule&, const Schedule&) = default;
};

// ---- validation (docs/vesting.md "Validation" lists every reason code)

// Checks everything that does not depend on the total: shapes, orderings, counts, that start + every offset fits
// in 64 bits, and (tranched) that the amounts sum without overflow. ok or invalid(reason).
Status validate_schedule(const Schedule& schedule);
// validate_schedule, then the amounts against `total`: linear unlock amounts at most the total
// (invalid("unlock_exceeds_total")), tranche amounts summing exactly to it (invalid("tranche_sum_mismatch")).
Status validate_schedule(const Schedule& schedule, const codec::U256& total);

// The absolute time from which everything has vested (start + end offset; the last tranche for tranched).
Result<std::uint64_t> schedule_end(const Schedule& schedule);
// The sum of the tranche amounts of a tranched schedule (the only total it accepts); invalid("not_tranched") else.
Result<codec::U256> tranched_total(const Schedule& schedule);

// ---- evaluation

// The amount of `total` vested at absolute time `t`: 0 before the start, `total` from schedule_end on, monotone
// non-decreasing in t, never above `total`. invalid(reason) if validate_schedule(schedule, total) fails.
Result<codec::U256> vested(const Schedule& schedule, const codec::U256& total, std::uint64_t t);
// vested(t) − claimed, or 0 when `claimed` is above what has vested (an amount granted up front, TokenTable's
// "skip amount"). invalid("claimed_exceeds_total") when claimed > total.
Result<codec::U256> claimable(const Schedule& schedule, const codec::U256& total, const codec::U256& claimed,
                              std::uint64_t t);

// ---- TokenTable (EthSign/tokentable-v2-evm TokenTableUnlockerV2, docs/vesting.md "TokenTable")

// A TokenTable preset as stored by the contract: uint256 fields, arrays not checked against each other.
struct TokenTablePreset {
  std::vector<codec::U256> starts;   // linearStartTimestampsRelative
  codec::U256 end;                   // linearEndTimestampRelative
  std::vector<codec::U256> bips;     // linearBips
  std::vector<codec::U256> unlocks;  // numOfUnlocksForEachLinear
  bool stream = false;               // per-second streaming (unlocks then ignored)
  friend bool operator==(const TokenTablePreset&, const TokenTablePreset&) = default;
};

// One holder's schedule (an Actual) with a preset: when it starts, what was claimed (or skipped), the total.
struct TokenTableActual {
  codec::U256 start;           // startTimestampAbsolute
  codec::U256 amount_claimed;  // amountClaimed
  codec::U256 total;           // totalAmount
};

struct TokenTableClaim {
  codec::U256 delta;            // deltaAmountClaimable
  codec::U256 updated_claimed;  // updatedAmountClaimed
  friend bool operator==(const TokenTableClaim&, const TokenTableClaim&) = default;
};

// TokenTable's simulateAmountClaimable(actual, t), step for step, on any preset the contract could hold (even one
// our validation rejects). Where the contract reverts, this answers invalid: "overflow", "underflow",
// "division_by_zero" (Solidity panics 0x11 / 0x12) or "index_out_of_bounds" (panic 0x32).
Result<TokenTableClaim> tokentable_claimable(const TokenTablePreset& preset, const TokenTableActual& actual,
                                             const codec::U256& t);

// The preset a segmented curve corresponds to: stream false, unlocks as they are (a per-second segment keeps
// unlocks == length, which TokenTable computes exactly as a stream). schedule_from_tokentable of it gives the curve
// back with precision tokentable.
TokenTablePreset tokentable_preset(const SegmentedVesting& curve);

// Imports a preset as a segmented schedule starting at `start`, with precision `tokentable` so that vested() gives
// TokenTable's amounts exactly (streaming becomes unlocks == segment length, which TokenTable computes the same
// way). Strict: invalid("array_length_mismatch" | "value_out_of_range" | any validate_schedule reason).
Result<Schedule> schedule_from_tokentable(const TokenTablePreset& preset, std::uint64_t start);

// ---- Sablier (sablier-labs/lockup v3 LockupLinear / LockupTranched; absolute timestamps as Sablier keeps them)

// `cliff_time` 0 means no cliff; otherwise it must be after `start_time` (Sablier's rule: "cliff_at_start"
// when equal). The amounts are checked against the total only at evaluation. invalid(reason) as
// validate_schedule, and "time_before_start" for a cliff or end before the start.
Result<Schedule> schedule_from_sablier_linear(std::uint64_t start_time, std::uint64_t cliff_time,
                                              std::uint64_t end_time, const codec::U256& start_unlock,
                                              const codec::U256& cliff_unlock);
struct SablierTranche {
  std::uint64_t timestamp = 0;  // absolute
  codec::U256 amount;
};
// Offsets from `start_time`; a tranche at the start time is allowed (Sablier requires the first to be later).
// invalid("time_before_start") or a validate_schedule reason.
Result<Schedule> schedule_from_sablier_tranched(std::uint64_t start_time, const std::vector<SablierTranche>& tranches);

// ---- canonical encoding (docs/vesting.md "Encoding") and JSON view ("JSON")

// The whole message, tag "credence/vesting-schedule", version 1. encode() asserts a valid schedule.
Bytes encode(const Schedule& schedule);
// Strict: a success re-encodes to the same bytes, and the schedule passes validate_schedule.
Result<Schedule> decode_schedule(ByteView bytes);
// The body without the header, for embedding in other messages (a distribution).
void write_schedule(codec::Writer& w, const Schedule& schedule);
Result<Schedule> read_schedule(codec::Reader& r);

codec::Json to_json(const Schedule& schedule);
// Strict: unknown or missing fields are invalid; the result passes validate_schedule.
Result<Schedule> schedule_from_json(const codec::Json& json);

}  // namespace credence::core
