#include "dist_build.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "credence/interop/oz_merkle.h"

namespace credence::cli {

namespace {

using core::merkle::LeafValue;
using core::merkle::StandardTree;

Status csv_error(std::size_t line, const std::string& why) {
  return Status::invalid("bad_csv", "line " + std::to_string(line) + ": " + why);
}

struct Cursor {
  std::string_view text;
  std::size_t pos = 0;
  std::size_t line = 1;
};

// Skips empty lines ("\n" or "\r\n" right at the start of a record).
void skip_empty_lines(Cursor& c) {
  while (c.pos < c.text.size()) {
    if (c.text[c.pos] == '\n') {
      ++c.pos;
    } else if (c.text.compare(c.pos, 2, "\r\n") == 0) {
      c.pos += 2;
    } else {
      return;
    }
    ++c.line;
  }
}

// The common case: a line without quotes or stray carriage returns is split at its commas with memchr. False (and
// nothing read) otherwise.
bool read_plain_line(Cursor& c, std::vector<std::string_view>& fields) {
  const std::string_view t = c.text;
  const char* base = t.data();
  const auto* nl = static_cast<const char*>(std::memchr(base + c.pos, '\n', t.size() - c.pos));
  const std::size_t line_end = nl != nullptr ? static_cast<std::size_t>(nl - base) : t.size();
  std::size_t content_end = line_end;
  if (nl != nullptr && content_end > c.pos && t[content_end - 1] == '\r') --content_end;
  const std::size_t length = content_end - c.pos;
  if (std::memchr(base + c.pos, '"', length) != nullptr || std::memchr(base + c.pos, '\r', length) != nullptr) {
    return false;
  }
  std::size_t field = c.pos;
  while (true) {
    const auto* comma = static_cast<const char*>(std::memchr(base + field, ',', content_end - field));
    if (comma == nullptr) break;
    const auto at = static_cast<std::size_t>(comma - base);
    fields.push_back(t.substr(field, at - field));
    field = at + 1;
  }
  fields.push_back(t.substr(field, content_end - field));
  c.pos = nl != nullptr ? line_end + 1 : t.size();
  if (nl != nullptr) ++c.line;
  return true;
}

// Reads the record at c.pos (which is not at the end) into `fields`, and moves past its line break.
Status read_record(Cursor& c, std::vector<std::string_view>& fields, std::deque<std::string>& unescaped) {
  if (read_plain_line(c, fields)) return Status::ok();
  const std::string_view t = c.text;
  const std::size_t record_line = c.line;
  while (true) {
    if (c.pos < t.size() && t[c.pos] == '"') {
      const std::size_t start = c.pos + 1;
      std::size_t i = start;
      bool escaped = false;
      std::size_t close = std::string_view::npos;
      while (close == std::string_view::npos) {
        const std::size_t q = t.find('"', i);
        if (q == std::string_view::npos) return csv_error(record_line, "unterminated quoted field");
        if (q + 1 < t.size() && t[q + 1] == '"') {
          escaped = true;
          i = q + 2;
        } else {
          close = q;
        }
      }
      const std::string_view raw = t.substr(start, close - start);
      c.line += static_cast<std::size_t>(std::count(raw.begin(), raw.end(), '\n'));
      if (escaped) {
        std::string& s = unescaped.emplace_back();
        s.reserve(raw.size());
        for (std::size_t k = 0; k < raw.size(); ++k) {
          s += raw[k];
          if (raw[k] == '"') ++k;  // "" stands for one quote
        }
        fields.emplace_back(s);
      } else {
        fields.push_back(raw);
      }
      c.pos = close + 1;
    } else {
      std::size_t i = c.pos;
      while (i < t.size() && t[i] != ',' && t[i] != '\n' && t[i] != '\r') {
        if (t[i] == '"') return csv_error(c.line, "a quote inside an unquoted field");
        ++i;
      }
      fields.push_back(t.substr(c.pos, i - c.pos));
      c.pos = i;
    }
    if (c.pos >= t.size()) return Status::ok();
    if (t[c.pos] == ',') {
      ++c.pos;
      continue;
    }
    if (t[c.pos] == '\n' || t.compare(c.pos, 2, "\r\n") == 0) {
      c.pos += t[c.pos] == '\n' ? 1U : 2U;
      ++c.line;
      return Status::ok();
    }
    return csv_error(c.line, t[c.pos] == '\r' ? "a carriage return without a line feed" : "text after a closing quote");
  }
}

// Splits each depth's inner nodes over threads (core/merkle_tree.h NodeHasher); small depths stay on the caller.
class ParallelNodeHasher final : public core::merkle::NodeHasher {
 public:
  explicit ParallelNodeHasher(std::size_t threads) : threads_(threads) {}
  void hash_nodes(std::span<Hash256> tree, std::size_t first, std::size_t last) const override {
    constexpr std::size_t kMinPerThread = 4096;
    const std::size_t n = last - first;
    const std::size_t parts = std::min(threads_, n / kMinPerThread);
    if (parts <= 1) {
      core::merkle::hash_node_range(tree, first, last);
      return;
    }
    std::vector<std::thread> helpers;
    helpers.reserve(parts - 1);
    for (std::size_t p = 1; p < parts; ++p) {
      helpers.emplace_back(core::merkle::hash_node_range, tree, first + n * p / parts, first + n * (p + 1) / parts);
    }
    core::merkle::hash_node_range(tree, first, first + n / parts);
    for (auto& t : helpers) t.join();
  }

 private:
  std::size_t threads_;
};

long long now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The values of one row and their ABI encoding; errors name the line and column.
Status encode_row(const CsvTable& table, std::span<const codec::AbiType> types, std::size_t row, LeafValue& value,
                  Bytes& encoding) {
  value.reserve(types.size());
  for (std::size_t col = 0; col < types.size(); ++col) {
    const std::string_view field = table.field(row, col);
    auto v = interop::oz::value_from_text(types[col], field);
    if (!v) {
      constexpr std::size_t kShown = 80;
      const std::string shown =
          field.size() <= kShown ? std::string(field) : std::string(field.substr(0, kShown)) + "…";
      return v.status().with_context("line " + std::to_string(table.line(row)) + ", column " + std::to_string(col + 1) +
                                     " (" + types[col].canonical() + ") \"" + shown + "\"");
    }
    value.push_back(std::move(*v));
  }
  auto e = codec::abi_encode(types, value);
  if (!e) return e.status().with_context("line " + std::to_string(table.line(row)));
  encoding = std::move(*e);
  return Status::ok();
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// CsvTable

Result<CsvTable> CsvTable::parse(std::string_view text, std::size_t columns) {
  CsvTable table;
  table.columns_ = columns;
  Cursor c{text};
  if (text.substr(0, 3) == "\xEF\xBB\xBF") c.pos = 3;
  const auto estimated_rows = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  table.fields_.reserve(estimated_rows * columns);
  table.lines_.reserve(estimated_rows);
  std::vector<std::string_view> record;
  bool have_header = false;
  for (skip_empty_lines(c); c.pos < text.size(); skip_empty_lines(c)) {
    const std::size_t line = c.line;
    record.clear();
    CREDENCE_RETURN_IF_ERROR(read_record(c, record, table.unescaped_));
    if (!have_header) {
      if (record.size() != columns) {
        return csv_error(line, "the header has " + std::to_string(record.size()) + " columns, the leaf encoding " +
                                   std::to_string(columns));
      }
      table.header_.assign(record.begin(), record.end());
      have_header = true;
      continue;
    }
    if (record.size() != columns) {
      return csv_error(line, std::to_string(record.size()) + " fields, expected " + std::to_string(columns));
    }
    table.fields_.insert(table.fields_.end(), record.begin(), record.end());
    table.lines_.push_back(line);
  }
  if (!have_header) return csv_error(1, "no header line");
  return table;
}

Result<std::vector<std::string>> CsvTable::parse_record(std::string_view text) {
  Cursor c{text};
  std::vector<std::string_view> fields;
  std::deque<std::string> unescaped;
  CREDENCE_RETURN_IF_ERROR(read_record(c, fields, unescaped));
  if (c.pos != text.size()) return csv_error(1, "one line expected");
  return std::vector<std::string>(fields.begin(), fields.end());
}

// ---------------------------------------------------------------------------------------------------------------
// ProgressBar

void ProgressBar::start(std::string label, std::size_t total) {
  if (!enabled_) return;
  finish();
  label_ = std::move(label);
  total_ = total;
  active_ = true;
  draw(0);
}

void ProgressBar::update(std::size_t done) {
  if (!active_) return;
  if (done < total_ && now_ms() - last_draw_ms_ < 100) return;
  draw(done);
}

void ProgressBar::draw(std::size_t done) {
  constexpr std::size_t kWidth = 30;
  if (total_ == 0) {
    std::fprintf(stderr, "\r%s ...\033[K", label_.c_str());
  } else {
    done = std::min(done, total_);
    const std::size_t filled = done * kWidth / total_;
    const std::string bar = std::string(filled, '#') + std::string(kWidth - filled, ' ');
    std::fprintf(stderr, "\r%s [%s] %3zu%%  %zu/%zu\033[K", label_.c_str(), bar.c_str(), done * 100 / total_, done,
                 total_);
  }
  std::fflush(stderr);
  last_draw_ms_ = now_ms();
}

void ProgressBar::finish() {
  if (!active_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  active_ = false;
}

// ---------------------------------------------------------------------------------------------------------------
// Building and writing

Result<StandardTree> build_tree(const CsvTable& table, std::span<const codec::AbiType> leaf_encoding,
                                const TreeBuildOptions& options) {
  const std::size_t n = table.rows();
  if (n == 0) return Status::invalid("merkle_empty", "the CSV file has a header but no rows");
  std::vector<LeafValue> values(n);
  std::vector<Hash256> hashes(n);

  // Rows are handed out in blocks by one counter. A worker stops at its first bad row and nobody takes a new block
  // after a failure; every block before the failing one was taken earlier and is finished, so the smallest failing
  // row recorded is the first bad row of the file.
  constexpr std::size_t kBlock = 2048;
  const std::size_t blocks = (n + kBlock - 1) / kBlock;
  const std::size_t workers = std::clamp<std::size_t>(options.threads, 1, blocks);
  std::atomic<std::size_t> next_block{0};
  std::atomic<std::size_t> done{0};
  std::atomic<bool> failed{false};
  std::vector<std::optional<std::pair<std::size_t, Status>>> errors(workers);
  if (options.progress != nullptr) options.progress->start("hashing leaves", n);

  const auto work = [&](std::size_t worker) {
    std::vector<Bytes> encodings(kBlock);
    std::vector<ByteView> views(kBlock);
    while (!failed.load(std::memory_order_relaxed)) {
      const std::size_t b = next_block.fetch_add(1);
      if (b >= blocks) return;
      const std::size_t begin = b * kBlock;
      const std::size_t end = std::min(n, begin + kBlock);
      for (std::size_t row = begin; row < end; ++row) {
        Status s = encode_row(table, leaf_encoding, row, values[row], encodings[row - begin]);
        if (!s.is_ok()) {
          errors[worker].emplace(row, std::move(s));
          failed.store(true);
          return;
        }
        views[row - begin] = encodings[row - begin];
      }
      core::merkle::leaf_hashes_of_encodings(std::span(views.data(), end - begin),
                                             std::span(hashes).subspan(begin, end - begin));
      const std::size_t total = done.fetch_add(end - begin) + (end - begin);
      if (worker == 0 && options.progress != nullptr) options.progress->update(total);
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(workers - 1);
  for (std::size_t w = 1; w < workers; ++w) threads.emplace_back(work, w);
  work(0);
  for (auto& t : threads) t.join();

  const std::optional<std::pair<std::size_t, Status>>* first = nullptr;
  for (const auto& e : errors) {
    if (e && (first == nullptr || e->first < (*first)->first)) first = &e;
  }
  if (first != nullptr) {
    if (options.progress != nullptr) options.progress->finish();
    return (*first)->second;
  }
  if (options.progress != nullptr) options.progress->start("building tree", 0);
  const ParallelNodeHasher hasher(std::max<std::size_t>(options.threads, 1));
  core::merkle::TreeOptions tree_options = options.tree;
  if (tree_options.node_hasher == nullptr) tree_options.node_hasher = &hasher;
  auto tree = StandardTree::of_hashed(std::vector<codec::AbiType>(leaf_encoding.begin(), leaf_encoding.end()),
                                      std::move(values), std::move(hashes), tree_options);
  if (options.progress != nullptr) options.progress->finish();
  return tree;
}

Status write_dump_file(const StandardTree& tree, const std::string& path) {
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return Status::error("io_error", tmp + ": " + std::strerror(errno));
  // A writer thread hands the pieces to the kernel while the next ones are formatted: copying a large dump into the
  // page cache costs about as much as formatting it. At most kPending pieces (about 1 MiB each) wait.
  constexpr std::size_t kPending = 4;
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<std::string> pending;
  bool finished = false;
  bool ok = true;
  int write_errno = 0;
  std::thread writer([&] {
    std::unique_lock lock(mutex);
    while (true) {
      changed.wait(lock, [&] { return !pending.empty() || finished; });
      if (pending.empty()) return;
      const std::string piece = std::move(pending.front());
      pending.pop_front();
      changed.notify_all();
      lock.unlock();
      const bool wrote = std::fwrite(piece.data(), 1, piece.size(), f) == piece.size();
      const int e = errno;
      lock.lock();
      if (!wrote && ok) {
        ok = false;
        write_errno = e;
      }
    }
  });
  interop::oz::write_standard_tree(tree, [&](std::string_view piece) {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return pending.size() < kPending; });
    pending.emplace_back(piece);
    changed.notify_all();
  });
  {
    const std::lock_guard lock(mutex);
    finished = true;
  }
  changed.notify_all();
  writer.join();
  if (ok && std::fputc('\n', f) == EOF) {
    ok = false;
    write_errno = errno;
  }
  if (std::fclose(f) != 0 && ok) {
    ok = false;
    write_errno = errno;
  }
  if (!ok) {
    std::remove(tmp.c_str());
    return Status::error("io_error", tmp + ": write failed: " + std::strerror(write_errno));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    return Status::error("io_error", path + ": " + why);
  }
  return Status::ok();
}

}  // namespace credence::cli
