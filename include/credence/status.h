// The one error model of Credence: Status and Result<T>.
//
// Every fallible operation answers one of three outcomes:
//   ok                      — it worked (for a check: the input is valid);
//   invalid(code, message)  — the input is wrong: malformed, out of range, a bad signature. `code` is a stable
//                             snake_case reason code that scripts, the API and tests rely on;
//   error(code, message)    — a local failure that says nothing about the input: I/O, resources, a broken library.
// No exceptions are thrown by crypto/, codec/, threshold/ or core/; apps turn a Status into an exit code or an
// HTTP reply. Status and Result are values: cheap to move, safe to copy, no thread-safety concerns of their own.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace credence {

class [[nodiscard]] Status {
 public:
  enum class Kind { ok, invalid, error };

  Status() = default;  // ok

  static Status ok() { return {}; }
  static Status invalid(std::string code, std::string message = {}) {
    return Status(Kind::invalid, std::move(code), std::move(message));
  }
  static Status error(std::string code, std::string message = {}) {
    return Status(Kind::error, std::move(code), std::move(message));
  }

  [[nodiscard]] Kind kind() const { return kind_; }
  [[nodiscard]] bool is_ok() const { return kind_ == Kind::ok; }
  [[nodiscard]] bool is_invalid() const { return kind_ == Kind::invalid; }
  [[nodiscard]] bool is_error() const { return kind_ == Kind::error; }
  explicit operator bool() const { return is_ok(); }

  // The reason code ("" when ok) and the human-readable detail (may be empty).
  [[nodiscard]] const std::string& code() const { return code_; }
  [[nodiscard]] const std::string& message() const { return message_; }

  // Returns a copy whose message is prefixed with `context` ("field 3: " style), keeping kind and code.
  [[nodiscard]] Status with_context(std::string_view context) const {
    if (is_ok()) return *this;
    std::string m(context);
    if (!message_.empty()) m += ": " + message_;
    return Status(kind_, code_, std::move(m));
  }

  // "code" or "code: message"; "ok" when ok. One line, suitable for CLI output.
  [[nodiscard]] std::string to_string() const {
    if (is_ok()) return "ok";
    return message_.empty() ? code_ : code_ + ": " + message_;
  }

  friend bool operator==(const Status&, const Status&) = default;

 private:
  Status(Kind kind, std::string code, std::string message)
      : kind_(kind), code_(std::move(code)), message_(std::move(message)) {}

  Kind kind_ = Kind::ok;
  std::string code_;
  std::string message_;
};

// Either a T or a non-ok Status. Accessing the value of a failed Result is a programming error (asserted).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor): `return value;` must work
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor): `return status;` too
    assert(!std::get<Status>(v_).is_ok() && "Result built from an ok Status has no value");
  }

  [[nodiscard]] bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }

  [[nodiscard]] const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }

  [[nodiscard]] T& value() & {
    assert(ok());
    return std::get<T>(v_);
  }
  [[nodiscard]] const T& value() const& {
    assert(ok());
    return std::get<T>(v_);
  }
  [[nodiscard]] T&& value() && {
    assert(ok());
    return std::get<T>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace credence

#define CREDENCE_CONCAT_INNER(a, b) a##b
#define CREDENCE_CONCAT(a, b) CREDENCE_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function if `expr` (a Status) is not ok.
#define CREDENCE_RETURN_IF_ERROR(expr)           \
  do {                                           \
    ::credence::Status credence_status_ = (expr); \
    if (!credence_status_.is_ok()) return credence_status_; \
  } while (0)

// `CREDENCE_ASSIGN_OR_RETURN(auto x, f());` binds the value of a Result or returns its Status.
#define CREDENCE_ASSIGN_OR_RETURN(lhs, expr)                                      \
  auto CREDENCE_CONCAT(credence_result_, __LINE__) = (expr);                      \
  if (!CREDENCE_CONCAT(credence_result_, __LINE__).ok())                          \
    return CREDENCE_CONCAT(credence_result_, __LINE__).status();                  \
  lhs = std::move(CREDENCE_CONCAT(credence_result_, __LINE__)).value()
