// Result<T> and Status: how "the tool could not do its job" crosses a library boundary.
// User mistakes in definitions are not errors of this kind: they are Diagnostics.
//
// Every public entry point of a library returns one of these instead of letting an
// exception out; RETURN_IF_ERROR and ASSIGN_OR_RETURN keep the happy path readable:
//
//   Status Publish(const Plan& plan) {
//     ASSIGN_OR_RETURN(std::string text, ReadFile(plan.path));
//     RETURN_IF_ERROR(WriteFileAtomically(plan.out, text));
//     return Status::Ok();
//   }
#pragma once

#include <cassert>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace tally {

// What kind of failure it was, so a caller can tell "not there" from "corrupt" from "our bug".
enum class ErrorCode : uint8_t {
  kBadInput,  // the user's input or a stored object is malformed, forged or refused
  kNotFound,  // a named thing (file, definition, CR, commit) does not exist
  kIo,        // the operating system refused a read or write (permissions, disk full, ...)
  kInternal,  // a bug or an unexpected exception caught at a library boundary
};
const char* ErrorCodeName(ErrorCode code);

// A failure with a message meant for the user, e.g. "metrics/x.tally: No such file".
struct Error {
  std::string message;
  ErrorCode code = ErrorCode::kBadInput;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}
  Result(Error error) : state_(std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(state_); }
  const T& value() const& { assert(ok()); return std::get<0>(state_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { assert(!ok()); return std::get<1>(state_); }
  ErrorCode code() const { return error().code; }

 private:
  std::variant<T, Error> state_;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), failed_(true) {}
  static Status Ok() { return {}; }

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const std::string& message() const { return error_.message; }
  ErrorCode code() const { return error_.code; }
  const Error& error() const { assert(failed_); return error_; }

 private:
  Error error_;
  bool failed_ = false;
};

// Shorthands for the common codes.
inline Error NotFoundError(std::string message) { return {std::move(message), ErrorCode::kNotFound}; }
inline Error IoError(std::string message) { return {std::move(message), ErrorCode::kIo}; }
inline Error InternalError(std::string message) { return {std::move(message), ErrorCode::kInternal}; }

}  // namespace tally

#define TALLY_RESULT_CONCAT_INNER(a, b) a##b
#define TALLY_RESULT_CONCAT(a, b) TALLY_RESULT_CONCAT_INNER(a, b)

// Returns the error of a failed Status or Result<T> from the enclosing function (which
// returns Status or any Result<U>).
#define RETURN_IF_ERROR(expr)                                   \
  do {                                                          \
    auto&& tally_status_or_result_ = (expr);                    \
    if (!tally_status_or_result_.ok()) return tally_status_or_result_.error(); \
  } while (false)

// `ASSIGN_OR_RETURN(T name, ResultExpr)`: declares (or assigns) `name` from a Result's value,
// or returns its error from the enclosing function.
#define ASSIGN_OR_RETURN(lhs, expr) \
  TALLY_ASSIGN_OR_RETURN_IMPL(TALLY_RESULT_CONCAT(tally_result_, __LINE__), lhs, expr)
#define TALLY_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.error();                \
  lhs = std::move(tmp).value()
