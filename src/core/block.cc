#include "credence/core/block.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "credence/codec/canonical.h"
#include "credence/codec/hex.h"
#include "credence/crypto/hash.h"

namespace credence::core {

namespace {

Status bad_block(const std::string& why) {
  return Status::invalid("bad_block", why);
}

Hash256 tree_node(std::uint8_t tag, const Hash256* left, const Hash256* right) {
  std::array<std::uint8_t, 65> buf{};
  buf[0] = tag;
  std::memcpy(buf.data() + 1, left->data(), 32);
  std::size_t n = 33;
  if (right != nullptr) {
    std::memcpy(buf.data() + 33, right->data(), 32);
    n = 65;
  }
  return crypto::sha256(ByteView(buf.data(), n));
}

Hash256 subtree_root(std::span<const Id> ids) {
  if (ids.size() == 1) return tree_node(0x00, ids.data(), nullptr);
  std::size_t split = 1;
  while (split * 2 < ids.size()) split *= 2;
  const Hash256 left = subtree_root(ids.first(split));
  const Hash256 right = subtree_root(ids.subspan(split));
  return tree_node(0x01, &left, &right);
}

void write_header(codec::Writer& w, const BlockHeader& h) {
  w.u64(h.chain_id).u64(h.height).u64(h.time).fixed<32>(h.previous).fixed<32>(h.transactions_root);
  w.fixed<32>(h.state_root).u32(h.transaction_count);
}

Result<BlockHeader> read_header(codec::Reader& r) {
  BlockHeader h;
  CREDENCE_ASSIGN_OR_RETURN(h.chain_id, r.u64());
  CREDENCE_ASSIGN_OR_RETURN(h.height, r.u64());
  CREDENCE_ASSIGN_OR_RETURN(h.time, r.u64());
  CREDENCE_ASSIGN_OR_RETURN(h.previous, r.fixed<32>());
  CREDENCE_ASSIGN_OR_RETURN(h.transactions_root, r.fixed<32>());
  CREDENCE_ASSIGN_OR_RETURN(h.state_root, r.fixed<32>());
  CREDENCE_ASSIGN_OR_RETURN(h.transaction_count, r.u32());
  return h;
}

}  // namespace

Hash256 transactions_root(std::span<const Id> ids) {
  if (ids.empty()) return Hash256{};
  return subtree_root(ids);
}

Bytes encode(const BlockHeader& header) {
  codec::Writer w(kBlockHeaderTag, 1);
  write_header(w, header);
  return std::move(w).take();
}

Result<BlockHeader> decode_block_header(ByteView bytes) {
  codec::Reader r(bytes);
  CREDENCE_RETURN_IF_ERROR(r.header(kBlockHeaderTag, 1, 1).status());
  CREDENCE_ASSIGN_OR_RETURN(auto header, read_header(r));
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return header;
}

Id block_hash(const BlockHeader& header) {
  return crypto::sha256(encode(header));
}

Bytes encode(const Block& block) {
  codec::Writer w(kBlockTag, 1);
  write_header(w, block.header);
  w.varint(block.transactions.size());
  for (const auto& stx : block.transactions) w.bytes(encode(stx));
  return std::move(w).take();
}

Result<Block> decode_block(ByteView bytes) {
  codec::Reader r(bytes, kMaxTransactionSize);
  CREDENCE_RETURN_IF_ERROR(r.header(kBlockTag, 1, 1).status());
  Block block;
  CREDENCE_ASSIGN_OR_RETURN(block.header, read_header(r));
  CREDENCE_ASSIGN_OR_RETURN(const std::uint64_t count, r.count());
  if (count > kMaxBlockTransactions) return bad_block("more than " + std::to_string(kMaxBlockTransactions) + " txs");
  if (count != block.header.transaction_count) return bad_block("transaction count disagrees with the header");
  block.transactions.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    CREDENCE_ASSIGN_OR_RETURN(const Bytes tx, r.bytes());
    auto stx = decode_signed_transaction(tx);
    if (!stx) return stx.status().with_context("transaction " + std::to_string(i));
    block.transactions.push_back(std::move(*stx));
  }
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return block;
}

Bytes encode(const Receipt& receipt) {
  codec::Writer w(kReceiptTag, 1);
  w.fixed<32>(receipt.transaction).boolean(receipt.included).string(receipt.code).string(receipt.message);
  w.varint(receipt.created.size());
  for (const Id& id : receipt.created) w.fixed<32>(id);
  return std::move(w).take();
}

Result<Receipt> decode_receipt(ByteView bytes) {
  codec::Reader r(bytes);
  CREDENCE_RETURN_IF_ERROR(r.header(kReceiptTag, 1, 1).status());
  Receipt receipt;
  CREDENCE_ASSIGN_OR_RETURN(receipt.transaction, r.fixed<32>());
  CREDENCE_ASSIGN_OR_RETURN(receipt.included, r.boolean());
  CREDENCE_ASSIGN_OR_RETURN(receipt.code, r.string());
  CREDENCE_ASSIGN_OR_RETURN(receipt.message, r.string());
  CREDENCE_ASSIGN_OR_RETURN(const std::uint64_t count, r.count(32));
  receipt.created.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    CREDENCE_ASSIGN_OR_RETURN(const Id id, r.fixed<32>());
    receipt.created.push_back(id);
  }
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return receipt;
}

codec::Json to_json(const BlockHeader& header) {
  return {{"chain_id", header.chain_id},
          {"height", header.height},
          {"time", header.time},
          {"hash", codec::hex_encode_0x(block_hash(header))},
          {"previous", codec::hex_encode_0x(header.previous)},
          {"transactions_root", codec::hex_encode_0x(header.transactions_root)},
          {"state_root", codec::hex_encode_0x(header.state_root)},
          {"transaction_count", header.transaction_count}};
}

codec::Json to_json(const Receipt& receipt) {
  codec::Json created = codec::Json::array();
  for (const Id& id : receipt.created) created.push_back(codec::hex_encode_0x(id));
  return {{"transaction", codec::hex_encode_0x(receipt.transaction)},
          {"included", receipt.included},
          {"code", receipt.code},
          {"message", receipt.message},
          {"created", std::move(created)}};
}

// ---------------------------------------------------------------------------------------------------------------
// Chain

Result<Block> Chain::genesis(smt::AuthenticatedMap& map, const Genesis& genesis, std::uint64_t time) {
  if (time == 0) return bad_block("genesis time must be positive");
  Ledger ledger(map, genesis.chain_id);
  if (Status s = ledger.apply_genesis(genesis); !s.is_ok()) {
    map.discard();
    return s;
  }
  auto root = map.commit();
  if (!root) {
    map.discard();
    return root.status();
  }
  Block block;
  block.header.chain_id = genesis.chain_id;
  block.header.time = time;
  block.header.state_root = *root;
  return block;
}

Result<Chain> Chain::resume(smt::AuthenticatedMap& map, const BlockHeader& head) {
  if (map.pending_count() != 0 || map.root() != head.state_root) {
    return Status::error("diverged", "the state does not match block " + std::to_string(head.height));
  }
  return Chain(map, head);
}

Result<BuiltBlock> Chain::build(std::span<const SignedTransaction> candidates, std::uint64_t time,
                                SignatureCheck check) {
  const BlockContext context{head_.height + 1, std::max(time, head_.time)};
  if (context.time == 0) return bad_block("block time must be positive");
  BuiltBlock built;
  std::vector<Id> ids;
  for (const SignedTransaction& stx : candidates) {
    if (built.block.transactions.size() == kMaxBlockTransactions) {
      Receipt full;
      full.transaction = transaction_id(stx.tx);
      full.code = "block_full";
      full.message = "the block holds " + std::to_string(kMaxBlockTransactions) + " transactions";
      built.rejected.push_back(std::move(full));
      continue;
    }
    auto receipt = ledger_.apply(stx, context, check);
    if (!receipt) {
      map_->discard();
      return receipt.status();
    }
    if (!receipt->included) {
      built.rejected.push_back(std::move(*receipt));
      continue;
    }
    ids.push_back(receipt->transaction);
    built.block.transactions.push_back(stx);
    built.receipts.push_back(std::move(*receipt));
  }
  auto root = map_->commit();
  if (!root) {
    map_->discard();
    return root.status();
  }
  BlockHeader& h = built.block.header;
  h.chain_id = head_.chain_id;
  h.height = context.height;
  h.time = context.time;
  h.previous = block_hash(head_);
  h.transactions_root = transactions_root(ids);
  h.state_root = *root;
  h.transaction_count = static_cast<std::uint32_t>(ids.size());
  head_ = h;
  return built;
}

Result<std::vector<Receipt>> Chain::apply(const Block& block, SignatureCheck check) {
  const BlockHeader& h = block.header;
  if (h.chain_id != head_.chain_id) return bad_block("block is for chain " + std::to_string(h.chain_id));
  if (h.height != head_.height + 1) {
    return bad_block("expected height " + std::to_string(head_.height + 1) + ", got " + std::to_string(h.height));
  }
  if (h.previous != block_hash(head_)) return bad_block("previous hash does not name the head");
  if (h.time == 0 || h.time < head_.time) return bad_block("block time goes backwards");
  if (h.transaction_count != block.transactions.size()) return bad_block("transaction count disagrees");
  std::vector<Id> ids;
  ids.reserve(block.transactions.size());
  for (const auto& stx : block.transactions) ids.push_back(transaction_id(stx.tx));
  if (transactions_root(ids) != h.transactions_root) return bad_block("transactions root does not match");

  const BlockContext context{h.height, h.time};
  std::vector<Receipt> receipts;
  receipts.reserve(block.transactions.size());
  for (std::size_t i = 0; i < block.transactions.size(); ++i) {
    auto receipt = ledger_.apply(block.transactions[i], context, check);
    if (!receipt) {
      map_->discard();
      return receipt.status();
    }
    if (!receipt->included) {
      map_->discard();
      return bad_block("transaction " + std::to_string(i) + " is not includable: " + receipt->code);
    }
    receipts.push_back(std::move(*receipt));
  }
  auto root = map_->commit();
  if (!root) {
    map_->discard();
    return root.status();
  }
  if (*root != h.state_root) {
    return Status::error("diverged", "block " + std::to_string(h.height) + " state root does not match");
  }
  head_ = h;
  return receipts;
}

}  // namespace credence::core
