// credence dist build | proof | verify | multiproof: OpenZeppelin-compatible Merkle distributions (docs/merkle.md).
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <iostream>
#include <memory>
#include <thread>

#include "commands.h"
#include "credence/codec/abi_type.h"
#include "credence/codec/hex.h"
#include "credence/core/merkle_tree.h"
#include "credence/interop/oz_merkle.h"
#include "dist_build.h"
#include "file_input.h"

namespace credence::cli {

namespace {

namespace merkle = core::merkle;
namespace oz = interop::oz;

constexpr const char* kDefaultEncoding = "address,uint256";

Result<std::vector<codec::AbiType>> parse_encoding(const std::string& text) {
  auto types = codec::parse_abi_type_list(text);
  if (!types) return Status::invalid(types.status().code(), "--leaf-encoding: " + types.status().message());
  return types;
}

Result<merkle::StandardTree> load_tree_file(const std::string& path) {
  CREDENCE_ASSIGN_OR_RETURN(const std::string text, read_text_file(path, oz::kMaxDumpSize));
  auto tree = oz::load_standard_tree(text);
  if (!tree) return Status::invalid(tree.status().code(), path + ": " + tree.status().message());
  return tree;
}

// "0,5,9" -> {0, 5, 9}.
Result<std::vector<std::size_t>> parse_indices(const std::string& text) {
  std::vector<std::size_t> out;
  if (text.empty()) return out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view item = std::string_view(text).substr(start, comma - start);
    std::size_t v = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
    if (item.empty() || ec != std::errc() || end != item.data() + item.size()) {
      return Status::invalid("bad_arguments", "--indices: \"" + std::string(item) + "\" is not a value index");
    }
    out.push_back(v);
    start = comma + 1;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// build

struct BuildArgs {
  std::string csv;
  std::string out;
  std::string encoding = kDefaultEncoding;
  bool unsorted = false;
  bool quiet = false;
  unsigned threads = 0;
};

int run_build(const Output& out, const BuildArgs& a) {
  auto types = parse_encoding(a.encoding);
  if (!types) return out.failure(types.status());
  auto text = read_text_file(a.csv, oz::kMaxDumpSize);
  if (!text) return out.failure(text.status());
  auto table = CsvTable::parse(*text, types->size());
  if (!table) return out.failure(Status::invalid(table.status().code(), a.csv + ": " + table.status().message()));
  ProgressBar progress(!a.quiet && !out.json && ::isatty(STDERR_FILENO) == 1);
  TreeBuildOptions options;
  options.tree.sort_leaves = !a.unsorted;
  options.threads = a.threads != 0 ? a.threads : std::max(1U, std::thread::hardware_concurrency());
  options.progress = &progress;
  auto tree = build_tree(*table, *types, options);
  if (!tree) return out.failure(Status::invalid(tree.status().code(), a.csv + ": " + tree.status().message()));
  progress.start("writing " + a.out, 0);
  const Status written = write_dump_file(*tree, a.out);
  progress.finish();
  if (!written.is_ok()) return out.failure(written);
  const std::string root = codec::hex_encode_0x(tree->root());
  return out.result(root, {{"root", root}, {"values", tree->size()}, {"tree", a.out}});
}

// ---------------------------------------------------------------------------------------------------------------
// proof

struct ProofArgs {
  std::string tree;
  std::optional<std::size_t> index;
  std::string account;
};

// The value whose first account column — the first address or bytes32 column — is `account`.
Result<std::size_t> find_account(const merkle::StandardTree& tree, const std::string& account) {
  const auto& types = tree.leaf_encoding();
  const auto column = std::find_if(types.begin(), types.end(), [](const codec::AbiType& t) {
    return t.kind() == codec::AbiKind::address || (t.kind() == codec::AbiKind::fixed_bytes && t.size() == 32);
  });
  if (column == types.end()) {
    return Status::invalid("bad_arguments",
                           "--account: the leaf encoding has no address or bytes32 column; use --index");
  }
  const auto col = static_cast<std::size_t>(column - types.begin());
  auto wanted = oz::value_from_text(*column, account);
  if (!wanted) return Status::invalid("bad_address", "--account: " + wanted.status().message());
  std::vector<std::size_t> found;
  for (std::size_t i = 0; i < tree.size(); ++i) {
    if (tree.values()[i].value[col] == *wanted) found.push_back(i);
  }
  if (found.empty()) return Status::invalid("not_found", "--account " + account + " is not in the tree");
  if (found.size() > 1) {
    std::string list;
    for (const std::size_t i : found) list += (list.empty() ? "" : ", ") + std::to_string(i);
    return Status::invalid("ambiguous_account", "--account " + account + " holds values " + list + "; use --index");
  }
  return found[0];
}

int run_proof(const ProofArgs& a, const Output& out) {
  auto tree = load_tree_file(a.tree);
  if (!tree) return out.failure(tree.status());
  std::size_t index = 0;
  if (a.index) {
    index = *a.index;
  } else {
    auto found = find_account(*tree, a.account);
    if (!found) return out.failure(found.status());
    index = *found;
  }
  auto proof = tree->proof(index);
  if (!proof) return out.failure(proof.status());
  std::cout << oz::proof_json(*tree, index, *proof) << '\n';
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------------------------
// verify

struct VerifyArgs {
  std::string root;
  std::string encoding = kDefaultEncoding;
  std::string value;
  std::string proof;
  bool has_value = false;
};

// --value: a JSON array (the dump's value form) when it starts with '[', else one CSV record (the build file's form).
Result<merkle::LeafValue> parse_value_arg(std::span<const codec::AbiType> types, const std::string& text) {
  if (!text.empty() && text.front() == '[') {
    auto json = codec::parse_json(text);
    if (!json) return Status::invalid(json.status().code(), "--value: " + json.status().message());
    auto v = oz::leaf_value_from_json(types, *json);
    if (!v) return Status::invalid(v.status().code(), "--value: " + v.status().message());
    return v;
  }
  auto fields = CsvTable::parse_record(text);
  if (!fields) return Status::invalid(fields.status().code(), "--value: " + fields.status().message());
  if (fields->size() != types.size()) {
    return Status::invalid("abi_value_mismatch", "--value: " + std::to_string(fields->size()) + " fields for " +
                                                     std::to_string(types.size()) + " types");
  }
  merkle::LeafValue out;
  for (std::size_t i = 0; i < types.size(); ++i) {
    auto v = oz::value_from_text(types[i], (*fields)[i]);
    if (!v)
      return Status::invalid(v.status().code(), "--value field " + std::to_string(i + 1) + ": " + v.status().message());
    out.push_back(std::move(*v));
  }
  return out;
}

// --proof: "0x…,0x…" (empty for a one-value tree), a JSON array, or @FILE holding a JSON array or the object printed
// by `dist proof` (whose "value" stands in for a missing --value).
Result<std::vector<Hash256>> parse_proof_arg(const std::string& text, std::string& value_from_file) {
  if (!text.empty() && text.front() == '@') {
    CREDENCE_ASSIGN_OR_RETURN(const codec::Json json, read_json_file(text.substr(1)));
    const codec::Json* hashes = &json;
    if (json.is_object()) {
      if (!json.contains("proof")) return Status::invalid("missing_field", text.substr(1) + ": no \"proof\"");
      hashes = &json["proof"];
      if (json.contains("value")) value_from_file = json["value"].dump();
    }
    auto proof = oz::hashes_from_json(*hashes);
    if (!proof) return Status::invalid(proof.status().code(), text.substr(1) + ": " + proof.status().message());
    return proof;
  }
  if (!text.empty() && text.front() == '[') {
    auto json = codec::parse_json(text);
    if (!json) return Status::invalid(json.status().code(), "--proof: " + json.status().message());
    return oz::hashes_from_json(*json);
  }
  std::vector<Hash256> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    auto h = oz::node_from_text(text.substr(start, comma - start));
    if (!h)
      return Status::invalid(h.status().code(),
                             "--proof item " + std::to_string(out.size() + 1) + ": " + h.status().message());
    out.push_back(*h);
    start = comma + 1;
  }
  return out;
}

int run_verify(const Output& out, const VerifyArgs& a) {
  auto root = oz::node_from_text(a.root);
  if (!root) return out.failure(Status::invalid(root.status().code(), "--root: " + root.status().message()));
  auto types = parse_encoding(a.encoding);
  if (!types) return out.failure(types.status());
  std::string value_text = a.value;
  std::string value_from_file;
  auto proof = parse_proof_arg(a.proof, value_from_file);
  if (!proof) return out.failure(proof.status());
  if (!a.has_value) {
    if (value_from_file.empty()) return out.failure(Status::invalid("bad_arguments", "--value is required"));
    value_text = value_from_file;
  }
  auto value = parse_value_arg(*types, value_text);
  if (!value) return out.failure(value.status());
  auto leaf = merkle::leaf_hash(*types, *value);
  if (!leaf) return out.failure(leaf.status());
  return out.verdict(merkle::verify_proof(*root, *leaf, *proof));
}

// ---------------------------------------------------------------------------------------------------------------
// multiproof

int run_multiproof(const Output& out, const std::string& tree_path, const std::string& indices_text) {
  auto indices = parse_indices(indices_text);
  if (!indices) return out.failure(indices.status());
  auto tree = load_tree_file(tree_path);
  if (!tree) return out.failure(tree.status());
  auto mp = tree->multiproof(*indices);
  if (!mp) return out.failure(mp.status());
  std::cout << oz::multiproof_json(*tree, *mp) << '\n';
  return kExitOk;
}

}  // namespace

void register_dist_commands(CLI::App& app, const Output& out, int& exit_code) {
  auto* group = app.add_subcommand("dist", "Merkle distributions in OpenZeppelin's StandardMerkleTree format");
  group->require_subcommand(1);
  {
    auto* cmd = group->add_subcommand("build", "Build a tree from a CSV file, write its dump; prints the root");
    auto a = std::make_shared<BuildArgs>();
    cmd->add_option("--csv", a->csv, "CSV file: a header line, then one value per line (columns = leaf encoding)")
        ->required();
    cmd->add_option("--out", a->out, "where to write the tree dump (standard-v1 JSON; replaced if it exists)")
        ->required();
    cmd->add_option("--leaf-encoding", a->encoding, "ABI types of the columns")->capture_default_str();
    cmd->add_flag("--unsorted", a->unsorted, "keep the leaves in input order (OpenZeppelin sortLeaves: false)");
    cmd->add_option("--threads", a->threads, "threads hashing the leaves (default: one per core)");
    cmd->add_flag("--quiet", a->quiet, "no progress bar on stderr");
    cmd->callback([&out, &exit_code, a] { exit_code = run_build(out, *a); });
  }
  {
    auto* cmd = group->add_subcommand("proof", "Print the proof of one value: {\"value\",\"leaf\",\"proof\"}");
    auto a = std::make_shared<ProofArgs>();
    cmd->add_option("--tree", a->tree, "tree dump (standard-v1 JSON)")->required();
    auto* index = cmd->add_option("--index", a->index, "value index (position in the CSV / dump values, from 0)");
    auto* account =
        cmd->add_option("--account", a->account, "the value whose first address (or bytes32 account) column is ADDR");
    index->excludes(account);
    account->excludes(index);
    cmd->callback([&out, &exit_code, a, cmd] {
      if (cmd->count("--index") + cmd->count("--account") != 1) {
        exit_code = out.failure(Status::invalid("usage", "give one of --index or --account"));
        return;
      }
      exit_code = run_proof(*a, out);
    });
  }
  {
    auto* cmd =
        group->add_subcommand("verify", "Check a value and proof against a root: valid (exit 0) or invalid (exit 1)");
    auto a = std::make_shared<VerifyArgs>();
    cmd->add_option("--root", a->root, "the tree's root (0x + 64 hex)")->required();
    cmd->add_option("--leaf-encoding", a->encoding, "ABI types of the value")->capture_default_str();
    cmd->add_option("--value", a->value,
                    "the value: one CSV record (0xabc…,1000) or a JSON array ([\"0xabc…\",\"1000\"])");
    cmd->add_option("--proof", a->proof,
                    "comma-separated hashes, a JSON array, or @FILE (a JSON array or `dist proof` output)")
        ->required();
    cmd->callback([&out, &exit_code, a, cmd] {
      a->has_value = cmd->count("--value") > 0;
      exit_code = run_verify(out, *a);
    });
  }
  {
    auto* cmd = group->add_subcommand("multiproof", "Print a multiproof: {\"leaves\",\"proof\",\"proofFlags\"}");
    auto tree = std::make_shared<std::string>();
    auto indices = std::make_shared<std::string>();
    cmd->add_option("--tree", *tree, "tree dump (standard-v1 JSON)")->required();
    cmd->add_option("--indices", *indices, "comma-separated value indices, e.g. 0,5,9")->required();
    cmd->callback([&out, &exit_code, tree, indices] { exit_code = run_multiproof(out, *tree, *indices); });
  }
}

}  // namespace credence::cli
