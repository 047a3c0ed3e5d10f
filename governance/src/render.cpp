// Text and JSON for every governance result. The one place where results become output:
// the commands build structs, and `tally`, the demo and the tests all print through here.
// Every JSON document goes through DumpJson, which never throws on invalid UTF-8.
#include "tally/governance/render.h"

#include <cstdio>
#include <ctime>

#include "tally/support/json.h"

namespace tally::governance {

namespace {

using nlohmann::json;

std::string Bullets(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += "  - " + i + "\n";
  return out;
}

std::string Pretty(const json& j) { return DumpJson(j, 2); }

// A refusal before the command acted: "tally CMD: why".
std::string RefusalText(const char* command, const Report& r) { return std::string("tally ") + command + ": " + r.refusal + "\n"; }
std::string RefusalJson(const Report& r) { return Pretty(json{{"ok", false}, {"error", r.refusal}}); }

std::string Short(const std::string& id) { return id.substr(0, 12); }

std::string FormatDate(int64_t t) {
  char buf[32];
  time_t tt = static_cast<time_t>(t);
  struct tm tm;
  gmtime_r(&tt, &tm);
  strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

std::string Percent(int64_t part, int64_t whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0);
  return buf;
}

// Multi-line declarations (test blocks) keep their continuation lines under the marker.
std::string Indent(const std::string& body, const std::string& pad) {
  std::string out;
  for (char ch : body) {
    out += ch;
    if (ch == '\n') out += pad;
  }
  return out;
}

json BacktestJson(const Backtest& bt) {
  json jb{{"ran", bt.ran}, {"rows", bt.rows}, {"rows_changed", bt.rows_changed}};
  if (!bt.ran) {
    jb["why_not"] = bt.why_not;
    return jb;
  }
  json sources = json::array();
  for (const auto& s : bt.sources)
    sources.push_back({{"name", s.name}, {"rows", s.rows}, {"rows_changed", s.rows_changed},
                       {"rejected_before", s.rejected_before}, {"rejected_after", s.rejected_after}});
  json outs = json::array();
  for (const auto& s : bt.outputs) {
    json jo{{"output", s.output}, {"type", s.type}, {"rows_changed", s.rows_changed}};
    if (s.mean_before) {
      jo["mean_before"] = *s.mean_before;
      jo["mean_after"] = *s.mean_after;
      jo["max_abs_change"] = s.max_abs_change;
    }
    jo["transitions"] = s.transitions;
    outs.push_back(jo);
  }
  jb["sources"] = sources;
  jb["outputs"] = outs;
  return jb;
}

std::string BacktestText(const Backtest& bt) {
  std::string text;
  if (!bt.ran) {
    text += "  backtest: not run (" + bt.why_not + ")\n";
  } else {
    text += "  backtest: " + std::to_string(bt.rows_changed) + " of " + std::to_string(bt.rows) + " rows change (" +
            Percent(bt.rows_changed, bt.rows) + ")\n";
    for (const auto& s : bt.sources)
      text += "    " + s.name + ": " + std::to_string(s.rows_changed) + " of " + std::to_string(s.rows) +
              " rows change; rejected " + std::to_string(s.rejected_before) + " -> " + std::to_string(s.rejected_after) + "\n";
    for (const auto& s : bt.outputs) {
      std::string line = "    " + s.output + ": " + std::to_string(s.rows_changed) + " rows change";
      if (s.mean_before) {
        char buf[128];
        std::snprintf(buf, sizeof buf, "; mean %.4g -> %.4g; largest change %.4g", *s.mean_before, *s.mean_after,
                      s.max_abs_change);
        line += buf;
      }
      text += line + "\n";
      for (const auto& [t, count] : s.transitions) text += "      " + std::to_string(count) + " rows " + t + "\n";
    }
  }
  for (const auto& a : bt.added_outputs) text += "    new output: " + a + "\n";
  for (const auto& a : bt.removed_outputs) text += "    removed or retyped output: " + a + "\n";
  return text;
}

}  // namespace

std::string RenderText(const InitResult& r) {
  if (!r.refusal.empty()) return RefusalText("init", r);
  return "Initialised governed repository " + r.dir + "\n  branch:  " + r.branch + "\n  root:    " + r.root_commit +
         (r.signed_by_gate ? " (signed by the gate)" : " (unsigned: pin this id)") + "\n  identity: " +
         r.repository_id + "\n  policy:  version " +
         std::to_string(r.policy_version) + ", sha256 " + r.policy_sha256 + "\n  definitions: " +
         std::to_string(r.definitions) + "\n";
}
std::string RenderJson(const InitResult& r) {
  if (!r.refusal.empty()) return RefusalJson(r);
  return Pretty(json{{"ok", true},
                     {"root", r.root_commit},
                     {"repository", r.repository_id},
                     {"branch", r.branch},
                     {"policy_version", r.policy_version},
                     {"policy_sha256", r.policy_sha256},
                     {"signed", r.signed_by_gate},
                     {"definitions", r.definitions}});
}

std::string RenderText(const ProposeResult& r) {
  if (!r.refusal.empty()) return RefusalText("propose", r);
  return r.id + "\n";
}
std::string RenderJson(const ProposeResult& r) {
  if (!r.refusal.empty()) return RefusalJson(r);
  return Pretty(json{{"ok", true}, {"id", r.id}, {"commit", r.commit}, {"proposer", r.proposer},
                     {"base", r.base}, {"changed", r.changed_paths}});
}

std::string RenderText(const ApproveResult& r) {
  if (!r.refusal.empty()) return RefusalText("approve", r);
  std::string text = r.approver + " approved " + r.cr + " (" + Short(r.head) + ")\n";
  for (const auto& w : r.warnings) text += "warning: " + w + "\n";
  return text;
}
std::string RenderJson(const ApproveResult& r) {
  if (!r.refusal.empty()) return RefusalJson(r);
  return Pretty(json{{"ok", true}, {"cr", r.cr}, {"approver", r.approver}, {"commit", r.commit},
                     {"head", r.head}, {"warnings", r.warnings}});
}

std::string RenderText(const MergeResult& r) {
  if (!r.ok) {
    std::string text = "tally merge: " + r.cr + " refused:\n" + Bullets(r.reasons);
    if (!r.notes.empty()) text += "notes:\n" + Bullets(r.notes);
    return text;
  }
  std::string text = "Merged " + r.cr + " into " + r.branch_ref + " as " + r.merge_commit + "\n  proposer:  " +
                     r.proposer + "\n  approvers: " + DumpJson(r.approvers) + "\n";
  for (const auto& c : r.changes) text += "  change:    " + c + "\n";
  if (r.freeze_exception) text += "  freeze exception: " + *r.freeze_exception + "\n";
  return text;
}
std::string RenderJson(const MergeResult& r) {
  if (!r.ok) return Pretty(json{{"ok", false}, {"cr", r.cr}, {"reasons", r.reasons}, {"notes", r.notes}});
  return Pretty(json{{"ok", true}, {"cr", r.cr}, {"commit", r.merge_commit}, {"proposer", r.proposer},
                     {"approvers", r.approvers}, {"changes", r.changes}, {"notes", r.notes}});
}

std::string RenderText(const FreezeResult& r) {
  if (!r.refusal.empty()) return RefusalText("freeze", r);
  return r.by + " froze " + r.branch_ref + " at " + r.commit + " as " + r.name + "\n";
}
std::string RenderJson(const FreezeResult& r) {
  if (!r.refusal.empty()) return RefusalJson(r);
  return Pretty(json{{"ok", true}, {"name", r.name}, {"tag", r.tag}, {"commit", r.commit}, {"by", r.by}});
}

std::string RenderText(const ReviewResult& r) {
  if (!r.refusal.empty()) return RefusalText("review", r);
  std::string text = r.cr + ": " + r.title + "\n  proposer: " + r.proposer + "\n  base:     " + Short(r.base) +
                     "   head: " + Short(r.head) + "\n";
  text += "  approvals: " + (r.approvers.empty() ? std::string("none") : DumpJson(r.approvers)) + "\n";
  text += "  changed files:\n" + Bullets(r.changed_paths);
  for (const auto& change : r.changes) {
    if (change.is_override) {
      text += "\n" + change.name + ": override for region \"" + change.region + "\" changes (approved by the region's council)\n";
      continue;
    }
    text += "\n" + change.name + "  " + (change.from_version.empty() ? "(new)" : change.from_version) + " -> " +
            (change.to_version.empty() ? "(removed)" : change.to_version) + "\n";
    text += "  declared bump: " + change.declared + "   required: " + change.required + "\n";
    for (const auto& why : change.why) text += "    - " + why + "\n";
    if (!change.impacts.empty()) text += "  definitions that call it:\n";
    for (const auto& line : change.impacts) text += "    " + std::string(line.starts_with("  ") ? "  - " + line.substr(2) : line) + "\n";
    if (!change.diff.empty()) text += "  what changed:\n";
    for (const auto& c : change.diff) {
      if (c.change == "changed") {
        text += "    ~ " + c.what + ":\n        - " + Indent(c.before, "          ") + "\n        + " +
                Indent(c.after, "          ") + "\n";
      } else if (c.change == "added") {
        text += "    + " + Indent(c.after, "      ") + "\n";
      } else {
        text += "    - " + Indent(c.before, "      ") + "\n";
      }
    }
    if (change.backtest) text += BacktestText(*change.backtest);
  }
  if (r.policy_versions)
    text += "\npolicy: version " + std::to_string(r.policy_versions->first) + " -> " +
            std::to_string(r.policy_versions->second) + " (needs council " + r.policy_council + ")\n";
  text += "\ngate: " + std::string(r.gate_reasons.empty() ? "would merge\n" : "would refuse:\n") + Bullets(r.gate_reasons);
  if (!r.gate_notes.empty()) text += "notes:\n" + Bullets(r.gate_notes);
  return text;
}
std::string RenderJson(const ReviewResult& r) {
  if (!r.refusal.empty()) return RefusalJson(r);
  json defs = json::array();
  for (const auto& change : r.changes) {
    json d{{"name", change.name}};
    if (change.is_override) {
      d["kind"] = "override";
      d["region"] = change.region;
      defs.push_back(d);
      continue;
    }
    d["from"] = change.from_version;
    d["to"] = change.to_version;
    d["declared"] = change.declared;
    d["required"] = change.required;
    d["why"] = change.why;
    if (!change.impacts.empty()) d["callers"] = change.impacts;
    json diff = json::array();
    for (const auto& c : change.diff)
      diff.push_back({{"what", c.what}, {"change", c.change}, {"before", c.before}, {"after", c.after}});
    d["diff"] = diff;
    if (change.backtest) d["backtest"] = BacktestJson(*change.backtest);
    defs.push_back(d);
  }
  return Pretty(json{{"ok", true},
                     {"cr", r.cr},
                     {"title", r.title},
                     {"proposer", r.proposer},
                     {"base", r.base},
                     {"head", r.head},
                     {"approvers", r.approvers},
                     {"changed_paths", r.changed_paths},
                     {"definitions", defs},
                     {"gate", {{"would_merge", r.gate_reasons.empty()}, {"reasons", r.gate_reasons}, {"notes", r.gate_notes}}}});
}

std::string RenderText(const LineageResult& r) {
  if (r.entries.empty()) return "tally lineage: no released version of " + r.name + " on " + r.branch_ref + "\n";
  char line[512];
  std::snprintf(line, sizeof line, "%-10s %-12s %-16s %-6s %-10s %-18s %-10s %s\n", "VERSION", "COMMIT", "DATE", "CR",
                "PROPOSER", "APPROVERS", "CLASS", "MESSAGE");
  std::string text = line;
  for (const auto& e : r.entries) {
    std::string approvers;
    for (size_t i = 0; i < e.approvers.size(); ++i) approvers += (i ? "," : "") + e.approvers[i];
    std::snprintf(line, sizeof line, "%-10s %-12s %-16s %-6s %-10s %-18s %-10s %s\n", e.version.c_str(),
                  Short(e.commit).c_str(), FormatDate(e.date).c_str(), e.cr.empty() ? "-" : e.cr.c_str(),
                  e.proposer.empty() ? "-" : e.proposer.c_str(), approvers.empty() ? "-" : approvers.c_str(),
                  e.change_class.c_str(), e.message.c_str());
    text += line;
  }
  return text;
}
std::string RenderJson(const LineageResult& r) {
  if (r.entries.empty()) return Pretty(json{{"ok", false}, {"name", r.name}, {"versions", json::array()}});
  json rows = json::array();
  for (const auto& e : r.entries)
    rows.push_back({{"version", e.version}, {"commit", e.commit}, {"date", FormatDate(e.date)}, {"time", e.date},
                    {"cr", e.cr}, {"proposer", e.proposer}, {"approvers", e.approvers}, {"class", e.change_class},
                    {"message", e.message}});
  return Pretty(json{{"ok", true}, {"name", r.name}, {"branch", r.branch_ref}, {"versions", rows}});
}

std::string RenderText(const AuditResult& r) {
  std::string text = "Audited " + r.branch_ref + ": " + std::to_string(r.commits_checked + 1) + " commit(s), " +
                     std::to_string(r.freezes_checked) + " freeze(s), root " + r.root + "\n";
  if (r.ok) text += "No violations.\n";
  else text += std::to_string(r.violations.size()) + " violation(s):\n" + Bullets(r.violations);
  if (!r.notes.empty()) text += "notes:\n" + Bullets(r.notes);
  return text;
}
std::string RenderJson(const AuditResult& r) {
  return Pretty(json{{"ok", r.ok}, {"branch", r.branch_ref}, {"root", r.root},
                     {"commits", r.commits_checked + 1}, {"freezes", r.freezes_checked},
                     {"violations", r.violations}, {"notes", r.notes}});
}

std::string RenderText(const ProvenanceResult& r) {
  const ProvenanceQuery& q = r.query;
  std::string text = "provenance of " + q.definition + (q.version.empty() ? "" : " " + q.version) + " at " +
                     Short(q.commit) + ": " + (r.ok ? "verified" : "NOT verified") + "\n";
  if (!r.cr.empty()) text += "  released by " + r.cr + ", approved by " + DumpJson(r.approvers) + "\n";
  return text + Bullets(r.problems);
}
std::string RenderJson(const ProvenanceResult& r) {
  const ProvenanceQuery& q = r.query;
  return Pretty(json{{"ok", r.ok}, {"definition", q.definition}, {"version", q.version}, {"commit", q.commit},
                     {"cr", r.cr}, {"approvers", r.approvers}, {"problems", r.problems}});
}

std::string RenderText(const TraceResult& r) {
  std::string text = "trace " + r.output + " (" + r.definition + " " + r.version + ", " +
                     (r.governed ? "commit " + Short(r.commit) : std::string("ungoverned")) + ")\n";
  for (const auto& c : r.checks) text += std::string(c.ok ? "  ok    " : "  FAIL  ") + c.what + ": " + c.detail + "\n";
  if (!r.unverified.empty()) text += "  not verified:\n";
  for (const auto& u : r.unverified) text += "    - " + u + "\n";
  return text + (r.ok ? "trace: every check passed\n" : "trace: FAILED\n");
}
std::string RenderJson(const TraceResult& r) {
  json j;
  j["ok"] = r.ok;
  j["output"] = r.output;
  j["definition"] = r.definition;
  j["version"] = r.version;
  j["commit"] = r.commit;
  j["checks"] = json::array();
  for (const auto& c : r.checks) j["checks"].push_back({{"check", c.what}, {"ok", c.ok}, {"detail", c.detail}});
  j["signed_by"] = r.signed_by.empty() ? json(nullptr) : json(r.signed_by);
  j["unverified"] = r.unverified;
  return Pretty(j);
}

std::string RenderErrorText(const Error& error) { return "tally: " + error.message + "\n"; }
std::string RenderErrorJson(const Error& error) {
  return Pretty(json{{"ok", false}, {"error", error.message}, {"code", ErrorCodeName(error.code)}});
}

}  // namespace tally::governance
