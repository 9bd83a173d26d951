#include "credence/interop/vc.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <utility>

#include "credence/codec/abi.h"
#include "credence/codec/abi_type.h"
#include "credence/codec/hex.h"
#include "credence/codec/multibase.h"
#include "credence/crypto/hash.h"
#include "credence/interop/did_key.h"
#include "credence/interop/jcs.h"
#include "credence/interop/status_list.h"

namespace credence::interop::vc {

namespace {

using codec::Json;
using crypto::ed25519::PublicKey;
using crypto::ed25519::SecretKey;

// Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant's civil-calendar algorithms).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2 ? 1 : 0;
}

bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Reads exactly `n` decimal digits at text[pos].
bool digits(std::string_view text, std::size_t pos, std::size_t n, unsigned& out) {
  if (pos + n > text.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<unsigned>(c - '0');
  }
  return true;
}

const std::string* string_member(const Json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return nullptr;
  return &it->get_ref<const std::string&>();
}

bool has_type(const Json& doc, std::string_view type) {
  const auto it = doc.find("type");
  if (it == doc.end()) return false;
  if (it->is_string()) return it->get_ref<const std::string&>() == type;
  if (!it->is_array()) return false;
  return std::any_of(it->begin(), it->end(),
                     [&](const Json& t) { return t.is_string() && t.get_ref<const std::string&>() == type; });
}

// The issuer's id: a string, or the "id" of an object.
const std::string* issuer_id(const Json& credential) {
  const auto it = credential.find("issuer");
  if (it == credential.end()) return nullptr;
  if (it->is_string()) return &it->get_ref<const std::string&>();
  if (it->is_object()) return string_member(*it, "id");
  return nullptr;
}

Json proof_config(const Json& document, const ProofOptions& options) {
  Json config = {{"type", kProofType},
                 {"cryptosuite", kCryptosuite},
                 {"verificationMethod", options.verification_method},
                 {"proofPurpose", options.proof_purpose}};
  if (options.created) config["created"] = format_datetime(*options.created);
  if (options.expires) config["expires"] = format_datetime(*options.expires);
  if (const auto ctx = document.find("@context"); ctx != document.end()) config["@context"] = *ctx;
  return config;
}

Status bad_proof(const std::string& why) { return Status::invalid("bad_proof", why); }

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Dates

std::string format_datetime(std::int64_t unix_seconds) {
  constexpr std::int64_t kMin = -62135596800;  // 0001-01-01T00:00:00Z
  constexpr std::int64_t kMax = 253402300799;  // 9999-12-31T23:59:59Z
  const std::int64_t t = std::clamp(unix_seconds, kMin, kMax);
  std::int64_t days = t / 86400;
  std::int64_t secs = t % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  std::int64_t y = 0;
  unsigned m = 0;
  unsigned d = 0;
  civil_from_days(days, y, m, d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<long long>(y), m, d,
                static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                static_cast<long long>(secs % 60));
  return buf;
}

Result<std::int64_t> parse_datetime(std::string_view text) {
  const auto bad = [&] {
    return Status::invalid("bad_datetime", "\"" + std::string(text.substr(0, 64)) +
                                               "\" is not an XML Schema dateTimeStamp (YYYY-MM-DDThh:mm:ssZ)");
  };
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(text, 0, 4, year) || text.size() < 19 || text[4] != '-' || !digits(text, 5, 2, month) ||
      text[7] != '-' || !digits(text, 8, 2, day) || text[10] != 'T' || !digits(text, 11, 2, hour) ||
      text[13] != ':' || !digits(text, 14, 2, minute) || text[16] != ':' || !digits(text, 17, 2, second)) {
    return bad();
  }
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year == 0 || month < 1 || month > 12 || day < 1 ||
      day > kDays[month - 1] + (month == 2 && is_leap(year) ? 1u : 0u) || minute > 59 || second > 59 ||
      hour > 24 || (hour == 24 && (minute != 0 || second != 0))) {
    return bad();
  }
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == start) return bad();
  }
  std::int64_t offset = 0;
  if (pos < text.size() && text[pos] == 'Z') {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    unsigned oh = 0, om = 0;
    if (!digits(text, pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !digits(text, pos + 4, 2, om) || oh > 14 || om > 59 || (oh == 14 && om != 0)) {
      return bad();
    }
    offset = (text[pos] == '+' ? 1 : -1) * static_cast<std::int64_t>(oh * 3600 + om * 60);
    pos += 6;
  } else {
    return bad();  // VC 2.0 requires a time zone
  }
  if (pos != text.size()) return bad();
  return days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
}

// ---------------------------------------------------------------------------------------------------------------
// Proofs

KeyResolver did_key_resolver() {
  return [](std::string_view vm) -> Result<PublicKey> {
    if (vm.substr(0, 8) != "did:key:") {
      return Status::invalid("unknown_verification_method",
                             "\"" + std::string(vm.substr(0, 128)) + "\" is not a did:key (only did:key resolves offline)");
    }
    auto key = did_key::resolve(vm);
    if (!key && key.status().code() == "bad_did_key") {
      return Status::invalid("unknown_verification_method", key.status().message());
    }
    return key;
  };
}

Result<FixedBytes<64>> hash_data(const Json& document, const Json& proof_config) {
  if (!document.is_object()) return Status::invalid("bad_document", "the secured document must be a JSON object");
  CREDENCE_ASSIGN_OR_RETURN(const std::string canonical_config, jcs::canonicalize(proof_config));
  std::string canonical_document;
  if (document.contains("proof")) {
    Json copy = document;
    copy.erase("proof");
    CREDENCE_ASSIGN_OR_RETURN(canonical_document, jcs::canonicalize(copy));
  } else {
    CREDENCE_ASSIGN_OR_RETURN(canonical_document, jcs::canonicalize(document));
  }
  const Hash256 config_hash = crypto::sha256(as_bytes(canonical_config));
  const Hash256 document_hash = crypto::sha256(as_bytes(canonical_document));
  FixedBytes<64> out{};
  std::copy(config_hash.begin(), config_hash.end(), out.begin());
  std::copy(document_hash.begin(), document_hash.end(), out.begin() + 32);
  return out;
}

Result<Json> create_proof(const Json& document, const SecretKey& key, const ProofOptions& options) {
  if (!document.is_object()) return Status::invalid("bad_document", "the document must be a JSON object");
  if (document.contains("proof")) return Status::invalid("bad_document", "the document already has a proof");
  if (options.verification_method.empty()) {
    return Status::invalid("bad_proof_options", "a proof needs a verification method");
  }
  Json proof = proof_config(document, options);
  CREDENCE_ASSIGN_OR_RETURN(const FixedBytes<64> data, hash_data(document, proof));
  const auto signature = key.sign(data);
  proof["proofValue"] = codec::multibase_encode(codec::Multibase::base58btc, signature);
  return proof;
}

Result<Json> add_proof(const Json& document, const SecretKey& key, const ProofOptions& options) {
  CREDENCE_ASSIGN_OR_RETURN(Json proof, create_proof(document, key, options));
  Json secured = document;
  secured["proof"] = std::move(proof);
  return secured;
}

Result<VerifiedProof> verify_proof(const Json& secured, const KeyResolver& resolver, std::string_view expected_purpose,
                                   std::optional<std::int64_t> now) {
  if (!secured.is_object()) return Status::invalid("bad_document", "the secured document must be a JSON object");
  const auto proof_it = secured.find("proof");
  if (proof_it == secured.end()) return Status::invalid("missing_proof", "the document has no proof");
  if (proof_it->is_array()) {
    return Status::invalid("unsupported_proof_set", "proof sets and chains (a proof array) are not supported");
  }
  if (!proof_it->is_object()) return bad_proof("proof must be an object");
  const Json& proof = *proof_it;

  const std::string* type = string_member(proof, "type");
  if (type == nullptr) return bad_proof("proof.type must be a string");
  if (*type != kProofType) {
    return Status::invalid("wrong_proof_type", "proof.type is \"" + type->substr(0, 64) + "\", not DataIntegrityProof");
  }
  const std::string* suite = string_member(proof, "cryptosuite");
  if (suite == nullptr) return bad_proof("proof.cryptosuite must be a string");
  if (*suite != kCryptosuite) {
    return Status::invalid("unknown_cryptosuite", "cryptosuite \"" + suite->substr(0, 64) + "\" is not eddsa-jcs-2022");
  }
  const std::string* vm = string_member(proof, "verificationMethod");
  if (vm == nullptr) return bad_proof("proof.verificationMethod must be a string");
  const std::string* purpose = string_member(proof, "proofPurpose");
  if (purpose == nullptr) return bad_proof("proof.proofPurpose must be a string");
  const std::string* value = string_member(proof, "proofValue");
  if (value == nullptr) return bad_proof("proof.proofValue must be a string");
  for (const char* optional_date : {"created", "expires"}) {
    if (proof.contains(optional_date)) {
      const std::string* text = string_member(proof, optional_date);
      if (text == nullptr) return bad_proof(std::string("proof.") + optional_date + " must be a string");
      auto t = parse_datetime(*text);
      if (!t) return bad_proof(std::string("proof.") + optional_date + ": " + t.status().message());
      if (std::string_view(optional_date) == "expires" && now && *t <= *now) {
        return Status::invalid("proof_expired", "the proof expired at " + *text);
      }
    }
  }

  // proofValue: "z" + base58btc of the 64-byte signature.
  if (value->empty() || (*value)[0] != 'z') {
    return Status::invalid("bad_proof_value", "proofValue must be base58btc multibase (a 'z' prefix)");
  }
  auto sig_bytes = codec::multibase_decode(*value);
  if (!sig_bytes) return Status::invalid("bad_proof_value", "proofValue: " + sig_bytes.status().message());
  if (sig_bytes->data.size() != crypto::ed25519::kSignatureSize) {
    return Status::invalid("bad_proof_value", "proofValue holds " + std::to_string(sig_bytes->data.size()) +
                                                  " bytes, not a 64-byte Ed25519 signature");
  }

  // The proof's @context, when present, must be the start of the document's (same values, same order).
  if (const auto pctx = proof.find("@context"); pctx != proof.end()) {
    const auto dctx = secured.find("@context");
    const Json proof_list = pctx->is_array() ? *pctx : Json::array({*pctx});
    const Json doc_list = dctx == secured.end() ? Json::array() : dctx->is_array() ? *dctx : Json::array({*dctx});
    bool prefix = proof_list.size() <= doc_list.size();
    for (std::size_t i = 0; prefix && i < proof_list.size(); ++i) prefix = proof_list[i] == doc_list[i];
    if (!prefix) {
      return Status::invalid("context_mismatch", "proof.@context does not start the document's @context");
    }
  }
  if (*purpose != expected_purpose) {
    return Status::invalid("proof_purpose_mismatch",
                           "proofPurpose is \"" + purpose->substr(0, 64) + "\", expected " + std::string(expected_purpose));
  }

  Json config = proof;
  config.erase("proofValue");
  CREDENCE_ASSIGN_OR_RETURN(const FixedBytes<64> data, hash_data(secured, config));
  CREDENCE_ASSIGN_OR_RETURN(const PublicKey key, resolver(*vm));
  FixedBytes<64> signature{};
  std::copy(sig_bytes->data.begin(), sig_bytes->data.end(), signature.begin());
  CREDENCE_RETURN_IF_ERROR(crypto::ed25519::verify(key, data, signature));
  return VerifiedProof{*vm, key, *purpose};
}

// ---------------------------------------------------------------------------------------------------------------
// Credentials

Result<Json> issue(Json credential, const SecretKey& key, const IssueOptions& options) {
  if (!credential.is_object()) return Status::invalid("bad_credential", "a credential must be a JSON object");
  if (credential.contains("proof")) return Status::invalid("bad_credential", "the credential already has a proof");
  for (const char* member : {"@context", "type", "credentialSubject"}) {
    if (!credential.contains(member)) {
      return Status::invalid("bad_credential", std::string("the credential has no ") + member);
    }
  }
  const std::string own_did = did_key::did(key.public_key());
  if (!credential.contains("issuer")) {
    credential["issuer"] = own_did;
  } else {
    const std::string* named = issuer_id(credential);
    if (named == nullptr) return Status::invalid("bad_credential", "issuer must be a string or an object with an id");
    if (options.verification_method.empty() && *named != own_did) {
      return Status::invalid("issuer_mismatch", "the credential names issuer \"" + named->substr(0, 128) +
                                                    "\" but the key's did:key is " + own_did);
    }
  }
  ProofOptions proof;
  proof.verification_method = options.verification_method.empty() ? did_key::verification_method(key.public_key())
                                                                   : options.verification_method;
  proof.created = options.created;
  return add_proof(credential, key, proof);
}

namespace {

void check_status_entry(const Json& entry, const std::string* issuer, const VerifyOptions& options, Verdict& verdict) {
  const auto problem = [&](const char* code, const std::string& why) {
    verdict.problems.push_back(Status::invalid(code, "credentialStatus: " + why));
  };
  if (!entry.is_object()) return problem("bad_status_entry", "an entry must be an object");
  if (!has_type(entry, "BitstringStatusListEntry")) {
    verdict.notes.push_back("credentialStatus entry of another type than BitstringStatusListEntry not checked");
    return;
  }
  const std::string* purpose = string_member(entry, "statusPurpose");
  const std::string* index_text = string_member(entry, "statusListIndex");
  const std::string* list_url = string_member(entry, "statusListCredential");
  if (purpose == nullptr || index_text == nullptr || list_url == nullptr) {
    return problem("bad_status_entry", "statusPurpose, statusListIndex and statusListCredential must be strings");
  }
  auto parsed_purpose = status_list::parse_purpose(*purpose);
  if (!parsed_purpose) return problem("bad_status_entry", parsed_purpose.status().message());
  std::uint64_t index = 0;
  const auto [end, ec] = std::from_chars(index_text->data(), index_text->data() + index_text->size(), index);
  if (index_text->empty() || ec != std::errc() || end != index_text->data() + index_text->size() ||
      (index_text->size() > 1 && (*index_text)[0] == '0')) {
    return problem("bad_status_entry", "statusListIndex \"" + index_text->substr(0, 32) + "\" is not a decimal index");
  }
  unsigned status_size = 1;
  if (const auto size_it = entry.find("statusSize"); size_it != entry.end()) {
    if (!size_it->is_number_unsigned() || size_it->get<std::uint64_t>() < 1 || size_it->get<std::uint64_t>() > 8) {
      return problem("bad_status_entry", "statusSize must be an integer from 1 to 8");
    }
    status_size = static_cast<unsigned>(size_it->get<std::uint64_t>());
  }
  if ((*parsed_purpose == status_list::Purpose::revocation || *parsed_purpose == status_list::Purpose::suspension) &&
      status_size != 1) {
    return problem("bad_status_entry", "statusSize must be 1 for " + *purpose);
  }
  if (options.status_lists.empty()) {
    verdict.notes.push_back("status (" + *purpose + ") not checked: no status list given for " + *list_url);
    return;
  }
  const Json* list_credential = nullptr;
  for (const Json& c : options.status_lists) {
    const std::string* id = c.is_object() ? string_member(c, "id") : nullptr;
    if (id != nullptr && *id == *list_url) {
      list_credential = &c;
      break;
    }
  }
  if (list_credential == nullptr) return problem("status_list_not_found", "no status list given for " + *list_url);

  // The list credential is a credential too: proof, issuer, validity. Its problems count against this credential.
  VerifyOptions list_options;
  list_options.now = options.now;
  list_options.resolver = options.resolver;
  const Verdict list_verdict = verify_credential(*list_credential, list_options);
  for (const Status& s : list_verdict.problems) {
    verdict.problems.push_back(Status::invalid("status_list_invalid", "status list " + *list_url + ": " + s.to_string()));
  }
  if (!list_verdict.valid()) return;
  const std::string* list_issuer = issuer_id(*list_credential);
  if (issuer == nullptr || list_issuer == nullptr || *list_issuer != *issuer) {
    return problem("status_list_invalid", "status list " + *list_url + " is not from the credential's issuer");
  }
  auto view = status_list::read_credential(*list_credential);
  if (!view) {
    return problem(view.status().code().c_str(), "status list " + *list_url + ": " + view.status().message());
  }
  if (std::find(view->purposes.begin(), view->purposes.end(), *purpose) == view->purposes.end()) {
    return problem("status_purpose_mismatch", "the entry's purpose is " + *purpose + " but the list is not for it");
  }
  auto status = view->list.status(index, status_size);
  if (!status) return problem(status.status().code().c_str(), status.status().message());
  if (*status == 0) return;
  switch (*parsed_purpose) {
    case status_list::Purpose::revocation: return problem("revoked", "revoked (index " + *index_text + ")");
    case status_list::Purpose::suspension: return problem("suspended", "suspended (index " + *index_text + ")");
    case status_list::Purpose::refresh:
    case status_list::Purpose::message:
      verdict.notes.push_back(*purpose + " status " + std::to_string(*status) + " at index " + *index_text);
      return;
  }
}

}  // namespace

Verdict verify_credential(const Json& credential, const VerifyOptions& options) {
  Verdict verdict;
  if (!credential.is_object()) {
    verdict.problems.push_back(Status::invalid("bad_document", "a credential must be a JSON object"));
    return verdict;
  }
  auto proof = verify_proof(credential, options.resolver, kAssertionMethod, options.now);
  if (proof) {
    verdict.proof = *proof;
  } else {
    verdict.problems.push_back(proof.status().with_context("proof"));
  }

  const auto ctx = credential.find("@context");
  if (ctx == credential.end() || !ctx->is_array() || ctx->empty() || (*ctx)[0] != kCredentialsV2Context) {
    verdict.problems.push_back(
        Status::invalid("bad_context", "@context must be an array starting with " + std::string(kCredentialsV2Context)));
  }
  if (!has_type(credential, "VerifiableCredential")) {
    verdict.problems.push_back(Status::invalid("bad_type", "type must contain VerifiableCredential"));
  }
  const std::string* issuer = issuer_id(credential);
  if (issuer == nullptr) {
    verdict.problems.push_back(Status::invalid("bad_issuer", "issuer must be a string or an object with a string id"));
  } else {
    // Checked even when the proof failed, so that every reason is reported.
    const auto p = credential.find("proof");
    const std::string* vm = p != credential.end() && p->is_object() ? string_member(*p, "verificationMethod") : nullptr;
    if (vm != nullptr && did_key::did_of(*vm) != *issuer) {
      verdict.problems.push_back(Status::invalid("issuer_mismatch", "issuer " + issuer->substr(0, 128) +
                                                                        " does not control verification method " +
                                                                        vm->substr(0, 128)));
    }
  }
  if (!credential.contains("credentialSubject")) {
    verdict.problems.push_back(Status::invalid("missing_subject", "the credential has no credentialSubject"));
  }
  for (const char* member : {"validFrom", "validUntil"}) {
    const auto it = credential.find(member);
    if (it == credential.end()) continue;
    if (!it->is_string()) {
      verdict.problems.push_back(Status::invalid("bad_datetime", std::string(member) + " must be a string"));
      continue;
    }
    auto t = parse_datetime(it->get_ref<const std::string&>());
    if (!t) {
      verdict.problems.push_back(t.status().with_context(member));
      continue;
    }
    if (!options.now) continue;
    if (std::string_view(member) == "validFrom" && *options.now < *t) {
      verdict.problems.push_back(Status::invalid("not_yet_valid", "validFrom is " + it->get<std::string>()));
    }
    if (std::string_view(member) == "validUntil" && *options.now >= *t) {
      verdict.problems.push_back(Status::invalid("expired", "validUntil was " + it->get<std::string>()));
    }
  }
  if (!options.now && (credential.contains("validFrom") || credential.contains("validUntil"))) {
    verdict.notes.push_back("validity period not checked: no time given");
  }
  if (const auto status = credential.find("credentialStatus"); status != credential.end()) {
    if (status->is_array()) {
      for (const Json& entry : *status) check_status_entry(entry, issuer, options, verdict);
    } else {
      check_status_entry(*status, issuer, options, verdict);
    }
  }
  return verdict;
}

// ---------------------------------------------------------------------------------------------------------------
// Export

Result<Json> attestation_to_credential(const core::Attestation& attestation, const core::Schema* schema,
                                       const ExportOptions& options) {
  const core::AttestationRequest& request = attestation.request;
  auto attester = PublicKey::parse(attestation.attester);
  if (!attester) return Status::invalid("bad_attestation", "attester: " + attester.status().to_string());
  const std::string attester_did = did_key::did(*attester);

  Json subject = Json::object();
  Json recipients = Json::array();
  for (const core::Recipient& r : request.recipients) recipients.push_back(r.to_string());
  if (request.recipients.size() == 1 && request.recipients[0].kind == core::Recipient::Kind::external) {
    const std::string id = request.recipients[0].to_string();
    if (id.rfind("did:", 0) == 0) subject["id"] = id;
  }
  subject["recipients"] = std::move(recipients);
  subject["attester"] = attester_did;
  subject["schema"] = codec::hex_encode_0x(request.schema);
  subject["revocable"] = request.revocable;
  if (request.linked) subject["linked"] = codec::hex_encode_0x(*request.linked);
  if (!request.indexing_key.empty()) subject["indexingKey"] = request.indexing_key;
  if (request.data.location == core::DataLocation::on_ledger) {
    if (schema != nullptr) {
      auto params = codec::parse_abi_params(schema->fields);
      if (!params) return Status::invalid("bad_attestation", "schema fields: " + params.status().message());
      std::vector<codec::AbiType> types;
      for (const auto& p : *params) types.push_back(p.type);
      auto values = codec::abi_decode(types, request.data.data);
      if (!values) return Status::invalid("bad_attestation", "data under the schema: " + values.status().to_string());
      Json fields = Json::object();
      for (std::size_t i = 0; i < params->size(); ++i) {
        const std::string name = (*params)[i].name.empty() ? "field" + std::to_string(i) : (*params)[i].name;
        fields[name] = codec::abi_to_json((*params)[i].type, (*values)[i]);
      }
      subject["data"] = std::move(fields);
    } else {
      subject["data"] = codec::hex_encode_0x(request.data.data);
    }
  } else {
    subject["dataHash"] = codec::hex_encode_0x(request.data.data_hash);
    subject["uri"] = request.data.uri;
  }

  Json credential = {
      {"@context", Json::array({kCredentialsV2Context})},
      {"id", "urn:credence:attestation:" + codec::hex_encode(core::attestation_id(attestation))},
      {"type", Json::array({"VerifiableCredential", "CredenceAttestation"})},
      {"issuer", options.issuer.empty() ? attester_did : options.issuer},
      {"validFrom", format_datetime(static_cast<std::int64_t>(attestation.issued_at))},
      {"credentialSubject", std::move(subject)}};
  if (request.valid_until != 0) {
    credential["validUntil"] = format_datetime(static_cast<std::int64_t>(request.valid_until));
  }
  if (options.status) {
    auto purpose = status_list::parse_purpose(options.status->purpose);
    if (!purpose) return purpose.status();
    credential["credentialStatus"] =
        status_list::entry(options.status->status_list_credential, options.status->index, *purpose);
  }
  return credential;
}

}  // namespace credence::interop::vc
