#include "key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "credence/codec/hex.h"
#include "credence/codec/json.h"

namespace credence::cli {

namespace {

Status io_error(const std::string& path, int err) {
  return Status::error("io_error", path + ": " + std::strerror(err));
}

Status bad(const std::string& path, const std::string& why) {
  return Status::invalid("bad_key_file", path + ": " + why);
}

std::string serialize(const KeyFile& key) {
  nlohmann::json j;
  j["type"] = key_type_name(key.type());
  if (const auto* ed = std::get_if<crypto::ed25519::SecretKey>(&key.key)) {
    j["secret_key"] = codec::hex_encode(ed->seed());
    j["public_key"] = codec::hex_encode(ed->public_key().bytes());
  } else if (const auto* p = std::get_if<crypto::p256::PrivateKey>(&key.key)) {
    j["secret_key"] = codec::hex_encode(p->bytes());
    j["public_key"] = codec::hex_encode(p->public_key().uncompressed());
  } else {
    const auto& k = std::get<crypto::secp256k1::PrivateKey>(key.key);
    j["secret_key"] = codec::hex_encode(k.bytes());
    j["address"] = crypto::secp256k1::eip55_encode(k.public_key().address());
  }
  return j.dump(2) + "\n";
}

}  // namespace

Result<KeyType> parse_key_type(const std::string& name) {
  if (name == "ed25519") return KeyType::ed25519;
  if (name == "secp256k1") return KeyType::secp256k1;
  if (name == "p256") return KeyType::p256;
  return Status::invalid("bad_key_type", "unknown key type \"" + name + "\" (expected ed25519, secp256k1 or p256)");
}

Result<KeyFile> read_key_file_of_type(const std::string& path, KeyType type, std::string_view purpose,
                                      std::string_view wrong_type_code) {
  CREDENCE_ASSIGN_OR_RETURN(KeyFile key, read_key_file(path));
  if (key.type() != type) {
    const std::string expected = key_type_name(type);
    return Status::invalid(std::string(wrong_type_code), path + ": the key is " + key_type_name(key.type()) +
                                                             ", but " + std::string(purpose) + " need " + expected +
                                                             " keys (credence keygen --type " + expected + ")");
  }
  return key;
}

const char* key_type_name(KeyType type) {
  switch (type) {
    case KeyType::ed25519: return "ed25519";
    case KeyType::secp256k1: return "secp256k1";
    case KeyType::p256: return "p256";
  }
  return "?";
}

std::string KeyFile::public_id() const {
  if (const auto* ed = std::get_if<crypto::ed25519::SecretKey>(&key)) {
    return codec::hex_encode_0x(ed->public_key().bytes());
  }
  if (const auto* p = std::get_if<crypto::p256::PrivateKey>(&key)) return codec::hex_encode_0x(p->public_key().uncompressed());
  return crypto::secp256k1::eip55_encode(std::get<crypto::secp256k1::PrivateKey>(key).public_key().address());
}

Result<KeyFile> create_key_file(const std::string& path, KeyType type, crypto::RandomSource& random) {
  KeyFile key = type == KeyType::ed25519     ? KeyFile{crypto::ed25519::SecretKey::generate(random)}
                 : type == KeyType::p256      ? KeyFile{crypto::p256::PrivateKey::generate(random)}
                                              : KeyFile{crypto::secp256k1::PrivateKey::generate(random)};
  // O_EXCL: never overwrite an existing key; 0600 from the first byte written.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::invalid("file_exists", path + " already exists; refusing to overwrite a key");
    return io_error(path, errno);
  }
  std::string text = serialize(key);
  const char* p = text.data();
  std::size_t left = text.size();
  Status status;
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      status = io_error(path, errno);
      break;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (status.is_ok() && ::fsync(fd) != 0) status = io_error(path, errno);
  ::close(fd);
  crypto::secure_wipe({reinterpret_cast<std::uint8_t*>(text.data()), text.size()});  // NOLINT: wipe the copy
  if (!status.is_ok()) {
    ::unlink(path.c_str());  // a half-written key file is worse than none
    return status;
  }
  return key;
}

Result<KeyFile> read_key_file(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return io_error(path, errno);
  if (!S_ISREG(st.st_mode)) return bad(path, "not a regular file");
  if ((st.st_mode & 077) != 0) {
    return Status::invalid("insecure_key_file", path + " can be read by group or others; run chmod 600 " + path);
  }
  if (st.st_size > 4096) return bad(path, "too large for a key file");
  std::ifstream in(path);
  if (!in) return io_error(path, errno);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  auto json = codec::parse_json(text);
  crypto::secure_wipe({reinterpret_cast<std::uint8_t*>(text.data()), text.size()});  // NOLINT: wipe the copy
  if (!json) return bad(path, json.status().to_string());
  auto reader = codec::ObjectReader::make(*json, "key file");
  if (!reader) return bad(path, reader.status().to_string());
  auto type_name = reader->string("type");
  if (!type_name) return bad(path, type_name.status().to_string());
  auto type = parse_key_type(*type_name);
  if (!type) return bad(path, type.status().to_string());
  auto secret = reader->hex_fixed<32>("secret_key");
  if (!secret) return bad(path, secret.status().to_string());
  crypto::Secret<32> secret_bytes(*secret);
  crypto::secure_wipe(*secret);

  if (*type == KeyType::ed25519) {
    auto stored = reader->hex_fixed<32>("public_key");
    if (!stored) return bad(path, stored.status().to_string());
    CREDENCE_RETURN_IF_ERROR(reader->finish().with_context(path));
    auto key = crypto::ed25519::SecretKey::from_seed(secret_bytes.view());
    if (key.public_key().bytes() != *stored) return bad(path, "public_key does not match secret_key");
    return KeyFile{std::move(key)};
  }
  if (*type == KeyType::p256) {
    auto stored = reader->hex("public_key");
    if (!stored) return bad(path, stored.status().to_string());
    CREDENCE_RETURN_IF_ERROR(reader->finish().with_context(path));
    auto key = crypto::p256::PrivateKey::from_bytes(secret_bytes.view());
    if (!key) return bad(path, key.status().to_string());
    const auto point = key->public_key().uncompressed();
    if (*stored != Bytes(point.begin(), point.end())) return bad(path, "public_key does not match secret_key");
    return KeyFile{std::move(*key)};
  }
  auto stored = reader->string("address");
  if (!stored) return bad(path, stored.status().to_string());
  CREDENCE_RETURN_IF_ERROR(reader->finish().with_context(path));
  auto key = crypto::secp256k1::PrivateKey::from_bytes(secret_bytes.view());
  if (!key) return bad(path, key.status().to_string());
  auto address = crypto::secp256k1::parse_address(*stored);
  if (!address || *address != key->public_key().address()) return bad(path, "address does not match secret_key");
  return KeyFile{std::move(*key)};
}

}  // namespace credence::cli
