#include "git.h"

#include <cstring>
#include <mutex>

#include "tally/governance/paths.h"
#include "tree_entries.h"

namespace tally::governance::git {

void EnsureInit() {
  static std::once_flag once;
  std::call_once(once, [] { git_libgit2_init(); });
}

Error LastError(const std::string& doing, int code) {
  const git_error* e = git_error_last();
  std::string message = doing + ": " + (e && e->message ? e->message : "unknown libgit2 error");
  if (code == GIT_ENOTFOUND) return NotFoundError(std::move(message));
  if (e && e->klass == GIT_ERROR_OS) return IoError(std::move(message));
  if (e && e->klass == GIT_ERROR_NOMEMORY) return InternalError(std::move(message));
  return Error{std::move(message)};
}

std::string ToHex(const git_oid& id) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &id);
  return buf;
}

std::optional<git_oid> FromHex(const std::string& hex) {
  if (hex.size() != GIT_OID_HEXSZ) return std::nullopt;
  for (char c : hex)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  git_oid id;
  if (git_oid_fromstr(&id, hex.c_str()) != 0) return std::nullopt;
  return id;
}

Result<Repo> Repo::Open(const std::string& dir) {
  EnsureInit();
  git_repository* r = nullptr;
  // Search upward like git does, so `--repo` defaults to the repository around a folder.
  if (int rc = git_repository_open_ext(&r, dir.c_str(), 0, nullptr); rc != 0) return LastError("opening " + dir, rc);
  return Repo(r);
}

Result<Repo> Repo::Init(const std::string& dir, const std::string& branch) {
  EnsureInit();
  git_repository_init_options opts;
  git_repository_init_options_init(&opts, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
  opts.flags = GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
  std::string head = "refs/heads/" + branch;
  opts.initial_head = head.c_str();
  git_repository* r = nullptr;
  if (git_repository_init_ext(&r, dir.c_str(), &opts) != 0) return LastError("creating a repository in " + dir);
  return Repo(r);
}

std::string Repo::WorkDir() const {
  const char* w = git_repository_workdir(repo_.get());
  return w ? w : "";
}

Result<git_oid> Repo::ResolveRef(const std::string& name) const {
  git_oid id;
  if (git_reference_name_to_id(&id, repo_.get(), name.c_str()) != 0) return LastError("reading " + name);
  return id;
}

std::optional<git_oid> Repo::RefIfExists(const std::string& name) const {
  git_oid id;
  if (git_reference_name_to_id(&id, repo_.get(), name.c_str()) != 0) return std::nullopt;
  return id;
}

Result<std::vector<std::string>> Repo::ListRefs(const std::string& prefix) const {
  git_strarray names{};
  if (git_reference_list(&names, repo_.get()) != 0) return LastError("listing refs");
  std::vector<std::string> out;
  for (size_t i = 0; i < names.count; ++i) {
    std::string n = names.strings[i];
    if (n.rfind(prefix, 0) == 0) out.push_back(n);
  }
  git_strarray_dispose(&names);
  return out;
}

Status Repo::CreateRef(const std::string& name, const git_oid& id, const std::string& log) const {
  git_reference* ref = nullptr;
  if (git_reference_create(&ref, repo_.get(), name.c_str(), &id, 0, log.c_str()) != 0)
    return LastError("creating " + name);
  git_reference_free(ref);
  return Status::Ok();
}

Status Repo::MoveRef(const std::string& name, const git_oid& expected, const git_oid& id,
                     const std::string& log) const {
  git_reference* ref = nullptr;
  // force=1 with current_id: libgit2 checks the old value under the ref's lock.
  if (git_reference_create_matching(&ref, repo_.get(), name.c_str(), &id, 1, &expected, log.c_str()) != 0)
    return LastError("moving " + name + " (someone else moved it first?)");
  git_reference_free(ref);
  return Status::Ok();
}

Status Repo::DeleteRef(const std::string& name, const git_oid& expected) const {
  git_reference* ref = nullptr;
  if (git_reference_lookup(&ref, repo_.get(), name.c_str()) != 0) return LastError("reading " + name);
  RefPtr owned(ref);
  const git_oid* target = git_reference_target(ref);
  if (target == nullptr || !git_oid_equal(target, &expected)) return Error{name + " moved; not removing it"};
  if (git_reference_delete(ref) != 0) return LastError("removing " + name);
  return Status::Ok();
}

Result<CommitPtr> Repo::Commit(const git_oid& id) const {
  git_commit* c = nullptr;
  if (git_commit_lookup(&c, repo_.get(), &id) != 0) return LastError("reading commit " + ToHex(id));
  // Remembered so that a malformed tree is reported under the commit that holds it.
  commit_of_tree_.emplace(ToHex(*git_commit_tree_id(c)), ToHex(id));
  return CommitPtr(c);
}

Result<TreePtr> Repo::Tree(const git_oid& id) const {
  git_tree* t = nullptr;
  if (int rc = git_tree_lookup(&t, repo_.get(), &id); rc != 0) {
    Error e = LastError("reading " + Describe(id), rc);
    // libgit2 refuses some malformed trees itself (an empty name): say which rule, as the walk does.
    git_object_t type = GIT_OBJECT_INVALID;
    if (auto data = ReadObject(id, &type); data && type == GIT_OBJECT_TREE)
      if (auto parsed = ParseTreeObject(*data); !parsed)
        return Error{Describe(id) + ": malformed tree at the root: " + parsed.error().message};
    return e;
  }
  return TreePtr(t);
}

std::string Repo::Describe(const git_oid& tree) const {
  auto it = commit_of_tree_.find(ToHex(tree));
  if (it != commit_of_tree_.end()) return "commit " + it->second + " (tree " + ToHex(tree) + ")";
  return "tree " + ToHex(tree);
}

Status Repo::WalkTree(const git_tree* tree, FileMap* files) const {
  const git_oid root = *git_tree_id(tree);
  if (!files && checked_trees_.count(ToHex(root))) return Status::Ok();
  const std::string where = Describe(root);
  git_odb* raw_odb = nullptr;
  if (git_repository_odb(&raw_odb, repo_.get()) != 0) return LastError("opening the object database");
  std::unique_ptr<git_odb, Deleter<git_odb, git_odb_free>> odb(raw_odb);
  // Iterative (a deep tree cannot exhaust the stack); every entry counts, so a tree that
  // names one subtree many times cannot make the walk explode.
  std::vector<std::pair<git_oid, std::string>> pending = {{root, ""}};
  int64_t entries = 0, bytes = 0;
  while (!pending.empty()) {
    auto [id, dir] = pending.back();
    pending.pop_back();
    git_object_t type = GIT_OBJECT_INVALID;
    auto data = ReadObject(id, &type);
    if (!data) return Error{where + ": cannot read the tree of " + (dir.empty() ? "the root" : "'" + dir + "'") + ": " + data.error().message};
    if (type != GIT_OBJECT_TREE) return Error{where + ": '" + dir + "' is not a tree object"};
    auto parsed = ParseTreeObject(*data);
    if (!parsed) return Error{where + ": malformed tree " + (dir.empty() ? "at the root" : "'" + dir + "'") + ": " + parsed.error().message};
    for (const TreeEntry& e : *parsed) {
      const std::string path = dir + e.name;
      if (++entries > kMaxTreeEntries)
        return Error{where + ": the tree has more than " + std::to_string(kMaxTreeEntries) + " entries"};
      if (Status st = CheckRepoPath(path); !st.ok()) return Error{where + ": " + st.message()};
      size_t size = 0;
      git_object_t actual = GIT_OBJECT_INVALID;
      if (int rc = git_odb_read_header(&size, &actual, odb.get(), &e.id); rc != 0)
        return Error{where + ": '" + path + "' names object " + ToHex(e.id) + ", which is missing"};
      if (actual != (e.is_tree ? GIT_OBJECT_TREE : GIT_OBJECT_BLOB))
        return Error{where + ": '" + path + "' has mode " + e.mode + " but names a " + git_object_type2string(actual) +
                     " object"};
      if (static_cast<int64_t>(size) > kMaxBlobBytes)
        return Error{where + ": '" + path + "' is larger than " + std::to_string(kMaxBlobBytes >> 20) + " MiB"};
      if (e.is_tree) {
        pending.push_back({e.id, path + "/"});
        continue;
      }
      if (!files) continue;
      bytes += static_cast<int64_t>(size);
      if (bytes > kMaxTreeBytes)
        return Error{where + ": the files of the tree exceed " + std::to_string(kMaxTreeBytes >> 20) + " MiB"};
      auto content = ReadObject(e.id, nullptr);
      if (!content) return Error{where + ": cannot read '" + path + "': " + content.error().message};
      (*files)[path] = std::move(*content);
    }
  }
  checked_trees_.insert(ToHex(root));
  return Status::Ok();
}

Result<std::optional<std::string>> Repo::ReadFile(const git_tree* tree, const std::string& path) const {
  // The whole tree is checked first: a file is read only from a tree git itself would accept.
  RETURN_IF_ERROR(WalkTree(tree, nullptr));
  git_tree_entry* entry = nullptr;
  int rc = git_tree_entry_bypath(&entry, tree, path.c_str());
  if (rc == GIT_ENOTFOUND) return std::optional<std::string>();
  if (rc != 0) return LastError("reading " + path);
  std::unique_ptr<git_tree_entry, Deleter<git_tree_entry, git_tree_entry_free>> owned(entry);
  if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) return Error{path + " is not a file"};
  git_object_t type = GIT_OBJECT_INVALID;
  auto content = ReadObject(*git_tree_entry_id(entry), &type);
  if (!content) return content.error();
  if (type != GIT_OBJECT_BLOB) return Error{path + " is not a file"};
  return std::optional<std::string>(std::move(*content));
}

Result<FileMap> Repo::ReadFiles(const git_tree* tree, const std::string& prefix) const {
  FileMap all;
  RETURN_IF_ERROR(WalkTree(tree, &all));
  if (prefix.empty()) return all;
  FileMap out;
  for (auto& [path, content] : all)
    if (path.rfind(prefix, 0) == 0) out[path] = std::move(content);
  return out;
}

Result<git_oid> Repo::WriteTree(const FileMap& files) const {
  // Group by first path component; recurse for folders.
  git_treebuilder* raw = nullptr;
  if (git_treebuilder_new(&raw, repo_.get(), nullptr) != 0) return LastError("building a tree");
  TreeBuilderPtr builder(raw);
  std::map<std::string, FileMap> dirs;
  for (const auto& [path, content] : files) {
    size_t slash = path.find('/');
    if (slash == std::string::npos) {
      git_oid blob;
      if (git_blob_create_from_buffer(&blob, repo_.get(), content.data(), content.size()) != 0)
        return LastError("writing " + path);
      if (git_treebuilder_insert(nullptr, builder.get(), path.c_str(), &blob, GIT_FILEMODE_BLOB) != 0)
        return LastError("adding " + path);
    } else {
      dirs[path.substr(0, slash)][path.substr(slash + 1)] = content;
    }
  }
  for (const auto& [dir, sub] : dirs) {
    auto id = WriteTree(sub);
    if (!id) return id;
    if (git_treebuilder_insert(nullptr, builder.get(), dir.c_str(), &*id, GIT_FILEMODE_TREE) != 0)
      return LastError("adding " + dir);
  }
  git_oid id;
  if (git_treebuilder_write(&id, builder.get()) != 0) return LastError("writing a tree");
  return id;
}

Result<git_oid> Repo::WriteCommit(const git_oid& tree_id, const std::vector<git_oid>& parent_ids,
                                  const std::string& name, const std::string& email, int64_t time,
                                  const std::string& message, const PrivateKey* key) const {
  git_signature* raw_sig = nullptr;
  if (git_signature_new(&raw_sig, name.c_str(), email.c_str(), time, 0) != 0) return LastError("signature");
  SigPtr sig(raw_sig);
  auto tree = Tree(tree_id);
  if (!tree) return tree.error();
  std::vector<CommitPtr> parents;
  std::vector<const git_commit*> parent_ptrs;
  for (const auto& p : parent_ids) {
    auto c = Commit(p);
    if (!c) return c.error();
    parent_ptrs.push_back(c->get());
    parents.push_back(std::move(*c));
  }
  git_buf buf = GIT_BUF_INIT;
  if (git_commit_create_buffer(&buf, repo_.get(), sig.get(), sig.get(), nullptr, message.c_str(), tree->get(),
                               parent_ptrs.size(), parent_ptrs.data()) != 0)
    return LastError("creating a commit");
  std::string content(buf.ptr, buf.size);
  git_buf_dispose(&buf);
  git_oid id;
  if (!key) {
    return WriteObject(content, GIT_OBJECT_COMMIT);
  }
  auto armored = key->Sign(kGitNamespace, content);
  if (!armored) return armored.error();
  // libgit2 indents continuation lines itself; it wants no trailing newline.
  std::string s = *armored;
  while (!s.empty() && s.back() == '\n') s.pop_back();
  if (git_commit_create_with_signature(&id, repo_.get(), content.c_str(), s.c_str(), "gpgsig") != 0)
    return LastError("writing a signed commit");
  return id;
}

Result<std::optional<Repo::Signed>> Repo::CommitSignature(const git_oid& id) const {
  git_buf sig = GIT_BUF_INIT, data = GIT_BUF_INIT;
  git_oid copy = id;
  int rc = git_commit_extract_signature(&sig, &data, repo_.get(), &copy, "gpgsig");
  if (rc == GIT_ENOTFOUND) {
    git_buf_dispose(&sig);
    git_buf_dispose(&data);
    return std::optional<Signed>();
  }
  if (rc != 0) return LastError("reading the signature of " + ToHex(id));
  Signed s{std::string(sig.ptr, sig.size), std::string(data.ptr, data.size)};
  git_buf_dispose(&sig);
  git_buf_dispose(&data);
  return std::optional<Signed>(std::move(s));
}

Result<git_oid> Repo::WriteObject(const std::string& data, git_object_t type) const {
  git_odb* odb = nullptr;
  if (git_repository_odb(&odb, repo_.get()) != 0) return LastError("opening the object database");
  git_oid id;
  int rc = git_odb_write(&id, odb, data.data(), data.size(), type);
  git_odb_free(odb);
  if (rc != 0) return LastError("writing an object");
  return id;
}

Result<std::string> Repo::ReadObject(const git_oid& id, git_object_t* type) const {
  git_odb* odb = nullptr;
  if (git_repository_odb(&odb, repo_.get()) != 0) return LastError("opening the object database");
  git_odb_object* obj = nullptr;
  int rc = git_odb_read(&obj, odb, &id);
  git_odb_free(odb);
  if (rc != 0) return LastError("reading object " + ToHex(id));
  std::string out(static_cast<const char*>(git_odb_object_data(obj)), git_odb_object_size(obj));
  if (type) *type = git_odb_object_type(obj);
  git_odb_object_free(obj);
  return out;
}

std::string CommitMessage(const git_commit* c) {
  const char* m = git_commit_message(c);
  return m ? m : "";
}

int64_t CommitTime(const git_commit* c) { return static_cast<int64_t>(git_commit_time(c)); }

std::vector<git_oid> Parents(const git_commit* c) {
  std::vector<git_oid> out;
  for (unsigned i = 0; i < git_commit_parentcount(c); ++i) out.push_back(*git_commit_parent_id(c, i));
  return out;
}

}  // namespace tally::governance::git
