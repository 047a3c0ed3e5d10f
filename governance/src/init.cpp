// tally init: a governed repository whose root commit is the root of trust.
#include <sys/stat.h>

#include <filesystem>

#include "audit_log.h"
#include "git.h"
#include "guard.h"
#include "repository_id.h"
#include "store.h"
#include "tally/governance/repository.h"
#include "tally/support/atomic_file.h"
#include "workspace.h"

namespace tally::governance {

namespace {

InitResult Refuse(std::string why) {
  InitResult r;
  r.ok = false;
  r.refusal = std::move(why);
  return r;
}

// A failed init removes what it made, so that `tally init` can simply be run again: the whole
// folder when init created it, else only its .git (nothing else was there to lose).
class UndoInitUnlessKept {
 public:
  explicit UndoInitUnlessKept(std::string dir) : dir_(std::move(dir)) {
    std::error_code ec;
    folder_existed_ = std::filesystem::exists(dir_, ec);
  }
  ~UndoInitUnlessKept() {
    if (kept_) return;
    std::error_code ec;
    if (folder_existed_) std::filesystem::remove_all(std::filesystem::path(dir_) / ".git", ec);
    else std::filesystem::remove_all(dir_, ec);
  }
  UndoInitUnlessKept(const UndoInitUnlessKept&) = delete;
  UndoInitUnlessKept& operator=(const UndoInitUnlessKept&) = delete;
  void Keep() { kept_ = true; }

 private:
  std::string dir_;
  bool folder_existed_ = false;
  bool kept_ = false;
};

}  // namespace

// Unguarded: InitRepository below is the entry point.
static Result<InitResult> InitRepositoryUnguarded(const InitOptions& opt) {
  if (opt.dir.empty()) return Refuse("no folder given");
  if (opt.policy_file.empty())
    return Refuse("a governed repository needs its first policy: --policy FILE (the format is in docs/governance.md)");
  auto policy_text = ReadFile(opt.policy_file);
  if (!policy_text) return Refuse(policy_text.error().message);
  auto policy = ParsePolicy(*policy_text, opt.policy_file);
  if (!policy) return Refuse("the policy is invalid:\n" + policy.error().message);

  std::optional<PrivateKey> gate;
  if (!opt.gate_key.empty()) {
    auto key = PrivateKey::Load(opt.gate_key);
    if (!key) return Refuse(key.error().message);
    if (!(key->public_key() == policy->gate))
      return Refuse("the key " + key->public_key().Fingerprint() + " is not the policy's gate key (" +
                    policy->gate.Fingerprint() + ")");
    gate = *key;
  }

  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(fs::path(opt.dir) / ".git", ec)) return Refuse(opt.dir + " is already a git repository");
  if (!opt.definitions_dir.empty() && !fs::is_directory(opt.definitions_dir, ec))
    return Refuse("--definitions " + opt.definitions_dir + " is not a folder");

  FileMap files;
  files[std::string(kPolicyPath)] = *policy_text;
  if (!opt.definitions_dir.empty()) {
    // The folder's files become metrics/...; a policy kept beside the definitions (as in the
    // example library) is not a definition and is left out.
    auto defs = ReadWorkingFolder(opt.definitions_dir, ".");
    if (!defs) return Refuse(defs.error().message);
    for (auto& [path, text] : *defs) {
      const std::string& rel = path;
      if (rel.rfind("governance/", 0) == 0) continue;
      files["metrics/" + rel] = text;
    }
  }
  bool any_metrics = false;
  for (auto& [p, t] : files) any_metrics = any_metrics || p.rfind("metrics/", 0) == 0;
  if (!any_metrics) files["metrics/.gitkeep"] = "";

  UndoInitUnlessKept undo(opt.dir);
  auto repo = git::Repo::Init(opt.dir, policy->governed_branch);
  if (!repo) return Refuse(repo.error().message);
  auto tree = repo->WriteTree(files);
  if (!tree) return tree.error();

  // A fresh identity: without it, two repositories made from the same files in the same
  // second would have the same root, and approvals would replay between them.
  auto repository_id = NewRepositoryId();
  if (!repository_id) return repository_id.error();
  std::string policy_sha = Sha256Hex(*policy_text);
  std::string message = "Initialise the governed repository\n\nTally-Root: policy version " +
                        std::to_string(policy->version) + "\n" + kRepositoryTrailer + ": " + *repository_id +
                        "\nTally-Policy-Sha256: " + policy_sha + "\n";
  DefinitionIndex index = IndexDefinitions(files);
  for (auto& [name, d] : index.definitions) message += "Tally-Definition: " + name + " " + d.version + "\n";
  int64_t now = store::Now(opt.now);
  auto root = repo->WriteCommit(*tree, {}, "tally-gate", "gate@tally.invalid", now, message,
                                gate ? &*gate : nullptr);
  if (!root) return root.error();
  std::string branch_ref = "refs/heads/" + policy->governed_branch;
  if (Status st = repo->CreateRef(branch_ref, *root, "tally init"); !st.ok()) return Error{st.message()};
  if (gate) {
    Status st = store::AppendLog(*repo, "root",
                                 {{"Tally-Commit", git::ToHex(*root)}, {"Tally-Branch", policy->governed_branch},
                                  {kRepositoryTrailer, *repository_id}},
                                 "tally-gate", "gate@tally.invalid", now, *gate);
    if (!st.ok()) return Error{st.message()};
  } else {
    // Without the gate key the root entry is unsigned: trust rests on the pinned root id.
    auto empty = repo->EmptyTree();
    if (!empty) return empty.error();
    auto id = repo->WriteCommit(*empty, {}, "tally-gate", "gate@tally.invalid", now,
                                "tally log: root\n\nTally-Log: root\nTally-Commit: " + git::ToHex(*root) +
                                    "\nTally-Branch: " + policy->governed_branch + "\n" + kRepositoryTrailer + ": " +
                                    *repository_id + "\n",
                                nullptr);
    if (!id) return id.error();
    if (Status st = repo->CreateRef(store::kLogRef, *id, "tally init"); !st.ok()) return Error{st.message()};
  }

  git_checkout_options co;
  git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
  co.checkout_strategy = GIT_CHECKOUT_FORCE;
  if (git_checkout_head(repo->get(), &co) != 0) return git::LastError("checking out the root commit");
  undo.Keep();

  LogAction(git_repository_path(repo->get()), "init",
            {{"root", git::ToHex(*root)}, {"repository", *repository_id}, {"policy_sha256", policy_sha}, {"policy_version", std::to_string(policy->version)},
             {"signed", gate ? "gate" : "no"}});

  InitResult r;
  r.root_commit = git::ToHex(*root);
  r.repository_id = *repository_id;
  r.policy_sha256 = policy_sha;
  r.dir = opt.dir;
  r.branch = policy->governed_branch;
  r.signed_by_gate = gate.has_value();
  r.policy_version = policy->version;
  r.definitions = index.definitions.size();
  return r;
}

Result<InitResult> InitRepository(const InitOptions& opt) {
  return Guarded("tally init", [&] { return InitRepositoryUnguarded(opt); });
}

}  // namespace tally::governance
