#include "tally/compiler/string_functions.h"

#include <algorithm>

namespace tally::ir {

bool UsesStringCalls(const std::vector<Instruction>& code) {
  return std::any_of(code.begin(), code.end(), [](const Instruction& i) { return IsStringCall(i.op); });
}

}  // namespace tally::ir

namespace tally::strings {

namespace {

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }
bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The byte offset of the character with 0-based index `k` (s.size() when k is past the end).
size_t ByteOffsetOfCharacter(std::string_view s, int64_t k) {
  int64_t seen = -1;
  for (size_t i = 0; i < s.size(); ++i) {
    if (!IsContinuation(s[i]) && ++seen == k) return i;
  }
  return s.size();
}

}  // namespace

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && IsAsciiSpace(s[b])) ++b;
  while (e > b && IsAsciiSpace(s[e - 1])) --e;
  return s.substr(b, e - b);
}

int64_t Length(std::string_view s) {
  return static_cast<int64_t>(std::count_if(s.begin(), s.end(), [](char c) { return !IsContinuation(c); }));
}

bool StartsWith(std::string_view s, std::string_view p) { return s.starts_with(p); }
bool EndsWith(std::string_view s, std::string_view p) { return s.ends_with(p); }
bool Contains(std::string_view s, std::string_view p) { return s.find(p) != std::string_view::npos; }

std::string_view Substr(std::string_view s, int64_t start, int64_t len) {
  // The window [start, start + len) of 1-based positions, in 128 bits so nothing overflows,
  // clipped to [1, length + 1).
  const __int128 n = Length(s);
  __int128 lo = std::max<__int128>(start, 1);
  __int128 hi = std::min<__int128>(static_cast<__int128>(start) + len, n + 1);
  if (hi <= lo) return {};
  size_t b = ByteOffsetOfCharacter(s, static_cast<int64_t>(lo - 1));
  size_t e = ByteOffsetOfCharacter(s, static_cast<int64_t>(hi - 1));
  return s.substr(b, e - b);
}

size_t Calls::KeyHash::operator()(const Key& k) const {
  uint64_t h = k.op * 0x9E3779B97F4A7C15ULL;
  for (int64_t v : {k.a, k.b, k.c}) {
    h ^= static_cast<uint64_t>(v) + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
  }
  return static_cast<size_t>(h);
}

void Calls::Reset(Store* store) {
  store_ = store;
  memo_.clear();
}

std::string_view Calls::TextOf(int64_t code) const {
  if (store_ == nullptr || code < 0 || static_cast<uint64_t>(code) >= store_->Size()) return {};
  return store_->Text(static_cast<int32_t>(code));
}

int64_t Calls::Call(uint32_t op, int64_t a, int64_t b, int64_t c) {
  Key key{op, a, b, c};
  auto it = memo_.find(key);
  if (it != memo_.end()) return it->second;
  int64_t r = Compute(op, a, b, c);
  ++evaluations_;
  memo_.emplace(key, r);
  return r;
}

int64_t Calls::Compute(uint32_t op, int64_t a, int64_t b, int64_t c) {
  if (store_ == nullptr) return 0;
  auto intern = [&](std::string_view text) -> int64_t { return store_->Intern(text); };
  switch (static_cast<ir::Op>(op)) {
    // Lower/Upper/concat build a std::string first: the operands' views must not be read
    // after Intern, which may store into the same dictionary.
    case ir::Op::kLower: return intern(Lower(TextOf(a)));
    case ir::Op::kUpper: return intern(Upper(TextOf(a)));
    case ir::Op::kTrim: return intern(std::string(Trim(TextOf(a))));
    case ir::Op::kLength: return Length(TextOf(a));
    case ir::Op::kStartsWith: return StartsWith(TextOf(a), TextOf(b)) ? 1 : 0;
    case ir::Op::kEndsWith: return EndsWith(TextOf(a), TextOf(b)) ? 1 : 0;
    case ir::Op::kContains: return Contains(TextOf(a), TextOf(b)) ? 1 : 0;
    case ir::Op::kSubstr: return intern(std::string(Substr(TextOf(a), b, c)));
    case ir::Op::kConcat: {
      std::string s(TextOf(a));
      s += TextOf(b);
      return intern(s);
    }
    default: return 0;
  }
}

VectorStore::VectorStore(const std::vector<std::string>& constants) {
  for (const std::string& c : constants) {
    texts_.push_back(c);
    codes_.try_emplace(c, static_cast<int32_t>(texts_.size() - 1));  // the first of equal constants
  }
}

int32_t VectorStore::Intern(std::string_view text) {
  auto [it, inserted] = codes_.try_emplace(std::string(text), static_cast<int32_t>(texts_.size()));
  if (inserted) texts_.emplace_back(text);
  return it->second;
}

}  // namespace tally::strings
