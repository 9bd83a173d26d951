// Ordering: which transactions make up block h, and at what time. The node's block builder proposes; the Sequencer
// decides. The embedded default (LocalSequencer) accepts every proposal as is: a single node orders its own blocks.
// A replicated sequencer (an etcd cluster appending blocks by compare-and-swap, docs/node.md "Ordering") answers
// with whatever block won height h — possibly another node's — and every node applies that block
// deterministically, so ordering stays behind this one interface.
// Thread-safety: called from the block builder thread only.
#pragma once

#include <cstdint>
#include <vector>

#include "credence/core/transaction.h"
#include "credence/status.h"

namespace credence::node {

struct Proposal {
  std::uint64_t height = 0;
  std::uint64_t time = 0;
  std::vector<core::SignedTransaction> transactions;
};

class Sequencer {
 public:
  virtual ~Sequencer() = default;
  // The ordered content of block `proposal.height`. error(...) if ordering is unavailable; the builder retries
  // later with a fresh proposal.
  virtual Result<Proposal> order(Proposal proposal) = 0;
};

// The embedded default: this node's proposal is the block.
class LocalSequencer final : public Sequencer {
 public:
  Result<Proposal> order(Proposal proposal) override { return proposal; }
};

}  // namespace credence::node
