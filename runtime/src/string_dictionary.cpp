#include "tally/runtime/string_dictionary.h"

#include <algorithm>
#include <cstring>
#include <functional>

namespace tally::runtime {

namespace {
constexpr size_t kBlockBytes = 64 * 1024;
uint64_t HashOf(std::string_view s) { return std::hash<std::string_view>{}(s); }
}  // namespace

StringDictionary::StringDictionary(const std::vector<std::string>& constants) {
  Reset(constants);
}

void StringDictionary::Reset(const std::vector<std::string>& constants) {
  strings_.clear();
  large_.clear();
  block_ = 0;
  block_used_ = 0;
  if (slots_.empty()) slots_.resize(64);
  else std::fill(slots_.begin(), slots_.end(), Slot{});
  for (const std::string& c : constants) {
    // A repeated constant still takes its own code, so constant i keeps code i; lookups
    // find the first.
    uint64_t h = HashOf(c);
    size_t slot = FindSlot(c, h);
    strings_.push_back(Store(c));
    if (slots_[slot].code < 0) {
      slots_[slot] = Slot{h, static_cast<int32_t>(strings_.size() - 1)};
      if (strings_.size() * 2 > slots_.size()) Grow();
    }
  }
}

int32_t StringDictionary::Append(std::string_view text) {
  strings_.push_back(Store(text));
  return static_cast<int32_t>(strings_.size() - 1);
}

std::string_view StringDictionary::Store(std::string_view text) {
  size_t need = text.size() + 1;
  if (need > kBlockBytes / 4) {
    // A long string gets an allocation of its own, so blocks are never mostly wasted.
    large_.push_back(std::make_unique<char[]>(need));
    char* p = large_.back().get();
    std::memcpy(p, text.data(), text.size());
    p[text.size()] = '\0';
    return {p, text.size()};
  }
  if (blocks_.empty() || block_used_ + need > kBlockBytes) {
    if (!blocks_.empty()) ++block_;
    if (block_ == blocks_.size()) blocks_.push_back(std::make_unique<char[]>(kBlockBytes));
    block_used_ = 0;
  }
  char* p = blocks_[block_].get() + block_used_;
  std::memcpy(p, text.data(), text.size());
  p[text.size()] = '\0';
  block_used_ += need;
  return {p, text.size()};
}

size_t StringDictionary::FindSlot(std::string_view text, uint64_t hash) const {
  const size_t mask = slots_.size() - 1;
  size_t i = static_cast<size_t>(hash) & mask;
  for (;;) {
    const Slot& s = slots_[i];
    if (s.code < 0) return i;
    if (s.hash == hash && strings_[static_cast<size_t>(s.code)] == text) return i;
    i = (i + 1) & mask;
  }
}

void StringDictionary::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.size() * 2, Slot{});
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.code < 0) continue;
    size_t i = static_cast<size_t>(s.hash) & mask;
    while (slots_[i].code >= 0) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

int32_t StringDictionary::Intern(std::string_view text) {
  const uint64_t h = HashOf(text);
  size_t slot = FindSlot(text, h);
  if (slots_[slot].code >= 0) return slots_[slot].code;
  int32_t code = static_cast<int32_t>(strings_.size());
  strings_.push_back(Store(text));
  slots_[slot] = Slot{h, code};
  if (strings_.size() * 2 > slots_.size()) Grow();
  return code;
}

int32_t StringDictionary::Find(std::string_view text) const {
  size_t slot = FindSlot(text, HashOf(text));
  return slots_[slot].code;
}

std::vector<std::string> StringDictionary::ToVector() const {
  std::vector<std::string> out;
  out.reserve(strings_.size());
  for (std::string_view s : strings_) out.emplace_back(s);
  return out;
}

}  // namespace tally::runtime
