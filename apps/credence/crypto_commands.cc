// hash, keygen, address, sign, verify: the crypto primitives from the command line (docs/cli.md).
#include <memory>

#include "commands.h"
#include "credence/codec/hex.h"
#include "credence/crypto/ed25519.h"
#include "credence/crypto/hash.h"
#include "credence/crypto/p256.h"
#include "credence/crypto/random.h"
#include "credence/crypto/secp256k1.h"
#include "key_file.h"

namespace credence::cli {

namespace {

namespace ed = crypto::ed25519;
namespace k1 = crypto::secp256k1;

Result<Bytes> decode_hex_arg(const std::string& name, const std::string& text) {
  auto bytes = codec::hex_decode(text);
  if (!bytes) return Status::invalid("bad_hex", name + ": " + bytes.status().message());
  return bytes;
}

template <std::size_t N>
Result<FixedBytes<N>> decode_fixed_arg(const std::string& name, const std::string& text) {
  auto bytes = codec::hex_decode_fixed<N>(text);
  if (!bytes) return Status::invalid(bytes.status().code(), name + ": " + bytes.status().message());
  return bytes;
}

int run_hash(const Output& out, const std::string& alg, const std::string& hex) {
  auto data = decode_hex_arg("--hex", hex);
  if (!data) return out.failure(data.status());
  std::string digest;
  if (alg == "sha256") {
    digest = codec::hex_encode_0x(crypto::sha256(*data));
  } else if (alg == "keccak256") {
    digest = codec::hex_encode_0x(crypto::keccak256(*data));
  } else if (alg == "sha512") {
    digest = codec::hex_encode_0x(crypto::sha512(*data));
  } else {
    return out.failure(Status::invalid("bad_algorithm", "unknown --alg " + alg));
  }
  return out.result(digest, {{"algorithm", alg}, {"digest", digest}});
}

int run_keygen(const Output& out, const std::string& type_name, const std::string& path) {
  auto type = parse_key_type(type_name);
  if (!type) return out.failure(type.status());
  crypto::SystemRandom random;
  auto key = create_key_file(path, *type, random);
  if (!key) return out.failure(key.status());
  const std::string id = key->public_id();
  const char* field = *type == KeyType::secp256k1 ? "address" : "public_key";
  return out.result(id, {{"type", type_name}, {"file", path}, {field, id}});
}

int run_address(const Output& out, const std::string& path) {
  auto key = read_key_file(path);
  if (!key) return out.failure(key.status());
  const std::string id = key->public_id();
  const char* field = key->type() == KeyType::secp256k1 ? "address" : "public_key";
  return out.result(id, {{"type", key_type_name(key->type())}, {field, id}});
}

int run_sign(const Output& out, const std::string& path, const std::string& message_hex) {
  auto key = read_key_file(path);
  if (!key) return out.failure(key.status());
  auto message = decode_hex_arg("--message-hex", message_hex);
  if (!message) return out.failure(message.status());
  std::string signature;
  if (const auto* e = std::get_if<ed::SecretKey>(&key->key)) {
    signature = codec::hex_encode_0x(e->sign(*message));
  } else if (const auto* p = std::get_if<crypto::p256::PrivateKey>(&key->key)) {
    signature = codec::hex_encode_0x(p->sign(*message));  // ES256: ECDSA over sha256(message), raw r||s
  } else {
    // secp256k1 signs keccak256(message), as Ethereum tooling does for raw messages.
    const auto digest = crypto::keccak256(*message);
    signature = codec::hex_encode_0x(std::get<k1::PrivateKey>(key->key).sign_digest(digest).to_bytes());
  }
  return out.result(signature, {{"type", key_type_name(key->type())}, {"signature", signature}});
}

struct VerifyArgs {
  std::string type;
  std::string public_key;
  std::string address;
  std::string message_hex;
  std::string signature;
};

Status verify_ed25519(const VerifyArgs& a, const Bytes& message) {
  if (!a.address.empty()) return Status::invalid("bad_arguments", "--address is for secp256k1; use --public-key");
  if (a.public_key.empty()) return Status::invalid("bad_arguments", "--public-key is required for ed25519");
  CREDENCE_ASSIGN_OR_RETURN(auto pk, decode_fixed_arg<32>("--public-key", a.public_key));
  CREDENCE_ASSIGN_OR_RETURN(auto sig, decode_fixed_arg<64>("--signature", a.signature));
  return ed::verify(pk, message, sig);
}

Status verify_secp256k1(const VerifyArgs& a, const Bytes& message) {
  if (a.public_key.empty() == a.address.empty()) {
    return Status::invalid("bad_arguments", "give exactly one of --public-key or --address for secp256k1");
  }
  const auto digest = crypto::keccak256(message);
  CREDENCE_ASSIGN_OR_RETURN(auto sig_bytes, decode_hex_arg("--signature", a.signature));
  if (!a.public_key.empty()) {
    CREDENCE_ASSIGN_OR_RETURN(auto pk_bytes, decode_hex_arg("--public-key", a.public_key));
    auto pk = k1::PublicKey::parse(pk_bytes);
    if (!pk) return pk.status();
    if (sig_bytes.size() == 65) {
      auto rs = k1::RecoverableSignature::parse(FixedView<65>(sig_bytes.data(), 65));
      if (!rs) return rs.status();
    } else if (sig_bytes.size() != 64) {
      return Status::invalid("bad_length", "--signature: expected 64 (r||s) or 65 (r||s||v) bytes");
    }
    return k1::verify_digest(*pk, digest, FixedView<64>(sig_bytes.data(), 64));
  }
  auto address = k1::parse_address(a.address);
  if (!address) return address.status();
  if (sig_bytes.size() != 65) return Status::invalid("bad_length", "--signature: expected 65 bytes r||s||v");
  auto rs = k1::RecoverableSignature::parse(FixedView<65>(sig_bytes.data(), 65));
  if (!rs) return rs.status();
  auto signer = k1::recover(digest, *rs);
  if (!signer) return signer.status();
  if (signer->address() != *address) {
    return Status::invalid("address_mismatch", "signed by " + k1::eip55_encode(signer->address()));
  }
  return Status::ok();
}

Status verify_p256(const VerifyArgs& a, const Bytes& message) {
  if (!a.address.empty()) return Status::invalid("bad_arguments", "--address is for secp256k1; use --public-key");
  if (a.public_key.empty()) return Status::invalid("bad_arguments", "--public-key is required for p256");
  CREDENCE_ASSIGN_OR_RETURN(auto pk_bytes, decode_hex_arg("--public-key", a.public_key));
  CREDENCE_ASSIGN_OR_RETURN(auto pk, crypto::p256::PublicKey::parse_uncompressed(pk_bytes));
  CREDENCE_ASSIGN_OR_RETURN(auto sig, decode_fixed_arg<64>("--signature", a.signature));
  return crypto::p256::verify(pk, message, sig);
}

int run_verify(const Output& out, const VerifyArgs& a) {
  auto type = parse_key_type(a.type);
  if (!type) return out.failure(type.status());
  auto message = decode_hex_arg("--message-hex", a.message_hex);
  if (!message) return out.failure(message.status());
  const Status verdict = *type == KeyType::ed25519 ? verify_ed25519(a, *message)
                         : *type == KeyType::p256  ? verify_p256(a, *message)
                                                   : verify_secp256k1(a, *message);
  // Malformed arguments are usage errors (exit 2); a well-formed but wrong signature or key is a verdict (exit 1).
  static const char* const kUsageCodes[] = {"bad_arguments", "bad_hex", "bad_length", "bad_address", "bad_checksum"};
  for (const char* code : kUsageCodes) {
    if (verdict.code() == code) return out.failure(verdict);
  }
  return out.verdict(verdict);
}

}  // namespace

void register_crypto_commands(CLI::App& app, const Output& out, const NodeOptions& node, int& exit_code) {
  {
    auto* cmd = app.add_subcommand("hash", "Hash bytes: prints the digest as 0x-prefixed lowercase hex");
    auto alg = std::make_shared<std::string>();
    auto hex = std::make_shared<std::string>();
    cmd->add_option("--alg", *alg, "sha256 | keccak256 | sha512")->required()->check(
        CLI::IsMember({"sha256", "keccak256", "sha512"}));
    cmd->add_option("--hex", *hex, "input bytes as hex (0x optional; \"\" for empty)")->required();
    cmd->callback([&out, &exit_code, alg, hex] { exit_code = run_hash(out, *alg, *hex); });
  }
  {
    auto* cmd = app.add_subcommand("keygen", "Generate a key file (mode 0600; never overwrites)");
    auto type = std::make_shared<std::string>();
    auto path = std::make_shared<std::string>();
    cmd->add_option("--type", *type, "ed25519 | secp256k1 | p256 (ES256, for SD-JWT)")
        ->required()
        ->check(CLI::IsMember({"ed25519", "secp256k1", "p256"}));
    cmd->add_option("--out", *path, "path of the key file to create")->required();
    cmd->callback([&out, &exit_code, type, path] { exit_code = run_keygen(out, *type, *path); });
  }
  {
    auto* cmd = app.add_subcommand("address", "Print a key file's public key (ed25519) or EIP-55 address (secp256k1)");
    auto path = std::make_shared<std::string>();
    cmd->add_option("--key", *path, "key file")->required();
    cmd->callback([&out, &exit_code, path] { exit_code = run_address(out, *path); });
  }
  {
    auto* cmd = app.add_subcommand(
        "sign", "Sign a message: ed25519 signs it as is (64 bytes); secp256k1 signs keccak256(message) (65 bytes r||s||v)");
    auto path = std::make_shared<std::string>();
    auto message = std::make_shared<std::string>();
    cmd->add_option("--key", *path, "key file")->required();
    cmd->add_option("--message-hex", *message, "message bytes as hex")->required();
    cmd->callback([&out, &exit_code, path, message] { exit_code = run_sign(out, *path, *message); });
  }
  {
    auto* cmd = app.add_subcommand(
        "verify",
        "Verify a signature (--type …), or an attestation on the node (ID): prints valid (exit 0) or invalid: "
        "<reason> (exit 1)");
    auto a = std::make_shared<VerifyArgs>();
    // The signature options are checked in the callback, not by CLI11: the ID form does without them.
    cmd->add_option("--type", a->type, "ed25519 | secp256k1 | p256")->check(CLI::IsMember({"ed25519", "secp256k1", "p256"}));
    auto* pk = cmd->add_option("--public-key", a->public_key, "public key hex (ed25519: 32 bytes; secp256k1: SEC1)");
    auto* addr = cmd->add_option("--address", a->address, "EIP-55 or lowercase address (secp256k1, by recovery)");
    pk->excludes(addr);
    cmd->add_option("--message-hex", a->message_hex, "message bytes as hex");
    cmd->add_option("--signature", a->signature, "signature hex");
    auto att = std::make_shared<AttestationVerifyArgs>();
    add_attestation_verify_options(*cmd, *att);
    cmd->callback([&out, &node, &exit_code, a, att, cmd] {
      const std::size_t signature_options = cmd->count("--type") + cmd->count("--public-key") +
                                            cmd->count("--address") + cmd->count("--message-hex") +
                                            cmd->count("--signature");
      const std::size_t attestation_options =
          cmd->count("--time") + cmd->count("--proof-out") + cmd->count("--attestation-out");
      if (cmd->count("id") > 0) {
        if (signature_options > 0) {
          exit_code = out.failure(Status::invalid("usage", "give an attestation ID or --type …, not both"));
          return;
        }
        exit_code = run_attestation_verify(out, node, *att);
        return;
      }
      if (attestation_options > 0) {
        exit_code = out.failure(Status::invalid("usage", "--time, --proof-out and --attestation-out need an ID"));
        return;
      }
      for (const char* option : {"--type", "--message-hex", "--signature"}) {
        if (cmd->count(option) == 0) {
          exit_code = out.failure(Status::invalid(
              "usage", std::string(option) + " is required (or give an attestation ID to verify it on the node)"));
          return;
        }
      }
      exit_code = run_verify(out, *a);
    });
  }
}

}  // namespace credence::cli
