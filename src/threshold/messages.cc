#include "credence/threshold/messages.h"

#include <string>

#include "credence/codec/canonical.h"
#include "group.h"

namespace credence::threshold {
namespace {

constexpr std::string_view kCommitmentTag = "credence/frost/commitment";
constexpr std::string_view kSessionRequestTag = "credence/frost/session-request";
constexpr std::string_view kSignerMessageTag = "credence/frost/signer-message";
constexpr std::string_view kDkgRound1Tag = "credence/dkg/round1";
constexpr std::string_view kDkgRound2Tag = "credence/dkg/round2";
constexpr std::size_t kCommitmentSize = 4 + 32 + 32;

codec::Writer start(std::string_view tag, Suite suite) {
  codec::Writer w(tag, 1);
  w.u8(static_cast<std::uint8_t>(suite));
  return w;
}

Status read_header(codec::Reader& r, std::string_view tag, Suite suite) {
  CREDENCE_ASSIGN_OR_RETURN(auto version, r.header(tag, 1, 1));
  (void)version;
  CREDENCE_ASSIGN_OR_RETURN(const std::uint8_t s, r.u8());
  if (s != static_cast<std::uint8_t>(suite)) return Status::invalid("wrong_suite");
  return Status::ok();
}

Result<Identifier> read_identifier(codec::Reader& r) {
  CREDENCE_ASSIGN_OR_RETURN(const std::uint32_t id, r.u32());
  if (id == 0 || id > kMaxCommitteeSize) return Status::invalid("bad_identifier");
  return id;
}

Result<Element> read_element(codec::Reader& r, Suite suite) {
  CREDENCE_ASSIGN_OR_RETURN(const auto bytes, r.fixed<32>());
  return parse_element(suite, bytes);
}

Result<Scalar> read_scalar(codec::Reader& r) {
  CREDENCE_ASSIGN_OR_RETURN(const auto bytes, r.fixed<32>());
  return parse_scalar(bytes);
}

void write_commitment(codec::Writer& w, const SigningCommitment& c) {
  w.u32(c.identifier).fixed<32>(c.hiding).fixed<32>(c.binding);
}

Result<SigningCommitment> read_commitment(codec::Reader& r, Suite suite) {
  SigningCommitment c;
  CREDENCE_ASSIGN_OR_RETURN(c.identifier, read_identifier(r));
  CREDENCE_ASSIGN_OR_RETURN(c.hiding, read_element(r, suite));
  CREDENCE_ASSIGN_OR_RETURN(c.binding, read_element(r, suite));
  return c;
}

}  // namespace

Bytes encode_commitment(Suite suite, const SigningCommitment& commitment) {
  codec::Writer w = start(kCommitmentTag, suite);
  write_commitment(w, commitment);
  return std::move(w).take();
}

Result<SigningCommitment> decode_commitment(Suite suite, ByteView bytes) {
  codec::Reader r(bytes);
  CREDENCE_RETURN_IF_ERROR(read_header(r, kCommitmentTag, suite));
  CREDENCE_ASSIGN_OR_RETURN(SigningCommitment c, read_commitment(r, suite));
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return c;
}

Bytes encode_session_request(Suite suite, const roast::SessionRequest& request) {
  codec::Writer w = start(kSessionRequestTag, suite);
  w.u32(request.session_id).bytes(request.package.message).varint(request.package.commitments.size());
  for (const auto& c : request.package.commitments) write_commitment(w, c);
  return std::move(w).take();
}

Result<roast::SessionRequest> decode_session_request(Suite suite, ByteView bytes) {
  codec::Reader r(bytes, kMaxSignedMessageSize);
  CREDENCE_RETURN_IF_ERROR(read_header(r, kSessionRequestTag, suite));
  roast::SessionRequest request;
  CREDENCE_ASSIGN_OR_RETURN(request.session_id, r.u32());
  CREDENCE_ASSIGN_OR_RETURN(request.package.message, r.bytes());
  CREDENCE_ASSIGN_OR_RETURN(const std::uint64_t count, r.count(kCommitmentSize));
  if (count > kMaxCommitteeSize) return Status::invalid("too_many");
  request.package.commitments.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    CREDENCE_ASSIGN_OR_RETURN(SigningCommitment c, read_commitment(r, suite));
    if (!request.package.commitments.empty() && request.package.commitments.back().identifier >= c.identifier) {
      return Status::invalid("unsorted_commitments");
    }
    request.package.commitments.push_back(c);
  }
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return request;
}

Bytes encode_signer_message(Suite suite, const roast::SignerMessage& message) {
  codec::Writer w = start(kSignerMessageTag, suite);
  w.u32(message.sender);
  // flag 0: first message (commitment only); 1: an answer to a session. session_id and share come together.
  const bool answer = message.session_id.has_value() && message.share.has_value();
  w.u8(answer ? 1 : 0);
  if (answer) w.u32(*message.session_id).fixed<32>(*message.share);
  write_commitment(w, message.next_commitment);
  return std::move(w).take();
}

Result<roast::SignerMessage> decode_signer_message(Suite suite, ByteView bytes) {
  codec::Reader r(bytes);
  CREDENCE_RETURN_IF_ERROR(read_header(r, kSignerMessageTag, suite));
  roast::SignerMessage m;
  CREDENCE_ASSIGN_OR_RETURN(m.sender, read_identifier(r));
  CREDENCE_ASSIGN_OR_RETURN(const std::uint8_t flag, r.u8());
  if (flag > 1) return Status::invalid("bad_flag");
  if (flag == 1) {
    CREDENCE_ASSIGN_OR_RETURN(m.session_id, r.u32());
    CREDENCE_ASSIGN_OR_RETURN(m.share, read_scalar(r));
  }
  CREDENCE_ASSIGN_OR_RETURN(m.next_commitment, read_commitment(r, suite));
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return m;
}

Bytes encode_dkg_round1(Suite suite, const dkg::Round1Package& package) {
  codec::Writer w = start(kDkgRound1Tag, suite);
  w.u32(package.sender).varint(package.commitment.size());
  for (const auto& phi : package.commitment) w.fixed<32>(phi);
  w.fixed<32>(package.proof_r).fixed<32>(package.proof_mu);
  return std::move(w).take();
}

Result<dkg::Round1Package> decode_dkg_round1(Suite suite, ByteView bytes) {
  codec::Reader r(bytes);
  CREDENCE_RETURN_IF_ERROR(read_header(r, kDkgRound1Tag, suite));
  dkg::Round1Package p;
  CREDENCE_ASSIGN_OR_RETURN(p.sender, read_identifier(r));
  CREDENCE_ASSIGN_OR_RETURN(const std::uint64_t count, r.count(32));
  if (count == 0) return Status::invalid("empty_commitment");
  if (count > kMaxCommitteeSize) return Status::invalid("too_many", "commitment count");
  p.commitment.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    CREDENCE_ASSIGN_OR_RETURN(Element phi, read_element(r, suite));
    p.commitment.push_back(phi);
  }
  CREDENCE_ASSIGN_OR_RETURN(p.proof_r, read_element(r, suite));
  CREDENCE_ASSIGN_OR_RETURN(p.proof_mu, read_scalar(r));
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return p;
}

Bytes encode_dkg_round2(Suite suite, const dkg::Round2Package& package) {
  codec::Writer w = start(kDkgRound2Tag, suite);
  w.u32(package.sender).u32(package.recipient).fixed<32>(package.share.view());
  return std::move(w).take();
}

Result<dkg::Round2Package> decode_dkg_round2(Suite suite, ByteView bytes) {
  codec::Reader r(bytes);
  CREDENCE_RETURN_IF_ERROR(read_header(r, kDkgRound2Tag, suite));
  dkg::Round2Package p;
  CREDENCE_ASSIGN_OR_RETURN(p.sender, read_identifier(r));
  CREDENCE_ASSIGN_OR_RETURN(p.recipient, read_identifier(r));
  CREDENCE_ASSIGN_OR_RETURN(auto raw, r.raw(32));
  if (!group::is_canonical_scalar(FixedView<32>(raw.data(), 32))) return Status::invalid("non_canonical_scalar");
  std::copy(raw.begin(), raw.end(), p.share.mutable_view().begin());
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return p;
}

}  // namespace credence::threshold
