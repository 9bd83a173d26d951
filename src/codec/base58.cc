#include "credence/codec/base58.h"

#include <array>

namespace credence::codec {

namespace {

constexpr std::string_view kAlphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

constexpr std::array<int, 256> make_index() {
  std::array<int, 256> index{};
  for (auto& v : index) v = -1;
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) index[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int>(i);
  return index;
}
constexpr std::array<int, 256> kIndex = make_index();

}  // namespace

std::string base58_encode(ByteView data) {
  std::size_t zeros = 0;
  while (zeros < data.size() && data[zeros] == 0) ++zeros;
  // Big-endian base-58 digits of the remaining bytes; log(256)/log(58) < 1.37.
  std::vector<std::uint8_t> digits((data.size() - zeros) * 137 / 100 + 1, 0);
  std::size_t used = 0;  // significant digits so far, stored at the end of `digits`
  for (std::size_t i = zeros; i < data.size(); ++i) {
    unsigned carry = data[i];
    std::size_t j = 0;
    for (auto it = digits.rbegin(); (carry != 0 || j < used) && it != digits.rend(); ++it, ++j) {
      carry += 256U * *it;
      *it = static_cast<std::uint8_t>(carry % 58);
      carry /= 58;
    }
    used = j;
  }
  std::string out(zeros, '1');
  for (std::size_t k = digits.size() - used; k < digits.size(); ++k) out.push_back(kAlphabet[digits[k]]);
  return out;
}

Result<Bytes> base58_decode(std::string_view text) {
  if (text.size() > kMaxBase58Input) {
    return Status::invalid("too_long", "base58 input longer than " + std::to_string(kMaxBase58Input));
  }
  std::size_t ones = 0;
  while (ones < text.size() && text[ones] == '1') ++ones;
  // log(58)/log(256) < 0.733.
  std::vector<std::uint8_t> bytes((text.size() - ones) * 733 / 1000 + 1, 0);
  std::size_t used = 0;
  for (std::size_t i = ones; i < text.size(); ++i) {
    const int value = kIndex[static_cast<unsigned char>(text[i])];
    if (value < 0) return Status::invalid("bad_base58", "character outside the alphabet at position " + std::to_string(i));
    unsigned carry = static_cast<unsigned>(value);
    std::size_t j = 0;
    for (auto it = bytes.rbegin(); (carry != 0 || j < used) && it != bytes.rend(); ++it, ++j) {
      carry += 58U * *it;
      *it = static_cast<std::uint8_t>(carry & 0xff);
      carry >>= 8;
    }
    used = j;
  }
  Bytes out(ones, 0);
  out.insert(out.end(), bytes.end() - static_cast<std::ptrdiff_t>(used), bytes.end());
  return out;
}

}  // namespace credence::codec
