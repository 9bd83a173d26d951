#include "file_input.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace credence::cli {

Result<std::string> read_text_file(const std::string& path, std::size_t max_size) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return Status::error("io_error", path + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return Status::invalid("bad_file", path + ": not a regular file");
  if (static_cast<std::size_t>(st.st_size) > max_size) {
    return Status::invalid("too_large", path + ": larger than " + std::to_string(max_size) + " bytes");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::error("io_error", path + ": " + std::strerror(errno));
  // One read into a buffer of the file's size (large CSV files and tree dumps are hundreds of MB).
  std::string text(static_cast<std::size_t>(st.st_size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (static_cast<std::size_t>(in.gcount()) != text.size()) return Status::error("io_error", path + ": short read");
  return text;
}

Result<codec::Json> read_json_file(const std::string& path) {
  CREDENCE_ASSIGN_OR_RETURN(auto text, read_text_file(path));
  auto json = codec::parse_json(text);
  if (!json) return Status::invalid(json.status().code(), path + ": " + json.status().message());
  return json;
}

}  // namespace credence::cli
