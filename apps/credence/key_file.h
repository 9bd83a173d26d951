// Key files of the `credence` CLI (format in docs/cli.md "Key files").
//
// A key file is a small JSON object — {"type":"ed25519","secret_key":"<seed hex>","public_key":"<hex>"} or
// {"type":"secp256k1","secret_key":"<hex>","address":"0x<EIP-55>"} or
// {"type":"p256","secret_key":"<hex>","public_key":"<uncompressed SEC1 hex>"} (ES256 keys for SD-JWT) — created with
// mode 0600 and never overwritten.
// Reading checks the type, the secret and that the stored public part matches the secret, and refuses files that
// group or others can read. The secret is wiped from memory when the KeyFile is destroyed.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "credence/crypto/ed25519.h"
#include "credence/crypto/p256.h"
#include "credence/crypto/secp256k1.h"
#include "credence/status.h"

namespace credence::cli {

enum class KeyType { ed25519, secp256k1, p256 };

Result<KeyType> parse_key_type(const std::string& name);
const char* key_type_name(KeyType type);

struct KeyFile {
  std::variant<crypto::ed25519::SecretKey, crypto::secp256k1::PrivateKey, crypto::p256::PrivateKey> key;

  [[nodiscard]] KeyType type() const { return static_cast<KeyType>(key.index()); }  // variant order = enum order
  // Public key hex (ed25519; p256: uncompressed SEC1 point) or EIP-55 address (secp256k1), 0x-prefixed.
  [[nodiscard]] std::string public_id() const;
};

// Generates a key and writes it to `path` (O_EXCL, mode 0600). invalid("file_exists") if the path exists;
// error("io_error") on other file-system failures.
Result<KeyFile> create_key_file(const std::string& path, KeyType type, crypto::RandomSource& random);

// invalid("bad_key_file", …) for malformed content; invalid("insecure_key_file") if group/other may read it;
// error("io_error") if it cannot be read.
Result<KeyFile> read_key_file(const std::string& path);

// read_key_file, then requires a key of `type`: another type is invalid(`wrong_type_code`, "<path>: the key is
// <type>, but <purpose> need <expected> keys (credence keygen --type <expected>)"). `purpose` names what the keys
// are for, in the plural ("accounts", "EAS attestations"). The check of every command that signs with one key type.
Result<KeyFile> read_key_file_of_type(const std::string& path, KeyType type, std::string_view purpose,
                                      std::string_view wrong_type_code = "bad_key_type");

}  // namespace credence::cli
