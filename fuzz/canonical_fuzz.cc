// The canonical Reader over a record that uses every primitive: decode(x) succeeding implies encode == x.
#include <cstdlib>
#include <string>
#include <vector>

#include "credence/codec/canonical.h"

namespace {

struct Record {
  std::uint8_t version = 0;
  std::uint64_t id = 0;
  std::uint32_t flags = 0;
  std::uint16_t kind = 0;
  bool active = false;
  std::string name;
  credence::Bytes payload;
  std::vector<credence::FixedBytes<4>> items;
  std::uint64_t tail = 0;
};

credence::Result<Record> decode(credence::ByteView in) {
  credence::codec::Reader r(in, 4096);
  Record rec;
  CREDENCE_ASSIGN_OR_RETURN(rec.version, r.header("credence/fuzz", 1, 3));
  CREDENCE_ASSIGN_OR_RETURN(rec.id, r.varint());
  CREDENCE_ASSIGN_OR_RETURN(rec.flags, r.u32());
  CREDENCE_ASSIGN_OR_RETURN(rec.kind, r.u16());
  CREDENCE_ASSIGN_OR_RETURN(rec.active, r.boolean());
  CREDENCE_ASSIGN_OR_RETURN(rec.name, r.string());
  CREDENCE_ASSIGN_OR_RETURN(rec.payload, r.bytes());
  CREDENCE_ASSIGN_OR_RETURN(auto n, r.count(4));
  rec.items.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    CREDENCE_ASSIGN_OR_RETURN(auto item, r.fixed<4>());
    rec.items.push_back(item);
  }
  CREDENCE_ASSIGN_OR_RETURN(rec.tail, r.u64());
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return rec;
}

credence::Bytes encode(const Record& rec) {
  credence::codec::Writer w("credence/fuzz", rec.version);
  w.varint(rec.id).u32(rec.flags).u16(rec.kind).boolean(rec.active).string(rec.name).bytes(rec.payload);
  w.varint(rec.items.size());
  for (const auto& item : rec.items) w.fixed<4>(item);
  w.u64(rec.tail);
  return std::move(w).take();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const credence::ByteView in(data, size);
  auto rec = decode(in);
  if (!rec) {
    if (rec.status().is_error() || rec.status().code().empty()) std::abort();
    return 0;
  }
  const credence::Bytes again = encode(*rec);
  if (again != credence::Bytes(data, data + size)) std::abort();
  return 0;
}
