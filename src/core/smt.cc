#include "credence/core/smt.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cstring>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "credence/codec/canonical.h"
#include "credence/codec/hex.h"
#include "credence/crypto/hash.h"

namespace credence::core::smt {

namespace {

using Node = detail::Node;
using Kind = Node::Kind;

constexpr std::uint8_t kLeafTag = 0x00;
constexpr std::uint8_t kInternalTag = 0x01;
// Store key spaces (docs/state.md#store-layout).
constexpr std::uint8_t kRootSpace = 'r';
constexpr std::uint8_t kPageSpace = 'p';
constexpr std::uint8_t kValueSpace = 'v';
// The root record is the root's hash preimage: tag byte, then two 32-byte fields.
constexpr std::size_t kRecordSize = 65;
using Record = std::array<std::uint8_t, kRecordSize>;
// A page holds the nodes of the 4 levels below a node at a depth divisible by 4: 2 + 4 + 8 + 16 positions.
constexpr std::size_t kPageLevels = 4;
constexpr std::size_t kPageSlots = 30;
// Page levels whose decoded pages a map keeps across commits: 1..kCachedPageLevels (16, 256 and 4,096 pages). Level 0,
// the root's page, is read once per commit anyway.
constexpr std::size_t kCachedPageLevels = 3;

bool bit_at(FixedView<32> key, std::size_t depth) {
  return ((key[depth >> 3] >> (7 - (depth & 7))) & 1) != 0;
}

// `path` with bit `depth` set to `bit`; names the child on side `bit` of the node at `depth` on `path`.
Hash256 with_bit(const Hash256& path, std::size_t depth, bool bit) {
  Hash256 out = path;
  const auto mask = static_cast<std::uint8_t>(0x80u >> (depth & 7));
  out[depth >> 3] = static_cast<std::uint8_t>(bit ? (out[depth >> 3] | mask) : (out[depth >> 3] & ~mask));
  return out;
}

Hash256 hash_record(std::uint8_t tag, FixedView<32> a, FixedView<32> b) {
  return crypto::sha256_pair(tag, a, b);
}

// A short store key built on the stack: page keys are at most 2 + 32 bytes, value keys 1 + 32.
struct StoreKey {
  std::array<std::uint8_t, 34> bytes{};
  std::size_t size = 0;
  [[nodiscard]] ByteView view() const { return ByteView(bytes.data(), size); }
};

// 'p' || page_depth / 4 (u8) || the first page_depth bits of `path` in ceil(page_depth / 8) bytes, unused bits zero.
StoreKey page_key(std::size_t page_depth, const Hash256& path) {
  StoreKey k;
  k.bytes[0] = kPageSpace;
  k.bytes[1] = static_cast<std::uint8_t>(page_depth / kPageLevels);
  const std::size_t n = (page_depth + 7) / 8;
  std::memcpy(k.bytes.data() + 2, path.data(), n);
  if ((page_depth & 7) != 0) k.bytes[1 + n] &= static_cast<std::uint8_t>(0xff00u >> (page_depth & 7));
  k.size = 2 + n;
  return k;
}

StoreKey root_key() {
  StoreKey k;
  k.bytes[0] = kRootSpace;
  k.size = 1;
  return k;
}

StoreKey value_key(FixedView<32> key) {
  StoreKey k;
  k.bytes[0] = kValueSpace;
  std::memcpy(k.bytes.data() + 1, key.data(), 32);
  k.size = 33;
  return k;
}

Hash256 to_hash(FixedView<32> v) {
  Hash256 h;
  std::memcpy(h.data(), v.data(), 32);
  return h;
}

Node empty_node() {
  return Node{};
}

Node leaf_node(const Hash256& key, const Hash256& vh, std::size_t& hashes) {
  ++hashes;
  return Node{Kind::leaf, hash_record(kLeafTag, key, vh), key, vh};
}

Node internal_node(const Hash256& left, const Hash256& right, std::size_t& hashes) {
  ++hashes;
  return Node{Kind::internal, hash_record(kInternalTag, left, right), left, right};
}

// A child known only by the hash its parent holds.
Node stub(const Hash256& hash) {
  Node n;
  n.kind = hash == kEmptyHash ? Kind::empty : Kind::unloaded;
  n.hash = hash;
  return n;
}

Record to_record(const Node& n) {
  assert(n.kind == Kind::leaf || n.kind == Kind::internal);
  Record r;
  r[0] = n.kind == Kind::leaf ? kLeafTag : kInternalTag;
  std::memcpy(r.data() + 1, n.a.data(), 32);
  std::memcpy(r.data() + 33, n.b.data(), 32);
  return r;
}

Status corrupt(const std::string& what, std::size_t depth) {
  return Status::error("corrupt_state", what + " at depth " + std::to_string(depth));
}

// ---------------------------------------------------------------------------------------------------------------
// Pages: the unit of storage. Hashing is binary, but the store holds 4 levels per record so that a path of depth
// ~24 costs ~6 store reads instead of ~24 (docs/state.md#store-layout explains the choice).

// A decoded page: the bitmaps say which slots hold a node; the arrays are meaningful only there, so a page is refilled
// in place without clearing the slots it does not use.
struct Page {
  std::uint32_t present = 0;  // bit s: slot s holds a node
  std::uint32_t leaves = 0;   // bit s: that node is a leaf (a subset of `present`)
  std::array<Hash256, kPageSlots> hash{};
  std::array<Hash256, kPageSlots> key{};         // leaves only
  std::array<Hash256, kPageSlots> value_hash{};  // leaves only

  // Puts `v` (empty, leaf or internal) in slot s.
  void set(std::size_t s, const Node& v) {
    assert(v.kind != Kind::unloaded);
    const std::uint32_t bit = 1u << s;
    present &= ~bit;
    leaves &= ~bit;
    if (v.kind == Kind::empty) return;
    present |= bit;
    hash[s] = v.hash;
    if (v.kind == Kind::leaf) {
      leaves |= bit;
      key[s] = v.a;
      value_hash[s] = v.b;
    }
  }
};

// Whether `a` and `b` agree on their first `bits` bits (bits < 256).
bool same_prefix(const Hash256& a, const Hash256& b, std::size_t bits) {
  for (std::size_t word = 0; word < 4; ++word, bits -= 64) {
    std::uint64_t x = 0, y = 0;
    std::memcpy(&x, a.data() + 8 * word, 8);
    std::memcpy(&y, b.data() + 8 * word, 8);
    std::uint64_t diff = x ^ y;
    if constexpr (std::endian::native == std::endian::little) diff = __builtin_bswap64(diff);  // bit 0 on top
    if (bits < 64) return bits == 0 || (diff >> (64 - bits)) == 0;
    if (diff != 0) return false;
  }
  return true;
}

// The depth of the page root whose page holds the node at `depth` (>= 1).
std::size_t page_depth_of(std::size_t depth) {
  return (depth - 1) / kPageLevels * kPageLevels;
}

// Slots are numbered level by level: relative depth r (1..4) starts at 2^r - 2, then the r path bits below the root.
// A page's root sits at a depth divisible by 4, so those bits are the top r bits of one nibble of `path`.
std::size_t slot_of(std::size_t depth, const Hash256& path) {
  const std::size_t base = page_depth_of(depth);
  const std::size_t r = depth - base;
  const std::uint8_t byte = path[base >> 3];
  const std::size_t nibble = (base & 7) == 0 ? byte >> 4 : byte & 0x0fu;
  return (std::size_t{1} << r) - 2 + (nibble >> (kPageLevels - r));
}

// present bitmap (u32 BE) || leaf bitmap (u32 BE) || per present slot in order: hash, and for a leaf key, value hash.
void encode_page(const Page& page, Bytes& out) {
  out.resize(8 + kPageSlots * 96);
  std::uint8_t* p = out.data();
  for (const std::uint32_t v : {page.present, page.leaves}) {
    for (int shift = 24; shift >= 0; shift -= 8) *p++ = static_cast<std::uint8_t>(v >> shift);
  }
  for (std::uint32_t rest = page.present; rest != 0; rest &= rest - 1) {
    const auto s = static_cast<std::size_t>(std::countr_zero(rest));
    p = std::copy(page.hash[s].begin(), page.hash[s].end(), p);
    if ((page.leaves >> s & 1u) != 0) {
      p = std::copy(page.key[s].begin(), page.key[s].end(), p);
      p = std::copy(page.value_hash[s].begin(), page.value_hash[s].end(), p);
    }
  }
  out.resize(static_cast<std::size_t>(p - out.data()));
}

Status decode_page(ByteView in, Page& page, std::size_t page_depth) {
  const auto u32_at = [&](std::size_t pos) {
    return (std::uint32_t{in[pos]} << 24) | (std::uint32_t{in[pos + 1]} << 16) | (std::uint32_t{in[pos + 2]} << 8) |
           std::uint32_t{in[pos + 3]};
  };
  if (in.size() < 8) return corrupt("short page", page_depth);
  const std::uint32_t present = u32_at(0);
  const std::uint32_t leaves = u32_at(4);
  if ((present >> kPageSlots) != 0 || (leaves & ~present) != 0 || present == 0) {
    return corrupt("malformed page", page_depth);
  }
  std::size_t pos = 8;
  for (std::uint32_t rest = present; rest != 0; rest &= rest - 1) {
    const auto s = static_cast<std::size_t>(std::countr_zero(rest));
    const bool leaf = (leaves >> s & 1u) != 0;
    if (in.size() - pos < (leaf ? 96u : 32u)) return corrupt("short page", page_depth);
    std::memcpy(page.hash[s].data(), in.data() + pos, 32);
    pos += 32;
    if (leaf) {
      std::memcpy(page.key[s].data(), in.data() + pos, 32);
      std::memcpy(page.value_hash[s].data(), in.data() + pos + 32, 32);
      pos += 64;
    }
  }
  if (pos != in.size()) return corrupt("long page", page_depth);
  page.present = present;
  page.leaves = leaves;
  return Status::ok();
}

}  // namespace

namespace detail {

// The decoded pages of page levels 1..kCachedPageLevels, kept by a map across its commits, each exactly as the store
// holds it (present == 0: the store holds no such page). A commit changes the cached pages in place as it goes and
// hands the same changes to the store in its batch; if anything fails, the map drops the whole cache.
struct PageCache {
  // by page level - 1, then by the page's 4 * level prefix bits; null: not cached. Sized on first use.
  std::array<std::vector<std::unique_ptr<Page>>, kCachedPageLevels> levels;

  // The cache entry for the page at page level `level` on `path`, or nullptr if that level is not cached.
  std::unique_ptr<Page>* entry(std::size_t level, const Hash256& path) {
    if (level == 0 || level > kCachedPageLevels) return nullptr;
    auto& pages = levels[level - 1];
    const std::size_t bits = 4 * level;
    if (pages.empty()) pages.resize(std::size_t{1} << bits);
    const std::size_t prefix = ((std::size_t{path[0]} << 8) | path[1]) >> (16 - bits);
    return &pages[prefix];
  }
};

}  // namespace detail

namespace {

// The pages on the path of one descent through the tree, one per page level, each read from the store at most once.
// A commit visits the tree depth first in key order and a proof walks one path, so once a descent moves to another
// page at some level it never returns to the page it left: that page is final and goes to the batch at once. So the
// pages in use are the current path's (at most 64), and no map of pages is needed.
class PagePath {
 public:
  // Changed pages go to `batch`; nullptr for a read-only walk (a proof). A commit passes its map's page cache: pages
  // of the cached levels are taken from it, or read once and kept there, and changed in place.
  PagePath(const NodeStore& store, CommitStats& stats, WriteBatch* batch, detail::PageCache* cache)
      : store_(store), stats_(stats), batch_(batch), cache_(cache) {}

  // The page holding the node at (depth, path), or nullptr when it could not be read (failure() says why). A pointer,
  // not a copy of the slot in a Result: this runs a few times per level of every descent.
  const Page* page(std::size_t depth, const Hash256& path) {
    Level* level = level_for(depth, path);
    return level != nullptr ? level->page : nullptr;
  }

  Status set(std::size_t depth, const Hash256& path, const Node& value) {
    assert(batch_ != nullptr);
    Level* level = level_for(depth, path);
    if (level == nullptr) return failure();
    level->page->set(slot_of(depth, path), value);
    level->dirty = true;
    return Status::ok();
  }

  // Why the last page() or set() failed.
  Status failure() { return std::exchange(failure_, Status::ok()); }

  // Writes every changed page still held. The batch order (pages as the descent leaves them, then these, top level
  // first) depends only on the updates, so it is the same on every platform.
  void flush() {
    for (const auto& level : levels_) {
      if (level) write(*level);
    }
  }

 private:
  struct Level {
    Page own;           // the page when its level is not cached
    Page* page = &own;  // the page in use: `own` or a page cache entry
    StoreKey key;
    Hash256 path{};       // a path through the page (its first page-depth bits name the page)
    bool held = false;    // `page` is the page named by `key`
    bool stored = false;  // the store holds a record for it
    bool dirty = false;
  };

  // Every slot access asks for its page; the common case, the page already held, compares path prefixes only.
  Level* level_for(std::size_t depth, const Hash256& path) {
    assert(depth >= 1 && depth <= kKeyBits);
    const std::size_t index = (depth - 1) / kPageLevels;
    Level* level = levels_[index].get();
    if (level != nullptr && level->held && same_prefix(level->path, path, index * kPageLevels)) return level;
    return switch_page(index, path);
  }

  // Moves page level `index` to the page on `path`: the one it held is final (the descent left it for good).
  Level* switch_page(std::size_t index, const Hash256& path) {
    if (!levels_[index]) levels_[index] = std::make_unique<Level>();
    Level& level = *levels_[index];
    if (level.held) write(level);
    const std::size_t page_depth = index * kPageLevels;
    const StoreKey key = page_key(page_depth, path);
    level.held = false;
    level.stored = false;
    level.dirty = false;
    std::unique_ptr<Page>* cached = cache_ != nullptr ? cache_->entry(index, path) : nullptr;
    if (cached != nullptr && *cached) {
      ++stats_.page_hits;
      level.page = cached->get();
      level.stored = level.page->present != 0;
    } else {
      ++stats_.page_reads;
      ByteView record;
      auto found = store_.get_view(key.view(), scratch_, record);
      if (!found) {
        failure_ = found.status();
        return nullptr;
      }
      if (cached != nullptr) *cached = std::make_unique<Page>();
      Page& page = cached != nullptr ? **cached : level.own;
      page.present = 0;
      page.leaves = 0;
      if (*found) {
        if (Status s = decode_page(record, page, page_depth); !s.is_ok()) {
          if (cached != nullptr) cached->reset();
          failure_ = std::move(s);
          return nullptr;
        }
        level.stored = true;
      }
      level.page = &page;
    }
    level.key = key;
    level.path = path;
    level.held = true;
    return &level;
  }

  // A page left with no node is deleted, so emptied subtrees leave no records.
  void write(Level& level) {
    if (!level.dirty) return;
    level.dirty = false;
    if (level.page->present == 0) {
      if (level.stored) batch_->erase(level.key.view());
      return;
    }
    encode_page(*level.page, scratch_);
    batch_->put(level.key.view(), scratch_);
  }

  const NodeStore& store_;
  CommitStats& stats_;
  WriteBatch* batch_;
  detail::PageCache* cache_;
  std::array<std::unique_ptr<Level>, kKeyBits / kPageLevels> levels_;  // by page level; allocated on first use
  Bytes scratch_;
  Status failure_;
};

// Fills in `node`, the node at (depth, path), if it is only a stub (its hash, as its parent holds it). An internal
// node's children are read too, so its two child hashes are known.
Status load(PagePath& pages, std::size_t depth, const Hash256& path, Node& node) {
  if (node.kind != Kind::unloaded) return Status::ok();
  const Page* page = pages.page(depth, path);
  if (page == nullptr) return pages.failure();
  const std::size_t s = slot_of(depth, path);
  if ((page->present >> s & 1u) == 0 || page->hash[s] != node.hash) return corrupt("missing or stale node", depth);
  if ((page->leaves >> s & 1u) != 0) {
    node.kind = Kind::leaf;
    node.a = page->key[s];
    node.b = page->value_hash[s];
    return Status::ok();
  }
  if (depth >= kKeyBits) return corrupt("internal node", depth);
  // Both children share a page (at a page's bottom level, the page below): a slot and its sibling are adjacent.
  const Hash256 left_path = with_bit(path, depth, false);
  const Page* below = pages.page(depth + 1, left_path);
  if (below == nullptr) return pages.failure();
  const std::size_t left = slot_of(depth + 1, left_path);
  node.kind = Kind::internal;
  node.a = (below->present >> left & 1u) != 0 ? below->hash[left] : kEmptyHash;
  node.b = (below->present >> (left + 1) & 1u) != 0 ? below->hash[left + 1] : kEmptyHash;
  return Status::ok();
}

// One pending write, in key order, with its value already hashed.
struct Update {
  Hash256 key;
  bool is_put = false;
  Hash256 value_hash;
};

// The batch update of one commit. Convention: update() and build() set `out` to the new node for a position (out
// parameters, not Result<Node>: 100-byte nodes copied through a variant at every level cost more than the hashing
// around them) and have already placed every node strictly below it; the caller places the position itself.
class Committer {
 public:
  Committer(const NodeStore& store, WriteBatch& batch, CommitStats& stats, detail::PageCache& cache)
      : pages_(store, stats, &batch, &cache), stats_(stats) {}

  // `old` is the (loaded) node at `depth` on the updates' path; `ups` is non-empty, sorted, unique, and every key
  // shares the position's prefix.
  Status update(std::size_t depth, const Node& old, std::span<const Update> ups, Node& out) {
    assert(!ups.empty() && old.kind != Kind::unloaded);
    if (old.kind != Kind::internal) {
      // Below a leaf or an empty subtree nothing is stored: rebuild from the updates and the leaf (if it survives).
      const Node* extra = nullptr;
      if (old.kind == Kind::leaf) {
        const bool overwritten = std::binary_search(ups.begin(), ups.end(), old.a,
                                                    [](const auto& x, const auto& y) { return key_of(x) < key_of(y); });
        if (!overwritten) extra = &old;
      }
      return build(depth, ups, extra, out);
    }
    assert(depth < kKeyBits);
    const auto mid =
        std::partition_point(ups.begin(), ups.end(), [depth](const Update& u) { return !bit_at(u.key, depth); });
    const auto left_ups = ups.first(static_cast<std::size_t>(mid - ups.begin()));
    const auto right_ups = ups.subspan(left_ups.size());
    // Any key below a position names it (page keys and slots use only the first `depth` bits).
    const Hash256 left_path = with_bit(ups.front().key, depth, false);
    const Hash256 right_path = with_bit(ups.front().key, depth, true);

    Node left_old = stub(old.a);
    Node right_old = stub(old.b);
    Node left_new = left_old;
    Node right_new = right_old;
    if (!left_ups.empty()) {
      CREDENCE_RETURN_IF_ERROR(load(pages_, depth + 1, left_path, left_old));
      CREDENCE_RETURN_IF_ERROR(update(depth + 1, left_old, left_ups, left_new));
    }
    if (!right_ups.empty()) {
      CREDENCE_RETURN_IF_ERROR(load(pages_, depth + 1, right_path, right_old));
      CREDENCE_RETURN_IF_ERROR(update(depth + 1, right_old, right_ups, right_new));
    }
    if (left_new.hash == left_old.hash && right_new.hash == right_old.hash) {
      out = old;
      return Status::ok();
    }

    const bool left_empty = left_new.kind == Kind::empty;
    const bool right_empty = right_new.kind == Kind::empty;
    if (left_empty != right_empty) {
      // One side emptied: if what remains is a single leaf, it moves up (a subtree holding one leaf is that leaf).
      Node& remaining = left_empty ? right_new : left_new;
      CREDENCE_RETURN_IF_ERROR(load(pages_, depth + 1, left_empty ? right_path : left_path, remaining));
      if (remaining.kind == Kind::leaf) {
        CREDENCE_RETURN_IF_ERROR(place(depth + 1, left_path, left_old, empty_node()));
        CREDENCE_RETURN_IF_ERROR(place(depth + 1, right_path, right_old, empty_node()));
        out = remaining;
        return Status::ok();
      }
    }
    CREDENCE_RETURN_IF_ERROR(place(depth + 1, left_path, left_old, left_new));
    CREDENCE_RETURN_IF_ERROR(place(depth + 1, right_path, right_old, right_new));
    out = left_empty && right_empty ? empty_node() : internal_node(left_new.hash, right_new.hash, stats_.hashes);
    return Status::ok();
  }

  // Records that the position (depth >= 1, path) which held `old` now holds `now`.
  Status place(std::size_t depth, const Hash256& path, const Node& old, const Node& now) {
    if (now.kind == Kind::empty ? old.kind == Kind::empty : now.hash == old.hash) {
      return Status::ok();  // same hash, same node: nothing to write
    }
    return pages_.set(depth, path, now);
  }

  void flush() { pages_.flush(); }

 private:
  static const Hash256& key_of(const Update& u) { return u.key; }
  static const Hash256& key_of(const Hash256& k) { return k; }

  // Builds the subtree at `depth` holding the puts of `ups` plus `extra` (a surviving leaf, never one of `ups`' keys),
  // over positions that are all empty below `depth`.
  Status build(std::size_t depth, std::span<const Update> ups, const Node* extra, Node& out) {
    std::size_t live = extra != nullptr ? 1 : 0;
    const Update* single = nullptr;
    for (const Update& u : ups) {
      if (!u.is_put) continue;
      single = &u;
      if (++live > 1) break;
    }
    if (live <= 1) {
      out = live == 0 ? empty_node() : single != nullptr ? leaf_node(single->key, single->value_hash, stats_.hashes)
                                                         : *extra;
      return Status::ok();
    }
    assert(depth < kKeyBits && "two distinct keys always part before depth 256");

    const auto mid =
        std::partition_point(ups.begin(), ups.end(), [depth](const Update& u) { return !bit_at(u.key, depth); });
    const auto left_ups = ups.first(static_cast<std::size_t>(mid - ups.begin()));
    const auto right_ups = ups.subspan(left_ups.size());
    const bool extra_right = extra != nullptr && bit_at(extra->a, depth);
    const Node* left_extra = extra != nullptr && !extra_right ? extra : nullptr;
    const Node* right_extra = extra_right ? extra : nullptr;
    const Hash256& path = single->key;

    Node left, right;
    CREDENCE_RETURN_IF_ERROR(build(depth + 1, left_ups, left_extra, left));
    CREDENCE_RETURN_IF_ERROR(build(depth + 1, right_ups, right_extra, right));
    CREDENCE_RETURN_IF_ERROR(place(depth + 1, with_bit(path, depth, false), empty_node(), left));
    CREDENCE_RETURN_IF_ERROR(place(depth + 1, with_bit(path, depth, true), empty_node(), right));
    out = internal_node(left.hash, right.hash, stats_.hashes);
    return Status::ok();
  }

  PagePath pages_;
  CommitStats& stats_;
};

}  // namespace

Hash256 value_hash(ByteView value) {
  return crypto::sha256(value);
}

Hash256 leaf_hash(FixedView<32> key, FixedView<32> value_hash) {
  return hash_record(kLeafTag, key, value_hash);
}

Hash256 internal_hash(FixedView<32> left, FixedView<32> right) {
  return hash_record(kInternalTag, left, right);
}

// ---------------------------------------------------------------------------------------------------------------
// Verification

Status verify_proof(const Hash256& root, FixedView<32> key, std::optional<ByteView> value, const Proof& proof) {
  std::optional<Hash256> vh;
  if (value) vh = value_hash(*value);
  return verify_proof_hashed(root, key, vh, proof);
}

Status verify_proof_hashed(const Hash256& root, FixedView<32> key, const std::optional<Hash256>& value_hash,
                           const Proof& proof) {
  const std::size_t depth = proof.siblings.size();
  if (depth > kMaxProofDepth) return Status::invalid("bad_proof", "more than 256 siblings");
  // In a compact tree the node beside the end of a path is never empty: a leaf with an empty sibling would sit one
  // level higher, and an empty child's sibling holds at least two leaves. Refusing this keeps one proof per fact.
  if (depth > 0 && proof.siblings.back() == kEmptyHash) {
    return Status::invalid("bad_proof", "empty sibling at the end of the path");
  }
  Hash256 h = kEmptyHash;
  if (value_hash) {
    if (!proof.leaf) return Status::invalid("bad_proof", "inclusion proof ends in an empty subtree");
    if (!std::equal(proof.leaf->key.begin(), proof.leaf->key.end(), key.begin())) {
      return Status::invalid("bad_proof", "inclusion proof ends in another key's leaf");
    }
    if (proof.leaf->value_hash != *value_hash) return Status::invalid("bad_proof", "value does not match");
    h = leaf_hash(proof.leaf->key, proof.leaf->value_hash);
  } else if (proof.leaf) {
    const ProofLeaf& leaf = *proof.leaf;
    if (std::equal(leaf.key.begin(), leaf.key.end(), key.begin())) {
      return Status::invalid("bad_proof", "non-inclusion proof ends in the key's own leaf");
    }
    // The other leaf must sit on the key's path, i.e. share its first `depth` bits.
    for (std::size_t i = 0; i < depth; ++i) {
      if (bit_at(leaf.key, i) != bit_at(key, i)) return Status::invalid("bad_proof", "leaf is not on the key's path");
    }
    h = leaf_hash(leaf.key, leaf.value_hash);
  }
  for (std::size_t i = depth; i-- > 0;) {
    const Hash256& sibling = proof.siblings[i];
    h = bit_at(key, i) ? internal_hash(sibling, h) : internal_hash(h, sibling);
  }
  if (h != root) return Status::invalid("bad_proof", "root does not match");
  return Status::ok();
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding

Bytes encode_proof(const Proof& proof) {
  const std::size_t depth = proof.siblings.size();
  assert(depth <= kMaxProofDepth && "a proof has at most 256 siblings");
  codec::Writer w(kProofTag, kProofVersion);
  w.u16(static_cast<std::uint16_t>(depth));
  std::array<std::uint8_t, kMaxProofDepth / 8> bitmap{};
  for (std::size_t i = 0; i < depth; ++i) {
    if (proof.siblings[i] != kEmptyHash) bitmap[i / 8] |= static_cast<std::uint8_t>(0x80u >> (i % 8));
  }
  w.raw(ByteView(bitmap.data(), (depth + 7) / 8));
  for (const Hash256& s : proof.siblings) {
    if (s != kEmptyHash) w.fixed<32>(s);
  }
  w.boolean(proof.leaf.has_value());
  if (proof.leaf) w.fixed<32>(proof.leaf->key).fixed<32>(proof.leaf->value_hash);
  return std::move(w).take();
}

Result<Proof> decode_proof(ByteView encoded) {
  codec::Reader r(encoded);
  CREDENCE_ASSIGN_OR_RETURN(const std::uint8_t version, r.header(kProofTag, kProofVersion, kProofVersion));
  (void)version;
  CREDENCE_ASSIGN_OR_RETURN(const std::uint16_t depth, r.u16());
  if (depth > kMaxProofDepth) {
    return Status::invalid("bad_depth", "proof of depth " + std::to_string(depth) + " exceeds 256");
  }
  CREDENCE_ASSIGN_OR_RETURN(const ByteView bitmap, r.raw((depth + 7u) / 8u));
  if ((depth & 7) != 0 && (bitmap.back() & (0xffu >> (depth & 7))) != 0) {
    return Status::invalid("non_canonical", "bitmap padding bits must be zero");
  }
  Proof proof;
  proof.siblings.resize(depth);
  for (std::size_t i = 0; i < depth; ++i) {
    if ((bitmap[i / 8] & (0x80u >> (i % 8))) == 0) continue;
    CREDENCE_ASSIGN_OR_RETURN(proof.siblings[i], r.fixed<32>());
    if (proof.siblings[i] == kEmptyHash) {
      return Status::invalid("non_canonical", "empty sibling " + std::to_string(i) + " must be elided");
    }
  }
  CREDENCE_ASSIGN_OR_RETURN(const bool has_leaf, r.boolean());
  if (has_leaf) {
    ProofLeaf leaf;
    CREDENCE_ASSIGN_OR_RETURN(leaf.key, r.fixed<32>());
    CREDENCE_ASSIGN_OR_RETURN(leaf.value_hash, r.fixed<32>());
    proof.leaf = leaf;
  }
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return proof;
}

namespace {

// Strict 32-byte lowercase hex, as proof_to_json writes it.
Result<Hash256> hash_from_json(const codec::Json& j, const std::string& where) {
  if (!j.is_string()) return Status::invalid("bad_field", where + ": must be a string");
  const auto& s = j.get_ref<const std::string&>();
  auto h = codec::hex_decode_fixed<32>(s);
  if (!h || codec::hex_encode(*h) != s) {
    return Status::invalid("bad_field", where + ": must be 64 lowercase hex digits");
  }
  return *h;
}

}  // namespace

codec::Json proof_to_json(const Proof& proof) {
  codec::Json siblings = codec::Json::array();
  for (const Hash256& s : proof.siblings) siblings.push_back(codec::hex_encode(s));
  codec::Json leaf = nullptr;
  if (proof.leaf) {
    leaf = codec::Json::object(
        {{"key", codec::hex_encode(proof.leaf->key)}, {"value_hash", codec::hex_encode(proof.leaf->value_hash)}});
  }
  return codec::Json::object({{"siblings", std::move(siblings)}, {"leaf", std::move(leaf)}});
}

Result<Proof> proof_from_json(const codec::Json& json) {
  CREDENCE_ASSIGN_OR_RETURN(auto reader, codec::ObjectReader::make(json, "smt_proof"));
  Proof proof;
  CREDENCE_ASSIGN_OR_RETURN(const codec::Json* siblings, reader.value("siblings"));
  if (!siblings->is_array()) return Status::invalid("bad_field", "smt_proof.siblings: must be an array");
  if (siblings->size() > kMaxProofDepth) return Status::invalid("bad_field", "smt_proof.siblings: more than 256");
  proof.siblings.reserve(siblings->size());
  for (std::size_t i = 0; i < siblings->size(); ++i) {
    CREDENCE_ASSIGN_OR_RETURN(const Hash256 s,
                              hash_from_json((*siblings)[i], "smt_proof.siblings[" + std::to_string(i) + "]"));
    proof.siblings.push_back(s);
  }
  CREDENCE_ASSIGN_OR_RETURN(const codec::Json* leaf, reader.value("leaf"));
  if (!leaf->is_null()) {
    CREDENCE_ASSIGN_OR_RETURN(auto leaf_reader, codec::ObjectReader::make(*leaf, "smt_proof.leaf"));
    ProofLeaf l;
    CREDENCE_ASSIGN_OR_RETURN(const codec::Json* key, leaf_reader.value("key"));
    CREDENCE_ASSIGN_OR_RETURN(l.key, hash_from_json(*key, "smt_proof.leaf.key"));
    CREDENCE_ASSIGN_OR_RETURN(const codec::Json* vh, leaf_reader.value("value_hash"));
    CREDENCE_ASSIGN_OR_RETURN(l.value_hash, hash_from_json(*vh, "smt_proof.leaf.value_hash"));
    CREDENCE_RETURN_IF_ERROR(leaf_reader.finish());
    proof.leaf = l;
  }
  CREDENCE_RETURN_IF_ERROR(reader.finish());
  return proof;
}

// ---------------------------------------------------------------------------------------------------------------
// AuthenticatedMap

AuthenticatedMap::AuthenticatedMap(NodeStore& store) : store_(&store) {}
AuthenticatedMap::AuthenticatedMap(AuthenticatedMap&&) noexcept = default;
AuthenticatedMap& AuthenticatedMap::operator=(AuthenticatedMap&&) noexcept = default;
AuthenticatedMap::~AuthenticatedMap() = default;

Result<AuthenticatedMap> AuthenticatedMap::open(NodeStore& store) {
  AuthenticatedMap map(store);
  Bytes record;
  CREDENCE_ASSIGN_OR_RETURN(const bool found, store.get(root_key().view(), record));
  if (found) {
    if (record.size() != kRecordSize || (record[0] != kLeafTag && record[0] != kInternalTag)) {
      return corrupt("malformed root record", 0);
    }
    map.root_.kind = record[0] == kLeafTag ? Kind::leaf : Kind::internal;
    map.root_.hash = crypto::sha256(record);
    std::memcpy(map.root_.a.data(), record.data() + 1, 32);
    std::memcpy(map.root_.b.data(), record.data() + 33, 32);
  }
  return map;
}

namespace {

// Index slot of a key. Keys are usually SHA-256 outputs, but the map takes any 32 bytes, so all of them are mixed in.
std::size_t pending_hash(const Hash256& key) {
  std::uint64_t w[4];
  std::memcpy(w, key.data(), sizeof w);
  const std::uint64_t h = (w[0] * 0x9e3779b97f4a7c15ULL) ^ (w[1] * 0xc2b2ae3d27d4eb4fULL) ^
                          (w[2] * 0x165667b19e3779f9ULL) ^ (w[3] * 0xd6e8feb86659fd93ULL);
  return static_cast<std::size_t>(h ^ (h >> 32));
}

}  // namespace

const AuthenticatedMap::Pending* AuthenticatedMap::find_pending(const Hash256& key) const {
  if (index_.empty()) return nullptr;
  const std::size_t mask = index_.size() - 1;
  for (std::size_t i = pending_hash(key) & mask; index_[i] != 0; i = (i + 1) & mask) {
    const Pending& p = pending_[index_[i] - 1];
    if (p.key == key) return &p;
  }
  return nullptr;
}

void AuthenticatedMap::grow_index() {
  std::vector<std::uint32_t> index(index_.empty() ? 64 : index_.size() * 2, 0);
  const std::size_t mask = index.size() - 1;
  for (std::size_t e = 0; e < pending_.size(); ++e) {
    std::size_t i = pending_hash(pending_[e].key) & mask;
    while (index[i] != 0) i = (i + 1) & mask;
    index[i] = static_cast<std::uint32_t>(e + 1);
  }
  index_ = std::move(index);
}

// Removes the newest entry from the index (it is popped from pending_ by the caller). Backward-shift deletion keeps
// every other key findable before the first empty slot of its probe run.
void AuthenticatedMap::unindex_last() {
  const std::size_t mask = index_.size() - 1;
  const auto last = static_cast<std::uint32_t>(pending_.size());
  std::size_t hole = pending_hash(pending_.back().key) & mask;
  while (index_[hole] != last) hole = (hole + 1) & mask;
  index_[hole] = 0;
  for (std::size_t j = (hole + 1) & mask; index_[j] != 0; j = (j + 1) & mask) {
    const std::size_t home = pending_hash(pending_[index_[j] - 1].key) & mask;
    if (((j - home) & mask) >= ((j - hole) & mask)) {
      index_[hole] = index_[j];
      index_[j] = 0;
      hole = j;
    }
  }
}

void AuthenticatedMap::write_pending(const Hash256& key, std::optional<ByteView> value) {
  if ((pending_.size() + 1) * 2 > index_.size()) grow_index();
  const std::size_t mask = index_.size() - 1;
  std::size_t i = pending_hash(key) & mask;
  while (index_[i] != 0 && pending_[index_[i] - 1].key != key) i = (i + 1) & mask;
  const bool existed = index_[i] != 0;
  if (!existed) {
    pending_.push_back(Pending{key, false, 0, 0});
    index_[i] = static_cast<std::uint32_t>(pending_.size());
  }
  Pending& p = pending_[index_[i] - 1];
  if (checkpoint_level_ > 0) undo_.push_back(Undo{index_[i] - 1, existed, p});
  p.is_put = value.has_value();
  p.offset = values_.size();
  p.size = value ? value->size() : 0;
  if (value && !value->empty()) {
    // A view into the arena itself (a caller re-putting a value it read) must not dangle when the arena grows.
    const std::less<const std::uint8_t*> before;
    const bool aliased = !before(value->data(), values_.data()) && before(value->data(), values_.data() + values_.size());
    const std::size_t from = aliased ? static_cast<std::size_t>(value->data() - values_.data()) : 0;
    values_.resize(values_.size() + value->size());
    const std::uint8_t* src = aliased ? values_.data() + from : value->data();
    std::memmove(values_.data() + p.offset, src, value->size());
  }
}

void AuthenticatedMap::clear_pending() {
  pending_.clear();
  values_.clear();
  std::fill(index_.begin(), index_.end(), 0);
  undo_.clear();
  checkpoint_level_ = 0;
}

Result<std::optional<Bytes>> AuthenticatedMap::get(FixedView<32> key) const {
  if (const Pending* p = find_pending(to_hash(key))) {
    if (!p->is_put) return std::optional<Bytes>();
    const auto* begin = values_.data() + p->offset;
    return std::optional<Bytes>(Bytes(begin, begin + p->size));
  }
  return store_->get(value_key(key).view());
}

Result<std::optional<ByteView>> AuthenticatedMap::get_view(FixedView<32> key, Bytes& scratch) const {
  if (const Pending* p = find_pending(to_hash(key))) {
    if (!p->is_put) return std::optional<ByteView>();
    return std::optional<ByteView>(ByteView(values_).subspan(p->offset, p->size));
  }
  ByteView value;
  CREDENCE_ASSIGN_OR_RETURN(const bool found, store_->get_view(value_key(key).view(), scratch, value));
  if (!found) return std::optional<ByteView>();
  return std::optional<ByteView>(value);
}

Result<bool> AuthenticatedMap::contains(FixedView<32> key) const {
  Bytes scratch;
  CREDENCE_ASSIGN_OR_RETURN(const auto value, get_view(key, scratch));
  return value.has_value();
}

void AuthenticatedMap::put(FixedView<32> key, ByteView value) {
  write_pending(to_hash(key), value);
}

void AuthenticatedMap::erase(FixedView<32> key) {
  write_pending(to_hash(key), std::nullopt);
}

AuthenticatedMap::Checkpoint AuthenticatedMap::checkpoint() {
  Checkpoint c;
  c.undo_size_ = undo_.size();
  c.values_size_ = values_.size();
  c.level_ = ++checkpoint_level_;
  return c;
}

void AuthenticatedMap::rollback(const Checkpoint& checkpoint) {
  assert(checkpoint.level_ == checkpoint_level_ && "close checkpoints innermost first");
  while (undo_.size() > checkpoint.undo_size_) {
    const Undo& u = undo_.back();
    if (u.existed) {
      pending_[u.entry] = u.previous;
    } else {
      // Undone newest first, so a key first written after the checkpoint is the newest entry.
      assert(u.entry + 1 == pending_.size());
      unindex_last();
      pending_.pop_back();
    }
    undo_.pop_back();
  }
  // Every value written since the checkpoint lies beyond this point of the arena, and no entry refers to it now.
  values_.resize(checkpoint.values_size_);
  --checkpoint_level_;
}

void AuthenticatedMap::release(const Checkpoint& checkpoint) {
  assert(checkpoint.level_ == checkpoint_level_ && "close checkpoints innermost first");
  (void)checkpoint;
  // The entries stay while an outer checkpoint may still roll them back.
  if (--checkpoint_level_ == 0) undo_.clear();
}

void AuthenticatedMap::discard() {
  clear_pending();
}

Result<Hash256> AuthenticatedMap::commit() {
  assert(checkpoint_level_ == 0 && "commit with an open checkpoint");
  stats_ = CommitStats{};
  if (pending_.empty()) return root_.hash;
  CREDENCE_RETURN_IF_ERROR(check_store_root());

  // The batch update and the store both want the writes in key order.
  std::vector<const Pending*> sorted;
  sorted.reserve(pending_.size());
  for (const Pending& p : pending_) sorted.push_back(&p);
  std::sort(sorted.begin(), sorted.end(), [](const Pending* x, const Pending* y) { return x->key < y->key; });
  const auto value_of = [this](const Pending& p) { return ByteView(values_).subspan(p.offset, p.size); };

  std::vector<Update> ups;
  ups.reserve(sorted.size());
  for (const Pending* p : sorted) {
    Update u{p->key, p->is_put, {}};
    if (p->is_put) {
      u.value_hash = value_hash(value_of(*p));
      ++stats_.hashes;
    }
    ups.push_back(u);
  }
  stats_.writes = ups.size();

  batch_.clear();
  if (!page_cache_) page_cache_ = std::make_unique<detail::PageCache>();
  Committer committer(*store_, batch_, stats_, *page_cache_);
  Node new_root;
  if (Status s = committer.update(0, root_, ups, new_root); !s.is_ok()) {
    page_cache_.reset();  // it may hold pages changed by the half-done update
    return s;
  }
  committer.flush();
  if (new_root.kind == Kind::empty) {
    if (root_.kind != Kind::empty) batch_.erase(root_key().view());
  } else if (new_root.hash != root_.hash) {
    batch_.put(root_key().view(), to_record(new_root));
  }
  for (const Pending* p : sorted) {
    if (p->is_put) {
      batch_.put(value_key(p->key).view(), value_of(*p));
    } else {
      batch_.erase(value_key(p->key).view());
    }
  }
  stats_.store_ops = batch_.size();
  if (Status s = store_->write(batch_); !s.is_ok()) {
    page_cache_.reset();  // it holds this commit's pages, which the store did not take
    return s;
  }

  root_ = new_root;
  clear_pending();
  batch_.clear();
  return root_.hash;
}

Status AuthenticatedMap::check_store_root() {
  Bytes scratch;
  ByteView record;
  CREDENCE_ASSIGN_OR_RETURN(const bool found, store_->get_view(root_key().view(), scratch, record));
  const bool same =
      found ? root_.kind != Kind::empty && std::ranges::equal(record, to_record(root_)) : root_.kind == Kind::empty;
  if (same) return Status::ok();
  // The store no longer holds this map's tree: another map wrote it, or a staged write under the map was dropped.
  // Building on root_ would write a tree mixing two states, and the cached pages would hide the difference.
  page_cache_.reset();
  return Status::error("diverged",
                       "the store's root is not this map's (written by another map, or rolled back "
                       "under it); open the map again");
}

Result<Proof> AuthenticatedMap::prove(FixedView<32> key) const {
  const Hash256 path = to_hash(key);
  Proof proof;
  CommitStats stats;
  PagePath pages(*store_, stats, /*batch=*/nullptr, /*cache=*/nullptr);
  Node node = root_;
  std::size_t depth = 0;
  while (node.kind == Kind::internal) {
    const bool right = bit_at(path, depth);
    proof.siblings.push_back(right ? node.a : node.b);
    node = stub(right ? node.b : node.a);
    ++depth;
    if (node.kind == Kind::empty) return proof;
    CREDENCE_RETURN_IF_ERROR(load(pages, depth, path, node));
  }
  if (node.kind == Kind::leaf) proof.leaf = ProofLeaf{node.a, node.b};
  return proof;
}

}  // namespace credence::core::smt
