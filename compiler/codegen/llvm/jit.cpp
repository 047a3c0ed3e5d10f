#include "jit.h"

#include <atomic>
#include <cmath>
#include <map>
#include <mutex>

#include "emit.h"
#include "llvm/ExecutionEngine/ObjectCache.h"
#include "llvm/ExecutionEngine/Orc/CompileUtils.h"
#include "llvm/ExecutionEngine/Orc/IRTransformLayer.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/IR/Constants.h"
#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm_error.h"
#include "llvm_target.h"
#include "optimize.h"

namespace tally::codegen {
namespace {

constexpr const char* kOptLevelFlag = "tally.opt_level";

// Receives each object file the compile layer produces (keyed by module identifier), so it
// can be written to the disk cache. Never supplies objects: cache hits bypass the IR layers.
class ObjectCapture : public llvm::ObjectCache {
 public:
  void notifyObjectCompiled(const llvm::Module* module, llvm::MemoryBufferRef object) override {
    std::lock_guard<std::mutex> lock(mutex_);
    objects_[module->getModuleIdentifier()] = object.getBuffer().str();
  }
  std::unique_ptr<llvm::MemoryBuffer> getObject(const llvm::Module*) override { return nullptr; }
  std::string Take(const std::string& id) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = objects_.find(id);
    if (it == objects_.end()) return {};
    std::string object = std::move(it->second);
    objects_.erase(it);
    return object;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::string> objects_;
};

int OptLevelOf(const llvm::Module& module) {
  auto* flag = llvm::mdconst::extract_or_null<llvm::ConstantInt>(module.getModuleFlag(kOptLevelFlag));
  return flag ? static_cast<int>(flag->getZExtValue()) : 2;
}

// Machine code for a module: by LLVM's default code generator, or, for a very large kernel
// (opt level 0, kernel.h), by its fast one (CodeGenOptLevel::None: fast instruction selection
// and register allocation), whose time grows linearly with the code's size; the default one's
// loop strength reduction grows faster. Same IEEE semantics either way.
class TieredCompiler final : public llvm::orc::IRCompileLayer::IRCompiler {
 public:
  TieredCompiler(std::unique_ptr<llvm::TargetMachine> normal, std::unique_ptr<llvm::TargetMachine> fast,
                 llvm::ObjectCache* capture)
      : IRCompiler(llvm::orc::irManglingOptionsFromTargetOptions(normal->Options)),
        normal_(std::move(normal)), fast_(std::move(fast)), capture_(capture) {}

  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> operator()(llvm::Module& module) override {
    llvm::TargetMachine& machine = OptLevelOf(module) == 0 ? *fast_ : *normal_;
    return llvm::orc::SimpleCompiler(machine, capture_)(module);
  }

 private:
  std::unique_ptr<llvm::TargetMachine> normal_;
  std::unique_ptr<llvm::TargetMachine> fast_;
  llvm::ObjectCache* capture_;
};

}  // namespace

struct Jit::Impl {
  std::string triple;
  std::unique_ptr<llvm::TargetMachine> optimizer_target;  // for the optimizer's cost model
  std::mutex optimizer_mutex;
  ObjectCapture capture;
  std::unique_ptr<llvm::orc::LLJIT> lljit;
  std::atomic<uint64_t> next_id{0};
};

Jit::Jit(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Jit::~Jit() = default;

Result<Jit*> Jit::ForTarget(const TargetInfo& target) {
  static std::mutex mutex;
  static auto* jits = new std::map<std::string, Jit*>();  // never freed: kernels may outlive main
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = jits->find(target.cpu); it != jits->end()) return it->second;
  InitializeLlvmOnce();

  llvm::orc::JITTargetMachineBuilder jtmb{llvm::Triple(target.triple)};
  jtmb.setCPU(target.cpu);
  jtmb.setCodeGenOptLevel(llvm::CodeGenOptLevel::Default);
  // Position-independent code with the small code model: the object then has only
  // PC-relative relocations, which object_loader.cpp can apply anywhere in memory.
  jtmb.setRelocationModel(llvm::Reloc::PIC_);
  jtmb.setCodeModel(llvm::CodeModel::Small);
  // IEEE semantics exactly as written: no fused multiply-add, no fast-math assumptions.
  llvm::TargetOptions& options = jtmb.getOptions();
  options.AllowFPOpFusion = llvm::FPOpFusion::Strict;
  options.UnsafeFPMath = false;
  options.NoInfsFPMath = false;
  options.NoNaNsFPMath = false;
  options.NoSignedZerosFPMath = false;

  auto impl = std::make_unique<Impl>();
  impl->triple = target.triple;
  auto tm = FromLlvm(jtmb.createTargetMachine(), "cannot create an LLVM target for " + target.cpu);
  if (!tm.ok()) return tm.error();
  impl->optimizer_target = std::move(*tm);

  ObjectCapture* capture = &impl->capture;
  auto lljit = FromLlvm(
      llvm::orc::LLJITBuilder()
          .setJITTargetMachineBuilder(jtmb)
          .setCompileFunctionCreator(
              [capture](llvm::orc::JITTargetMachineBuilder builder)
                  -> llvm::Expected<std::unique_ptr<llvm::orc::IRCompileLayer::IRCompiler>> {
                auto machine = builder.createTargetMachine();
                if (!machine) return machine.takeError();
                builder.setCodeGenOptLevel(llvm::CodeGenOptLevel::None);
                auto fast = builder.createTargetMachine();
                if (!fast) return fast.takeError();
                return std::make_unique<TieredCompiler>(std::move(*machine), std::move(*fast), capture);
              })
          .create(),
      "cannot start the LLVM JIT");
  if (!lljit.ok()) return lljit.error();
  impl->lljit = std::move(*lljit);

  Impl* raw = impl.get();
  impl->lljit->getIRTransformLayer().setTransform(
      [raw](llvm::orc::ThreadSafeModule tsm, llvm::orc::MaterializationResponsibility&)
          -> llvm::Expected<llvm::orc::ThreadSafeModule> {
        tsm.withModuleDo([raw](llvm::Module& m) {
          std::lock_guard<std::mutex> guard(raw->optimizer_mutex);
          OptimizeModule(m, *raw->optimizer_target, OptLevelOf(m));
        });
        return std::move(tsm);
      });
  Jit* jit = new Jit(std::move(impl));
  (*jits)[target.cpu] = jit;
  return jit;
}

const llvm::DataLayout& Jit::data_layout() const { return impl_->lljit->getDataLayout(); }
const std::string& Jit::triple() const { return impl_->triple; }

void Jit::Optimize(llvm::Module& module, int opt_level) {
  std::lock_guard<std::mutex> guard(impl_->optimizer_mutex);
  OptimizeModule(module, *impl_->optimizer_target, opt_level);
}

namespace {

// A fresh JITDylib that sees the process's symbols (memset, fmod) and binds the libm names
// of emit.h to the very functions the interpreter calls.
Result<LoadedCode> NewDylib(llvm::orc::LLJIT& lljit, uint64_t id) {
  auto dylib = FromLlvm<llvm::orc::JITDylib*>(
      [&]() -> llvm::Expected<llvm::orc::JITDylib*> {
        auto jd = lljit.createJITDylib("tally.kernel." + std::to_string(id));
        if (!jd) return jd.takeError();
        return &*jd;
      }(),
      "cannot create a JIT library");
  if (!dylib.ok()) return dylib.error();
  auto flags = llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable;
  auto address = [](auto* fn) { return llvm::orc::ExecutorAddr(reinterpret_cast<uint64_t>(fn)); };
  llvm::orc::SymbolMap libm{
      {lljit.mangleAndIntern(kExpSymbol), {address(static_cast<double (*)(double)>(&std::exp)), flags}},
      {lljit.mangleAndIntern(kLogSymbol), {address(static_cast<double (*)(double)>(&std::log)), flags}},
      {lljit.mangleAndIntern(kPowSymbol), {address(static_cast<double (*)(double, double)>(&std::pow)), flags}},
  };
  if (llvm::Error err = (*dylib)->define(llvm::orc::absoluteSymbols(std::move(libm)))) {
    return FromLlvm(std::move(err), "cannot bind libm for the JIT");
  }
  LoadedCode code;
  code.dylib = *dylib;
  code.tracker = code.dylib->createResourceTracker();
  return code;
}

Status LookUp(llvm::orc::LLJIT& lljit, LoadedCode& code, const std::vector<std::string>& symbols) {
  for (const std::string& name : symbols) {
    auto address = lljit.lookup(*code.dylib, name);
    if (!address) return FromLlvm(address.takeError(), "cannot link kernel symbol " + name);
    code.symbols.push_back(address->toPtr<void*>());
  }
  return Status::Ok();
}

// Refuses an object that was not compiled from the program with `key`: reads its
// kKernelKeySymbol with LLVM's object reader (object_loader.cpp reads it on its own).
Status CheckObjectKey(std::string_view object, const std::string& key) {
  auto file = llvm::object::ObjectFile::createObjectFile(
      llvm::MemoryBufferRef(llvm::StringRef(object.data(), object.size()), "tally-kernel-object"));
  if (!file) return FromLlvm(file.takeError(), "cannot read a cached kernel object");
  if (!llvm::isa<llvm::object::ELFObjectFileBase>(file->get())) return Error{"not an ELF object"};
  for (const llvm::object::SymbolRef& symbol : (*file)->symbols()) {
    llvm::Expected<llvm::StringRef> name = symbol.getName();
    if (!name) {
      llvm::consumeError(name.takeError());
      continue;
    }
    if (*name != kKernelKeySymbol) continue;
    llvm::Expected<llvm::object::section_iterator> section = symbol.getSection();
    llvm::Expected<uint64_t> offset = symbol.getValue();
    if (!section || !offset || *section == (*file)->section_end()) {
      if (!section) llvm::consumeError(section.takeError());
      if (!offset) llvm::consumeError(offset.takeError());
      return CheckKernelKey(std::nullopt, key);
    }
    llvm::Expected<llvm::StringRef> contents = (*section)->getContents();
    if (!contents) return FromLlvm(contents.takeError(), "cannot read a cached kernel object");
    const uint64_t size = llvm::object::ELFSymbolRef(symbol).getSize();
    if (*offset > contents->size() || contents->size() - *offset < size) return Error{"symbol lies outside its section"};
    return CheckKernelKey(std::string_view(contents->data() + *offset, size), key);
  }
  return CheckKernelKey(std::nullopt, key);
}

}  // namespace

Result<LoadedCode> Jit::AddModule(std::unique_ptr<llvm::LLVMContext> context,
                                  std::unique_ptr<llvm::Module> module, int opt_level,
                                  const std::vector<std::string>& symbols, std::string* object) {
  uint64_t id = impl_->next_id++;
  Result<LoadedCode> code = NewDylib(*impl_->lljit, id);
  if (!code.ok()) return code;
  // A unique identifier, so the captured object is found again below.
  std::string module_id = module->getModuleIdentifier() + "#" + std::to_string(id);
  module->setModuleIdentifier(module_id);
  module->setDataLayout(data_layout());
  module->setTargetTriple(impl_->triple);
  module->addModuleFlag(llvm::Module::Warning, kOptLevelFlag, opt_level);
  llvm::orc::ThreadSafeModule tsm(std::move(module), std::move(context));
  if (llvm::Error err = impl_->lljit->addIRModule(code->tracker, std::move(tsm))) {
    Remove(*code);
    return FromLlvm(std::move(err), "cannot add kernel IR to the JIT");
  }
  Status linked = LookUp(*impl_->lljit, *code, symbols);  // compiles: materialization is lazy
  std::string captured = impl_->capture.Take(module_id);
  if (!linked.ok()) {
    Remove(*code);
    return Error{linked.message()};
  }
  if (object) *object = std::move(captured);
  return code;
}

Result<LoadedCode> Jit::AddObject(std::string_view object, const std::string& key,
                                  const std::vector<std::string>& symbols) {
  if (Status s = CheckObjectKey(object, key); !s.ok()) return s.error();
  Result<LoadedCode> code = NewDylib(*impl_->lljit, impl_->next_id++);
  if (!code.ok()) return code;
  auto buffer = llvm::MemoryBuffer::getMemBufferCopy(llvm::StringRef(object.data(), object.size()),
                                                     "tally-kernel-object");
  if (llvm::Error err = impl_->lljit->addObjectFile(code->tracker, std::move(buffer))) {
    Remove(*code);
    return FromLlvm(std::move(err), "cannot load a cached kernel object");
  }
  if (Status linked = LookUp(*impl_->lljit, *code, symbols); !linked.ok()) {
    Remove(*code);
    return Error{linked.message()};
  }
  return code;
}

void Jit::Remove(LoadedCode& code) {
  if (!code.dylib) return;
  // Unloading can only fail if the JIT itself is broken; the kernel is gone either way.
  if (code.tracker) llvm::consumeError(code.tracker->remove());
  llvm::consumeError(impl_->lljit->getExecutionSession().removeJITDylib(*code.dylib));
  code.dylib = nullptr;
  code.tracker = nullptr;
  code.symbols.clear();
}

}  // namespace tally::codegen
