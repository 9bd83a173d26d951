// The token layer's assets: creation, minting and transfers, one test per reason code, with the state checked
// after every failure (only the author's nonce moves) and the supply invariant checked after every success.
#include <gtest/gtest.h>

#include "credence/codec/hex.h"
#include "test_support.h"

namespace credence::core {
namespace {

using test::Account;
using test::Chain;
using test::failed;
using test::succeeded;

U256 u(std::uint64_t v) { return U256::from_u64(v); }
U256 dec(const char* text) { return *U256::parse_decimal(text); }

AssetDefinition definition(U256 initial, U256 max, std::string symbol = "TKN") {
  AssetDefinition d;
  d.symbol = std::move(symbol);
  d.name = "Test token";
  d.decimals = 18;
  d.initial_supply = initial;
  d.max_supply = max;
  return d;
}

class TokenTest : public ::testing::Test {
 protected:
  const Account issuer{1};
  const Account alice{2};
  const Account bob{3};
  Chain chain{{{issuer.id(), 1'000}, {alice.id(), 1'000}}};

  // Creates an asset that must succeed; returns its id.
  Id create(const AssetDefinition& d) {
    const SignedTransaction stx = chain.sign(issuer, CreateAsset{d});
    const Receipt r = chain.submit(stx);
    EXPECT_TRUE(r.ok()) << r.code << ": " << r.message;
    const Id id = asset_id(transaction_id(stx.tx));
    EXPECT_EQ(r.created, std::vector<Id>{id});
    return id;
  }
  U256 balance(const Id& asset, const Account& who) const { return chain.amount(balance_key(asset, who.id())); }
  AssetRecord record(const Id& asset) {
    auto r = load_asset(chain.ledger().view(), asset);
    EXPECT_TRUE(r.ok() && r->has_value());
    return r.ok() && r->has_value() ? **r : AssetRecord{};
  }
  // Balances of the accounts this fixture uses add up to the supply.
  void expect_conserved(const Id& asset) {
    U256 sum;
    for (const Account* a : {&issuer, &alice, &bob}) sum = *checked_add(sum, balance(asset, *a));
    EXPECT_EQ(sum, record(asset).supply);
  }
};

TEST_F(TokenTest, GenesisWritesTheNativeAssetRecord) {
  const AssetRecord native = record(kNativeAsset);
  EXPECT_EQ(native.definition.symbol, "CRED");
  EXPECT_EQ(native.supply, u(2'000));
  EXPECT_TRUE(native.definition.fixed_supply());
  EXPECT_EQ(native.issuer, AccountId{});
  EXPECT_EQ(balance(kNativeAsset, alice), u(1'000));
  EXPECT_EQ(balance_key(kNativeAsset, alice.id()), balance_key(alice.id()));
}

TEST_F(TokenTest, CreateMintAndTransferWith256BitAmounts) {
  const U256 big = dec("100000000000000000000000000000000000000000");  // 10^41, far beyond 64 bits
  const Id id = create(definition(big, U256::max()));
  EXPECT_EQ(balance(id, issuer), big);
  EXPECT_EQ(record(id).issuer, issuer.id());
  expect_conserved(id);

  EXPECT_TRUE(succeeded(chain, chain.sign(issuer, Mint{id, alice.id(), big})));
  EXPECT_EQ(balance(id, alice), big);
  EXPECT_EQ(record(id).supply, *checked_add(big, big));
  expect_conserved(id);

  EXPECT_TRUE(succeeded(chain, chain.sign(alice, Transfer{bob.id(), u(7), id})));
  EXPECT_EQ(balance(id, bob), u(7));
  EXPECT_EQ(balance(id, alice), *checked_sub(big, u(7)));
  EXPECT_EQ(balance(kNativeAsset, bob), U256());  // another asset's moves leave the native balance alone
  expect_conserved(id);

  // Moving everything leaves no entry behind.
  EXPECT_TRUE(succeeded(chain, chain.sign(bob, Transfer{alice.id(), u(7), id})));
  EXPECT_FALSE(chain.has(balance_key(id, bob.id())));
  expect_conserved(id);
}

TEST_F(TokenTest, TwoAssetsFromTwoTransactionsHaveDistinctIds) {
  const Id a = create(definition(u(10), u(10)));
  const Id b = create(definition(u(10), u(10)));
  EXPECT_NE(a, b);
  EXPECT_NE(balance_key(a, issuer.id()), balance_key(b, issuer.id()));
}

TEST_F(TokenTest, EveryBadDefinitionIsRefusedWithBadAsset) {
  std::vector<AssetDefinition> bad;
  bad.push_back(definition(u(1), u(1), ""));
  bad.push_back(definition(u(1), u(1), "ABCDEFGHIJKLMNOPQ"));  // 17 characters
  bad.push_back(definition(u(1), u(1), "A B"));
  bad.push_back(definition(u(1), u(1), "Ü"));
  bad.push_back(definition(u(2), u(1)));  // max below initial
  bad.push_back(definition(U256(), U256()));  // nothing could ever exist
  AssetDefinition long_name = definition(u(1), u(1));
  long_name.name.assign(kMaxNameLength + 1, 'n');
  bad.push_back(long_name);
  AssetDefinition decimals = definition(u(1), u(1));
  decimals.decimals = kMaxDecimals + 1;
  bad.push_back(decimals);
  for (const AssetDefinition& d : bad) {
    SCOPED_TRACE(d.symbol + " / " + std::to_string(d.decimals));
    EXPECT_TRUE(failed(chain, chain.sign(issuer, CreateAsset{d}), "bad_asset"));
  }
  // The boundaries themselves are fine: 16 characters, 36 decimals, a zero initial supply under a cap.
  AssetDefinition edge = definition(U256(), u(5), "ABCDEFGHIJKLMNO.");
  edge.decimals = kMaxDecimals;
  const Id id = create(edge);
  EXPECT_FALSE(chain.has(balance_key(id, issuer.id())));
}

TEST_F(TokenTest, MintRefusals) {
  const Id capped = create(definition(u(10), u(15)));
  const Id fixed = create(definition(u(10), u(10)));
  const Id unknown = test::id_of("no such asset");

  EXPECT_TRUE(failed(chain, chain.sign(issuer, Mint{unknown, alice.id(), u(1)}), "unknown_asset"));
  EXPECT_TRUE(failed(chain, chain.sign(issuer, Mint{fixed, alice.id(), u(1)}), "fixed_supply"));
  EXPECT_TRUE(failed(chain, chain.sign(issuer, Mint{kNativeAsset, alice.id(), u(1)}), "fixed_supply"));
  EXPECT_TRUE(failed(chain, chain.sign(alice, Mint{capped, alice.id(), u(1)}), "not_issuer"));
  EXPECT_TRUE(failed(chain, chain.sign(issuer, Mint{capped, alice.id(), u(6)}), "supply_cap_exceeded"));
  EXPECT_TRUE(failed(chain, chain.sign(issuer, Mint{capped, alice.id(), U256()}), "bad_transaction"));
  EXPECT_TRUE(failed(chain, chain.sign(issuer, Mint{capped, alice.id(), U256::max()}), "supply_cap_exceeded"));
  // Up to the cap exactly, then not one more.
  EXPECT_TRUE(succeeded(chain, chain.sign(issuer, Mint{capped, alice.id(), u(5)})));
  EXPECT_EQ(record(capped).supply, u(15));
  EXPECT_TRUE(failed(chain, chain.sign(issuer, Mint{capped, alice.id(), u(1)}), "supply_cap_exceeded"));
  expect_conserved(capped);
}

TEST_F(TokenTest, MintingAtTheTopOfTheRangeIsCheckedNotWrapped) {
  const Id id = create(definition(*checked_sub(U256::max(), u(1)), U256::max()));
  EXPECT_TRUE(failed(chain, chain.sign(issuer, Mint{id, alice.id(), u(2)}), "supply_cap_exceeded"));
  EXPECT_TRUE(succeeded(chain, chain.sign(issuer, Mint{id, issuer.id(), u(1)})));
  EXPECT_EQ(balance(id, issuer), U256::max());
  expect_conserved(id);
}

TEST_F(TokenTest, TransferRefusals) {
  const Id id = create(definition(u(10), u(10)));
  EXPECT_TRUE(failed(chain, chain.sign(issuer, Transfer{alice.id(), u(1), test::id_of("nothing")}), "unknown_asset"));
  EXPECT_TRUE(failed(chain, chain.sign(issuer, Transfer{alice.id(), u(11), id}), "insufficient_balance"));
  EXPECT_TRUE(failed(chain, chain.sign(alice, Transfer{bob.id(), u(1), id}), "insufficient_balance"));
  EXPECT_TRUE(failed(chain, chain.sign(issuer, Transfer{alice.id(), U256(), id}), "bad_transaction"));
  EXPECT_TRUE(failed(chain, chain.sign(alice, Transfer{bob.id(), U256::max()}), "insufficient_balance"));
  expect_conserved(id);
}

TEST(TokenEncoding, BodiesRoundTripInBinaryAndJson) {
  const Account a{9};
  std::vector<Body> bodies;
  bodies.push_back(CreateAsset{definition(dec("123456789012345678901234567890"), U256::max(), "A-1.b")});
  bodies.push_back(Mint{test::id_of("asset"), a.id(), dec("340282366920938463463374607431768211456")});
  bodies.push_back(Transfer{a.id(), u(5)});
  bodies.push_back(Transfer{a.id(), U256::max(), test::id_of("asset")});
  for (const Body& body : bodies) {
    SCOPED_TRACE(body_name(body));
    const SignedTransaction stx = sign_transaction(Transaction{7, a.id(), 0, 100, body}, a.key());
    auto decoded = decode_signed_transaction(encode(stx));
    ASSERT_TRUE(decoded.ok()) << decoded.status().to_string();
    EXPECT_EQ(*decoded, stx);
    auto from_json = signed_transaction_from_json(to_json(stx));
    ASSERT_TRUE(from_json.ok()) << from_json.status().to_string();
    EXPECT_EQ(*from_json, stx);
  }
  // Amounts in JSON are decimal strings; a negative, fractional or oversized one is a bad field.
  codec::Json j = to_json(sign_transaction(Transaction{7, a.id(), 0, 100, Transfer{a.id(), u(5)}}, a.key()));
  EXPECT_EQ(j["transaction"]["body"]["amount"], "5");
  EXPECT_FALSE(j["transaction"]["body"].contains("asset"));  // the native token is the default
  for (const codec::Json& bad : {codec::Json("-1"), codec::Json("1.5"), codec::Json(-1), codec::Json(""),
                                 codec::Json("115792089237316195423570985008687907853269984665640564039457584007913129639936")}) {
    codec::Json t = j;
    t["transaction"]["body"]["amount"] = bad;
    t["transaction"].erase("id");
    EXPECT_EQ(signed_transaction_from_json(t).status().code(), "bad_field") << bad;
  }
}

TEST(TokenEncoding, AssetRecordsDecodeStrictly) {
  AssetRecord r;
  r.id = test::id_of("asset");
  r.issuer = Account{4}.id();
  r.definition = definition(u(1), u(9));
  r.supply = u(3);
  const Bytes b = encode(r);
  auto back = decode_asset_record(b);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, r);
  Bytes longer = b;
  longer.push_back(0);
  EXPECT_FALSE(decode_asset_record(longer).ok());
  for (std::size_t cut = 0; cut < b.size(); ++cut) {
    EXPECT_FALSE(decode_asset_record(ByteView(b.data(), cut)).ok()) << cut;
  }
  r.supply = u(10);  // above the cap: not a record the ledger can write
  EXPECT_FALSE(decode_asset_record(encode(r)).ok());
}

}  // namespace
}  // namespace credence::core
