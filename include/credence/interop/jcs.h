// JSON Canonicalization Scheme (JCS, RFC 8785): the one byte form of a JSON value that W3C Data Integrity's
// eddsa-jcs-2022 cryptosuite hashes. Specification and examples: docs/vc.md "JCS".
//
// Not the project's binary canonical encoding (codec/canonical.h): JCS is JSON text with
//   - object members sorted by their names compared as arrays of UTF-16 code units (not UTF-8 bytes, which order
//     characters above U+FFFF differently), no whitespace;
//   - strings written as ECMAScript's JSON.stringify writes them: \" \\ \b \f \n \r \t, other characters below
//     U+0020 as \u00xx (lowercase hex), everything else — including U+007F, U+2028, non-ASCII — as raw UTF-8;
//   - numbers as IEEE-754 doubles written by ECMAScript's Number::toString (shortest round-trip digits; "1e+21",
//     "1e-7", "0.000001", "-0" written as "0"). Integers beyond 2^53 are rounded to the nearest double, as
//     JavaScript's JSON.parse rounds them.
//
// All functions are pure and thread-safe, never throw and never assert on input. Reason codes: the codec's JSON
// codes (bad_json, json_too_deep, json_too_large), jcs_duplicate_key (RFC 8785 §3.1: I-JSON forbids duplicate member
// names), jcs_bad_number (NaN or infinity in a constructed value), jcs_bad_utf8 (invalid UTF-8 in a constructed
// string), jcs_unsupported (a binary value).
#pragma once

#include <string>
#include <string_view>

#include "credence/codec/json.h"
#include "credence/status.h"

namespace credence::interop::jcs {

// Parses JSON text for canonicalization or signature verification: the codec's bounds on size and depth, strict
// UTF-8, and duplicate member names rejected (jcs_duplicate_key), so what is verified is what every parser reads.
Result<codec::Json> parse(std::string_view text, std::size_t max_depth = codec::kMaxJsonDepth,
                          std::size_t max_size = codec::kMaxJsonSize);

// The JCS text of `value` (UTF-8). Fails only on constructed values JSON cannot hold (see the reason codes above).
Result<std::string> canonicalize(const codec::Json& value);

// parse(), then canonicalize().
Result<std::string> canonicalize_text(std::string_view text);

// ECMAScript Number::toString(value) (ECMA-262 §6.1.6.1.20) for a finite double: what JCS writes for a number.
// Precondition: std::isfinite(value) (asserted; canonicalize checks it for callers).
std::string number_to_string(double value);

}  // namespace credence::interop::jcs
