// Crash test of credenced: SIGKILL at random moments under load, then check durability and determinism.
//
// Each round: start `credenced --dev` on the same data directory, run client threads that submit attest
// transactions (one author each; single submissions and JSON batches of 10, both with ?wait) and remember every
// transaction the node ACKNOWLEDGED as committed; after a random delay SIGKILL the node. Then, with the node down,
// `credenced replay` must re-apply every stored block from genesis to the stored state root; after restarting, the
// node must serve that replayed root at that height and report every acknowledged transaction committed. At the end,
// every attestation an acknowledged transaction created must be listed by the attester index. The seed is printed
// so a failing run replays.
//
// Usage: crash_test --credenced PATH [--kills N] [--seed S] [--data DIR] [--min-ms A] [--max-ms B]
// Exit 0 when every round passed, 1 on a violated check, 2 on bad usage, 3 when the node could not be run.
#include <sys/wait.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "credence/codec/hex.h"
#include "credence/codec/json.h"
#include "credence/core/objects.h"
#include "credence/crypto/self_test.h"
#include "node_tools.h"

namespace {

using namespace credence;
using tools::Api;
using tools::Author;
using tools::NodeProcess;

constexpr std::size_t kClients = 6;
constexpr std::uint64_t kChainId = 1337;  // the devnet's

struct Options {
  std::string credenced;
  int kills = 50;
  std::uint64_t seed = 0;
  std::string data;
  int min_ms = 30;
  int max_ms = 400;
};

struct Shared {
  std::mutex mutex;
  std::vector<core::Id> acknowledged;
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> serial{0};
};

// One client: its own author and connection; submits until the node dies or `stop` is set.
void client(const std::string& url, Author& author, const core::Id& schema, bool batches, Shared& shared) {
  Api api(url, std::chrono::seconds(10));
  auto nonce = tools::fetch_nonce(api, author.account);
  if (!nonce) return;
  author.nonce = *nonce;  // transactions sent before the last kill may or may not have committed
  while (!shared.stop) {
    const std::uint64_t expires = tools::unix_now() + 600;
    if (!batches) {
      const auto stx = tools::attest_tx(author, kChainId, schema, ++shared.serial, 1, expires);
      const auto reply = api.post_json("/v1/transactions?wait=5000", core::to_json(stx));
      if (reply.status == 0) return;  // the node is gone
      if (reply.status == 200 && reply.body.value("status", "") == "committed") {
        std::lock_guard lock(shared.mutex);
        shared.acknowledged.push_back(core::transaction_id(stx.tx));
      } else if (reply.status >= 400) {
        return;  // refused (e.g. a nonce conflict after a restart): this client is done for the round
      }
      continue;
    }
    codec::Json batch = {{"transactions", codec::Json::array()}};
    for (int i = 0; i < 10; ++i) {
      batch["transactions"].push_back(core::to_json(tools::attest_tx(author, kChainId, schema, ++shared.serial, 3, expires)));
    }
    const auto reply = api.post_json("/v1/transactions/batch?wait=5000", batch);
    if (reply.status != 200 || !reply.body.contains("results")) return;
    bool all_committed = true;
    for (const auto& r : reply.body["results"]) {
      if (r.value("status", "") != "committed") {
        all_committed = false;
        continue;
      }
      auto id = codec::hex_decode_fixed<32>(r.value("id", ""));
      if (!id) continue;
      std::lock_guard lock(shared.mutex);
      shared.acknowledged.push_back(*id);
    }
    if (!all_committed) return;  // a refusal or a timeout: resynchronise the nonce next round
  }
}

long ms_between(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count());
}

int usage(const std::string& why) {
  std::cerr << "crash_test: " << why
            << "\nusage: crash_test --credenced PATH [--kills N] [--seed S] [--data DIR] [--min-ms A] [--max-ms B]\n";
  return 2;
}

// Runs `credenced replay` on the stopped node's data; true when the replayed root matches the stored one.
bool replay_matches(const Options& o, std::string& output) {
  const std::string cmd = o.credenced + " replay --json --data " + o.data + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return false;
  char buf[4096];
  output.clear();
  while (fgets(buf, sizeof buf, p) != nullptr) output += buf;
  const int status = pclose(p);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 && output.find("\"match\":true") != std::string::npos;
}

// GET `path` on the restarted node. No answer at all (a keep-alive connection the node closed as it was reused, or a
// slow sanitizer build) says nothing about what is asked: ask again on a fresh connection, up to three times.
Api::Reply get_answered(Api& api, const std::string& url, const std::string& path) {
  auto reply = api.get(path);
  for (int attempt = 0; reply.status == 0 && attempt < 3; ++attempt) reply = Api(url).get(path);
  return reply;
}

// The replayed head of `credenced replay --json` output: {height, replayed_state_root}; nullopt if absent.
std::optional<std::pair<std::uint64_t, std::string>> replayed_head(const std::string& output) {
  const std::size_t start = output.rfind("{\"height\"");
  if (start == std::string::npos) return std::nullopt;
  auto json = codec::parse_json(output.substr(start));
  if (!json || !json->is_object() || !json->contains("height") || !(*json)["height"].is_number_unsigned() ||
      !json->contains("replayed_state_root") || !(*json)["replayed_state_root"].is_string()) {
    return std::nullopt;
  }
  return std::make_pair((*json)["height"].get<std::uint64_t>(), (*json)["replayed_state_root"].get<std::string>());
}

// Every attestation id the attester index lists under `attester`, paging to the end; nullopt on a failed or malformed
// page, or on more pages than the test can have written (a cursor that never ends).
std::optional<std::set<std::string>> listed_by_attester(Api& api, const core::AccountId& attester) {
  constexpr int kMaxPages = 10'000;
  std::set<std::string> out;
  std::string cursor;
  for (int pages = 0; pages < kMaxPages; ++pages) {
    const auto page = api.get("/v1/attestations?attester=" + codec::hex_encode_0x(attester) + "&limit=1000" +
                              (cursor.empty() ? "" : "&cursor=" + cursor));
    if (page.status != 200 || !page.body.contains("attestations") || !page.body["attestations"].is_array()) {
      return std::nullopt;
    }
    for (const auto& a : page.body["attestations"]) {
      if (!a.contains("id") || !a["id"].is_string()) return std::nullopt;
      out.insert(a["id"].get<std::string>());
    }
    const codec::Json next = page.body.value("next_cursor", codec::Json());
    if (next.is_null()) return out;
    if (!next.is_number_unsigned()) return std::nullopt;
    cursor = std::to_string(next.get<std::uint64_t>());
  }
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return usage("missing value for " + a);
    const std::string v = argv[++i];
    if (a == "--credenced") {
      o.credenced = v;
    } else if (a == "--kills") {
      o.kills = std::atoi(v.c_str());
    } else if (a == "--seed") {
      o.seed = std::strtoull(v.c_str(), nullptr, 10);
    } else if (a == "--data") {
      o.data = v;
    } else if (a == "--min-ms") {
      o.min_ms = std::atoi(v.c_str());
    } else if (a == "--max-ms") {
      o.max_ms = std::atoi(v.c_str());
    } else {
      return usage("unknown option " + a);
    }
  }
  if (o.credenced.empty()) return usage("--credenced is required");
  if (o.kills < 1 || o.min_ms < 0 || o.max_ms < o.min_ms) return usage("bad --kills / --min-ms / --max-ms");
  if (!crypto::initialize().is_ok()) return 3;
  if (o.seed == 0) o.seed = std::random_device{}();
  const bool own_dir = o.data.empty();
  if (own_dir) {
    o.data = (std::filesystem::temp_directory_path() / ("credence-crash-" + std::to_string(o.seed))).string();
    std::filesystem::remove_all(o.data);
  }
  std::cout << "crash_test: seed " << o.seed << ", " << o.kills << " kills, data " << o.data << std::endl;
  std::mt19937_64 rng(o.seed);

  std::vector<Author> authors = tools::make_authors(kClients + 1, o.seed);
  NodeProcess node(o.credenced, o.data, {"--log-level", "warn"});
  if (Status s = node.start(); !s.is_ok()) {
    std::cerr << "crash_test: " << s.to_string() << '\n';
    return 3;
  }
  // The schema every client attests under, registered once and waited for.
  Author& registrant = authors[kClients];
  core::Id schema = core::schema_id(tools::tool_schema(registrant.account));
  {
    Api api(node.url());
    const auto reply = api.post_json("/v1/transactions?wait=10000",
                                     core::to_json(tools::register_tool_schema(registrant, kChainId,
                                                                               tools::unix_now() + 600)));
    if (reply.status != 200 || reply.body.value("status", "") != "committed") {
      std::cerr << "crash_test: schema registration failed: " << reply.status << ' ' << codec::dump_json(reply.body)
                << '\n';
      return 3;
    }
  }

  Shared shared;
  std::size_t checked_total = 0;
  std::set<std::string> created;  // attestations of the acknowledged transactions, as of the last round's check
  for (int round = 1; round <= o.kills; ++round) {
    if (!node.running()) {
      if (Status s = node.start(); !s.is_ok()) {
        std::cerr << "crash_test: round " << round << ": " << s.to_string() << '\n';
        return 3;
      }
    }
    shared.stop = false;
    std::vector<std::thread> threads;
    for (std::size_t c = 0; c < kClients; ++c) {
      threads.emplace_back(client, node.url(), std::ref(authors[c]), std::cref(schema), c % 2 == 0, std::ref(shared));
    }
    std::uniform_int_distribution<int> delay(o.min_ms, o.max_ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay(rng)));
    node.kill_hard();
    shared.stop = true;
    const auto killed = std::chrono::steady_clock::now();
    for (auto& t : threads) t.join();
    const auto joined = std::chrono::steady_clock::now();

    std::string replay_output;
    if (!replay_matches(o, replay_output)) {
      std::cerr << "crash_test: round " << round << ": replay does not match the stored state root (seed " << o.seed
                << "):\n"
                << replay_output;
      return 1;
    }
    const auto replayed = std::chrono::steady_clock::now();
    if (Status s = node.start(); !s.is_ok()) {
      std::cerr << "crash_test: round " << round << ": restart failed: " << s.to_string() << '\n';
      return 3;
    }
    const auto restarted = std::chrono::steady_clock::now();
    {
      // The clients are stopped, so nothing commits: the node serves exactly the head that was replayed.
      const auto replayed_root = replayed_head(replay_output);
      Api api(node.url());
      const auto served = get_answered(api, node.url(), "/v1/state/root");
      if (served.status == 0) {
        std::cerr << "crash_test: round " << round << ": the restarted node does not answer, seed " << o.seed << '\n';
        return 3;
      }
      if (!replayed_root || served.status != 200 ||
          served.body.value("height", std::uint64_t{0}) != replayed_root->first ||
          served.body.value("state_root", "") != replayed_root->second) {
        std::cerr << "crash_test: round " << round << ": the restarted node serves " << served.status << ' '
                  << codec::dump_json(served.body) << ", replay gave:\n"
                  << replay_output << "seed " << o.seed << '\n';
        return 1;
      }
    }
    std::vector<core::Id> acknowledged;
    {
      std::lock_guard lock(shared.mutex);
      acknowledged = shared.acknowledged;
    }
    Api api(node.url());
    created.clear();
    for (const core::Id& id : acknowledged) {
      const std::string path = "/v1/transactions/" + codec::hex_encode_0x(id);
      const auto st = get_answered(api, node.url(), path);
      if (st.status == 0) {
        std::cerr << "crash_test: round " << round << ": the restarted node does not answer, seed " << o.seed << '\n';
        return 3;
      }
      if (st.status != 200 || st.body.value("status", "") != "committed") {
        std::cerr << "crash_test: round " << round << ": acknowledged transaction " << codec::hex_encode_0x(id)
                  << " is lost (" << st.status << ' ' << codec::dump_json(st.body) << "), seed " << o.seed << '\n';
        return 1;
      }
      if (st.body.contains("receipt") && st.body["receipt"].contains("created")) {
        for (const auto& c : st.body["receipt"]["created"]) {
          if (c.is_string()) created.insert(c.get<std::string>());
        }
      }
    }
    checked_total = acknowledged.size();
    const auto health = api.get("/v1/health");
    std::cout << "round " << round << ": height " << health.body.value("height", 0) << ", " << acknowledged.size()
              << " acknowledged transactions all present, replay matches (clients stopped "
              << ms_between(killed, joined) << " ms, replay " << ms_between(joined, replayed) << " ms, restart "
              << ms_between(replayed, restarted) << " ms, check " << ms_between(restarted, std::chrono::steady_clock::now())
              << " ms)" << std::endl;
  }
  {
    // The indexes were written in the same commits as the blocks: none of them may have lost an entry.
    Api api(node.url());
    std::set<std::string> listed;
    for (std::size_t c = 0; c < kClients; ++c) {
      const auto ids = listed_by_attester(api, authors[c].account);
      if (!ids) {
        std::cerr << "crash_test: listing the attestations of client " << c << " failed, seed " << o.seed << '\n';
        return 1;
      }
      listed.insert(ids->begin(), ids->end());
    }
    for (const std::string& id : created) {
      if (!listed.count(id)) {
        std::cerr << "crash_test: attestation " << id << " is not in the attester index, seed " << o.seed << '\n';
        return 1;
      }
    }
    std::cout << "crash_test: " << created.size() << " acknowledged attestations all listed by the attester index ("
              << listed.size() << " listed)" << std::endl;
  }
  const int status = node.stop();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::cerr << "crash_test: SIGINT did not stop the node cleanly (wait status " << status << ")\n";
    return 1;
  }
  std::string replay_output;
  if (!replay_matches(o, replay_output)) {
    std::cerr << "crash_test: final replay does not match:\n" << replay_output;
    return 1;
  }
  std::cout << "crash_test: passed " << o.kills << " kill rounds, " << checked_total
            << " acknowledged transactions checked, clean stop status " << status << std::endl;
  if (own_dir) std::filesystem::remove_all(o.data);
  return 0;
}
