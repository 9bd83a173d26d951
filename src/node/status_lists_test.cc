#include "credence/node/status_lists.h"

#include <gtest/gtest.h>

#include <array>

#include "credence/interop/jcs.h"
#include "credence/interop/status_list.h"
#include "credence/interop/vc.h"
#include "storage_test_support.h"

namespace credence::node {
namespace {

namespace sl = interop::status_list;
namespace vc = interop::vc;
using codec::Json;
using test::Account;
using test::Node;
using test::request;

constexpr const char* kUrl = "https://node.example/v1/status-lists/0";

crypto::ed25519::SecretKey node_key() {
  std::array<std::uint8_t, 32> seed{};
  seed[0] = 7;
  return crypto::ed25519::SecretKey::from_seed(seed);
}

Json parse(const std::shared_ptr<const std::string>& text) {
  auto json = interop::jcs::parse(*text);
  EXPECT_TRUE(json.ok()) << json.status().to_string();
  return json.ok() ? *json : Json();
}

class StatusListsTest : public ::testing::Test {
 protected:
  StatusListsTest() : alice(1), bob(2), node({{alice.id(), 1000}}), lists(node_key()) {
    schema = node.register_schema(alice, "kyc");
    a0 = node.attest(alice, {request(schema, {bob.recipient()})}).at(0);
    a1 = node.attest(alice, {request(schema, {bob.recipient()})}).at(0);
  }

  Json list(std::uint64_t n = 0, const std::string& url = kUrl) {
    auto text = lists.credential(*node.db().snapshot(), n, url);
    EXPECT_TRUE(text.ok()) << text.status().to_string();
    return text.ok() ? parse(*text) : Json();
  }

  // The node's export of `id`, checked against `list_credential` the way `credence vc verify` checks it.
  vc::Verdict verify_export(const core::Id& id, const Json& list_credential) {
    const auto snap = node.db().snapshot();
    core::MapStateView view(node.map());
    auto record = core::load_attestation(view, id);
    EXPECT_TRUE(record.ok() && record->has_value());
    auto sequence = snap->attestation_sequence(id);
    EXPECT_TRUE(sequence.ok() && sequence->has_value());
    auto credential = lists.attestation_credential((*record)->attestation, nullptr, **sequence, kUrl,
                                                   static_cast<std::int64_t>(snap->head().time));
    EXPECT_TRUE(credential.ok()) << credential.status().to_string();
    vc::VerifyOptions options;
    options.now = static_cast<std::int64_t>(snap->head().time) + 1;
    options.status_lists = {list_credential};
    return vc::verify_credential(*credential, options);
  }

  Account alice, bob;
  Node node;
  StatusLists lists;
  core::Id schema{}, a0{}, a1{};
};

TEST(StatusListsPosition, SequencesFillListsInOrder) {
  EXPECT_EQ(StatusLists::position(0).list, 0u);
  EXPECT_EQ(StatusLists::position(131071).index, 131071u);
  EXPECT_EQ(StatusLists::position(131072).list, 1u);
  EXPECT_EQ(StatusLists::position(131072).index, 0u);
  EXPECT_EQ(StatusLists::position(3 * 131072 + 5).list, 3u);
  EXPECT_EQ(StatusLists::position(3 * 131072 + 5).index, 5u);
}

TEST_F(StatusListsTest, PublishesASignedListOfTheRevokedAttestations) {
  const Json clear = list();
  auto view = sl::read_credential(clear);
  ASSERT_TRUE(view.ok()) << view.status().to_string();
  EXPECT_EQ(view->id, kUrl);
  EXPECT_EQ(view->purposes, std::vector<std::string>{"revocation"});
  EXPECT_EQ(view->list.size(), StatusLists::kEntriesPerList);
  EXPECT_EQ(clear["issuer"], lists.did());
  // An all-clear list of 131,072 entries is the spec's example text.
  EXPECT_EQ(clear["credentialSubject"]["encodedList"],
            "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA");
  vc::VerifyOptions options;
  options.now = static_cast<std::int64_t>(node.now()) + 1;
  EXPECT_TRUE(vc::verify_credential(clear, options).valid());
  EXPECT_TRUE(verify_export(a0, clear).valid());

  node.revoke(alice, a1);
  const Json revoked = list();
  view = sl::read_credential(revoked);
  ASSERT_TRUE(view.ok());
  EXPECT_FALSE(view->list.get(0));
  EXPECT_TRUE(view->list.get(1));  // a1 has sequence 1
  EXPECT_EQ(revoked["validFrom"], vc::format_datetime(static_cast<std::int64_t>(node.now())));
  EXPECT_TRUE(verify_export(a0, revoked).valid());
  const vc::Verdict v = verify_export(a1, revoked);
  ASSERT_FALSE(v.valid());
  ASSERT_EQ(v.problems.size(), 1u);
  EXPECT_EQ(v.problems[0].code(), "revoked");
}

TEST_F(StatusListsTest, CachesPerHeightAndReusesTheEncodingWhileNothingIsRevoked) {
  const auto snap = node.db().snapshot();
  auto first = lists.credential(*snap, 0, kUrl);
  auto again = lists.credential(*snap, 0, kUrl);
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first->get(), again->get());  // the same text, not re-signed

  node.attest(alice, {request(schema, {bob.recipient()})});  // a new height, no revocation
  auto next = lists.credential(*node.db().snapshot(), 0, kUrl);
  ASSERT_TRUE(next.ok());
  EXPECT_NE(first->get(), next->get());
  const Json a = parse(*first), b = parse(*next);
  EXPECT_EQ(a["credentialSubject"]["encodedList"], b["credentialSubject"]["encodedList"]);
  EXPECT_NE(a["validFrom"], b["validFrom"]);

  // Another URL is another credential (its id), from the same list.
  auto other = lists.credential(*node.db().snapshot(), 0, "https://other.example/v1/status-lists/0");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(parse(*other)["id"], "https://other.example/v1/status-lists/0");
}

TEST_F(StatusListsTest, ListsPastTheLastAttestationDoNotExist) {
  auto missing = lists.credential(*node.db().snapshot(), 1, kUrl);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), "unknown_status_list");
  missing = lists.credential(*node.db().snapshot(), ~std::uint64_t{0}, kUrl);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), "unknown_status_list");
}

TEST(StatusListsEmpty, ListZeroExistsOnAFreshChain) {
  Node node;
  const StatusLists lists(node_key());
  auto text = lists.credential(*node.db().snapshot(), 0, kUrl);
  ASSERT_TRUE(text.ok()) << text.status().to_string();
  auto view = sl::read_credential(parse(*text));
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->list.size(), StatusLists::kEntriesPerList);
}

}  // namespace
}  // namespace credence::node
