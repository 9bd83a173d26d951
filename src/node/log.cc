#include "credence/node/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <mutex>

namespace credence::node::log {

namespace {

std::atomic<bool> g_json{false};

std::shared_ptr<spdlog::logger> logger() {
  static std::shared_ptr<spdlog::logger> instance = [] {
    auto l = spdlog::stderr_logger_mt("credenced");
    l->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
    l->set_level(spdlog::level::info);
    return l;
  }();
  return instance;
}

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static const char* const kHex = "0123456789abcdef";
          out += "\\u00";
          out.push_back(kHex[(c >> 4) & 0xf]);
          out.push_back(kHex[c & 0xf]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

// Text values with spaces or quotes are quoted so a line splits back into its fields.
void append_text_value(std::string& out, std::string_view v) {
  const bool plain = !v.empty() && v.find_first_of(" \"=\n\t") == std::string_view::npos;
  if (plain) {
    out += v;
  } else {
    append_json_string(out, v);
  }
}

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::trace: return spdlog::level::trace;
    case Level::debug: return spdlog::level::debug;
    case Level::info: return spdlog::level::info;
    case Level::warn: return spdlog::level::warn;
    case Level::error: return spdlog::level::err;
  }
  return spdlog::level::info;
}

}  // namespace

Status configure(std::string_view level, std::string_view format) {
  Level l;
  if (level == "trace") {
    l = Level::trace;
  } else if (level == "debug") {
    l = Level::debug;
  } else if (level == "info") {
    l = Level::info;
  } else if (level == "warn") {
    l = Level::warn;
  } else if (level == "error") {
    l = Level::error;
  } else {
    return Status::invalid("bad_config", "log.level: expected trace, debug, info, warn or error");
  }
  if (format != "text" && format != "json") return Status::invalid("bad_config", "log.format: expected text or json");
  g_json = format == "json";
  auto lg = logger();
  lg->set_level(to_spdlog(l));
  if (g_json) {
    lg->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})", spdlog::pattern_time_type::utc);
  } else {
    lg->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  }
  return Status::ok();
}

void write(Level level, std::string_view event, std::initializer_list<Field> fields) {
  auto lg = logger();
  if (!lg->should_log(to_spdlog(level))) return;
  std::string line;
  if (g_json) {
    line += "\"event\":";
    append_json_string(line, event);
    for (const Field& f : fields) {
      line.push_back(',');
      append_json_string(line, f.key);
      line.push_back(':');
      append_json_string(line, f.value);
    }
  } else {
    line += event;
    for (const Field& f : fields) {
      line.push_back(' ');
      line += f.key;
      line.push_back('=');
      append_text_value(line, f.value);
    }
  }
  lg->log(to_spdlog(level), "{}", line);
}

}  // namespace credence::node::log
