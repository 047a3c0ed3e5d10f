#include "tally/runtime/string_dictionary.h"

namespace tally::runtime {

StringDictionary::StringDictionary(const std::vector<std::string>& constants) {
  for (const std::string& c : constants) {
    // A repeated constant still takes its own code, so constant i keeps code i.
    auto [it, inserted] = codes_.emplace(c, static_cast<int32_t>(by_code_.size()));
    by_code_.push_back(&it->first);
  }
}

int32_t StringDictionary::Intern(std::string_view text) {
  auto it = codes_.find(text);
  if (it != codes_.end()) return it->second;
  auto [added, inserted] = codes_.emplace(std::string(text), static_cast<int32_t>(by_code_.size()));
  by_code_.push_back(&added->first);
  return added->second;
}

int32_t StringDictionary::Find(std::string_view text) const {
  auto it = codes_.find(text);
  return it == codes_.end() ? -1 : it->second;
}

std::vector<std::string> StringDictionary::ToVector() const {
  std::vector<std::string> out;
  out.reserve(by_code_.size());
  for (const std::string* s : by_code_) out.push_back(*s);
  return out;
}

}  // namespace tally::runtime
