#include "tally/governance/review.h"

#include <map>

#include "gate.h"
#include "guard.h"
#include "tally/governance/evidence.h"
#include "workspace.h"

namespace tally::governance {

namespace {

// Members of a definition keyed by what they declare: "input x", "require #2", "test \"t\"".
std::vector<std::pair<std::string, std::string>> Declarations(const DefinitionOutline& d) {
  std::vector<std::pair<std::string, std::string>> out;
  int requires_seen = 0;
  for (const auto& m : d.members) {
    std::string key = m.kind;
    if (m.kind == "test") key += " \"" + m.name + "\"";
    else if (m.kind == "require") key += " #" + std::to_string(++requires_seen);
    else if (!m.name.empty()) key += " " + m.name;
    out.push_back({key, m.text});
  }
  return out;
}

}  // namespace

std::vector<DeclarationChange> DiffDeclarations(const DefinitionOutline& before, const DefinitionOutline& after) {
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

// Unguarded: Review below is the entry point.
static Result<ReviewResult> ReviewUnguarded(const ReviewOptions& opt) {
  ReviewResult r;
  auto n = store::ParseCrId(opt.cr);
  if (!n) {
    r.ok = false;
    r.refusal = n.error().message;
    return r;
  }
  ASSIGN_OR_RETURN(auto ws, OpenWorkspace(opt.repo));
  auto cr = store::LoadChangeRequest(ws.repo, *n);
  if (!cr) {
    r.ok = false;
    r.refusal = cr.error().message;
    return r;
  }
  ASSIGN_OR_RETURN(FileMap before, FilesAt(ws.repo, cr->base));
  ASSIGN_OR_RETURN(FileMap after, FilesAt(ws.repo, cr->head));
  ASSIGN_OR_RETURN(GateVerdict verdict, EvaluateGate(ws.repo, GateInputFor(ws.repo, *cr, store::Now(opt.now))));
  r.gate_reasons = verdict.reasons;
  r.gate_notes = verdict.notes;
  if (!git_oid_equal(&cr->base, &ws.governed.tip))
    r.gate_reasons.insert(r.gate_reasons.begin(), "[stale] " + cr->id + " is based on an older governed commit; revise it");

  DefinitionIndex old_index = IndexDefinitions(before), new_index = IndexDefinitions(after);
  CompiledTree old_tree = CompileTree(before), new_tree = CompileTree(after);
  FileMap reference = ReferenceData(after);

  auto head = ws.repo.Commit(cr->head);
  if (!head) return head.error();
  r.cr = cr->id;
  r.title = store::Title(git::CommitMessage(head->get()));
  r.proposer = verdict.proposer;
  r.base = git::ToHex(cr->base);
  r.head = git::ToHex(cr->head);
  for (const auto& a : verdict.approvers) r.approvers.push_back(a.person);
  r.changed_paths = verdict.changed_paths;
  for (const auto& change : verdict.changes) {
    ReviewedChange c;
    c.name = change.name;
    if (change.declared == "override") {
      c.is_override = true;
      c.region = change.region;
      r.changes.push_back(std::move(c));
      continue;
    }
    c.from_version = change.from_version;
    c.to_version = change.to_version;
    c.declared = change.declared;
    c.required = change.required;
    c.why = change.why;
    c.impacts = change.impacts;
    if (change.is_table) {
      // What the table's change moves: every definition reading it whose IR differs (the
      // same text, other rows), each with its backtest.
      c.name = "table " + change.name;
      std::vector<ReviewedChange> moved;
      if (old_tree.library && new_tree.library) {
        for (const auto& def : new_tree.library->Names()) {
          const DefinitionInfo* info = new_tree.library->Info(def);
          bool reads = false;
          for (const auto& t : info->tables) reads = reads || t.name == change.name;
          const ir::Program* before_program = old_tree.library->Find(def);
          if (!reads || before_program == nullptr || before_program->ToString() == new_tree.library->Find(def)->ToString()) continue;
          ReviewedChange m;
          m.name = def;
          m.from_version = old_tree.library->Info(def)->version;
          m.to_version = info->version;
          m.declared = m.required = "none";
          m.why.push_back("moved by table " + change.name + ": it reads the table and its IR changes");
          m.backtest = RunBacktest(*old_tree.library, *new_tree.library, def, reference);
          c.why.push_back("moves " + def);
          moved.push_back(std::move(m));
        }
      }
      r.changes.push_back(std::move(c));
      for (auto& m : moved) r.changes.push_back(std::move(m));
      continue;
    }
    auto o = old_index.definitions.find(change.name);
    auto nw = new_index.definitions.find(change.name);
    bool both = o != old_index.definitions.end() && nw != new_index.definitions.end();
    if (both) c.diff = DiffDeclarations(o->second, nw->second);
    if (both && old_tree.library && new_tree.library)
      c.backtest = RunBacktest(*old_tree.library, *new_tree.library, change.name, reference);
    r.changes.push_back(std::move(c));
  }
  r.policy_versions = verdict.policy_versions;
  r.policy_council = verdict.policy.policy_council;
  return r;
}

Result<ReviewResult> Review(const ReviewOptions& opt) {
  return Guarded("tally review", [&] { return ReviewUnguarded(opt); });
}

}  // namespace tally::governance
