// JSON text that never throws. Tally's JSON carries user-supplied strings (paths, CR
// messages, rejected field values, command-line arguments) that may not be valid UTF-8;
// nlohmann::json throws on those when dumped. Every JSON document Tally prints or writes
// goes through DumpJson, which replaces each invalid byte with U+FFFD instead.
#pragma once

#include <concepts>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace tally {

// `indent` < 0: compact, one line; otherwise pretty-printed with that many spaces.
std::string DumpJson(const nlohmann::json& value, int indent = -1);
// The same for documents whose keys keep their insertion order (records with a fixed layout).
// A template only so that anything else convertible to JSON (a vector, a braced list) picks
// the plain overload above instead of being ambiguous between the two.
std::string DumpOrderedJson(const nlohmann::ordered_json& value, int indent);
template <typename T>
  requires std::same_as<T, nlohmann::ordered_json>
std::string DumpJson(const T& value, int indent = -1) {
  return DumpOrderedJson(value, indent);
}

// Parses JSON text; a syntax error becomes an Error-style message instead of an exception.
// Returns false and sets `error` ("line L, column C: ...") when `text` is not JSON.
bool ParseJson(std::string_view text, nlohmann::json& out, std::string& error);

// `text` with every byte that is not part of a valid UTF-8 sequence replaced by U+FFFD:
// safe to embed in JSON, HTML or a terminal message.
std::string ValidUtf8(std::string_view text);

// The length of the valid UTF-8 sequence (1 to 4 bytes) that starts at text[i], or 0 when
// the bytes there are not one (a stray or truncated sequence, an overlong form, a surrogate).
size_t Utf8SequenceAt(std::string_view text, size_t i);

}  // namespace tally
