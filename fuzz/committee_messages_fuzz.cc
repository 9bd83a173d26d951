// Committee wire messages (include/credence/node/committee.h). The first input byte picks the target:
//  0: open (envelope decoding + signature check) — fails with an invalid reason or yields an envelope that re-seals
//     to a decodable message; a fixed member service then handles the bytes without crashing;
//  1: decode_sign_request — fails with an invalid reason or decodes to a request whose encoding decodes to the same
//     content again;
//  2: committee_from_json / share_from_json on the rest as JSON text — no crash, strict errors, stable round trip.
#include <cstdint>

#include "credence/codec/json.h"
#include "credence/crypto/random.h"
#include "credence/node/committee.h"
#include "fuzz_support.h"

namespace {

using namespace credence;
using namespace credence::node::committee;

class NoChain final : public Checker {
 public:
  Status check_checkpoint(const core::Checkpoint&) override { return Status::invalid("unknown_height"); }
  Status check_statement(const core::VerdictStatement&, const core::ProofBundle&) override {
    return Status::invalid("unknown_height");
  }
};

struct Fixture {
  LocalCeremony ceremony;
  NoChain chain;
  std::unique_ptr<MemberService> member;
  Fixture() {
    crypto::DeterministicRandom random(7);
    auto coordinator = crypto::ed25519::SecretKey::generate(random);
    std::vector<FixedBytes<32>> identities;
    std::vector<crypto::ed25519::SecretKey> keys;
    for (int i = 0; i < 3; ++i) {
      keys.push_back(crypto::ed25519::SecretKey::generate(random));
      identities.push_back(keys.back().public_key().bytes());
    }
    ceremony = std::move(*run_local_dkg(identities, 2, coordinator.public_key().bytes(), random));
    const auto& s = ceremony.shares[0];
    member = std::make_unique<MemberService>(
        ceremony.committee,
        threshold::KeyPackage{s.suite, s.identifier, threshold::SecretScalar(s.signing_share.view()),
                              s.verifying_share, s.group_public_key, s.min_signers},
        crypto::ed25519::SecretKey::from_seed(keys[0].seed()), 1337, chain, [] { return std::uint64_t{0}; });
  }
};

void envelope_target(ByteView input) {
  static Fixture fixture;
  auto e = open(input);
  if (!e) {
    fuzz::require(e.status().is_invalid() && !e.status().code().empty());
  }
  auto handled = fixture.member->handle(input);
  // Nothing a fuzzer can sign passes the coordinator check: every input is refused, never crashes.
  fuzz::require(!handled.ok() && handled.status().is_invalid());
}

void sign_request_target(ByteView input) {
  auto q = decode_sign_request(input);
  if (!q) {
    fuzz::require(!q.status().code().empty());
    return;
  }
  auto again = decode_sign_request(encode_sign_request(*q));
  fuzz::require(again.ok() && again->signing_id == q->signing_id && again->kind == q->kind &&
                again->batch.size() == q->batch.size() && again->checkpoint == q->checkpoint);
  (void)signing_message(1337, *q);
}

void json_target(ByteView input) {
  auto json = codec::parse_json(std::string(input.begin(), input.end()));
  if (!json) return;
  if (auto c = committee_from_json(*json); c) {
    auto again = committee_from_json(to_json(*c));
    fuzz::require(again.ok() && again->members.size() == c->members.size() &&
                  again->group_public_key == c->group_public_key && again->threshold == c->threshold);
  } else {
    fuzz::require(c.status().code() == "bad_committee");
  }
  if (auto s = share_from_json(*json); s) {
    auto again = share_from_json(share_to_json(*s));
    fuzz::require(again.ok() && again->verifying_share == s->verifying_share);
  } else {
    fuzz::require(s.status().code() == "bad_share");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  credence::fuzz::initialize_crypto();
  if (size == 0) return 0;
  const ByteView input(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      envelope_target(input);
      break;
    case 1:
      sign_request_target(input);
      break;
    default:
      json_target(input);
      break;
  }
  return 0;
}
