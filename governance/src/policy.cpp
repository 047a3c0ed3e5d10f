#include "tally/governance/policy.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace tally::governance {

namespace {

// One problem per line: a line break or control character of the text (in a key, or quoted by
// yaml-cpp's message) is written as \n, \r or \xHH.
std::string OneLine(const std::string& message) {
  std::string out;
  for (unsigned char c : message) {
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c < 0x20 && c != '\t') {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      out += hex;
    } else out += static_cast<char>(c);
  }
  return out;
}

// Howard Hinnant's days_from_civil / civil_from_days: exact proleptic Gregorian dates.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool IsName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  }) && s.front() != '-' && s.front() != '.';
}

bool IsBranchName(std::string_view s) {
  if (s.empty() || s.front() == '/' || s.back() == '/' || s.front() == '-' ||
      s.find("..") != std::string_view::npos || s.find("//") != std::string_view::npos ||
      s.ends_with(".lock"))
    return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.' || c == '/';
  });
}

class Checker {
 public:
  explicit Checker(const std::string& path) : path_(path) {}

  void Error(const YAML::Mark& mark, const std::string& message) {
    // An empty document's node has no position (yaml-cpp's null mark, -1): report 1:1.
    errors_.push_back(path_ + ":" + std::to_string(std::max(mark.line, 0) + 1) + ":" +
                      std::to_string(std::max(mark.column, 0) + 1) + ": error: " + OneLine(message));
  }
  bool ok() const { return errors_.empty(); }
  std::string Joined() const {
    std::string out;
    for (size_t i = 0; i < errors_.size(); ++i) out += (i ? "\n" : "") + errors_[i];
    return out;
  }

  // A scalar string, or an error naming `what`.
  std::optional<std::string> Str(const YAML::Node& n, const std::string& what) {
    if (!n.IsScalar()) {
      Error(n.Mark(), what + " must be a string");
      return std::nullopt;
    }
    return n.Scalar();
  }

  // Calls `f(key, keyMark, value)` for each entry of a mapping, reporting duplicate and
  // non-scalar keys (yaml-cpp keeps duplicate keys; a policy must not).
  template <typename F>
  void ForEachEntry(const YAML::Node& map, const std::string& what, F f) {
    if (!map.IsMap()) {
      Error(map.Mark(), what + " must be a mapping");
      return;
    }
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (!it->first.IsScalar()) {
        Error(it->first.Mark(), "keys of " + what + " must be names");
        continue;
      }
      std::string key = it->first.Scalar();
      if (!seen.insert(key).second) {
        Error(it->first.Mark(), "duplicate '" + key + "' in " + what);
        continue;
      }
      f(key, it->first.Mark(), it->second);
    }
  }

 private:
  std::string path_;
  std::vector<std::string> errors_;
};

std::optional<int64_t> AsInt(const YAML::Node& n) {
  int64_t v = 0;
  if (!n.IsScalar() || !YAML::convert<int64_t>::decode(n, v)) return std::nullopt;
  return v;
}

// A policy is a few levels deep; yaml-cpp recurses once per level and gives up past a few
// hundred with a bare "bad file" and no position. So the nesting is bounded before parsing.
constexpr size_t kMaxNesting = 64;

// Whether a quote at `at` opens a quoted scalar: at the start of a value, not inside a plain
// scalar such as don't.
bool OpensQuote(std::string_view text, size_t line_start, size_t at) {
  size_t p = at;
  while (p > line_start && (text[p - 1] == ' ' || text[p - 1] == '\t')) --p;
  if (p == line_start) return true;
  char before = text[p - 1];
  if (before == '[' || before == '{' || before == ',') return true;
  return p < at && (before == ':' || before == '-' || before == '?');
}

// Where `text` first nests deeper than kMaxNesting, as (line, column), 1-based, counting flow
// collections ('[' '{' outside quotes and comments), block indentation levels and compact
// "- " / "? " indicators; nullopt when it never does. It may over-count (a '[' inside a plain
// scalar), so a real policy stays far from the limit; what it misses, yaml-cpp's own guard
// still refuses.
std::optional<std::pair<size_t, size_t>> TooDeep(std::string_view text) {
  std::vector<size_t> indents;  // block indentation levels open above the current line
  int flow = 0;
  size_t line = 1, start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    size_t at = start;
    if (flow == 0) {
      while (at < end && text[at] == ' ') ++at;
      if (at < end && text[at] != '#' && text[at] != '\r') {
        size_t indent = at - start;
        while (!indents.empty() && indents.back() > indent) indents.pop_back();
        if (indents.empty() || indents.back() < indent) indents.push_back(indent);
        size_t depth = indents.size();
        if (depth > kMaxNesting) return std::make_pair(line, indent + 1);
        while (at + 1 < end && (text[at] == '-' || text[at] == '?') && (text[at + 1] == ' ' || text[at + 1] == '\t')) {
          if (++depth > kMaxNesting) return std::make_pair(line, at - start + 1);
          at += 2;
          while (at < end && (text[at] == ' ' || text[at] == '\t')) ++at;
        }
      }
    }
    for (; at < end; ++at) {
      char c = text[at];
      if (c == '#' && (at == start || text[at - 1] == ' ' || text[at - 1] == '\t')) break;  // a comment
      if ((c == '"' || c == '\'') && OpensQuote(text, start, at)) {
        // A quoted scalar, possibly over several lines: continue after its closing quote.
        for (++at;; ++at) {
          if (at >= text.size()) return std::nullopt;  // unterminated: yaml-cpp reports it
          char q = text[at];
          if (q == '\n') {
            ++line;
            start = at + 1;
          } else if (c == '"' && q == '\\' && at + 1 < text.size() && text[at + 1] != '\n') {
            ++at;
          } else if (q == c) {
            if (c == '\'' && at + 1 < text.size() && text[at + 1] == '\'') ++at;  // '' is a quote
            else break;
          }
        }
        end = text.find('\n', at);
        if (end == std::string_view::npos) end = text.size();
        continue;
      }
      if (c == '[' || c == '{') {
        if (indents.size() + static_cast<size_t>(++flow) > kMaxNesting) return std::make_pair(line, at - start + 1);
      } else if ((c == ']' || c == '}') && flow > 0) {
        --flow;
      }
    }
    start = end + 1;
    ++line;
  }
  return std::nullopt;
}

}  // namespace

std::string Date::ToString() const {
  // civil_from_days
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

std::optional<Date> ParseDate(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  auto digits = [&](size_t at, size_t n, unsigned& out) {
    out = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return false;
      out = out * 10 + static_cast<unsigned>(t[i] - '0');
    }
    return true;
  };
  unsigned y = 0, m = 0, d = 0;
  if (!digits(0, 4, y) || !digits(5, 2, m) || !digits(8, 2, d)) return std::nullopt;
  if (m < 1 || m > 12 || d < 1) return std::nullopt;
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  unsigned max_day = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  if (d > max_day) return std::nullopt;
  return Date{DaysFromCivil(y, m, d)};
}

Date DateOfUnixTime(int64_t seconds) {
  int64_t days = seconds / 86400;
  if (seconds % 86400 < 0) --days;
  return Date{days};
}

bool Council::HasMember(const std::string& person) const {
  return std::find(members.begin(), members.end(), person) != members.end();
}

const Person* Policy::PersonWithKey(const PublicKey& key) const {
  for (const auto& [name, person] : people)
    if (person.key == key) return &person;
  return nullptr;
}

const Council* Policy::FindCouncil(const std::string& name) const {
  auto it = councils.find(name);
  return it == councils.end() ? nullptr : &it->second;
}

const FreezeWindow* Policy::ActiveFreeze(Date day) const {
  for (const auto& f : freezes)
    if (f.Contains(day)) return &f;
  return nullptr;
}

std::set<std::string> Policy::RegionalCouncils() const {
  std::set<std::string> out;
  for (const auto& [region, council] : regions) out.insert(council);
  return out;
}

Result<Policy> ParsePolicy(std::string_view text, const std::string& path) {
  if (auto at = TooDeep(text))
    return Error{path + ":" + std::to_string(at->first) + ":" + std::to_string(at->second) +
                 ": error: nested deeper than " + std::to_string(kMaxNesting) +
                 " levels here; a policy needs only a few (is a bracket or an indentation runaway?)"};
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    return Error{path + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                 ": error: " + OneLine(e.msg)};
  } catch (const std::exception& e) {
    return Error{path + ": error: " + e.what()};
  }

  Checker c(path);
  Policy p;
  // yaml-cpp throws from accessors on some malformed trees: keep every throw inside.
  try {
    if (!root.IsMap()) {
      c.Error(root.Mark(), "the policy must be a mapping (version, governed_branch, gate, people, councils, ...)");
      return Error{c.Joined()};
    }
    std::map<std::string, YAML::Node> top;
    std::map<std::string, YAML::Mark> top_marks;
    static const std::set<std::string> kKeys = {"version",  "governed_branch", "gate",
                                                "people",   "councils",        "regions",
                                                "policy_council", "self_approval", "freezes"};
    c.ForEachEntry(root, "the policy", [&](const std::string& key, const YAML::Mark& mark, const YAML::Node& v) {
      if (!kKeys.count(key)) {
        c.Error(mark, "unknown key '" + key + "' (expected one of version, governed_branch, gate, people, "
                      "councils, regions, policy_council, self_approval, freezes)");
        return;
      }
      top[key] = v;
      top_marks[key] = mark;
    });
    auto required = [&](const std::string& key) -> const YAML::Node* {
      auto it = top.find(key);
      if (it == top.end()) {
        c.Error(root.Mark(), "missing '" + key + "'");
        return nullptr;
      }
      return &it->second;
    };

    if (const YAML::Node* n = required("version")) {
      auto v = AsInt(*n);
      if (!v || *v < 1) c.Error(n->Mark(), "version must be a whole number >= 1");
      else p.version = *v;
    }
    if (auto it = top.find("governed_branch"); it != top.end()) {
      auto s = c.Str(it->second, "governed_branch");
      if (s && !IsBranchName(*s)) c.Error(it->second.Mark(), "'" + *s + "' is not a valid branch name");
      else if (s) p.governed_branch = *s;
    }
    if (const YAML::Node* n = required("gate")) {
      if (auto s = c.Str(*n, "gate")) {
        auto key = ParsePublicKey(*s);
        if (!key) c.Error(n->Mark(), "gate: " + key.error().message);
        else p.gate = *key;
      }
    }

    std::map<std::string, YAML::Mark> person_marks;
    if (const YAML::Node* n = required("people")) {
      c.ForEachEntry(*n, "people", [&](const std::string& name, const YAML::Mark& mark, const YAML::Node& v) {
        if (!IsName(name)) {
          c.Error(mark, "'" + name + "' is not a valid person name (letters, digits, _ - .)");
          return;
        }
        auto s = c.Str(v, "the key of " + name);
        if (!s) return;
        auto key = ParsePublicKey(*s);
        if (!key) {
          c.Error(v.Mark(), name + ": " + key.error().message);
          return;
        }
        // One key, one identity: otherwise a signature could not say who signed.
        for (const auto& [other, person] : p.people)
          if (person.key == *key) c.Error(v.Mark(), name + " has the same key as " + other);
        if (*key == p.gate) c.Error(v.Mark(), name + " has the gate's key; the gate key must be nobody's");
        p.people[name] = Person{name, *key};
        person_marks[name] = mark;
      });
    }

    if (const YAML::Node* n = required("councils")) {
      c.ForEachEntry(*n, "councils", [&](const std::string& name, const YAML::Mark& mark, const YAML::Node& v) {
        if (!IsName(name)) {
          c.Error(mark, "'" + name + "' is not a valid council name");
          return;
        }
        Council council{name, {}, 1};
        bool has_members = false, has_quorum = false;
        size_t listed = 0;  // unknown people count too, so one mistake gives one error
        c.ForEachEntry(v, "council " + name, [&](const std::string& key, const YAML::Mark& km, const YAML::Node& kv) {
          if (key == "members") {
            has_members = true;
            if (!kv.IsSequence()) {
              c.Error(kv.Mark(), "members of " + name + " must be a list of people");
              return;
            }
            for (const auto& m : kv) {
              auto s = c.Str(m, "a member of " + name);
              if (!s) continue;
              if (!council.HasMember(*s)) ++listed;
              if (!p.people.count(*s)) c.Error(m.Mark(), "unknown person '" + *s + "' in council " + name);
              else if (council.HasMember(*s)) c.Error(m.Mark(), "'" + *s + "' is listed twice in council " + name);
              else council.members.push_back(*s);
            }
          } else if (key == "quorum") {
            has_quorum = true;
            auto q = AsInt(kv);
            if (!q) c.Error(kv.Mark(), "quorum of " + name + " must be a whole number");
            else council.quorum = static_cast<int>(std::clamp<int64_t>(*q, -1, 1 << 20));
          } else {
            c.Error(km, "unknown key '" + key + "' in council " + name + " (expected members, quorum)");
          }
        });
        if (!has_members) c.Error(mark, "council " + name + " has no members");
        if (!has_quorum) c.Error(mark, "council " + name + " has no quorum");
        if (has_quorum && council.quorum < 1)
          c.Error(mark, "quorum of " + name + " must be at least 1");
        else if (has_members && has_quorum && static_cast<size_t>(council.quorum) > listed)
          c.Error(mark, "quorum of " + name + " is " + std::to_string(council.quorum) + " but it has only " +
                            std::to_string(listed) + " member(s)");
        p.councils[name] = std::move(council);
      });
    }

    if (auto it = top.find("regions"); it != top.end()) {
      c.ForEachEntry(it->second, "regions", [&](const std::string& region, const YAML::Mark& mark, const YAML::Node& v) {
        auto s = c.Str(v, "the council of region " + region);
        if (!s) return;
        if (!p.councils.count(*s)) c.Error(v.Mark(), "unknown council '" + *s + "' for region " + region);
        else p.regions[region] = *s;
      });
    }

    if (const YAML::Node* n = required("policy_council")) {
      if (auto s = c.Str(*n, "policy_council")) {
        if (!p.councils.count(*s)) c.Error(n->Mark(), "unknown council '" + *s + "' as policy_council");
        else p.policy_council = *s;
      }
    }

    if (auto it = top.find("self_approval"); it != top.end()) {
      bool v = false;
      if (!it->second.IsScalar() || !YAML::convert<bool>::decode(it->second, v))
        c.Error(it->second.Mark(), "self_approval must be true or false");
      else p.self_approval = v;
    }

    if (auto it = top.find("freezes"); it != top.end() && !it->second.IsNull()) {
      if (!it->second.IsSequence()) {
        c.Error(it->second.Mark(), "freezes must be a list of { name, from, until }");
      } else {
        std::set<std::string> names;
        for (const auto& f : it->second) {
          FreezeWindow w;
          bool has_name = false, has_from = false, has_until = false;
          c.ForEachEntry(f, "a freeze", [&](const std::string& key, const YAML::Mark& km, const YAML::Node& kv) {
            if (key == "name") {
              auto s = c.Str(kv, "a freeze's name");
              if (!s) return;
              if (!IsName(*s)) c.Error(kv.Mark(), "'" + *s + "' is not a valid freeze name");
              else if (!names.insert(*s).second) c.Error(kv.Mark(), "duplicate freeze '" + *s + "'");
              else {
                w.name = *s;
                has_name = true;
              }
            } else if (key == "from" || key == "until") {
              auto s = c.Str(kv, key);
              if (!s) return;
              auto d = ParseDate(*s);
              if (!d) {
                c.Error(kv.Mark(), key + " must be a date YYYY-MM-DD, not '" + *s + "'");
                return;
              }
              (key == "from" ? w.from : w.until) = *d;
              (key == "from" ? has_from : has_until) = true;
            } else {
              c.Error(km, "unknown key '" + key + "' in a freeze (expected name, from, until)");
            }
          });
          if (!has_name || !has_from || !has_until) {
            if (f.IsMap()) c.Error(f.Mark(), "a freeze needs name, from and until");
            continue;
          }
          if (w.until < w.from)
            c.Error(f.Mark(), "freeze " + w.name + " ends (" + w.until.ToString() + ") before it starts (" +
                                  w.from.ToString() + ")");
          else p.freezes.push_back(w);
        }
      }
    }
  } catch (const std::exception& e) {
    c.Error(root.Mark(), std::string("malformed policy: ") + e.what());
  }
  if (!c.ok()) return Error{c.Joined()};
  return p;
}

}  // namespace tally::governance
