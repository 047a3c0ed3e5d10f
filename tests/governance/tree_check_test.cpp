// Malformed git objects (issue 9): every tree Tally reads is checked as strictly as
// `git fsck` before a file is read from it. The hostile trees are written as an attacker
// would, with `git hash-object -t tree --literally` over hand-made bytes (git mktree refuses
// most of them); `git fsck` is the independent judge that each fsck-level case is malformed.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "governed_repo.h"

namespace tally::governance {
namespace {

using govtest::RunCommand;
using govtest::Shell;
using govtest::WriteAll;

struct Entry {
  std::string mode, name, id;  // id in hex
};

class TreeCheckTest : public govtest::GovernedRepo {
 protected:
  // The entries of the governed root tree, as git lists them.
  std::vector<Entry> RootEntries() {
    std::vector<Entry> out;
    std::istringstream lines(Git("ls-tree main"));
    std::string line;
    while (std::getline(lines, line)) {
      std::string mode = line.substr(0, line.find(' '));
      std::string id = line.substr(line.find(' ', line.find(' ') + 1) + 1, 40);
      std::string name = line.substr(line.find('\t') + 1);
      out.push_back({mode == "040000" ? "40000" : mode, name, id});
    }
    return out;
  }

  std::string Object(const std::string& what) { return Git("rev-parse main:" + what); }

  std::string Blob(const std::string& text) {
    WriteAll(dir_ / "blob", text);
    return Git("hash-object -w " + Shell((dir_ / "blob").string()));
  }

  // A tree object holding exactly `entries`, in the given order, written without checks.
  std::string RawTree(const std::vector<Entry>& entries) {
    std::string bytes;
    for (const auto& e : entries) {
      bytes += e.mode + " " + e.name + std::string(1, '\0');
      for (size_t i = 0; i < 40; i += 2) bytes += static_cast<char>(std::stoi(e.id.substr(i, 2), nullptr, 16));
    }
    WriteAll(dir_ / "tree", bytes);
    return Git("hash-object -t tree -w --literally " + Shell((dir_ / "tree").string()));
  }

  // In git's order: a folder sorts as if its name ended in '/'.
  static std::vector<Entry> Sorted(std::vector<Entry> entries) {
    auto key = [](const Entry& e) { return e.name + (e.mode == "40000" ? "/" : ""); };
    std::sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) { return key(a) < key(b); });
    return entries;
  }

  // A commit of `tree`, kept reachable (refs/hostile/) so that git fsck also follows its links.
  std::string CommitOf(const std::string& tree) {
    std::string id = Git("-c user.name=intruder -c user.email=i@example.com commit-tree " + tree + " -p main -m hostile");
    Git("update-ref refs/hostile/" + id + " " + id);
    return id;
  }

  // What Tally says when reading the definitions of a commit holding `tree`: "" when it reads it.
  std::string ReadError(const std::string& commit) {
    auto r = DefinitionsAt(repo_, commit);
    return r.ok() ? "" : r.error().message;
  }

  // Whether `git fsck` reports the object `id`.
  bool FsckReports(const std::string& id) {
    std::string out;
    RunCommand("git -C " + Shell(repo_) + " fsck --strict --no-dangling 2>&1", &out);
    return out.find(id) != std::string::npos;
  }
};

TEST_F(TreeCheckTest, AWellFormedTreeWrittenByHandIsRead) {
  // The control: the same bytes path for a tree git would write itself.
  std::string tree = RawTree(Sorted(RootEntries()));
  EXPECT_EQ(tree, Git("rev-parse main^{tree}"));
  auto defs = DefinitionsAt(repo_, CommitOf(tree));
  ASSERT_TRUE(defs.ok()) << defs.error().message;
  EXPECT_EQ(defs->size(), 2u);
}

TEST_F(TreeCheckTest, ANameWithASlashIsRefusedNamingTheCommitAndPath) {
  // The attack: next to the real metrics/ folder, a root entry whose *name* is
  // "metrics/customer/health.tally". git show main:metrics/customer/health.tally shows the
  // real file; libgit2's walk yields the hidden one under the same path.
  auto entries = RootEntries();
  entries.push_back({"100644", "metrics/customer/health.tally", Blob(Health("1.0.0", "0.9"))});
  std::string tree = RawTree(Sorted(entries));
  std::string commit = CommitOf(tree);
  EXPECT_TRUE(FsckReports(tree));
  std::string error = ReadError(commit);
  EXPECT_NE(error.find("commit " + commit), std::string::npos) << error;
  EXPECT_NE(error.find("entry 'metrics/customer/health.tally' has a '/' in its name"), std::string::npos) << error;

  // One level down, the error names the folder.
  std::vector<Entry> metrics = {{"40000", "customer", Object("metrics/customer")},
                                {"100644", "customer/x.tally", Blob("// x\n")},
                                {"40000", "regions", Object("metrics/regions")}};
  entries = RootEntries();
  for (auto& e : entries)
    if (e.name == "metrics") e.id = RawTree(Sorted(metrics));
  error = ReadError(CommitOf(RawTree(entries)));
  EXPECT_NE(error.find("malformed tree 'metrics/': entry 'customer/x.tally' has a '/'"), std::string::npos) << error;
}

TEST_F(TreeCheckTest, EveryNameFsckRefusesIsRefused) {
  std::string metrics = Object("metrics");
  std::string blob = Blob("x\n");
  struct Case {
    Entry entry;
    std::string expected;
    bool fsck;  // git fsck --strict reports it too
  };
  std::vector<Case> cases = {
      {{"100644", "", blob}, "an entry with an empty name", true},
      {{"40000", ".", metrics}, "entry '.' is a '.' or '..' entry", true},
      {{"40000", "..", metrics}, "entry '..' is a '.' or '..' entry", true},
      {{"40000", ".git", metrics}, "entry '.git' is named like .git", true},
      {{"40000", ".GiT", metrics}, "entry '.GiT' is named like .git", true},
      {{"40000", ".git. .", metrics}, "named like .git", true},        // NTFS drops trailing dots and spaces
      {{"40000", "GIT~1", metrics}, "named like .git", true},          // NTFS 8.3 name
      {{"100644", ".git::$INDEX_ALLOCATION", blob}, "named like .git", true},  // an NTFS stream
      {{"40000", ".g\xe2\x80\x8cit", metrics}, "named like .git", true},  // HFS+ ignores U+200C
      {{"120000", "link", blob}, "entry 'link' is a symbolic link (mode 120000)", false},
      {{"160000", "sub", Git("rev-parse main")}, "entry 'sub' is a submodule (mode 160000)", false},
      {{"100664", "grp", blob}, "entry 'grp' has mode '100664'", true},
      {{"040000", "zero", metrics}, "entry 'zero' has mode '040000'", true},
      {{"100644", "ghost", std::string(40, '1')}, "'ghost' names object 1111111111111111111111111111111111111111, which is missing", true},
      // (git fsck notices a mode that does not match the object only on some walk orders.)
      {{"100644", "kind", metrics}, "'kind' has mode 100644 but names a tree object", false},
      {{"40000", "kind", blob}, "'kind' has mode 40000 but names a blob object", false},
  };
  for (const auto& c : cases) {
    auto entries = RootEntries();
    entries.push_back(c.entry);
    std::string tree = RawTree(Sorted(entries));
    std::string commit = CommitOf(tree);
    std::string error = ReadError(commit);
    EXPECT_NE(error.find(c.expected), std::string::npos) << "name '" << c.entry.name << "': " << error;
    EXPECT_NE(error.find("commit " + commit), std::string::npos) << error;
    if (c.fsck) EXPECT_TRUE(FsckReports(tree)) << "git fsck accepts the tree with '" << c.entry.name << "'";
  }
}

TEST_F(TreeCheckTest, DuplicateAndUnsortedEntriesAreRefused) {
  auto entries = Sorted(RootEntries());  // governance, metrics
  ASSERT_EQ(entries.size(), 2u);
  // The same name twice, as two folders, and as a file beside a folder ("metrics" sorts
  // before "metrics.x" before "metrics/", so the two are not even adjacent).
  std::vector<Entry> twice = {entries[0], entries[1], entries[1]};
  std::vector<Entry> file_and_folder = {entries[0], {"100644", "metrics", Blob("x\n")}, {"100644", "metrics.x", Blob("y\n")},
                                        entries[1]};
  std::vector<Entry> unsorted = {entries[1], entries[0]};
  for (const auto& [bad, expected] : std::vector<std::pair<std::vector<Entry>, std::string>>{
           {twice, "entry 'metrics' appears twice"},
           {file_and_folder, "entry 'metrics' appears twice"},
           {unsorted, "entry 'governance' is out of git's sort order"}}) {
    std::string tree = RawTree(bad);
    std::string error = ReadError(CommitOf(tree));
    EXPECT_NE(error.find(expected), std::string::npos) << error;
    EXPECT_TRUE(FsckReports(tree)) << expected;
  }
}

TEST_F(TreeCheckTest, TheGateRefusesASignedRevisionWithAHiddenFile) {
  // A proposer (carol, in the policy) signs a revision with git itself whose tree hides a
  // changed definition behind a slashed name; cx approves what git shows.
  // (Before the check, Tally merged it and scored 2.0.0 with weight 0.9 while
  // `git show main:metrics/customer/health.tally` showed 1.0.0.)
  std::string cr = MustPropose("carol", {{"metrics/customer/health.tally", Health("2.0.0", "0.9")}});
  auto entries = RootEntries();
  entries.push_back({"100644", "metrics/customer/health.tally", Blob(Health("2.0.0", "0.9"))});
  std::string tree = RawTree(Sorted(entries));
  std::string cfg = "-c gpg.format=ssh -c user.signingkey=" + Shell(keys_["carol"]) +
                    " -c user.name=carol -c user.email=carol@example.com ";
  std::string evil = Git(cfg + "commit-tree -S " + tree + " -p refs/tally/cr/1 -m " +
                         Shell("More\n\nTally-CR: CR-1\nTally-Base: " + root_));
  ASSERT_EQ(evil.size(), 40u) << evil;
  Git("update-ref refs/tally/cr/1 " + evil);
  MustApprove("alice", cr);
  MustApprove("bob", cr);
  MergeOptions o;
  o.repo = repo_;
  o.now = now_;
  o.cr = cr;
  o.key = keys_["gate"];
  auto r = Merge(o);
  std::string said = r.ok() ? RenderText(*r) : r.error().message;
  EXPECT_TRUE(!r.ok() || !r->ok) << said;
  EXPECT_NE(said.find("entry 'metrics/customer/health.tally' has a '/' in its name"), std::string::npos) << said;
  EXPECT_NE(said.find(evil), std::string::npos) << said;
  EXPECT_EQ(Git("rev-parse main"), root_);
}

}  // namespace
}  // namespace tally::governance
