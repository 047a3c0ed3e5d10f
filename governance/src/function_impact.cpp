#include "function_impact.h"

#include <algorithm>
#include <set>

namespace tally::governance {

namespace {

const DefinitionOutline* Find(const DefinitionIndex& index, const std::string& name) {
  auto it = index.definitions.find(name);
  return it == index.definitions.end() ? nullptr : &it->second;
}

// The functions `d` reaches through calls in `index` (names as written resolve exactly).
std::set<std::string> Reached(const DefinitionIndex& index, const DefinitionOutline& d) {
  std::set<std::string> out;
  std::vector<std::string> todo(d.calls.begin(), d.calls.end());
  while (!todo.empty()) {
    std::string name = todo.back();
    todo.pop_back();
    const DefinitionOutline* f = Find(index, name);
    if (f == nullptr || f->kind != "function" || !out.insert(name).second) continue;
    todo.insert(todo.end(), f->calls.begin(), f->calls.end());
  }
  return out;
}

}  // namespace

std::vector<std::string> ChangedFunctions(const DefinitionIndex& before, const DefinitionIndex& after) {
  std::set<std::string> out;
  auto consider = [&](const DefinitionIndex& one, const DefinitionIndex& other) {
    for (const auto& [name, f] : one.definitions) {
      if (f.kind != "function") continue;
      const DefinitionOutline* g = Find(other, name);
      if (g == nullptr || g->text != f.text || g->file != f.file || g->kind != f.kind) out.insert(name);
    }
  };
  consider(before, after);
  consider(after, before);
  return {out.begin(), out.end()};
}

std::vector<CallerImpact> FunctionImpacts(const DefinitionIndex& before, const DefinitionIndex& after,
                                          const BehaviourOracle& oracle) {
  std::vector<CallerImpact> out;
  std::vector<std::string> changed = ChangedFunctions(before, after);
  if (changed.empty()) return out;
  for (const auto& [name, now] : after.definitions) {
    if (now.kind == "function") continue;
    const DefinitionOutline* was = Find(before, name);
    if (was == nullptr || was->kind == "function") continue;
    std::set<std::string> reached = Reached(after, now);
    reached.merge(Reached(before, *was));
    CallerImpact impact;
    impact.caller = name;
    for (const auto& f : changed)
      if (reached.count(f)) impact.functions.push_back(f);
    if (impact.functions.empty()) continue;
    auto raise = [&](Bump b, const std::string& why) {
      impact.required = std::max(impact.required, b);
      impact.why.push_back(why + " (" + BumpName(b) + ")");
    };
    if (!oracle) {
      raise(Bump::kMajor, "a function it calls changes and the versions were not compared");
    } else {
      BehaviourEvidence e = oracle(*was, now);
      if (!e.compared) raise(Bump::kMajor, "a function it calls changes and the versions cannot be compared (" + e.why_not_compared + ")");
      for (const auto& s : e.structural) raise(Bump::kMajor, s);
      for (const auto& d : e.sample_differences) raise(Bump::kMajor, d);
      if (e.compared && e.structural.empty() && e.sample_differences.empty())
        impact.why.push_back("note: its normalised IR is the same with the new functions: proven, not sampled");
    }
    out.push_back(std::move(impact));
  }
  return out;
}

}  // namespace tally::governance
