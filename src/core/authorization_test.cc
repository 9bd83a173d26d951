// The authorization matrix: every privileged action, attempted by every actor who is not entitled to it, is refused
// with the expected reason code and leaves nothing behind but (for an included transaction) the submitter's nonce
// bump. Each cell runs on a fresh chain. A control test per action shows that the entitled actor succeeds, so each
// refusal is about who acts, not about a broken set-up.
//
// The one documented exception: a trust anchor named by a schema's accreditation rule attests under that schema on
// its own authority (rules.h, check_accreditation), so the "accreditation" row expects ok for the anchor.
#include <gtest/gtest.h>

#include <string>
#include <tuple>

#include "credence/core/ledger.h"
#include "credence/core/verify.h"
#include "test_support.h"

namespace credence::core {
namespace {

using test::Account;
using test::Chain;
using test::make_request;

enum class Action {
  revoke,                         // revoke the attester's attestation
  delegated_revoke,               // a relayer submits a revocation the actor signed as its own delegation
  delegated_revoke_forged,        // ... a delegation in the attester's name, signed with the actor's key
  delegated_attest_forged,        // an attestation in the attester's name, delegation signed with the actor's key
  register_for_another,           // register a schema naming another account as its registrant
  attest_allowlisted,             // attest under a schema whose allow-list names only the attester
  attest_unaccredited,            // attest under a schema requiring accreditation, without one
  attest_borrowed_accreditation,  // ... presenting the attester's accreditation
  transfer_from_another,          // a transfer out of the attester's balance, author = attester, signed by the actor
  forged_author,                  // a revocation with author = attester, signed by the actor
  revoke_offchain,                // revoke the attester's off-ledger attestation (an entry under the actor's key only)
};

enum class Actor { stranger, recipient, registrant, anchor, relayer };

const char* name(Action a) {
  switch (a) {
    case Action::revoke:
      return "Revoke";
    case Action::delegated_revoke:
      return "DelegatedRevoke";
    case Action::delegated_revoke_forged:
      return "DelegatedRevokeForged";
    case Action::delegated_attest_forged:
      return "DelegatedAttestForged";
    case Action::register_for_another:
      return "RegisterForAnother";
    case Action::attest_allowlisted:
      return "AttestAllowlisted";
    case Action::attest_unaccredited:
      return "AttestUnaccredited";
    case Action::attest_borrowed_accreditation:
      return "AttestBorrowedAccreditation";
    case Action::transfer_from_another:
      return "TransferFromAnother";
    case Action::forged_author:
      return "ForgedAuthor";
    case Action::revoke_offchain:
      return "RevokeOffchain";
  }
  return "?";
}

const char* name(Actor a) {
  switch (a) {
    case Actor::stranger:
      return "Stranger";
    case Actor::recipient:
      return "Recipient";
    case Actor::registrant:
      return "Registrant";
    case Actor::anchor:
      return "Anchor";
    case Actor::relayer:
      return "Relayer";
  }
  return "?";
}

enum class Outcome { rejected, failed, ok, no_effect };

struct Expectation {
  Outcome outcome;
  std::string code;
};

Expectation expected(Action action, Actor actor) {
  switch (action) {
    case Action::revoke:
    case Action::delegated_revoke:
      return {Outcome::failed, "not_attester"};
    case Action::delegated_revoke_forged:
    case Action::delegated_attest_forged:
      return {Outcome::failed, "bad_delegation_signature"};
    case Action::register_for_another:
      return {Outcome::failed, "registrant_mismatch"};
    case Action::attest_allowlisted:
      return {Outcome::failed, "attester_not_allowed"};
    case Action::attest_unaccredited:
    case Action::attest_borrowed_accreditation:
      if (actor == Actor::anchor) return {Outcome::ok, "ok"};  // trust anchors attest directly
      return {Outcome::failed, "not_accredited"};
    case Action::transfer_from_another:
    case Action::forged_author:
      return {Outcome::rejected, "bad_signature"};
    case Action::revoke_offchain:
      return {Outcome::no_effect, "ok"};
  }
  return {Outcome::failed, "?"};
}

class World {
 public:
  World() {
    plain = chain.register_schema(registrant, test::make_schema(registrant.id(), "plain"));
    Schema allow = test::make_schema(registrant.id(), "allow-listed");
    allow.policy.attester_allowlist = {attester.id()};
    allowlisted = chain.register_schema(registrant, allow);
    accreditor = chain.register_schema(anchor, test::make_schema(anchor.id(), "accredited issuer"));
    Schema acc = test::make_schema(registrant.id(), "needs accreditation");
    acc.policy.accreditation = AccreditationRule{accreditor, {anchor.id()}, 1};
    accredited = chain.register_schema(registrant, acc);
    accreditation = chain.attest(anchor, make_request(accreditor, {attester.recipient()}));
    attestation = chain.attest(attester, make_request(plain, {recipient.recipient()}));
    Attestation off;
    off.request = make_request(plain, {recipient.recipient()});
    off.issued_at = chain.now();
    off.origin = test::id_of("salt");
    offchain = sign_offchain(chain.chain_id(), off, attester.key());
  }

  const Account& who(Actor a) const {
    switch (a) {
      case Actor::stranger:
        return stranger;
      case Actor::recipient:
        return recipient;
      case Actor::registrant:
        return registrant;
      case Actor::anchor:
        return anchor;
      case Actor::relayer:
        return relayer;
    }
    return stranger;
  }

  // The transaction with which `actor` attempts `action` (actor == nullptr: the entitled actor).
  SignedTransaction attempt(Action action, const Account* actor) {
    const bool entitled = actor == nullptr;
    const Account& a = entitled ? attester : *actor;
    const std::uint64_t deadline = chain.now() + 60;
    switch (action) {
      case Action::revoke:
        return chain.sign(a, test::revoke_body(attestation));
      case Action::delegated_revoke: {
        const Revoke payload{{Revocation{attestation, ""}}};
        return chain.sign(relayer, chain.delegated_revoke(a, payload, deadline));
      }
      case Action::delegated_revoke_forged: {
        const Revoke payload{{Revocation{attestation, ""}}};
        Delegation d = chain.delegation(a, Body(payload), deadline, chain.delegation_nonce(attester.id()));
        d.attester = attester.id();
        return chain.sign(relayer, DelegatedRevoke{d, payload});
      }
      case Action::delegated_attest_forged: {
        const Attest payload{{make_request(plain, {recipient.recipient()})}};
        Delegation d = chain.delegation(a, Body(payload), deadline, chain.delegation_nonce(attester.id()));
        d.attester = attester.id();
        return chain.sign(relayer, DelegatedAttest{d, payload});
      }
      case Action::register_for_another: {
        const Account& victim = &a == &registrant ? attester : registrant;
        const AccountId named = entitled ? a.id() : victim.id();
        return chain.sign(a, RegisterSchema{test::make_schema(named, "taken over")});
      }
      case Action::attest_allowlisted:
        return chain.sign(a, test::attest_body(make_request(allowlisted, {recipient.recipient()})));
      case Action::attest_unaccredited: {
        AttestationRequest q = make_request(accredited, {recipient.recipient()});
        if (entitled) q.accreditation = {accreditation};
        return chain.sign(a, test::attest_body(q));
      }
      case Action::attest_borrowed_accreditation: {
        AttestationRequest q = make_request(accredited, {recipient.recipient()});
        q.accreditation = {accreditation};
        return chain.sign(a, test::attest_body(q));
      }
      case Action::transfer_from_another: {
        Transaction tx = chain.tx(attester.id(), Transfer{entitled ? stranger.id() : a.id(), codec::U256::from_u64(100)});
        return entitled ? sign_transaction(tx, attester.key())
                        : test::resign_with(sign_transaction(tx, attester.key()), a.key());
      }
      case Action::forged_author: {
        Transaction tx = chain.tx(attester.id(), test::revoke_body(attestation));
        return entitled ? sign_transaction(tx, attester.key())
                        : test::resign_with(sign_transaction(tx, attester.key()), a.key());
      }
      case Action::revoke_offchain:
        return chain.sign(a, RevokeOffchain{{attestation_id(offchain.attestation)}});
    }
    return {};
  }

  // Whether the protected object is intact after an attempt.
  ::testing::AssertionResult intact(Action action) {
    switch (action) {
      case Action::revoke:
      case Action::delegated_revoke:
      case Action::delegated_revoke_forged:
      case Action::forged_author:
        if (chain.record(attestation)->revoked_at != 0) return ::testing::AssertionFailure() << "revoked";
        break;
      case Action::transfer_from_another:
        if (chain.balance(attester.id()) != kBalance) return ::testing::AssertionFailure() << "balance moved";
        break;
      case Action::revoke_offchain: {
        auto verdict = verify_offchain_attestation(chain.ledger().view(), offchain, chain.now());
        if (!verdict.ok()) return ::testing::AssertionFailure() << verdict.status().to_string();
        if (!verdict->valid()) return ::testing::AssertionFailure() << "off-ledger attestation no longer valid";
        break;
      }
      default:
        break;
    }
    return ::testing::AssertionSuccess();
  }

  static constexpr std::uint64_t kBalance = 1'000;
  Account attester{31};
  Account stranger{32};
  Account recipient{33};
  Account registrant{34};
  Account anchor{35};
  Account relayer{36};
  Chain chain{{{attester.id(), kBalance},
               {stranger.id(), kBalance},
               {recipient.id(), kBalance},
               {registrant.id(), kBalance},
               {anchor.id(), kBalance},
               {relayer.id(), kBalance}}};
  Id plain{};
  Id allowlisted{};
  Id accreditor{};
  Id accredited{};
  Id accreditation{};
  Id attestation{};
  OffchainAttestation offchain;
};

constexpr Action kActions[] = {Action::revoke,
                               Action::delegated_revoke,
                               Action::delegated_revoke_forged,
                               Action::delegated_attest_forged,
                               Action::register_for_another,
                               Action::attest_allowlisted,
                               Action::attest_unaccredited,
                               Action::attest_borrowed_accreditation,
                               Action::transfer_from_another,
                               Action::forged_author,
                               Action::revoke_offchain};
constexpr Actor kActors[] = {Actor::stranger, Actor::recipient, Actor::registrant, Actor::anchor, Actor::relayer};

std::string cell_name(const ::testing::TestParamInfo<std::tuple<Action, Actor>>& param) {
  return std::string(name(std::get<0>(param.param))) + "_by_" + name(std::get<1>(param.param));
}

std::string action_name(const ::testing::TestParamInfo<Action>& param) {
  return name(param.param);
}

class AuthorizationMatrix : public ::testing::TestWithParam<std::tuple<Action, Actor>> {};

TEST_P(AuthorizationMatrix, WrongActorIsRefused) {
  const auto [action, actor] = GetParam();
  World world;
  const SignedTransaction stx = world.attempt(action, &world.who(actor));
  const Expectation e = expected(action, actor);
  switch (e.outcome) {
    case Outcome::rejected:
      EXPECT_TRUE(test::rejected(world.chain, stx, e.code));
      break;
    case Outcome::failed:
      EXPECT_TRUE(test::failed(world.chain, stx, e.code));
      break;
    case Outcome::ok:
    case Outcome::no_effect:
      EXPECT_TRUE(test::succeeded(world.chain, stx));
      break;
  }
  EXPECT_TRUE(world.intact(action));
}

INSTANTIATE_TEST_SUITE_P(AllCells, AuthorizationMatrix,
                         ::testing::Combine(::testing::ValuesIn(kActions), ::testing::ValuesIn(kActors)), cell_name);

class EntitledActor : public ::testing::TestWithParam<Action> {};

TEST_P(EntitledActor, Succeeds) {
  const Action action = GetParam();
  World world;
  EXPECT_TRUE(test::succeeded(world.chain, world.attempt(action, nullptr)));
  switch (action) {
    case Action::revoke:
    case Action::delegated_revoke:
    case Action::delegated_revoke_forged:
    case Action::forged_author:
      EXPECT_NE(world.chain.record(world.attestation)->revoked_at, 0u);
      break;
    case Action::transfer_from_another:
      EXPECT_EQ(world.chain.balance(world.attester.id()), World::kBalance - 100);
      break;
    case Action::revoke_offchain: {
      auto verdict = verify_offchain_attestation(world.chain.ledger().view(), world.offchain, world.chain.now());
      ASSERT_TRUE(verdict.ok());
      EXPECT_TRUE(verdict->has("revoked"));
      break;
    }
    default:
      break;
  }
}

INSTANTIATE_TEST_SUITE_P(AllActions, EntitledActor, ::testing::ValuesIn(kActions), action_name);

// A relayer cannot change what it relays: the attester's delegation covers one payload.
TEST(AuthorizationRelayer, CannotAlterTheRelayedPayload) {
  World world;
  const Revoke payload{{Revocation{world.attestation, "attester's reason"}}};
  const Body body = world.chain.delegated_revoke(world.attester, payload, world.chain.now() + 60);
  DelegatedRevoke altered = std::get<DelegatedRevoke>(body);
  altered.payload.revocations[0].reason = "relayer's reason";
  EXPECT_TRUE(test::failed(world.chain, world.chain.sign(world.relayer, altered), "bad_delegation_signature"));
  // Nor turn a delegated revocation into an attestation under the same signature.
  const Attest attest{{make_request(world.plain, {world.recipient.recipient()})}};
  EXPECT_TRUE(test::failed(
      world.chain, world.chain.sign(world.relayer, DelegatedAttest{std::get<DelegatedRevoke>(body).delegation, attest}),
      "bad_delegation_signature"));
  EXPECT_TRUE(test::succeeded(world.chain, world.chain.sign(world.relayer, body)));
}

}  // namespace
}  // namespace credence::core
