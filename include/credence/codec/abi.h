// Solidity ABI values: standard encoding (abi.encode), packed encoding (abi.encodePacked), a strict canonical
// decoder, and the JSON view used by the CLI and the docs.
//
// AbiValue is a plain value tree (owned by value, copyable, no shared state). Every function here is pure and
// thread-safe, never throws and never asserts on input: values that do not fit their type are
// invalid("abi_value_mismatch"), types packed mode cannot encode are invalid("abi_packed_unsupported"), and the
// decoder answers one of the abi_* reason codes listed in docs/abi.md ("Strict decoding"). The decoder accepts
// exactly the bytes the encoder produces: decode success implies encode(decode(x)) == x byte for byte, and no length
// or count read from the input can make it allocate more than a small multiple of the input size.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "credence/bytes.h"
#include "credence/codec/abi_type.h"
#include "credence/codec/u256.h"
#include "credence/status.h"

namespace credence::codec {

// One ABI value. Which kinds fit which types:
//   word        — uint<M> (the value) and int<M> (two's complement over 256 bits, i.e. sign-extended);
//   address     — address (20 bytes);
//   boolean     — bool;
//   fixed_bytes — bytes<M> (exactly M bytes);
//   bytes       — bytes;
//   string      — string (must be well-formed UTF-8);
//   list        — T[], T[k] (k items) and tuples (one item per component).
class AbiValue {
 public:
  enum class Kind { word, address, boolean, fixed_bytes, bytes, string, list };

  AbiValue() = default;  // the word 0

  static AbiValue word(const U256& value);
  static AbiValue from_u64(std::uint64_t value);
  // Sign-extends to 256 bits, as int<M> words are stored.
  static AbiValue from_int64(std::int64_t value);
  static AbiValue address(const FixedBytes<20>& value);
  static AbiValue boolean(bool value);
  static AbiValue fixed_bytes(ByteView value);
  static AbiValue bytes(ByteView value);
  static AbiValue string(std::string value);
  static AbiValue list(std::vector<AbiValue> items);

  [[nodiscard]] Kind kind() const { return static_cast<Kind>(v_.index()); }
  // Accessors; calling one that does not match kind() is a programming error (asserted).
  [[nodiscard]] const U256& as_word() const;
  [[nodiscard]] const FixedBytes<20>& as_address() const;
  [[nodiscard]] bool as_bool() const;
  [[nodiscard]] const Bytes& as_bytes() const;  // fixed_bytes and bytes
  [[nodiscard]] const std::string& as_string() const;
  [[nodiscard]] const std::vector<AbiValue>& as_list() const;

  friend bool operator==(const AbiValue& a, const AbiValue& b);

 private:
  struct FixedBytesValue {
    Bytes data;
    friend bool operator==(const FixedBytesValue&, const FixedBytesValue&) = default;
  };
  // Alternatives in the order of Kind.
  std::variant<U256, FixedBytes<20>, bool, FixedBytesValue, Bytes, std::string, std::vector<AbiValue>> v_;
};

// Checks that `value` fits `type`: kinds, uint<M>/int<M> ranges, bytes<M> and T[k] lengths, tuple arity, UTF-8 of
// strings. invalid("abi_value_mismatch", "<path>: <problem>") otherwise. The encoders run this first.
Status abi_check(const AbiType& type, const AbiValue& value);

// Solidity's abi.encode(value): the encoding of the one-element tuple (value). For a dynamic type this starts with
// the offset word 0x20, exactly as abi.encode(x) and ethers' AbiCoder.encode([T], [x]).
Result<Bytes> abi_encode(const AbiType& type, const AbiValue& value);
// Solidity's abi.encode(v1, …, vn): the encoding of the tuple of the arguments. The spans must have equal length
// (else abi_value_mismatch).
Result<Bytes> abi_encode(std::span<const AbiType> types, std::span<const AbiValue> values);

// Solidity's abi.encodePacked(v1, …, vn): elementary values in their natural width, bytes/string in place without
// length, arrays of static elementary types with every element padded to 32 bytes. Tuples and arrays of
// arrays/tuples/bytes/string are invalid("abi_packed_unsupported"). There is no packed decoder: the format is
// ambiguous.
Result<Bytes> abi_encode_packed(std::span<const AbiType> types, std::span<const AbiValue> values);

// Strict canonical decoders, the inverses of the two abi_encode forms (abi.decode(data, (T)) and
// abi.decode(data, (T1, …, Tn))). Reason codes: abi_truncated, abi_bad_offset, abi_bad_length, abi_bad_padding,
// abi_out_of_range, abi_bad_bool, abi_bad_utf8, abi_trailing_bytes; messages name the byte offset.
Result<AbiValue> abi_decode(const AbiType& type, ByteView data);
Result<std::vector<AbiValue>> abi_decode(std::span<const AbiType> types, ByteView data);

// JSON view (docs/abi.md "JSON view"): uint/int as decimal strings ("-5" for negatives), address as "0x" + 40
// lowercase hex, bytes<M>/bytes as "0x" hex, bool as true/false, string as a string, arrays and tuples as arrays.
// A part of `value` that does not fit `type` is written as null (run abi_check first to rule that out).
nlohmann::json abi_to_json(const AbiType& type, const AbiValue& value);
nlohmann::json abi_to_json(std::span<const AbiType> types, std::span<const AbiValue> values);

// Reads the JSON view. Integers also accept JSON integers and "0x" hex strings (an optional '-' before either
// textual form for int<M>); addresses accept any letter case. Anything else, or a value out of range, is
// invalid("abi_value_mismatch", "<path>: <problem>"). Never throws.
Result<AbiValue> abi_from_json(const AbiType& type, const nlohmann::json& json);
// `json` must be an array with one element per type.
Result<std::vector<AbiValue>> abi_from_json(std::span<const AbiType> types, const nlohmann::json& json);

}  // namespace credence::codec
