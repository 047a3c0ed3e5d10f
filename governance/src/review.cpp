#include "tally/governance/review.h"

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "gate.h"
#include "tally/governance/evidence.h"
#include "workspace.h"

namespace tally::governance {

namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  size_t e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// Top-level statements of a definition body, keyed by what they declare. A line that does
// not start a statement continues the previous one; test blocks are one entry each.
std::vector<std::pair<std::string, std::string>> Declarations(const std::string& text) {
  static const char* kStarts[] = {"input", "output", "param", "let", "require", "key", "group", "version",
                                  "owner", "description", "tags", "expires_after", "test"};
  std::vector<std::pair<std::string, std::string>> out;
  std::stringstream in(text);
  std::string line;
  int depth = 0, requires_seen = 0;
  bool in_test = false;
  while (std::getline(in, line)) {
    size_t c = line.find("//");
    std::string t = Trim(c == std::string::npos ? line : line.substr(0, c));
    int before = depth;
    for (char ch : t) depth += ch == '{' ? 1 : ch == '}' ? -1 : 0;
    if (t.empty() || before == 0) continue;  // the header line
    if (in_test) {
      out.back().second += "\n" + t;
      if (depth <= 1) in_test = false;
      continue;
    }
    if (before != 1 || t == "}") continue;
    std::string word = t.substr(0, t.find_first_of(" \t"));
    bool starts = false;
    for (const char* s : kStarts) starts = starts || word == s;
    if (!starts) {
      if (!out.empty()) out.back().second += " " + t;
      continue;
    }
    std::string key = word;
    if (word == "input" || word == "output" || word == "param" || word == "let") {
      std::string rest = Trim(t.substr(word.size()));
      key += " " + rest.substr(0, rest.find_first_of(" \t:="));
    } else if (word == "require") {
      key += " #" + std::to_string(++requires_seen);
    } else if (word == "test") {
      key += " " + Trim(t.substr(4, t.find('{') == std::string::npos ? std::string::npos : t.find('{') - 4));
      in_test = depth > 1;
    }
    out.push_back({key, t});
  }
  return out;
}

std::string Percent(int64_t part, int64_t whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0);
  return buf;
}

}  // namespace

std::vector<DeclarationChange> DiffDeclarations(const std::string& before, const std::string& after) {
  auto a = Declarations(before), b = Declarations(after);
  std::map<std::string, std::string> old_by_key(a.begin(), a.end()), new_by_key(b.begin(), b.end());
  std::vector<DeclarationChange> out;
  for (const auto& [key, text] : b) {
    auto it = old_by_key.find(key);
    if (it == old_by_key.end()) out.push_back({key, "added", "", text});
    else if (it->second != text) out.push_back({key, "changed", it->second, text});
  }
  for (const auto& [key, text] : a)
    if (!new_by_key.count(key)) out.push_back({key, "removed", text, ""});
  return out;
}

Result<ReviewResult> Review(const ReviewOptions& opt) {
  auto n = store::ParseCrId(opt.cr);
  ReviewResult r;
  if (!n) {
    r.ok = false;
    r.text = "tally review: " + n.error().message + "\n";
    r.json = nlohmann::json{{"ok", false}, {"error", n.error().message}}.dump(2);
    return r;
  }
  auto ws = OpenWorkspace(opt.repo);
  if (!ws) return ws.error();
  auto cr = store::LoadChangeRequest(ws->repo, *n);
  if (!cr) {
    r.ok = false;
    r.text = "tally review: " + cr.error().message + "\n";
    r.json = nlohmann::json{{"ok", false}, {"error", cr.error().message}}.dump(2);
    return r;
  }
  auto before = FilesAt(ws->repo, cr->base);
  if (!before) return before.error();
  auto after = FilesAt(ws->repo, cr->head);
  if (!after) return after.error();

  auto verdict = EvaluateGate(ws->repo, GateInputFor(ws->repo, *cr, store::Now(opt.now)));
  if (!verdict) return verdict.error();
  r.gate_reasons = verdict->reasons;
  if (!git_oid_equal(&cr->base, &ws->governed.tip))
    r.gate_reasons.insert(r.gate_reasons.begin(), "[stale] " + cr->id + " is based on an older governed commit; revise it");

  DefinitionIndex old_index = ScanDefinitions(*before), new_index = ScanDefinitions(*after);
  CompiledTree old_tree = CompileTree(*before), new_tree = CompileTree(*after);
  FileMap reference = ReferenceData(*after);

  auto head = ws->repo.Commit(cr->head);
  if (!head) return head.error();
  std::string title = store::Title(git::CommitMessage(head->get()));
  std::string text = cr->id + ": " + title + "\n  proposer: " + verdict->proposer + "\n  base:     " +
                     git::ToHex(cr->base).substr(0, 12) + "   head: " + git::ToHex(cr->head).substr(0, 12) + "\n";
  std::vector<std::string> approvers;
  for (const auto& a : verdict->approvers) approvers.push_back(a.person);
  text += "  approvals: " + (approvers.empty() ? std::string("none") : nlohmann::json(approvers).dump()) + "\n";
  text += "  changed files:\n" + Bullets(verdict->changed_paths);
  nlohmann::json defs = nlohmann::json::array();

  for (const auto& change : verdict->changes) {
    nlohmann::json d{{"name", change.name}};
    if (change.declared == "override") {
      text += "\n" + change.name + ": override for region \"" + change.region + "\" changes (approved by the region's council)\n";
      d["kind"] = "override";
      d["region"] = change.region;
      defs.push_back(d);
      continue;
    }
    text += "\n" + change.name + "  " + (change.from_version.empty() ? "(new)" : change.from_version) + " -> " +
            (change.to_version.empty() ? "(removed)" : change.to_version) + "\n";
    text += "  declared bump: " + change.declared + "   required: " + change.required + "\n";
    for (const auto& why : change.why) text += "    - " + why + "\n";
    d["from"] = change.from_version;
    d["to"] = change.to_version;
    d["declared"] = change.declared;
    d["required"] = change.required;
    d["why"] = change.why;
    auto o = old_index.definitions.find(change.name);
    auto nw = new_index.definitions.find(change.name);
    nlohmann::json diff = nlohmann::json::array();
    if (o != old_index.definitions.end() && nw != new_index.definitions.end()) {
      auto changes = DiffDeclarations(o->second.text, nw->second.text);
      if (!changes.empty()) text += "  what changed:\n";
      // Multi-line declarations (test blocks) keep their continuation lines under the marker.
      auto indent = [](const std::string& body, const std::string& pad) {
        std::string out;
        for (char ch : body) {
          out += ch;
          if (ch == '\n') out += pad;
        }
        return out;
      };
      for (const auto& c : changes) {
        if (c.change == "changed") {
          text += "    ~ " + c.what + ":\n        - " + indent(c.before, "          ") + "\n        + " +
                  indent(c.after, "          ") + "\n";
        } else if (c.change == "added") {
          text += "    + " + indent(c.after, "      ") + "\n";
        } else {
          text += "    - " + indent(c.before, "      ") + "\n";
        }
        diff.push_back({{"what", c.what}, {"change", c.change}, {"before", c.before}, {"after", c.after}});
      }
    }
    d["diff"] = diff;
    if (old_tree.library && new_tree.library && o != old_index.definitions.end() && nw != new_index.definitions.end()) {
      Backtest bt = RunBacktest(*old_tree.library, *new_tree.library, change.name, reference);
      nlohmann::json jb{{"ran", bt.ran}, {"rows", bt.rows}, {"rows_changed", bt.rows_changed}};
      if (!bt.ran) {
        text += "  backtest: not run (" + bt.why_not + ")\n";
        jb["why_not"] = bt.why_not;
      } else {
        text += "  backtest: " + std::to_string(bt.rows_changed) + " of " + std::to_string(bt.rows) + " rows change (" +
                Percent(bt.rows_changed, bt.rows) + ")\n";
        nlohmann::json sources = nlohmann::json::array();
        for (const auto& s : bt.sources) {
          text += "    " + s.name + ": " + std::to_string(s.rows_changed) + " of " + std::to_string(s.rows) +
                  " rows change; rejected " + std::to_string(s.rejected_before) + " -> " + std::to_string(s.rejected_after) + "\n";
          sources.push_back({{"name", s.name}, {"rows", s.rows}, {"rows_changed", s.rows_changed},
                             {"rejected_before", s.rejected_before}, {"rejected_after", s.rejected_after}});
        }
        nlohmann::json outs = nlohmann::json::array();
        for (const auto& s : bt.outputs) {
          nlohmann::json jo{{"output", s.output}, {"type", s.type}, {"rows_changed", s.rows_changed}};
          std::string line = "    " + s.output + ": " + std::to_string(s.rows_changed) + " rows change";
          if (s.mean_before) {
            char buf[128];
            std::snprintf(buf, sizeof buf, "; mean %.4g -> %.4g; largest change %.4g", *s.mean_before, *s.mean_after,
                          s.max_abs_change);
            line += buf;
            jo["mean_before"] = *s.mean_before;
            jo["mean_after"] = *s.mean_after;
            jo["max_abs_change"] = s.max_abs_change;
          }
          text += line + "\n";
          for (const auto& [t, count] : s.transitions) text += "      " + std::to_string(count) + " rows " + t + "\n";
          jo["transitions"] = s.transitions;
          outs.push_back(jo);
        }
        jb["sources"] = sources;
        jb["outputs"] = outs;
      }
      for (const auto& a : bt.added_outputs) text += "    new output: " + a + "\n";
      for (const auto& a : bt.removed_outputs) text += "    removed or retyped output: " + a + "\n";
      d["backtest"] = jb;
    }
    defs.push_back(d);
  }
  if (verdict->policy_versions)
    text += "\npolicy: version " + std::to_string(verdict->policy_versions->first) + " -> " +
            std::to_string(verdict->policy_versions->second) + " (needs council " + verdict->policy.policy_council + ")\n";
  text += "\ngate: " + std::string(r.gate_reasons.empty() ? "would merge\n" : "would refuse:\n") + Bullets(r.gate_reasons);
  if (!verdict->notes.empty()) text += "notes:\n" + Bullets(verdict->notes);
  r.text = text;
  r.json = nlohmann::json{{"ok", true},
                          {"cr", cr->id},
                          {"title", title},
                          {"proposer", verdict->proposer},
                          {"base", git::ToHex(cr->base)},
                          {"head", git::ToHex(cr->head)},
                          {"approvers", approvers},
                          {"changed_paths", verdict->changed_paths},
                          {"definitions", defs},
                          {"gate", {{"would_merge", r.gate_reasons.empty()}, {"reasons", r.gate_reasons}, {"notes", verdict->notes}}}}
               .dump(2);
  return r;
}

}  // namespace tally::governance
