#include "tally/governance/versioning.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

namespace tally::governance {

namespace {

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

std::string StripComment(const std::string& line) {
  bool in_string = false;
  for (size_t i = 0; i + 1 < line.size(); ++i) {
    if (line[i] == '"') in_string = !in_string;
    if (!in_string && line[i] == '/' && line[i + 1] == '/') return line.substr(0, i);
  }
  return line;
}

// "name : type" -> item; the type ends at '=' or the end of the text.
std::optional<InterfaceItem> Declared(const std::string& rest) {
  size_t colon = rest.find(':');
  if (colon == std::string::npos) return std::nullopt;
  InterfaceItem item;
  item.name = Trim(rest.substr(0, colon));
  std::string type = rest.substr(colon + 1);
  size_t eq = type.find('=');
  if (eq != std::string::npos) type = type.substr(0, eq);
  item.type = Trim(type);
  item.type.erase(std::remove_if(item.type.begin(), item.type.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); }),
                  item.type.end());
  item.nullable = !item.type.empty() && item.type.back() == '?';
  if (item.name.empty() || item.type.empty()) return std::nullopt;
  return item;
}

std::vector<std::string> Names(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream ss(list);
  std::string part;
  while (std::getline(ss, part, ',')) {
    part = Trim(part);
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

const InterfaceItem* FindItem(const std::vector<InterfaceItem>& items, const std::string& name) {
  for (const auto& i : items)
    if (i.name == name) return &i;
  return nullptr;
}

// The text with comments removed and whitespace collapsed: a change to this is a change of meaning.
std::string Normalised(const std::string& text) {
  std::stringstream in(text);
  std::string line, out;
  while (std::getline(in, line)) {
    line = Trim(StripComment(line));
    if (line.empty()) continue;
    // description and tags do not change what is computed.
    if (line.rfind("description ", 0) == 0 || line.rfind("tags ", 0) == 0 || line.rfind("version ", 0) == 0) continue;
    out += line + "\n";
  }
  return out;
}

// Test blocks are evidence, not computation: changing them alone is a patch.
std::string WithoutTests(const std::string& normalised) {
  std::stringstream in(normalised);
  std::string line, out;
  int depth = 0;
  bool in_test = false;
  while (std::getline(in, line)) {
    if (!in_test && line.rfind("test ", 0) == 0) in_test = true;
    if (in_test) {
      for (char c : line) depth += c == '{' ? 1 : c == '}' ? -1 : 0;
      if (depth <= 0) {
        in_test = false;
        depth = 0;
      }
      continue;
    }
    out += line + "\n";
  }
  return out;
}

// True when `after` is `before` with whole `input`/`output` declaration lines inserted: names
// are unique, so such lines cannot change what existing outputs compute.
bool OnlyAddedDeclarations(const std::string& before, const std::string& after) {
  std::stringstream a(before), b(after);
  std::string la, lb;
  bool have_a = static_cast<bool>(std::getline(a, la));
  while (std::getline(b, lb)) {
    if (have_a && la == lb) {
      have_a = static_cast<bool>(std::getline(a, la));
      continue;
    }
    bool declaration = (lb.rfind("input ", 0) == 0 || lb.rfind("output ", 0) == 0) &&
                       std::count(lb.begin(), lb.end(), '(') == std::count(lb.begin(), lb.end(), ')');
    if (!declaration) return false;
  }
  return !have_a;
}

}  // namespace

Interface ReadInterface(const std::string& text) {
  Interface iface;
  std::stringstream in(text);
  std::string line;
  int depth = 0;
  while (std::getline(in, line)) {
    std::string t = Trim(StripComment(line));
    if (depth == 1) {
      if (t.rfind("input ", 0) == 0) {
        if (auto item = Declared(t.substr(6))) iface.inputs.push_back(*item);
      } else if (t.rfind("output ", 0) == 0) {
        if (auto item = Declared(t.substr(7))) iface.outputs.push_back(*item);
      } else if (t.rfind("key ", 0) == 0) {
        iface.key = Names(t.substr(4));
      } else if (t.rfind("group by ", 0) == 0) {
        iface.group_by = Names(t.substr(9));
      }
    }
    for (char c : t) depth += c == '{' ? 1 : c == '}' ? -1 : 0;
  }
  return iface;
}

VersionVerdict RequiredBump(const DefinitionHeader& before, const DefinitionHeader& after,
                            const BehaviourOracle& oracle) {
  VersionVerdict v;
  auto raise = [&](Bump b, std::string why) {
    v.required = std::max(v.required, b);
    v.reasons.push_back(std::move(why));
  };
  Interface a = ReadInterface(before.text), b = ReadInterface(after.text);

  if (before.kind != after.kind) raise(Bump::kMajor, "kind changes from " + before.kind + " to " + after.kind);
  if (a.key != b.key) raise(Bump::kMajor, "the key changes");
  if (a.group_by != b.group_by) raise(Bump::kMajor, "the grouping changes");
  for (const auto& out : a.outputs) {
    const InterfaceItem* now = FindItem(b.outputs, out.name);
    if (!now) raise(Bump::kMajor, "output " + out.name + " is removed or renamed");
    else if (now->type != out.type) raise(Bump::kMajor, "output " + out.name + " changes type " + out.type + " -> " + now->type);
  }
  for (const auto& out : b.outputs)
    if (!FindItem(a.outputs, out.name)) raise(Bump::kMinor, "new output " + out.name);
  for (const auto& in : b.inputs) {
    const InterfaceItem* old = FindItem(a.inputs, in.name);
    if (!old) {
      if (in.nullable) raise(Bump::kMinor, "new nullable input " + in.name);
      else raise(Bump::kMajor, "new required input " + in.name);
    } else if (old->type != in.type) {
      // Accepting nulls where none were allowed is an addition; anything else breaks callers.
      if (old->type + "?" == in.type) raise(Bump::kMinor, "input " + in.name + " becomes nullable");
      else raise(Bump::kMajor, "input " + in.name + " changes type " + old->type + " -> " + in.type);
    }
  }
  for (const auto& in : a.inputs)
    if (!FindItem(b.inputs, in.name)) raise(Bump::kMinor, "input " + in.name + " is no longer read");

  std::string na = Normalised(before.text), nb = Normalised(after.text);
  if (na == nb) {
    if (before.text != after.text) raise(Bump::kPatch, "only comments, description or tags change");
    return v;
  }
  if (WithoutTests(na) == WithoutTests(nb)) {
    raise(Bump::kPatch, "only tests change");
    return v;
  }
  if (OnlyAddedDeclarations(WithoutTests(na), WithoutTests(nb))) {
    if (v.required == Bump::kNone) raise(Bump::kPatch, "only tests change");
    return v;
  }
  // The computation changed: do existing outputs keep their values on the evidence?
  std::vector<std::string> differences;
  std::optional<bool> same = oracle ? oracle(before, after, &differences) : std::nullopt;
  for (auto& d : differences) v.reasons.push_back(d);
  if (!same) raise(Bump::kMajor, "the computation changes and no evidence shows existing outputs unchanged");
  else if (!*same) raise(Bump::kMajor, "existing outputs change value on the evidence");
  else raise(Bump::kPatch, "the computation changes but every existing output is identical on the evidence");
  return v;
}

}  // namespace tally::governance
