// Building a distribution's Merkle tree (docs/merkle.md) from a CSV file, shared by `credence dist build` and
// bench/merkle_bench.cc so that the benchmark times the command's own code path.
//
// The core (core/merkle_tree.h) stays single-threaded; here the leaves are parsed and hashed on several threads
// (each row independently, results written to their own slots), then StandardTree::of_hashed sorts and builds the
// tree. Every error names the CSV line. A CsvTable borrows the text it was parsed from, which must outlive it.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "credence/codec/abi_type.h"
#include "credence/core/merkle_tree.h"
#include "credence/status.h"

namespace credence::cli {

// RFC 4180 CSV: fields separated by ',', records by "\n" or "\r\n"; a field may be quoted ("…", with "" for a quote
// inside, and may then hold commas and line breaks). A leading UTF-8 byte order mark and empty lines are ignored.
// The first record is the header. Failures are invalid("bad_csv", "line N: …").
class CsvTable {
 public:
  // Parses the header and the records; each must have exactly `columns` fields.
  static Result<CsvTable> parse(std::string_view text, std::size_t columns);
  // Parses one record (e.g. a value typed on the command line) into its fields.
  static Result<std::vector<std::string>> parse_record(std::string_view text);

  [[nodiscard]] std::size_t rows() const { return lines_.size(); }
  [[nodiscard]] std::size_t columns() const { return columns_; }
  [[nodiscard]] std::string_view field(std::size_t row, std::size_t column) const {
    return fields_[row * columns_ + column];
  }
  // The line a row starts on (the header is line 1, or later after empty lines).
  [[nodiscard]] std::size_t line(std::size_t row) const { return lines_[row]; }
  [[nodiscard]] const std::vector<std::string>& header() const { return header_; }

 private:
  std::size_t columns_ = 0;
  std::vector<std::string> header_;
  std::vector<std::string_view> fields_;  // rows() * columns_, into the text or into unescaped_
  std::vector<std::size_t> lines_;
  std::deque<std::string> unescaped_;  // quoted fields that held "" (stable addresses)
};

// Progress of a long step on stderr: "label [#####     ]  45%  450000/1000000", redrawn at most ten times a second.
// Disabled (every call a no-op) when `enabled` is false; the CLI enables it when stderr is a terminal and --quiet
// is not given. Not thread-safe: one thread draws.
class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled) {}
  ~ProgressBar() { finish(); }
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void start(std::string label, std::size_t total);
  void update(std::size_t done);
  // Clears the line.
  void finish();

 private:
  void draw(std::size_t done);

  bool enabled_;
  bool active_ = false;
  std::string label_;
  std::size_t total_ = 0;
  long long last_draw_ms_ = 0;
};

struct TreeBuildOptions {
  core::merkle::TreeOptions tree;
  unsigned threads = 1;  // 0 or 1: the calling thread only
  ProgressBar* progress = nullptr;
};

// The values of every row (value_from_text per field) and the tree over them. A field that does not fit its type
// fails with the value's reason code and "line N, column C (type): …"; when several rows are bad, the first is
// reported. No rows: merkle_empty.
Result<core::merkle::StandardTree> build_tree(const CsvTable& table, std::span<const codec::AbiType> leaf_encoding,
                                              const TreeBuildOptions& options);

// Writes the tree's dump (interop/oz_merkle.h) and a final newline to `path` through a temporary file renamed into
// place, so a failed write never leaves a partial dump. error("io_error") on failure.
Status write_dump_file(const core::merkle::StandardTree& tree, const std::string& path);

}  // namespace credence::cli
