// Writes the files the CLI functional test verifies offline: it runs a small ledger in memory (schemas, an
// accreditation chain, attestations, a revocation, an off-ledger attestation), commits it, and exports
// attestations, proof bundles and the state root. Usage: attestation_fixture OUT_DIR
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "credence/codec/abi.h"
#include "credence/codec/hex.h"
#include "credence/core/ledger.h"
#include "credence/core/node_store.h"
#include "credence/core/verify.h"
#include "credence/crypto/self_test.h"

using namespace credence;

namespace {

constexpr std::uint64_t kChain = 7;
constexpr std::uint64_t kStart = 1'700'000'000;

[[noreturn]] void die(const std::string& what, const Status& s) {
  std::cerr << "attestation_fixture: " << what << ": " << s.to_string() << '\n';
  std::exit(1);
}

template <typename T>
T must(Result<T> r, const std::string& what) {
  if (!r) die(what, r.status());
  return std::move(r).value();
}

void write(const std::string& dir, const std::string& name, const std::string& text) {
  std::ofstream out(dir + "/" + name);
  out << text << '\n';
  if (!out) die("write " + dir + "/" + name, Status::error("io_error"));
}

struct World {
  core::MemoryNodeStore store;
  core::smt::AuthenticatedMap map;
  core::Ledger ledger;
  std::uint64_t height = 0;
  std::map<core::AccountId, std::uint64_t> nonces;

  World() : map(must(core::smt::AuthenticatedMap::open(store), "open")), ledger(map, kChain) {}

  std::vector<core::Id> submit(const crypto::ed25519::SecretKey& key, core::Body body, std::uint64_t time) {
    core::Transaction tx;
    tx.chain_id = kChain;
    tx.nonce = nonces[key.public_key().bytes()]++;
    tx.expires_at = time + 3600;
    tx.body = std::move(body);
    auto receipt = must(ledger.apply(core::sign_transaction(std::move(tx), key), {++height, time}), "apply");
    if (!receipt.ok()) die("transaction", Status::invalid(receipt.code, receipt.message));
    must(map.commit(), "commit");
    return receipt.created;
  }
};

core::Schema schema(const crypto::ed25519::SecretKey& registrant, std::string name, std::string fields) {
  core::Schema s;
  s.name = std::move(name);
  s.registrant = registrant.public_key().bytes();
  s.fields = std::move(fields);
  return s;
}

core::AttestationRequest request(const core::Id& schema_id, const core::AccountId& recipient, Bytes data) {
  core::AttestationRequest q;
  q.schema = schema_id;
  q.recipients = {core::Recipient::account(recipient)};
  q.data.data = std::move(data);
  return q;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: attestation_fixture OUT_DIR\n";
    return 2;
  }
  const std::string dir = argv[1];
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) die("create " + dir, Status::error("io_error", ec.message()));
  if (!crypto::initialize().is_ok()) return 3;
  crypto::DeterministicRandom random(2024);
  const auto anchor = crypto::ed25519::SecretKey::generate(random);
  const auto issuer = crypto::ed25519::SecretKey::generate(random);
  const auto holder = crypto::ed25519::SecretKey::generate(random);

  World w;
  if (!w.ledger.apply_genesis({kChain, {}, std::nullopt}).is_ok()) return 1;
  must(w.map.commit(), "genesis");

  // An accreditation schema run by the anchor, and a KYC schema that requires it.
  const core::Id accreditation = w.submit(anchor, core::RegisterSchema{schema(anchor, "issuer accreditation", "bool ok")}, kStart)[0];
  core::Schema kyc = schema(issuer, "kyc", "uint8 level,string country");
  kyc.policy.accreditation = core::AccreditationRule{accreditation, {anchor.public_key().bytes()}, 1};
  const core::Id kyc_id = w.submit(issuer, core::RegisterSchema{kyc}, kStart)[0];

  const auto ok_data = must(codec::abi_encode(std::vector{codec::AbiType::boolean()}, std::vector{codec::AbiValue::boolean(true)}), "abi");
  const core::Id accreditation_att =
      w.submit(anchor, core::Attest{{request(accreditation, issuer.public_key().bytes(), ok_data)}}, kStart + 10)[0];

  const std::vector<codec::AbiType> kyc_types = {codec::AbiType::uint(8), codec::AbiType::string()};
  const auto kyc_data = must(codec::abi_encode(kyc_types, std::vector{codec::AbiValue::from_u64(2), codec::AbiValue::string("NL")}), "abi");
  auto kyc_request = request(kyc_id, holder.public_key().bytes(), kyc_data);
  kyc_request.accreditation = {accreditation_att};
  kyc_request.valid_until = kStart + 100'000;
  const auto created = w.submit(issuer, core::Attest{{kyc_request, kyc_request}}, kStart + 20);
  const core::Id valid_id = created[0];
  const core::Id revoked_id = created[1];
  w.submit(issuer, core::Revoke{{{revoked_id, "issued in error"}}}, kStart + 30);

  // An off-ledger attestation under the same schema, signed by the accredited issuer.
  core::Attestation off;
  off.request = kyc_request;
  off.issued_at = kStart + 40;
  off.origin = random.bytes<32>();
  const auto offchain = core::sign_offchain(kChain, off, issuer);

  const std::uint64_t now = kStart + 50;
  auto export_one = [&](const std::string& name, const codec::Json& attestation, const core::ProofBundle& bundle) {
    write(dir, name + ".json", codec::dump_json(attestation));
    write(dir, name + ".proof.json", codec::dump_json(core::to_json(bundle)));
  };
  auto record = [&](const core::Id& id) {
    auto rec = must(core::load_attestation(w.ledger.view(), id), "load");
    return core::to_json(rec->attestation);
  };
  export_one("valid", record(valid_id), must(core::prove_attestation(w.map, valid_id, now), "prove"));
  export_one("revoked", record(revoked_id), must(core::prove_attestation(w.map, revoked_id, now), "prove"));
  export_one("offchain", core::to_json(offchain), must(core::prove_offchain_attestation(w.map, offchain, now), "prove"));
  write(dir, "root", codec::hex_encode_0x(w.map.root()));
  write(dir, "now", std::to_string(now));
  write(dir, "expired_time", std::to_string(kStart + 100'000));
  std::cout << "wrote fixtures to " << dir << '\n';
  return 0;
}
