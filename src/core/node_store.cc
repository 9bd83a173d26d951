#include "credence/core/node_store.h"

#include <algorithm>
#include <array>
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

Result<bool> NodeStore::get_view(ByteView key, Bytes& scratch, ByteView& value) const {
  CREDENCE_ASSIGN_OR_RETURN(const bool found, get(key, scratch));
  if (found) value = scratch;
  return found;
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

// A record: key size, value size and value capacity (u32 each), then the key, then the value and its spare room.
constexpr std::size_t kRecordHeader = 12;

std::uint32_t header_field(const std::uint8_t* record, std::size_t i) {
  std::uint32_t v = 0;
  std::memcpy(&v, record + 4 * i, 4);
  return v;
}

void set_header_field(std::uint8_t* record, std::size_t i, std::size_t v) {
  const auto u = static_cast<std::uint32_t>(v);
  std::memcpy(record + 4 * i, &u, 4);
}

std::string_view record_key(const std::uint8_t* record) {
  return {reinterpret_cast<const char*>(record + kRecordHeader), header_field(record, 0)};  // NOLINT: bytes as chars
}

std::string_view record_value(const std::uint8_t* record) {
  return {reinterpret_cast<const char*>(record + kRecordHeader + header_field(record, 0)),  // NOLINT: bytes as chars
          header_field(record, 1)};
}

std::size_t record_capacity(const std::uint8_t* record) {
  return header_field(record, 2);
}

// A new record holding `key` and `value`, with spare room so that a value that grows a little (a page gaining a node)
// is rewritten in place.
std::unique_ptr<std::uint8_t[]> make_record(std::string_view key, std::string_view value) {
  assert(key.size() <= std::numeric_limits<std::uint32_t>::max() / 2 && "key larger than 2 GiB");
  assert(value.size() <= std::numeric_limits<std::uint32_t>::max() / 2 && "value larger than 2 GiB");
  const std::size_t capacity = (value.size() + value.size() / 8 + 15) / 16 * 16;
  auto record = std::make_unique_for_overwrite<std::uint8_t[]>(kRecordHeader + key.size() + capacity);
  set_header_field(record.get(), 0, key.size());
  set_header_field(record.get(), 1, value.size());
  set_header_field(record.get(), 2, capacity);
  if (!key.empty()) std::memcpy(record.get() + kRecordHeader, key.data(), key.size());
  if (!value.empty()) std::memcpy(record.get() + kRecordHeader + key.size(), value.data(), value.size());
  return record;
}

}  // namespace

MemoryNodeStore::MemoryNodeStore(const MemoryNodeStore& other) : slots_(other.slots_.size()), size_(other.size_) {
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const Slot& from = other.slots_[i];
    if (!from.record) continue;
    slots_[i].hash = from.hash;
    slots_[i].record = make_record(record_key(from.record.get()), record_value(from.record.get()));
  }
}

MemoryNodeStore& MemoryNodeStore::operator=(const MemoryNodeStore& other) {
  if (this != &other) *this = MemoryNodeStore(other);
  return *this;
}

std::size_t MemoryNodeStore::find(std::string_view key, std::uint64_t hash) const {
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = hash & mask;
  while (slots_[i].record && (slots_[i].hash != hash || record_key(slots_[i].record.get()) != key)) i = (i + 1) & mask;
  return i;
}

void MemoryNodeStore::rehash(std::size_t capacity) {
  std::vector<Slot> old = std::exchange(slots_, std::vector<Slot>(capacity));
  for (Slot& s : old) {
    if (!s.record) continue;
    std::size_t i = s.hash & (capacity - 1);
    while (slots_[i].record) i = (i + 1) & (capacity - 1);
    slots_[i] = std::move(s);
  }
}

void MemoryNodeStore::reserve(std::size_t records) {
  std::size_t capacity = slots_.empty() ? 16 : slots_.size();
  while (over_full(records, capacity)) capacity *= 2;
  if (capacity != slots_.size()) rehash(capacity);
}

void MemoryNodeStore::put(std::string_view key, std::string_view value, std::uint64_t hash) {
  if (slots_.empty() || over_full(size_ + 1, slots_.size())) rehash(slots_.empty() ? 16 : slots_.size() * 2);
  Slot& s = slots_[find(key, hash)];
  if (s.record && value.size() <= record_capacity(s.record.get())) {
    std::uint8_t* record = s.record.get();
    set_header_field(record, 1, value.size());
    if (!value.empty()) std::memcpy(record + kRecordHeader + key.size(), value.data(), value.size());
    return;
  }
  if (!s.record) ++size_;
  s.hash = hash;
  s.record = make_record(key, value);
}

void MemoryNodeStore::erase(std::string_view key, std::uint64_t hash) {
  if (slots_.empty()) return;
  const std::size_t mask = slots_.size() - 1;
  std::size_t hole = find(key, hash);
  if (!slots_[hole].record) return;
  slots_[hole] = Slot{};
  --size_;
  // Backward-shift deletion: pull later members of the probe run into the hole whenever the hole lies between
  // their home slot and where they sit, so every lookup still finds its key before the first empty slot.
  for (std::size_t j = (hole + 1) & mask; slots_[j].record; j = (j + 1) & mask) {
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
  if (!s.record) return false;
  const std::string_view v = record_value(s.record.get());
  value.resize(v.size());
  if (!v.empty()) std::memcpy(value.data(), v.data(), v.size());
  return true;
}

Result<bool> MemoryNodeStore::get_view(ByteView key, Bytes& /*scratch*/, ByteView& value) const {
  if (slots_.empty()) return false;
  const std::string_view k = as_chars(key);
  const Slot& s = slots_[find(k, hash_of(k))];
  if (!s.record) return false;
  const std::string_view v = record_value(s.record.get());
  value = ByteView(reinterpret_cast<const std::uint8_t*>(v.data()), v.size());  // NOLINT: chars as bytes
  return true;
}

Status MemoryNodeStore::write(const WriteBatch& batch) {
  // Nothing here can fail (allocation failure terminates), so applying in order is atomic.
  // With millions of records each operation's slot and record are cache misses. The batch is known in advance, so
  // operations are applied from a short queue: when one enters, its home slot is prefetched; halfway through the
  // queue, the record that slot points to; by the time it is applied both are (usually) in cache.
  constexpr std::size_t kAhead = 8;
  struct Queued {
    WriteBatch::Op op;
    std::uint64_t hash = 0;
  };
  std::array<Queued, kAhead> queue;
  std::size_t queued = 0;  // operations entered so far; the oldest kAhead of them not yet applied wait in `queue`
  const auto apply = [this](const Queued& q) {
    if (q.op.is_put) {
      put(as_chars(q.op.key), as_chars(q.op.value), q.hash);
    } else {
      erase(as_chars(q.op.key), q.hash);
    }
  };
  const auto prefetch_record = [this](const Queued& q) {
    if (slots_.empty()) return;
    const Slot& s = slots_[q.hash & (slots_.size() - 1)];
    if (s.record) __builtin_prefetch(s.record.get());
  };
  batch.for_each([&](const WriteBatch::Op& op) {
    Queued& slot = queue[queued % kAhead];
    if (queued >= kAhead) apply(slot);
    slot = Queued{op, hash_of(as_chars(op.key))};
    if (!slots_.empty()) __builtin_prefetch(&slots_[slot.hash & (slots_.size() - 1)]);
    if (queued >= kAhead / 2) prefetch_record(queue[(queued - kAhead / 2) % kAhead]);
    ++queued;
  });
  for (std::size_t i = queued > kAhead ? queued - kAhead : 0; i < queued; ++i) apply(queue[i % kAhead]);
  return Status::ok();
}

std::size_t MemoryNodeStore::count_prefix(ByteView prefix) const {
  const std::string_view p = as_chars(prefix);
  std::size_t n = 0;
  for (const Slot& s : slots_) {
    if (s.record && record_key(s.record.get()).starts_with(p)) ++n;
  }
  return n;
}

std::vector<std::pair<Bytes, Bytes>> MemoryNodeStore::records() const {
  std::vector<std::pair<Bytes, Bytes>> out;
  out.reserve(size_);
  for (const Slot& s : slots_) {
    if (!s.record) continue;
    const std::string_view k = record_key(s.record.get());
    const std::string_view v = record_value(s.record.get());
    out.emplace_back(Bytes(k.begin(), k.end()), Bytes(v.begin(), v.end()));
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool operator==(const MemoryNodeStore& x, const MemoryNodeStore& y) {
  if (x.size_ != y.size_) return false;
  for (const auto& s : x.slots_) {
    if (!s.record) continue;
    if (y.slots_.empty()) return false;
    const auto& t = y.slots_[y.find(record_key(s.record.get()), s.hash)];
    if (!t.record || record_value(t.record.get()) != record_value(s.record.get())) return false;
  }
  return true;
}

}  // namespace credence::core
