// Blocks and the chain of them: the unit a node orders, applies and commits, and the deterministic driver that
// builds a block from candidate transactions or re-applies a stored one. Formats: docs/protocol.md "Blocks".
//
// A block is its header plus its ordered transactions. The header binds the chain id, the height, the hash of the
// previous header, the block time, the Merkle root of the transaction ids and the state root after applying them,
// so a block hash names one exact history. Every transaction in a block is included (its receipt is ok or failed);
// a transaction the ledger rejects (bad nonce, expired, wrong chain, bad signature) is never put in a block.
//
// Chain is deterministic like the ledger it drives: time arrives as an argument, storage through the map. It borrows
// the map, which must outlive it. Not thread-safe. Plain value types are thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "credence/core/ledger.h"

namespace credence::core {

struct BlockHeader {
  std::uint64_t chain_id = 0;
  std::uint64_t height = 0;            // genesis block: 0
  std::uint64_t time = 0;              // unix seconds, > 0, never below the previous block's
  Hash256 previous{};                  // block_hash of the previous header; zero for the genesis block
  Hash256 transactions_root{};         // transactions_root() of the block's transaction ids
  Hash256 state_root{};                // the authenticated map's root after the block
  std::uint32_t transaction_count = 0;
  friend bool operator==(const BlockHeader&, const BlockHeader&) = default;
};

struct Block {
  BlockHeader header;
  std::vector<SignedTransaction> transactions;
  friend bool operator==(const Block&, const Block&) = default;
};

inline constexpr std::string_view kBlockHeaderTag = "credence/block-header";
inline constexpr std::string_view kBlockTag = "credence/block";
inline constexpr std::string_view kReceiptTag = "credence/receipt";
// A block holds at most this many transactions (the node's builder uses fewer).
inline constexpr std::size_t kMaxBlockTransactions = 100'000;

// Merkle root over transaction ids (RFC 6962 shape): leaf = SHA-256(0x00 || id), node = SHA-256(0x01 || l || r),
// the left subtree holding the largest power of two below n; zero for no transactions.
[[nodiscard]] Hash256 transactions_root(std::span<const Id> ids);

[[nodiscard]] Bytes encode(const BlockHeader& header);
Result<BlockHeader> decode_block_header(ByteView bytes);
// SHA-256 of encode(header): the block's id.
[[nodiscard]] Id block_hash(const BlockHeader& header);

// Strict like every decoder: success implies encode(result) == bytes. Checks the structure only (transaction count
// agrees with the header, at most kMaxBlockTransactions); never the transactions' meaning or the roots.
[[nodiscard]] Bytes encode(const Block& block);
Result<Block> decode_block(ByteView bytes);

// Receipts as a node stores them beside their block.
[[nodiscard]] Bytes encode(const Receipt& receipt);
Result<Receipt> decode_receipt(ByteView bytes);

codec::Json to_json(const BlockHeader& header);
codec::Json to_json(const Receipt& receipt);

// What building a block produced: the block, one receipt per transaction in it (same order), and the receipts of
// the candidates left out (included == false), in candidate order.
struct BuiltBlock {
  Block block;
  std::vector<Receipt> receipts;
  std::vector<Receipt> rejected;
};

class Chain {
 public:
  // Writes genesis into the empty `map`, commits it and returns the genesis block (height 0, no transactions).
  // invalid as Ledger::apply_genesis; invalid("bad_block") if time is 0.
  static Result<Block> genesis(smt::AuthenticatedMap& map, const Genesis& genesis, std::uint64_t time);

  // A chain whose last block is `head`; `map` must hold the state after it (root == head.state_root, nothing
  // pending), else error("diverged").
  static Result<Chain> resume(smt::AuthenticatedMap& map, const BlockHeader& head);

  // Applies `candidates` in order as block head().height + 1 at `time` (raised to the previous block's time if
  // lower), leaves out every candidate the ledger rejects, commits the map once and returns the block. Candidates
  // beyond kMaxBlockTransactions are rejected ("block_full"). With no candidate included the block is still built
  // (an empty block), so callers decide whether to build at all. A storage error leaves the map's pending writes
  // discarded and the head unchanged.
  Result<BuiltBlock> build(std::span<const SignedTransaction> candidates, std::uint64_t time,
                           SignatureCheck check = SignatureCheck::verify);

  // Re-applies a block built elsewhere (or read back from storage) on top of head(): chain id, height, previous
  // hash, time order and transactions root must agree (invalid("bad_block") otherwise, nothing changes), every
  // transaction must be included (invalid("bad_block"): pending writes discarded). After the commit the state root
  // must equal the header's; otherwise error("diverged") — the map has moved and the caller must stop.
  Result<std::vector<Receipt>> apply(const Block& block, SignatureCheck check = SignatureCheck::verify);

  [[nodiscard]] const BlockHeader& head() const { return head_; }
  [[nodiscard]] Ledger& ledger() { return ledger_; }

 private:
  Chain(smt::AuthenticatedMap& map, const BlockHeader& head) : map_(&map), ledger_(map, head.chain_id), head_(head) {}

  smt::AuthenticatedMap* map_;
  Ledger ledger_;
  BlockHeader head_;
};

}  // namespace credence::core
