// "Is this credential valid now?": verify_attestation / verify_offchain_attestation report every failing reason at
// once; the same verdict comes out of an offline ProofView built from a proof bundle that went through JSON; and a
// tampered, foreign or incomplete bundle is refused.
#include "credence/core/verify.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "credence/codec/json.h"
#include "credence/crypto/hash.h"
#include "test_support.h"

namespace credence::core {
namespace {

using test::Account;
using test::Chain;
using test::id_of;
using test::make_request;

std::vector<std::string> codes(const Verdict& v) {
  std::vector<std::string> out;
  for (const auto& r : v.reasons) out.push_back(r.code);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    plain = chain.register_schema(registrant, test::make_schema(registrant.id(), "plain"));
    accreditor = chain.register_schema(anchor, test::make_schema(anchor.id(), "accredited issuer"));
    Schema acc = test::make_schema(registrant.id(), "needs accreditation");
    acc.policy.accreditation = AccreditationRule{accreditor, {anchor.id()}, 2};
    accredited = chain.register_schema(registrant, acc);
    Schema link = test::make_schema(registrant.id(), "link must be valid");
    link.policy.link_must_be_valid = true;
    link_valid = chain.register_schema(registrant, link);
    Schema off = test::make_schema(registrant.id(), "off-ledger data");
    off.data_location = DataLocation::off_ledger;
    offledger = chain.register_schema(registrant, off);
  }

  Verdict verify(const Id& id, std::optional<std::uint64_t> at = {}, std::optional<ByteView> data = {}) {
    auto v = verify_attestation(chain.ledger().view(), id, at ? *at : chain.now(), data);
    EXPECT_TRUE(v.ok()) << v.status().to_string();
    return v.ok() ? *v : Verdict{{{"verification_error", v.status().to_string()}}};
  }
  Verdict verify_off(const OffchainAttestation& o, std::optional<ByteView> data = {}) {
    auto v = verify_offchain_attestation(chain.ledger().view(), o, chain.now(), data);
    EXPECT_TRUE(v.ok()) << v.status().to_string();
    return v.ok() ? *v : Verdict{{{"verification_error", v.status().to_string()}}};
  }
  Id accredit(const Account& by, const Account& subject, std::uint64_t valid_until = 0) {
    AttestationRequest q = make_request(accreditor, {subject.recipient()});
    q.valid_until = valid_until;
    return chain.attest(by, q);
  }
  Attestation offchain_attestation(AttestationRequest q) {
    Attestation a;
    a.request = std::move(q);
    a.issued_at = chain.now();
    a.origin = id_of("salt " + std::to_string(salt_++));
    return a;
  }

  Account registrant{40};
  Account attester{41};
  Account bob{42};
  Account anchor{43};
  Account stranger{44};
  Chain chain{{{attester.id(), 1'000}}};
  Id plain{};
  Id accreditor{};
  Id accredited{};
  Id link_valid{};
  Id offledger{};
  int salt_ = 0;
};

// ---------------------------------------------------------------------------------------------------------------
// On-ledger attestations

TEST_F(VerifyTest, ValidAttestation) {
  const Id id = chain.attest(attester, make_request(plain, {bob.recipient()}));
  const Verdict v = verify(id);
  EXPECT_TRUE(v.valid());
  EXPECT_TRUE(v.reasons.empty());
  EXPECT_EQ(to_json(v), (codec::Json{{"valid", true}, {"reasons", codec::Json::array()}}));
}

TEST_F(VerifyTest, NotFound) {
  const Verdict v = verify(id_of("nothing"));
  EXPECT_FALSE(v.valid());
  EXPECT_EQ(codes(v), std::vector<std::string>{"not_found"});
}

TEST_F(VerifyTest, ExpiredRevokedAndAccreditationRevokedAllReported) {
  const Id acc = accredit(anchor, attester);
  AttestationRequest q = make_request(accredited, {bob.recipient()});
  q.valid_until = chain.now() + 100;
  q.accreditation = {acc};
  const Id id = chain.attest(attester, q);
  EXPECT_TRUE(verify(id).valid());
  chain.revoke(anchor, acc);
  chain.revoke(attester, id);
  chain.advance(200);
  const Verdict v = verify(id);
  EXPECT_EQ(codes(v), sorted({"expired", "revoked", "accreditation_revoked"}));
  EXPECT_TRUE(v.has("expired"));
  EXPECT_FALSE(v.has("not_found"));
  const codec::Json j = to_json(v);
  EXPECT_EQ(j["valid"], false);
  EXPECT_EQ(j["reasons"].size(), 3u);
}

TEST_F(VerifyTest, ExpiredAndAccreditationExpired) {
  const Id acc = accredit(anchor, attester, chain.now() + 50);
  AttestationRequest q = make_request(accredited, {bob.recipient()});
  q.valid_until = chain.now() + 100;
  q.accreditation = {acc};
  const Id id = chain.attest(attester, q);
  EXPECT_EQ(codes(verify(id, chain.now() + 49)), std::vector<std::string>{});
  EXPECT_EQ(codes(verify(id, chain.now() + 50)), std::vector<std::string>{"accreditation_expired"});
  EXPECT_EQ(codes(verify(id, chain.now() + 100)), sorted({"expired", "accreditation_expired"}));
}

TEST_F(VerifyTest, DepthTwoAccreditationChain) {
  const Id bob_acc = accredit(anchor, bob);
  const Id attester_acc = accredit(bob, attester);
  AttestationRequest q = make_request(accredited, {stranger.recipient()});
  q.accreditation = {attester_acc, bob_acc};
  const Id id = chain.attest(attester, q);
  EXPECT_TRUE(verify(id).valid());
  // Revoking the upper link invalidates everything below it.
  chain.revoke(anchor, bob_acc);
  EXPECT_EQ(codes(verify(id)), std::vector<std::string>{"accreditation_revoked"});
}

TEST_F(VerifyTest, NotYetValid) {
  const Id id = chain.attest(attester, make_request(plain, {bob.recipient()}));
  EXPECT_EQ(codes(verify(id, chain.now() - 1)), std::vector<std::string>{"not_yet_valid"});
  EXPECT_TRUE(verify(id, chain.now()).valid());
}

TEST_F(VerifyTest, LinkMustBeValid) {
  AttestationRequest base = make_request(plain, {bob.recipient()});
  base.valid_until = chain.now() + 100;
  const Id linked = chain.attest(stranger, base);
  AttestationRequest q = make_request(link_valid, {bob.recipient()});
  q.linked = linked;
  const Id id = chain.attest(attester, q);
  EXPECT_TRUE(verify(id).valid());
  // The link expires: this attestation is invalid because of it, and says so.
  EXPECT_EQ(codes(verify(id, chain.now() + 100)), std::vector<std::string>{"linked_invalid"});
  // The link is revoked.
  chain.revoke(stranger, linked);
  const Verdict v = verify(id);
  EXPECT_EQ(codes(v), std::vector<std::string>{"linked_invalid"});
  EXPECT_NE(v.reasons[0].detail.find("revoked"), std::string::npos) << v.reasons[0].detail;
  // Under a schema without link_must_be_valid, the same revoked link does not matter.
  AttestationRequest p = make_request(plain, {bob.recipient()});
  p.linked = linked;
  EXPECT_TRUE(verify(chain.attest(attester, p)).valid());
}

TEST_F(VerifyTest, LinkValidityIsRecursive) {
  const Id z = chain.attest(stranger, make_request(plain, {bob.recipient()}));
  AttestationRequest qy = make_request(link_valid, {bob.recipient()});
  qy.linked = z;
  const Id y = chain.attest(attester, qy);
  AttestationRequest qx = make_request(link_valid, {bob.recipient()});
  qx.linked = y;
  const Id x = chain.attest(attester, qx);
  EXPECT_TRUE(verify(x).valid());
  chain.revoke(stranger, z);
  EXPECT_EQ(codes(verify(y)), std::vector<std::string>{"linked_invalid"});
  EXPECT_EQ(codes(verify(x)), std::vector<std::string>{"linked_invalid"});
}

TEST_F(VerifyTest, OffLedgerDataOfAnOnLedgerAttestation) {
  const Bytes data = test::score_data(5, "dora");
  const Id id = chain.attest(attester, test::make_offledger_request(offledger, {bob.recipient()}, data));
  EXPECT_TRUE(verify(id).valid());  // without the data, only the hash is on record
  EXPECT_TRUE(verify(id, {}, ByteView(data)).valid());
  const Bytes other = test::score_data(6, "dora");
  EXPECT_EQ(codes(verify(id, {}, ByteView(other))), std::vector<std::string>{"data_hash_mismatch"});
  // Data that hashes right but does not decode under the schema.
  const Bytes garbage{1, 2, 3};
  const Id bad = chain.attest(attester, test::make_offledger_request(offledger, {bob.recipient()}, garbage));
  EXPECT_EQ(codes(verify(bad, {}, ByteView(garbage))), std::vector<std::string>{"data_mismatch"});
  // Several failures at once: wrong data and revoked.
  chain.revoke(attester, id);
  EXPECT_EQ(codes(verify(id, {}, ByteView(other))), sorted({"data_hash_mismatch", "revoked"}));
}

// ---------------------------------------------------------------------------------------------------------------
// Off-ledger attestations

TEST_F(VerifyTest, OffchainValid) {
  const OffchainAttestation o =
      sign_offchain(chain.chain_id(), offchain_attestation(make_request(plain, {bob.recipient()})), attester.key());
  EXPECT_TRUE(verify_off(o).valid());
  // Off-ledger data under an off-ledger schema.
  const Bytes data = test::score_data(3, "eve");
  const OffchainAttestation d = sign_offchain(
      chain.chain_id(), offchain_attestation(test::make_offledger_request(offledger, {bob.recipient()}, data)),
      attester.key());
  EXPECT_TRUE(verify_off(d, ByteView(data)).valid());
  const Bytes other = test::score_data(4, "eve");
  EXPECT_EQ(codes(verify_off(d, ByteView(other))), std::vector<std::string>{"data_hash_mismatch"});
}

TEST_F(VerifyTest, OffchainBadSignatureWrongChainRevokedAndExpiredAllReported) {
  AttestationRequest q = make_request(plain, {bob.recipient()});
  q.valid_until = chain.now() + 10;
  OffchainAttestation o = sign_offchain(test::kOtherChainId, offchain_attestation(q), attester.key());
  EXPECT_EQ(codes(verify_off(o)), std::vector<std::string>{"bad_chain_id"});  // a valid signature, for chain 8
  o.signature[5] ^= 0x10;
  ASSERT_TRUE(chain.run(attester, RevokeOffchain{{attestation_id(o.attestation)}}).ok());
  chain.advance(10);
  EXPECT_EQ(codes(verify_off(o)), sorted({"bad_signature", "bad_chain_id", "revoked", "expired"}));
}

TEST_F(VerifyTest, OffchainChainIdChangedAfterSigning) {
  OffchainAttestation o =
      sign_offchain(chain.chain_id(), offchain_attestation(make_request(plain, {bob.recipient()})), attester.key());
  o.chain_id = test::kOtherChainId;
  EXPECT_EQ(codes(verify_off(o)), sorted({"bad_signature", "bad_chain_id"}));
}

TEST_F(VerifyTest, OffchainRevocationCountsOnlyFromTheAttester) {
  const OffchainAttestation o =
      sign_offchain(chain.chain_id(), offchain_attestation(make_request(plain, {bob.recipient()})), attester.key());
  const Id id = attestation_id(o.attestation);
  ASSERT_TRUE(chain.run(stranger, RevokeOffchain{{id}}).ok());
  ASSERT_TRUE(chain.run(bob, RevokeOffchain{{id}}).ok());
  EXPECT_TRUE(verify_off(o).valid());
  ASSERT_TRUE(chain.run(attester, RevokeOffchain{{id}}).ok());
  EXPECT_EQ(codes(verify_off(o)), std::vector<std::string>{"revoked"});
}

TEST_F(VerifyTest, OffchainCreationRules) {
  Schema allow = test::make_schema(registrant.id(), "allow-listed");
  allow.policy.attester_allowlist = {stranger.id()};
  allow.revocable = false;
  allow.max_valid_for = 60;
  const Id strict = chain.register_schema(registrant, allow);
  AttestationRequest q = make_request(strict, {bob.recipient()});
  q.valid_until = chain.now() + 1000;  // too long, and revocable under an irrevocable schema
  const OffchainAttestation o = sign_offchain(chain.chain_id(), offchain_attestation(q), attester.key());
  EXPECT_EQ(codes(verify_off(o)), sorted({"validity_too_long", "irrevocable_schema", "attester_not_allowed"}));

  AttestationRequest past = make_request(plain, {bob.recipient()});
  past.valid_until = chain.now();
  const OffchainAttestation p = sign_offchain(chain.chain_id(), offchain_attestation(past), attester.key());
  EXPECT_EQ(codes(verify_off(p)), sorted({"expired_at_creation", "expired"}));

  Attestation future = offchain_attestation(make_request(plain, {bob.recipient()}));
  future.issued_at = chain.now() + 5;
  EXPECT_EQ(codes(verify_off(sign_offchain(chain.chain_id(), future, attester.key()))),
            std::vector<std::string>{"not_yet_valid"});
}

TEST_F(VerifyTest, OffchainUnknownSchemaAndDataProblems) {
  const OffchainAttestation unknown = sign_offchain(
      chain.chain_id(), offchain_attestation(make_request(id_of("nothing"), {bob.recipient()})), attester.key());
  EXPECT_EQ(codes(verify_off(unknown)), std::vector<std::string>{"unknown_schema"});
  const OffchainAttestation wrong_place =
      sign_offchain(chain.chain_id(), offchain_attestation(make_request(offledger, {bob.recipient()})), attester.key());
  EXPECT_EQ(codes(verify_off(wrong_place)), std::vector<std::string>{"data_location_mismatch"});
  const OffchainAttestation bad_data =
      sign_offchain(chain.chain_id(), offchain_attestation(make_request(plain, {bob.recipient()}, test::flag_data())),
                    attester.key());
  EXPECT_EQ(codes(verify_off(bad_data)), std::vector<std::string>{"data_mismatch"});
}

TEST_F(VerifyTest, OffchainAccreditationAndLinks) {
  AttestationRequest q = make_request(accredited, {bob.recipient()});
  const OffchainAttestation none = sign_offchain(chain.chain_id(), offchain_attestation(q), attester.key());
  EXPECT_EQ(codes(verify_off(none)), std::vector<std::string>{"not_accredited"});
  q.accreditation = {accredit(anchor, attester)};
  const OffchainAttestation ok = sign_offchain(chain.chain_id(), offchain_attestation(q), attester.key());
  EXPECT_TRUE(verify_off(ok).valid());

  AttestationRequest l = make_request(link_valid, {bob.recipient()});
  l.linked = id_of("missing");
  EXPECT_EQ(codes(verify_off(sign_offchain(chain.chain_id(), offchain_attestation(l), attester.key()))),
            std::vector<std::string>{"linked_missing"});
  const Id target = chain.attest(stranger, make_request(plain, {bob.recipient()}));
  l.linked = target;
  const OffchainAttestation linked = sign_offchain(chain.chain_id(), offchain_attestation(l), attester.key());
  EXPECT_TRUE(verify_off(linked).valid());
  chain.revoke(stranger, target);
  EXPECT_EQ(codes(verify_off(linked)), std::vector<std::string>{"linked_invalid"});
}

// ---------------------------------------------------------------------------------------------------------------
// Offline verification with proofs

class OfflineTest : public VerifyTest {
 protected:
  // prove -> JSON text -> bundle -> ProofView against the chain's root.
  ProofBundle through_json(const ProofBundle& bundle) {
    auto parsed = codec::parse_json(codec::dump_json(to_json(bundle)));
    EXPECT_TRUE(parsed.ok());
    auto back = proof_bundle_from_json(*parsed);
    EXPECT_TRUE(back.ok()) << back.status().to_string();
    return back.ok() ? *back : ProofBundle{};
  }
  ProofBundle bundle_for(const Id& id, std::uint64_t now) {
    auto b = prove_attestation(chain.map(), id, now);
    EXPECT_TRUE(b.ok()) << b.status().to_string();
    return b.ok() ? through_json(*b) : ProofBundle{};
  }
  Result<Verdict> offline(const ProofBundle& bundle, const Id& id, std::uint64_t now) {
    auto view = ProofView::make(bundle, chain.root());
    if (!view.ok()) return view.status();
    return verify_attestation(*view, id, now);
  }
  // The offline verdict equals the live one, reason for reason; and the one-evaluation form (verdict and bundle
  // together) gives exactly the live verdict and the same bundle.
  void expect_same_verdict(const Id& id, std::uint64_t now) {
    const Verdict live = verify(id, now);
    auto off = offline(bundle_for(id, now), id, now);
    ASSERT_TRUE(off.ok()) << off.status().to_string();
    EXPECT_EQ(off->reasons, live.reasons);
    auto proven = verify_and_prove_attestation(chain.map(), id, now);
    ASSERT_TRUE(proven.ok()) << proven.status().to_string();
    EXPECT_EQ(proven->verdict.reasons, live.reasons);
    auto bundle = prove_attestation(chain.map(), id, now);
    ASSERT_TRUE(bundle.ok());
    EXPECT_EQ(codec::dump_json(to_json(proven->proof)), codec::dump_json(to_json(*bundle)));
  }
};

TEST_F(OfflineTest, SameVerdictAsTheLiveView) {
  // Valid.
  const Id valid = chain.attest(attester, make_request(plain, {bob.recipient()}));
  // Several failures at once, through a depth-2 accreditation chain.
  const Id bob_acc = accredit(anchor, bob);
  const Id attester_acc = accredit(bob, attester);
  AttestationRequest q = make_request(accredited, {stranger.recipient()});
  q.accreditation = {attester_acc, bob_acc};
  q.valid_until = chain.now() + 30;
  const Id multi = chain.attest(attester, q);
  // A link that must be valid.
  AttestationRequest l = make_request(link_valid, {bob.recipient()});
  l.linked = valid;
  const Id linked = chain.attest(attester, l);
  for (const Id& id : {valid, multi, linked, id_of("not found")}) expect_same_verdict(id, chain.now());

  chain.revoke(anchor, bob_acc);
  chain.revoke(attester, multi);
  chain.revoke(attester, valid);
  chain.advance(60);
  for (const Id& id : {valid, multi, linked, id_of("not found")}) expect_same_verdict(id, chain.now());
  EXPECT_EQ(codes(verify(multi)), sorted({"expired", "revoked", "accreditation_revoked"}));
  EXPECT_EQ(codes(verify(linked)), std::vector<std::string>{"linked_invalid"});
}

TEST_F(OfflineTest, OffchainAttestation) {
  const OffchainAttestation o =
      sign_offchain(chain.chain_id(), offchain_attestation(make_request(plain, {bob.recipient()})), attester.key());
  auto check = [&] {
    auto bundle = prove_offchain_attestation(chain.map(), o, chain.now());
    ASSERT_TRUE(bundle.ok()) << bundle.status().to_string();
    auto view = ProofView::make(through_json(*bundle), chain.root());
    ASSERT_TRUE(view.ok()) << view.status().to_string();
    auto off = verify_offchain_attestation(*view, o, chain.now());
    ASSERT_TRUE(off.ok()) << off.status().to_string();
    EXPECT_EQ(off->reasons, verify_off(o).reasons);
  };
  check();
  EXPECT_TRUE(verify_off(o).valid());
  ASSERT_TRUE(chain.run(attester, RevokeOffchain{{attestation_id(o.attestation)}}).ok());
  check();
  EXPECT_EQ(codes(verify_off(o)), std::vector<std::string>{"revoked"});
}

TEST_F(OfflineTest, TamperedValueIsRefused) {
  const Id id = chain.attest(attester, make_request(plain, {bob.recipient()}));
  ProofBundle bundle = bundle_for(id, chain.now());
  ASSERT_TRUE(offline(bundle, id, chain.now()).ok());
  bool changed = false;
  for (auto& e : bundle.entries) {
    if (e.value && !e.value->empty()) {
      e.value->back() ^= 1;
      changed = true;
      break;
    }
  }
  ASSERT_TRUE(changed);
  auto r = offline(bundle, id, chain.now());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), "bad_proof");
}

TEST_F(OfflineTest, ClaimingAPresentEntryIsAbsentIsRefused) {
  const Id id = chain.attest(attester, make_request(plain, {bob.recipient()}));
  ProofBundle bundle = bundle_for(id, chain.now());
  ASSERT_FALSE(bundle.entries.empty());
  ASSERT_TRUE(bundle.entries[0].value.has_value());  // the attestation record is read first
  bundle.entries[0].value.reset();
  auto r = offline(bundle, id, chain.now());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), "bad_proof");
}

TEST_F(OfflineTest, TamperedProofIsRefused) {
  const Id id = chain.attest(attester, make_request(plain, {bob.recipient()}));
  ProofBundle bundle = bundle_for(id, chain.now());
  bool changed = false;
  for (auto& e : bundle.entries) {
    for (auto& s : e.proof.siblings) {
      if (s != Hash256{}) {
        s[0] ^= 0x80;
        changed = true;
        break;
      }
    }
    if (changed) break;
  }
  ASSERT_TRUE(changed);
  auto r = offline(bundle, id, chain.now());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), "bad_proof");

  // Changing the bundle's root along with the root it is checked against does not help.
  ProofBundle moved = bundle_for(id, chain.now());
  moved.root[0] ^= 1;
  auto view = ProofView::make(moved, moved.root);
  ASSERT_FALSE(view.ok());
  EXPECT_EQ(view.status().code(), "bad_proof");
}

TEST_F(OfflineTest, WrongRootIsRefused) {
  const Id id = chain.attest(attester, make_request(plain, {bob.recipient()}));
  const ProofBundle bundle = bundle_for(id, chain.now());
  // The state moves on: the bundle is for an older root.
  chain.revoke(attester, id);
  auto r = offline(bundle, id, chain.now());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), "root_mismatch");
  // Checked against the root it was made for, it still answers — as of that root.
  auto view = ProofView::make(bundle, chain.roots()[chain.roots().size() - 2]);
  ASSERT_TRUE(view.ok()) << view.status().to_string();
  auto old = verify_attestation(*view, id, chain.now());
  ASSERT_TRUE(old.ok());
  EXPECT_TRUE(old->valid());
  EXPECT_FALSE(verify(id).valid());
}

TEST_F(OfflineTest, MissingEntryGivesIncompleteProof) {
  const Id acc = accredit(anchor, attester);
  AttestationRequest q = make_request(accredited, {bob.recipient()});
  q.accreditation = {acc};
  const Id with_accreditation = chain.attest(attester, q);
  AttestationRequest l = make_request(link_valid, {bob.recipient()});
  l.linked = chain.attest(stranger, make_request(plain, {bob.recipient()}));
  const Id with_link = chain.attest(attester, l);
  for (const Id& id : {with_accreditation, with_link}) {
    const ProofBundle full = bundle_for(id, chain.now());
    ASSERT_GE(full.entries.size(), 3u);  // the record, its schema, the accreditation or link
    for (std::size_t drop = 0; drop < full.entries.size(); ++drop) {
      ProofBundle partial = full;
      partial.entries.erase(partial.entries.begin() + static_cast<std::ptrdiff_t>(drop));
      auto r = offline(partial, id, chain.now());
      // verify.h: "Errors: … invalid("incomplete_proof") when a ProofView lacks an entry the verification needs" —
      // an error of the call, never a reason inside a verdict.
      EXPECT_FALSE(r.ok()) << "entry " << drop << " of " << full.entries.size()
                           << " missing, yet a verdict came back: " << codec::dump_json(to_json(*r));
      if (r.ok()) continue;
      EXPECT_TRUE(r.status().is_invalid());
      EXPECT_EQ(r.status().code(), "incomplete_proof");
    }
  }
  const Id id = with_accreditation;
  // A bundle proves only what it was made for.
  const Id other = chain.attest(attester, make_request(plain, {bob.recipient()}));
  auto view = ProofView::make(bundle_for(id, chain.now()), chain.root());
  ASSERT_TRUE(view.ok());
  auto r = verify_attestation(*view, other, chain.now());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), "incomplete_proof");
}

TEST_F(OfflineTest, BundleJsonIsStrict) {
  const Id id = chain.attest(attester, make_request(plain, {bob.recipient()}));
  auto bundle = prove_attestation(chain.map(), id, chain.now());
  ASSERT_TRUE(bundle.ok());
  codec::Json j = to_json(*bundle);
  codec::Json extra = j;
  extra["extra"] = 1;
  EXPECT_EQ(proof_bundle_from_json(extra).status().code(), "unknown_field");
  codec::Json entry_extra = j;
  entry_extra["entries"][0]["extra"] = 1;
  EXPECT_EQ(proof_bundle_from_json(entry_extra).status().code(), "unknown_field");
  codec::Json missing = j;
  missing.erase("root");
  EXPECT_EQ(proof_bundle_from_json(missing).status().code(), "missing_field");
}

TEST_F(OfflineTest, ProvingNeedsACommittedState) {
  const Id id = chain.attest(attester, make_request(plain, {bob.recipient()}));
  chain.map().put(id_of("pending key"), Bytes{1});
  auto b = prove_attestation(chain.map(), id, chain.now());
  ASSERT_FALSE(b.ok());
  EXPECT_TRUE(b.status().is_error());
  chain.map().discard();
}

}  // namespace
}  // namespace credence::core
