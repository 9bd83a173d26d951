// Reading user-supplied files for the CLI: bounded size, clear errors naming the file.
#pragma once

#include <string>

#include "credence/codec/json.h"
#include "credence/status.h"

namespace credence::cli {

inline constexpr std::size_t kMaxInputFile = 64u << 20;

// The file's bytes: error("io_error") if unreadable, invalid("too_large") above `max_size` bytes.
Result<std::string> read_text_file(const std::string& path, std::size_t max_size = kMaxInputFile);
// The file parsed as JSON: invalid("bad_json", "<path>: …") if malformed.
Result<codec::Json> read_json_file(const std::string& path);

}  // namespace credence::cli
