// Structured logs: one line per event — a level, an event name and key=value fields — as text or as JSON lines,
// written to stderr through spdlog. Levels: trace, debug, info, warn, error. docs/node.md "Logs".
// Thread-safe (spdlog's synchronized sink).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "credence/status.h"

namespace credence::node::log {

enum class Level { trace, debug, info, warn, error };

struct Field {
  std::string_view key;
  std::string value;
};

// Sets the level and the format ("text" or "json"). invalid("bad_config") for an unknown level or format.
Status configure(std::string_view level, std::string_view format);

void write(Level level, std::string_view event, std::initializer_list<Field> fields = {});

inline void debug(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::debug, event, fields);
}
inline void info(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::info, event, fields);
}
inline void warn(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::warn, event, fields);
}
inline void error(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::error, event, fields);
}

}  // namespace credence::node::log
