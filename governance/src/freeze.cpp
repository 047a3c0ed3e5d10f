// tally freeze: a signed annotated tag on the governed tip (the same bytes `git tag -s`
// writes with gpg.format=ssh) plus a signed entry in the gate log, so that moving or
// deleting the tag is visible to audit.
#include <algorithm>

#include "audit_log.h"
#include "gate.h"
#include "guard.h"
#include "tally/governance/paths.h"
#include "tally/governance/repository.h"
#include "tally/support/json.h"
#include "workspace.h"

namespace tally::governance {

namespace {
FreezeResult Refuse(std::string why) {
  FreezeResult r;
  r.ok = false;
  r.refusal = std::move(why);
  return r;
}
}  // namespace

// Unguarded: Freeze below is the entry point.
static Result<FreezeResult> FreezeUnguarded(const FreezeOptions& opt) {
  if (Status st = CheckRefComponent(opt.name, "freeze name"); !st.ok()) return Refuse(st.message());
  auto ws = OpenWorkspace(opt.repo);
  if (!ws) return ws.error();
  auto key = PrivateKey::Load(opt.key);
  if (!key) return Refuse(key.error().message);
  const Person* person = ws->policy.PersonWithKey(key->public_key());
  if (!person) return Refuse("the key " + key->public_key().Fingerprint() + " belongs to nobody in the policy");
  bool member = false;
  for (const auto& [name, c] : ws->policy.councils) member = member || c.HasMember(person->name);
  if (!member) return Refuse(person->name + " is on no council and cannot freeze");

  std::string ref = store::kFreezePrefix + opt.name;
  if (ws->repo.RefIfExists(ref)) return Refuse("freeze " + opt.name + " already exists; a freeze never moves");
  // Dated no earlier than the tip and the log's last entry, so the log stays in time order.
  auto earliest = EarliestNextRecord(ws->repo, {ws->governed.tip});
  if (!earliest) return earliest.error();
  const int64_t now = std::max(store::Now(opt.now), *earliest);
  // The freeze entry must follow the entry that recorded the commit it freezes (audit checks
  // this order); a tip not yet logged is a merge still being recorded.
  auto log = store::LoadLog(ws->repo);
  if (!log) return log.error();
  bool tip_logged = false;
  for (const auto& e : *log)
    tip_logged = tip_logged || (e.kind != "freeze" && e.fields.count("Tally-Commit") &&
                                e.fields.at("Tally-Commit") == git::ToHex(ws->governed.tip));
  if (!tip_logged)
    return Refuse("the governed tip " + git::ToHex(ws->governed.tip).substr(0, 12) +
                  " is not in the gate log (a merge is still being recorded, or it did not come through the gate); nothing was frozen");
  std::string email = store::EmailOf(person->name, key->public_key());
  std::string message = opt.message.empty() ? "Freeze " + opt.name : opt.message;
  while (!message.empty() && message.back() == '\n') message.pop_back();
  if (message.find("-----BEGIN") != std::string::npos) return Refuse("the message must not contain armor lines");
  if (ValidUtf8(message) != message) return Refuse("the message is not valid UTF-8");
  std::string tag = "object " + git::ToHex(ws->governed.tip) + "\ntype commit\ntag freeze/" + opt.name + "\ntagger " +
                    person->name + " <" + email + "> " + std::to_string(now) + " +0000\n\n" + message + "\n";
  auto sig = key->Sign(kGitNamespace, tag);
  if (!sig) return sig.error();
  auto tag_id = ws->repo.WriteObject(tag + *sig, GIT_OBJECT_TAG);
  if (!tag_id) return tag_id.error();
  if (Status st = ws->repo.CreateRef(ref, *tag_id, "tally freeze"); !st.ok()) {
    if (ws->repo.RefIfExists(ref)) return Refuse("freeze " + opt.name + " already exists; a freeze never moves");
    return Error{"could not create " + ref + ": " + st.message(), st.code()};
  }
  if (Status st = store::AppendLog(ws->repo, "freeze",
                                   {{"Tally-Freeze", opt.name}, {"Tally-Tag", git::ToHex(*tag_id)},
                                    {"Tally-Commit", git::ToHex(ws->governed.tip)}},
                                   person->name, email, now, *key);
      !st.ok()) {
    // An unlogged freeze never resolves (--as-of reads gate-logged freezes only): remove it.
    if (Status undo = ws->repo.DeleteRef(ref, *tag_id); !undo.ok())
      return Error{"froze " + opt.name + " but could not record it (" + st.message() + ") nor remove " + ref + " (" +
                       undo.message() + ")",
                   st.code()};
    return Error{"could not record freeze " + opt.name + " in " + store::kLogRef + ": " + st.message() +
                     "; nothing was frozen",
                 st.code()};
  }

  FreezeResult r;
  r.tag = ref;
  r.commit = git::ToHex(ws->governed.tip);
  LogAction(ws->git_dir, "freeze", {{"name", opt.name}, {"commit", r.commit}, {"by", person->name}, {"tag", git::ToHex(*tag_id)}});
  r.name = opt.name;
  r.branch_ref = ws->governed.branch_ref;
  r.by = person->name;
  return r;
}

Result<FreezeResult> Freeze(const FreezeOptions& opt) {
  return Guarded("tally freeze", [&] { return FreezeUnguarded(opt); });
}

}  // namespace tally::governance
