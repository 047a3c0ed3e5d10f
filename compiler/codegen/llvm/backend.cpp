// The plugin's entry point: the Backend of backend.h on top of emit.h and jit.h.
#include <memory>
#include <mutex>

#include "backend.h"
#include "emit.h"
#include "jit.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm_target.h"
#include "tally_codegen_source_hash.h"

namespace tally::codegen {
namespace {

class JitLoadedCode final : public JitCode {
 public:
  JitLoadedCode(Jit* jit, LoadedCode code) : jit_(jit), code_(std::move(code)) {}
  ~JitLoadedCode() override { jit_->Remove(code_); }
  const std::vector<void*>& symbols() const override { return code_.symbols; }

 private:
  Jit* jit_;
  LoadedCode code_;
};

class LlvmBackend final : public Backend {
 public:
  Result<std::unique_ptr<JitCode>> Compile(const ir::Program& program, const std::string& key,
                                           const TargetInfo& target, int opt_level,
                                           const std::vector<std::string>& symbols, std::string* object) override {
    Result<Jit*> jit = Jit::ForTarget(target);
    if (!jit.ok()) return jit.error();
    auto context = std::make_unique<llvm::LLVMContext>();
    Result<std::unique_ptr<llvm::Module>> module = EmitKernelModule(program, key, *context);
    if (!module.ok()) return module.error();
    Result<LoadedCode> code = (*jit)->AddModule(std::move(context), std::move(*module), opt_level, symbols, object);
    if (!code.ok()) return code.error();
    return std::unique_ptr<JitCode>(std::make_unique<JitLoadedCode>(*jit, std::move(*code)));
  }

  Result<std::unique_ptr<JitCode>> Load(std::string_view object, const std::string& key, const TargetInfo& target,
                                        const std::vector<std::string>& symbols) override {
    Result<Jit*> jit = Jit::ForTarget(target);
    if (!jit.ok()) return jit.error();
    Result<LoadedCode> code = (*jit)->AddObject(object, key, symbols);
    if (!code.ok()) return code.error();
    return std::unique_ptr<JitCode>(std::make_unique<JitLoadedCode>(*jit, std::move(*code)));
  }

  Result<std::string> ModuleText(const ir::Program& program, const std::string& key, const TargetInfo& target,
                                 int opt_level, bool optimized) override {
    Result<Jit*> jit = Jit::ForTarget(target);
    if (!jit.ok()) return jit.error();
    llvm::LLVMContext context;
    Result<std::unique_ptr<llvm::Module>> module = EmitKernelModule(program, key, context);
    if (!module.ok()) return module.error();
    (*module)->setDataLayout((*jit)->data_layout());
    (*module)->setTargetTriple((*jit)->triple());
    if (optimized) (*jit)->Optimize(**module, opt_level);
    std::string text;
    llvm::raw_string_ostream os(text);
    (*module)->print(os, nullptr);
    return text;
  }

  Result<std::string> ImpliedFeatures(const std::string& triple, const std::string& cpu) override {
    return LlvmImpliedFeatures(triple, cpu);
  }

  std::string LlvmVersion() const override { return LLVM_VERSION_STRING; }
};

}  // namespace
}  // namespace tally::codegen

extern "C" __attribute__((visibility("default"))) tally::codegen::Backend* tally_codegen_backend_v1(
    const char* build_id, std::string* why) {
  if (std::string_view(build_id) != TALLY_CODEGEN_SOURCE_HASH) {
    *why = "the code generator plugin is from another build of Tally (build id " +
           std::string(TALLY_CODEGEN_SOURCE_HASH).substr(0, 12) + ", expected " +
           std::string(build_id).substr(0, 12) + ")";
    return nullptr;
  }
  static auto* backend = new tally::codegen::LlvmBackend();  // never freed: kernels outlive main
  return backend;
}
