#include "credence/core/node_store.h"

#include <cassert>
#include <cstring>
#include <limits>
#include <utility>

namespace credence::core {

namespace {

std::string_view as_chars(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};  // NOLINT: byte view of chars
}

}  // namespace

void WriteBatch::append_length(std::size_t n) {
  assert(n <= std::numeric_limits<std::uint32_t>::max() && "record larger than 4 GiB");
  const auto v = static_cast<std::uint32_t>(n);
  std::uint8_t le[4];
  std::memcpy(le, &v, 4);  // host order: the representation never leaves the process
  rep_.insert(rep_.end(), le, le + 4);
}

std::size_t WriteBatch::read_length(std::size_t pos) const {
  std::uint32_t v = 0;
  std::memcpy(&v, rep_.data() + pos, 4);
  return v;
}

void WriteBatch::put(ByteView key, ByteView value) {
  rep_.push_back(1);
  append_length(key.size());
  rep_.insert(rep_.end(), key.begin(), key.end());
  append_length(value.size());
  rep_.insert(rep_.end(), value.begin(), value.end());
  ++count_;
  payload_bytes_ += key.size() + value.size();
}

void WriteBatch::erase(ByteView key) {
  rep_.push_back(0);
  append_length(key.size());
  rep_.insert(rep_.end(), key.begin(), key.end());
  ++count_;
  payload_bytes_ += key.size();
}

void WriteBatch::clear() {
  rep_.clear();
  count_ = 0;
  payload_bytes_ = 0;
}

Result<std::optional<Bytes>> NodeStore::get(ByteView key) const {
  Bytes value;
  CREDENCE_ASSIGN_OR_RETURN(const bool found, get(key, value));
  if (!found) return std::optional<Bytes>();
  return std::optional<Bytes>(std::move(value));
}

namespace {

std::uint64_t hash_of(std::string_view key) {
  return std::hash<std::string_view>{}(key);
}

bool over_full(std::size_t used, std::size_t capacity) {
  return used * 10 > capacity * 7;
}

}  // namespace

std::size_t MemoryNodeStore::find(std::string_view key, std::uint64_t hash) const {
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = hash & mask;
  while (slots_[i].used && (slots_[i].hash != hash || slots_[i].key != key)) i = (i + 1) & mask;
  return i;
}

void MemoryNodeStore::rehash(std::size_t capacity) {
  std::vector<Slot> old = std::exchange(slots_, std::vector<Slot>(capacity));
  for (Slot& s : old) {
    if (!s.used) continue;
    std::size_t i = s.hash & (capacity - 1);
    while (slots_[i].used) i = (i + 1) & (capacity - 1);
    slots_[i] = std::move(s);
  }
}

void MemoryNodeStore::reserve(std::size_t records) {
  std::size_t capacity = slots_.empty() ? 16 : slots_.size();
  while (over_full(records, capacity)) capacity *= 2;
  if (capacity != slots_.size()) rehash(capacity);
}

void MemoryNodeStore::put(std::string_view key, std::string_view value) {
  if (slots_.empty() || over_full(size_ + 1, slots_.size())) rehash(slots_.empty() ? 16 : slots_.size() * 2);
  const std::uint64_t hash = hash_of(key);
  Slot& s = slots_[find(key, hash)];
  if (!s.used) {
    s.used = true;
    s.hash = hash;
    s.key.assign(key);
    ++size_;
  }
  s.value.assign(value);
}

void MemoryNodeStore::erase(std::string_view key) {
  if (slots_.empty()) return;
  const std::size_t mask = slots_.size() - 1;
  std::size_t hole = find(key, hash_of(key));
  if (!slots_[hole].used) return;
  slots_[hole] = Slot{};
  --size_;
  // Backward-shift deletion: pull later members of the probe run into the hole whenever the hole lies between
  // their home slot and where they sit, so every lookup still finds its key before the first empty slot.
  for (std::size_t j = (hole + 1) & mask; slots_[j].used; j = (j + 1) & mask) {
    const std::size_t home = slots_[j].hash & mask;
    if (((j - home) & mask) >= ((j - hole) & mask)) {
      slots_[hole] = std::move(slots_[j]);
      slots_[j] = Slot{};
      hole = j;
    }
  }
}

Result<bool> MemoryNodeStore::get(ByteView key, Bytes& value) const {
  if (slots_.empty()) return false;
  const std::string_view k = as_chars(key);
  const Slot& s = slots_[find(k, hash_of(k))];
  if (!s.used) return false;
  value.resize(s.value.size());
  if (!s.value.empty()) std::memcpy(value.data(), s.value.data(), s.value.size());
  return true;
}

Status MemoryNodeStore::write(const WriteBatch& batch) {
  // Nothing here can fail (allocation failure terminates), so applying in order is atomic.
  batch.for_each([this](const WriteBatch::Op& op) {
    if (op.is_put) {
      put(as_chars(op.key), as_chars(op.value));
    } else {
      erase(as_chars(op.key));
    }
  });
  return Status::ok();
}

std::size_t MemoryNodeStore::count_prefix(ByteView prefix) const {
  const std::string_view p = as_chars(prefix);
  std::size_t n = 0;
  for (const Slot& s : slots_) {
    if (s.used && s.key.starts_with(p)) ++n;
  }
  return n;
}

bool operator==(const MemoryNodeStore& x, const MemoryNodeStore& y) {
  if (x.size_ != y.size_) return false;
  for (const auto& s : x.slots_) {
    if (!s.used) continue;
    if (y.slots_.empty()) return false;
    const auto& t = y.slots_[y.find(s.key, s.hash)];
    if (!t.used || t.value != s.value) return false;
  }
  return true;
}

}  // namespace credence::core
