// LLVM only on a cache miss: the baseline table the facade uses without LLVM agrees with
// LLVM, a cache hit in a fresh process maps no LLVM at all, and the built-in object loader
// refuses what it cannot link (falling back to LLVM's linker) and never crashes on a
// damaged object.
#include <elf.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "backend.h"
#include "cache_fixtures.h"
#include "kernel_cache.h"
#include "object_loader.h"
#include "target.h"

namespace tally::codegen::testing {
namespace {

// The object file inside a cache entry (after the header's blank line).
std::string ObjectOf(const std::string& entry) {
  size_t start = entry.find("\n\n");
  return start == std::string::npos ? std::string() : entry.substr(start + 2);
}

// The cache key of Health(0.5), which its object carries.
std::string HealthKey() { return CacheKey(Health(0.5)); }

std::string CompiledObject() {
  TempDir dir;
  auto k = CompileKernel(Health(0.5), CacheIn(dir));
  if (!k.ok()) return {};
  return ObjectOf(Slurp((*k)->info().cache_path));
}

std::string Output(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return out;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe)) out += buffer;
  ::pclose(pipe);
  return out;
}

TEST(CodegenPlugin, BaselineTableIsWhatLlvmSays) {
  Result<Backend*> backend = LoadBackend();
  ASSERT_TRUE(backend.ok()) << backend.error().message;
  for (const std::string& cpu : KnownBaselines()) {
    Result<TargetInfo> t = ResolveTarget(cpu);
    if (!t.ok()) continue;  // this host cannot run it
    Result<std::string> llvm = (*backend)->ImpliedFeatures(t->triple, cpu);
    ASSERT_TRUE(llvm.ok()) << llvm.error().message;
    EXPECT_EQ(t->features, *llvm) << cpu;
    EXPECT_EQ(t->llvm_version, (*backend)->LlvmVersion());
  }
}

TEST(CodegenPlugin, UnknownOrUnrunnableCpuIsRefused) {
  KernelOptions o;
  o.use_cache = false;
  o.cpu = "pentium4";
  auto k = CompileKernel(Health(0.5), o);
  ASSERT_FALSE(k.ok());
  EXPECT_NE(k.error().message.find("unknown target CPU 'pentium4'"), std::string::npos) << k.error().message;
}

TEST(CodegenPlugin, ACacheHitInAFreshProcessLoadsNoLlvm) {
  TempDir dir;
  const std::string probe = std::string(TALLY_CACHE_HIT_PROBE) + " " + dir.str();
  const std::string no_plugin = "TALLY_CODEGEN_PLUGIN=/nonexistent/libx.so ";
  // A miss needs the plugin: without it, an error that says where it looked.
  const std::string missing = Output(no_plugin + probe + " 2>&1");
  EXPECT_NE(missing.find("cannot load Tally's code generator (LLVM) plugin"), std::string::npos) << missing;
  EXPECT_NE(missing.find("/nonexistent/libx.so: not found"), std::string::npos) << missing;
  EXPECT_EQ(Output(probe), "from_cache=0 backend_loaded=1 llvm_mapped=1 score=55\n");
  EXPECT_EQ(Output(probe), "from_cache=1 backend_loaded=0 llvm_mapped=0 score=55\n");
  // A hit does not even look for it.
  EXPECT_EQ(Output(no_plugin + probe), "from_cache=1 backend_loaded=0 llvm_mapped=0 score=55\n");
}

TEST(CodegenPlugin, LoaderLinksTheJitsObject) {
  const std::string object = CompiledObject();
  ASSERT_FALSE(object.empty());
  auto loaded = LoadedObject::Load(object, {"tally_score"}, HealthKey());
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  std::vector<Column> in = {Ints({30, 0, 12}), Ints({30, 0, 40})};
  RunResult r = RunColumns(reinterpret_cast<TallyScoreKernelFn>((*loaded)->symbols()[0]), Health(0.5), in, 3,
                           nullptr, false);
  // round(100 * (0.5 * clamp(a / max(b, 1), 0, 2) / 2 + 0.3), 1): 55, 30, 100 * (0.075 + 0.3) = 37.5
  EXPECT_EQ(r.outputs[0].At<double>(0), 55.0);
  EXPECT_EQ(r.outputs[0].At<double>(1), 30.0);
  EXPECT_EQ(r.outputs[0].At<double>(2), 37.5);
  auto missing = LoadedObject::Load(object, {"tally_metric_row"}, HealthKey());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "kernel object does not define tally_metric_row");
}

TEST(CodegenPlugin, LoaderRefusesWhatItCannotLink) {
  const std::string object = CompiledObject();
  ASSERT_GT(object.size(), sizeof(Elf64_Ehdr));
  Elf64_Ehdr header;
  std::memcpy(&header, object.data(), sizeof header);

  std::string shared = object;  // a shared object, not a relocatable one
  Elf64_Half dyn = ET_DYN;
  std::memcpy(shared.data() + offsetof(Elf64_Ehdr, e_type), &dyn, sizeof dyn);
  auto r = LoadedObject::Load(shared, {"tally_score"}, HealthKey());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "not a relocatable x86-64 ELF object");

  // The first RELA entry turned into an absolute 32-bit relocation (non-PIC code).
  std::string absolute = object;
  bool changed = false;
  for (int i = 0; i < header.e_shnum && !changed; ++i) {
    Elf64_Shdr s;
    std::memcpy(&s, object.data() + header.e_shoff + i * sizeof s, sizeof s);
    if (s.sh_type != SHT_RELA || s.sh_size == 0) continue;
    Elf64_Rela rela;
    std::memcpy(&rela, object.data() + s.sh_offset, sizeof rela);
    rela.r_info = ELF64_R_INFO(ELF64_R_SYM(rela.r_info), R_X86_64_32S);
    std::memcpy(absolute.data() + s.sh_offset, &rela, sizeof rela);
    changed = true;
  }
  ASSERT_TRUE(changed) << "the object has no relocations to change";
  r = LoadedObject::Load(absolute, {"tally_score"}, HealthKey());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("unsupported relocation type 11"), std::string::npos) << r.error().message;
}

TEST(CodegenPlugin, LoaderNeverCrashesOnADamagedObject) {
  const std::string object = CompiledObject();
  ASSERT_FALSE(object.empty());
  int refused = 0, tried = 0;
  for (size_t n = 0; n < object.size(); n += 13) {  // every truncation, in steps
    ++tried;
    refused += !LoadedObject::Load(object.substr(0, n), {"tally_score"}, HealthKey()).ok();
  }
  EXPECT_EQ(refused, tried) << "a truncated object must never load";
  // Random byte changes in the ELF header, the section headers, the relocation and symbol
  // tables and everywhere else: the
  // loader answers (loads or refuses) and, under ASan, never reads or writes out of bounds.
  std::mt19937_64 rng(20261123);
  Elf64_Ehdr header;
  std::memcpy(&header, object.data(), sizeof header);
  std::vector<std::pair<size_t, size_t>> tables;  // relocation and symbol tables: offset, size
  for (int i = 0; i < header.e_shnum; ++i) {
    Elf64_Shdr sh;
    std::memcpy(&sh, object.data() + header.e_shoff + i * sizeof sh, sizeof sh);
    if ((sh.sh_type == SHT_RELA || sh.sh_type == SHT_SYMTAB) && sh.sh_size > 0) tables.push_back({sh.sh_offset, sh.sh_size});
  }
  ASSERT_GE(tables.size(), 2u);
  for (int i = 0; i < 4000; ++i) {
    std::string damaged = object;
    size_t at = 0;
    switch (i % 4) {
      case 0: at = rng() % sizeof(Elf64_Ehdr); break;
      case 1: at = header.e_shoff + rng() % (header.e_shnum * sizeof(Elf64_Shdr)); break;
      case 2: {
        const auto& [offset, size] = tables[rng() % tables.size()];
        at = offset + rng() % size;
        break;
      }
      default: at = rng() % damaged.size(); break;
    }
    damaged[at] = static_cast<char>(rng());
    (void)LoadedObject::Load(damaged, {"tally_score"}, HealthKey());
  }
}

TEST(CodegenPlugin, AnEntryTheLoaderCannotLinkIsRebuiltWithAWarning) {
  TempDir dir;
  auto first = CompileKernel(Health(0.5), CacheIn(dir));
  ASSERT_TRUE(first.ok()) << first.error().message;
  const std::string path = (*first)->info().cache_path;
  const std::string entry = Slurp(path);
  std::string object = ObjectOf(entry);
  // Rename the entry point in the string table: a well-formed object (valid checksum) that
  // neither the built-in loader nor LLVM's can link as a kernel.
  size_t name = object.find(std::string("tally_score") + '\0');
  ASSERT_NE(name, std::string::npos);
  object[name + 10] = 'f';
  std::string key = (*first)->info().cache_key;
  Spit(path, "");
  ASSERT_TRUE(WriteCacheEntry(dir.str(), key, object).ok());
  auto k = CompileKernel(Health(0.5), CacheIn(dir));
  ASSERT_TRUE(k.ok()) << k.error().message;
  EXPECT_FALSE((*k)->info().from_cache);
  EXPECT_NE((*k)->info().cache_warning.find("kernel object does not define tally_score"), std::string::npos)
      << (*k)->info().cache_warning;
  ExpectWorks(**k);
  EXPECT_EQ(Slurp(path), entry) << "rebuilt";
}

}  // namespace
}  // namespace tally::codegen::testing
