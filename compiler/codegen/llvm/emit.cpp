#include "emit.h"
#include "emit_dates.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "llvm/IR/Constants.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Intrinsics.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Support/raw_ostream.h"
#include "tally/compiler/ir_verify.h"
#include "tally/compiler/string_functions.h"
#include "tally/compiler/trap_analysis.h"
#include "tally/support/civil_date.h"

namespace tally::codegen {
namespace {

using ir::Op;
using ir::Type;

// Rows are processed in chunks so that an input whose `valid` pointer is NULL can read a
// constant all-ones array instead: the row loop then loads every column unconditionally,
// which is what lets LLVM vectorize it.
constexpr int64_t kChunk = 1024;

// The three TallyColumnView* arguments of an entry point, by position in its signature.
// score:    (rows, inputs, variants, outputs, status)
// row:      (rows, inputs, variants, aggregate_args, status)
// finalize: (groups, aggregates, group_keys, outputs, status)
enum Arg : unsigned { kRowsArg = 0, kArg1 = 1, kArg2 = 2, kArg3 = 3, kStatusArg = 4 };

// One column the row loop reads or writes: element type and whether its validity is used.
struct Slot {
  unsigned array;  // kArg1 / kArg2 / kArg3
  uint32_t index;  // position in that TallyColumnView array
  Type type;
  bool with_valid;
  bool write;
};

// A value in registers: payload, validity (i1) and error (i32, kNoError when none).
struct Triple {
  llvm::Value* value;
  llvm::Value* valid;
  llvm::Value* error;
};

class Emitter {
 public:
  Emitter(const ir::Program& program, llvm::LLVMContext& ctx, llvm::Module& module)
      : program_(program), ctx_(ctx), module_(module), b_(ctx) {}

  // Emits one entry point: `code` computed per row, then `store` writes results and status.
  // `leaf` tells where kInput / kAggregate / kGroupKey read from; `has_variants` whether
  // argument 2 is the variants array.
  struct Plan {
    const char* name;
    const std::vector<ir::Instruction>* code;
    bool has_variants;
    std::vector<Slot> reads;  // filled by Prepare
    std::vector<Slot> writes;
  };
  using StoreFn = std::function<void(Emitter&, const std::vector<Triple>&)>;

  Status EmitEntry(Plan plan, const StoreFn& store);

  // Helpers for StoreFn.
  void StoreColumn(size_t write_slot, const Triple& v, bool float_plus_zero);
  llvm::Value* ErrorToStatus(llvm::Value* error) {  // kNoError + 1 wraps to 0 = scored
    return b_.CreateAdd(error, b_.getInt32(1));
  }
  llvm::Value* RequireStatus(llvm::Value* otherwise, const std::vector<Triple>& values);
  llvm::Value* MinError(llvm::Value* a, llvm::Value* b) {
    return b_.CreateBinaryIntrinsic(llvm::Intrinsic::umin, a, b);
  }
  llvm::Value* NoError() { return b_.getInt32(ir::kNoError); }
  void StoreStatus(llvm::Value* status) {
    b_.CreateStore(status, b_.CreateInBoundsGEP(b_.getInt32Ty(), status_ptr_, row_));
  }
  const ir::Program& program() const { return program_; }

 private:
  llvm::Type* PayloadType(Type t);
  llvm::Type* StorageType(Type t);
  size_t ReadSlot(unsigned array, uint32_t index, Type type, bool with_valid);
  Triple EmitInstruction(const ir::Instruction& ins, const std::vector<Triple>& values);
  Triple EmitLeaf(const ir::Instruction& ins);
  // The column a leaf reads in its array: a window value follows the inputs (kernel_abi.h).
  uint32_t SlotIndex(const ir::Instruction& ins) const {
    return ins.op == Op::kWindow ? static_cast<uint32_t>(program_.inputs.size()) + ins.index : ins.index;
  }
  Triple EmitParam(const ir::Instruction& ins);
  llvm::Value* Constant(Type t, int64_t i, double f);
  llvm::Value* IsNonFinite(llvm::Value* x) {  // inf or NaN
    llvm::Value* a = b_.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, x);
    return b_.CreateFCmpUEQ(a, llvm::ConstantFP::getInfinity(b_.getDoubleTy()));
  }
  llvm::Value* CallLibm(const char* name, std::vector<llvm::Value*> args);
  llvm::GlobalVariable* OnesArray();
  llvm::GlobalVariable* ZeroVariants();
  Triple EmitLookup(const ir::Instruction& ins, const Triple& key);
  Triple EmitStringCall(const ir::Instruction& ins, const std::vector<Triple>& a, llvm::Value* all_valid,
                        llvm::Value* error);
  llvm::GlobalVariable* ConstantArray(const std::string& name, llvm::Type* elem, std::vector<llvm::Constant*> items);
  // Per table (and per table and column): its constant arrays, made at first use.
  std::map<uint32_t, llvm::GlobalVariable*> table_keys_;
  std::map<std::pair<uint32_t, int64_t>, std::pair<llvm::GlobalVariable*, llvm::GlobalVariable*>> table_columns_;

  const ir::Program& program_;
  llvm::LLVMContext& ctx_;
  llvm::Module& module_;
  llvm::IRBuilder<> b_;

  // Per entry point.
  Plan* plan_ = nullptr;
  llvm::Function* EmitBody(Plan& plan, const StoreFn& store, bool regional, bool precise);
  // Fast body: folds one trap condition into row_trap_ (an i64 whose exponent bits end up
  // non-zero when some trap fired). Float results cost one multiply and an or: r * 0.0 is
  // NaN exactly when r is inf or NaN, and +-0.0 otherwise (no exponent bits).
  void NoteTrap(llvm::Value* int_trapped, llvm::Value* valid, llvm::Value* r) {
    llvm::Value* bits;
    if (int_trapped) {
      bits = b_.CreateSExt(int_trapped, b_.getInt64Ty());
    } else {
      bits = b_.CreateBitCast(b_.CreateFMul(r, llvm::ConstantFP::get(b_.getDoubleTy(), 0.0)), b_.getInt64Ty());
      bits = b_.CreateSelect(valid, bits, b_.getInt64(0));
    }
    trap_notes_[current_] = bits;
  }
  // Ors the trap notes into row_trap_, skipping the traps the analysis (trap_analysis.h)
  // finds covered by a later check.
  void CombineTrapNotes(const std::vector<ir::Instruction>& code) {
    std::vector<bool> checks = ir::FastLoopTrapChecks(code);
    for (size_t i = 0; i < code.size(); ++i) {
      if (checks[i] && trap_notes_[i]) row_trap_ = b_.CreateOr(row_trap_, trap_notes_[i]);
    }
  }
  llvm::Value* row_ = nullptr;
  bool precise_ = true;
  llvm::Value* row_trap_ = nullptr;  // fast body: see NoteTrap
  std::vector<llvm::Value*> trap_notes_;  // per instruction of the fast body, or null
  size_t current_ = 0;                    // the instruction being emitted
  std::vector<llvm::Value*> read_values_, read_valid_, write_values_, write_valid_;
  llvm::Value* variants_ptr_ = nullptr;
  llvm::Value* variant_ = nullptr;  // this row's variant, clamped to the param tables
  llvm::Value* status_ptr_ = nullptr;
  // The TallyStringCalls* of kernel_abi.h, when the code has string ops (else null).
  llvm::Value* strings_ptr_ = nullptr;
  std::map<std::pair<unsigned, uint32_t>, size_t> read_index_;
  llvm::GlobalVariable* ones_ = nullptr;
  llvm::GlobalVariable* zero_variants_ = nullptr;
};

llvm::Type* Emitter::PayloadType(Type t) {
  switch (t) {
    case Type::kBool: return b_.getInt1Ty();
    case Type::kInt: return b_.getInt64Ty();
    case Type::kFloat: return b_.getDoubleTy();
    case Type::kString: return b_.getInt32Ty();
    case Type::kDate: return b_.getInt64Ty();
  }
  return b_.getInt64Ty();
}

llvm::Type* Emitter::StorageType(Type t) {
  return t == Type::kBool ? b_.getInt8Ty() : PayloadType(t);
}

llvm::Value* Emitter::Constant(Type t, int64_t i, double f) {
  switch (t) {
    case Type::kBool: return b_.getInt1(i != 0);
    case Type::kInt:
    case Type::kDate: return b_.getInt64(static_cast<uint64_t>(i));
    case Type::kFloat: return llvm::ConstantFP::get(b_.getDoubleTy(), f);
    case Type::kString: return b_.getInt32(static_cast<uint32_t>(i));
  }
  return nullptr;
}

llvm::GlobalVariable* Emitter::OnesArray() {
  if (!ones_) {
    auto* type = llvm::ArrayType::get(b_.getInt8Ty(), kChunk);
    std::vector<llvm::Constant*> ones(kChunk, b_.getInt8(1));
    ones_ = new llvm::GlobalVariable(module_, type, /*isConstant=*/true,
                                     llvm::GlobalValue::PrivateLinkage,
                                     llvm::ConstantArray::get(type, ones), "all_valid");
    ones_->setAlignment(llvm::Align(64));
  }
  return ones_;
}

llvm::GlobalVariable* Emitter::ZeroVariants() {
  if (!zero_variants_) {
    auto* type = llvm::ArrayType::get(b_.getInt16Ty(), kChunk);
    zero_variants_ = new llvm::GlobalVariable(module_, type, true, llvm::GlobalValue::PrivateLinkage,
                                              llvm::ConstantAggregateZero::get(type),
                                              "global_variant");
    zero_variants_->setAlignment(llvm::Align(64));
  }
  return zero_variants_;
}

llvm::Value* Emitter::CallLibm(const char* name, std::vector<llvm::Value*> args) {
  std::vector<llvm::Type*> params(args.size(), b_.getDoubleTy());
  auto* type = llvm::FunctionType::get(b_.getDoubleTy(), params, false);
  llvm::FunctionCallee callee = module_.getOrInsertFunction(name, type);
  if (auto* f = llvm::dyn_cast<llvm::Function>(callee.getCallee())) {
    // Only errno is written, which nothing reads: lets LLVM hoist and share the calls.
    f->setDoesNotThrow();
    f->setWillReturn();
    f->setDoesNotAccessMemory();
  }
  return b_.CreateCall(callee, args);
}

size_t Emitter::ReadSlot(unsigned array, uint32_t index, Type type, bool with_valid) {
  auto [it, inserted] = read_index_.try_emplace({array, index}, plan_->reads.size());
  if (inserted) {
    plan_->reads.push_back({array, index, type, with_valid, false});
  } else {
    plan_->reads[it->second].with_valid |= with_valid;
  }
  return it->second;
}

Triple Emitter::EmitLeaf(const ir::Instruction& ins) {
  unsigned array = ins.op == Op::kGroupKey ? kArg2 : kArg1;
  size_t slot = read_index_.at({array, SlotIndex(ins)});
  llvm::Value* raw = b_.CreateLoad(
      StorageType(ins.type),
      b_.CreateInBoundsGEP(StorageType(ins.type), read_values_[slot], row_));
  llvm::Value* value = ins.type == Type::kBool ? b_.CreateICmpNE(raw, b_.getInt8(0)) : raw;
  llvm::Value* valid = b_.getTrue();
  if (plan_->reads[slot].with_valid) {
    llvm::Value* byte =
        b_.CreateLoad(b_.getInt8Ty(), b_.CreateInBoundsGEP(b_.getInt8Ty(), read_valid_[slot], row_));
    valid = b_.CreateICmpNE(byte, b_.getInt8(0));
  }
  return {value, valid, NoError()};
}

Triple Emitter::EmitParam(const ir::Instruction& ins) {
  const ir::Param& p = program_.params[ins.index];
  bool is_float = ins.type == Type::kFloat;
  size_t n = is_float ? p.float_values.size() : p.int_values.size();
  bool uniform = true;
  for (size_t v = 1; v < n; ++v) {
    uniform &= is_float ? p.float_values[v] == p.float_values[0] &&
                              std::signbit(p.float_values[v]) == std::signbit(p.float_values[0])
                        : p.int_values[v] == p.int_values[0];
  }
  if (uniform || variant_ == nullptr) {
    return {Constant(ins.type, is_float ? 0 : p.int_values[0], is_float ? p.float_values[0] : 0),
            b_.getTrue(), NoError()};
  }
  // A regional param: a small constant table indexed by the row's variant.
  llvm::Type* elem = StorageType(ins.type);
  std::vector<llvm::Constant*> items;
  for (size_t v = 0; v < program_.variants.size(); ++v) {
    size_t k = v < n ? v : 0;  // ir::Verify allows 1 value (same for every variant) or one per variant
    if (is_float) {
      items.push_back(llvm::ConstantFP::get(elem, p.float_values[k]));
    } else {
      items.push_back(llvm::ConstantInt::get(elem, static_cast<uint64_t>(p.int_values[k])));
    }
  }
  auto* type = llvm::ArrayType::get(elem, items.size());
  auto* table = new llvm::GlobalVariable(module_, type, true, llvm::GlobalValue::PrivateLinkage,
                                         llvm::ConstantArray::get(type, items), "param." + p.name);
  llvm::Value* raw = b_.CreateLoad(elem, b_.CreateInBoundsGEP(type, table, {b_.getInt64(0), variant_}));
  llvm::Value* value = ins.type == Type::kBool ? b_.CreateICmpNE(raw, b_.getInt8(0)) : raw;
  return {value, b_.getTrue(), NoError()};
}

llvm::GlobalVariable* Emitter::ConstantArray(const std::string& name, llvm::Type* elem, std::vector<llvm::Constant*> items) {
  auto* type = llvm::ArrayType::get(elem, items.size());
  return new llvm::GlobalVariable(module_, type, true, llvm::GlobalValue::PrivateLinkage,
                                  llvm::ConstantArray::get(type, items), name);
}

// ir.h's kLookup as a branchless binary search over the table's sorted constant key array,
// then a load from the column's constant arrays: the same row the interpreter's
// lower_bound finds, so the same value. The search's steps depend only on the row count, so
// they unroll here: about log2(rows) compares and selects per lookup.
Triple Emitter::EmitLookup(const ir::Instruction& ins, const Triple& key) {
  const ir::Table& t = program_.tables[ins.index];
  if (t.keys.empty()) return {llvm::Constant::getNullValue(PayloadType(ins.type)), b_.getFalse(), key.error};
  llvm::Type* i64 = b_.getInt64Ty();
  llvm::GlobalVariable*& keys = table_keys_[ins.index];
  if (keys == nullptr) {
    std::vector<llvm::Constant*> items;
    for (int64_t k : t.keys) items.push_back(b_.getInt64(static_cast<uint64_t>(k)));
    keys = ConstantArray("table." + t.name + ".keys", i64, std::move(items));
  }
  auto& [values, valid] = table_columns_[{ins.index, ins.imm_int}];
  const ir::TableColumn& c = t.columns[static_cast<size_t>(ins.imm_int)];
  llvm::Type* elem = StorageType(c.type);
  if (values == nullptr) {
    std::vector<llvm::Constant*> items, flags;
    for (size_t r = 0; r < t.keys.size(); ++r) {
      if (c.type == Type::kFloat) items.push_back(llvm::ConstantFP::get(elem, c.float_values[r]));
      else items.push_back(llvm::ConstantInt::get(elem, static_cast<uint64_t>(c.int_values[r])));
      flags.push_back(b_.getInt8(c.valid[r]));
    }
    values = ConstantArray("table." + t.name + "." + c.name, elem, std::move(items));
    valid = ConstantArray("table." + t.name + "." + c.name + ".valid", b_.getInt8Ty(), std::move(flags));
  }
  llvm::Type* keys_type = keys->getValueType();
  auto key_at = [&](llvm::Value* i) {
    return b_.CreateLoad(i64, b_.CreateInBoundsGEP(keys_type, keys, {b_.getInt64(0), i}));
  };
  // A string's dictionary code is a non-negative i32; ints compare signed.
  llvm::Value* x = t.key_type == Type::kString ? b_.CreateSExt(key.value, i64) : key.value;
  // Invariant: the key, if present, is at a position in [base, base + len).
  llvm::Value* base = b_.getInt64(0);
  for (uint64_t len = t.keys.size(); len > 1;) {
    uint64_t half = len / 2;
    llvm::Value* probe = b_.CreateAdd(base, b_.getInt64(half));
    base = b_.CreateSelect(b_.CreateICmpSLE(key_at(probe), x), probe, base);
    len -= half;
  }
  llvm::Value* found = b_.CreateICmpEQ(key_at(base), x);
  llvm::Value* raw = b_.CreateLoad(elem, b_.CreateInBoundsGEP(values->getValueType(), values, {b_.getInt64(0), base}));
  llvm::Value* value = c.type == Type::kBool ? b_.CreateICmpNE(raw, b_.getInt8(0)) : raw;
  llvm::Value* flag = b_.CreateLoad(b_.getInt8Ty(), b_.CreateInBoundsGEP(valid->getValueType(), valid, {b_.getInt64(0), base}));
  llvm::Value* is_valid = b_.CreateAnd(b_.CreateAnd(key.valid, found), b_.CreateICmpNE(flag, b_.getInt8(0)));
  return {value, is_valid, key.error};
}

// ir.h's string ops: a call through the TallyStringCalls of kernel_abi.h, made only when
// every operand is valid (as the interpreter does), with the operand payloads widened to
// i64 (string codes sign-extended; they are non-negative) and unused operands 0.
Triple Emitter::EmitStringCall(const ir::Instruction& ins, const std::vector<Triple>& a, llvm::Value* all_valid,
                               llvm::Value* error) {
  llvm::Type* i64 = b_.getInt64Ty();
  llvm::Type* ptr = b_.getPtrTy();
  std::vector<llvm::Value*> operand(3, b_.getInt64(0));
  for (size_t i = 0; i < a.size() && i < 3; ++i) {
    llvm::Value* v = a[i].value;
    operand[i] = v->getType()->isIntegerTy(64) ? v : b_.CreateSExt(v, i64);
  }
  llvm::BasicBlock* before = b_.GetInsertBlock();
  llvm::Function* fn = before->getParent();
  auto* call_block = llvm::BasicBlock::Create(ctx_, "string_call", fn);
  auto* join = llvm::BasicBlock::Create(ctx_, "string_done", fn);
  b_.CreateCondBr(all_valid, call_block, join);
  b_.SetInsertPoint(call_block);
  auto* calls_type = llvm::StructType::get(ptr, ptr);
  llvm::Value* self = b_.CreateLoad(ptr, b_.CreateStructGEP(calls_type, strings_ptr_, 0));
  llvm::Value* callee = b_.CreateLoad(ptr, b_.CreateStructGEP(calls_type, strings_ptr_, 1));
  auto* fn_type = llvm::FunctionType::get(i64, {ptr, b_.getInt32Ty(), i64, i64, i64}, false);
  llvm::CallInst* r = b_.CreateCall(
      fn_type, callee, {self, b_.getInt32(static_cast<uint32_t>(ins.op)), operand[0], operand[1], operand[2]});
  r->addFnAttr(llvm::Attribute::NoUnwind);
  b_.CreateBr(join);
  b_.SetInsertPoint(join);
  llvm::PHINode* result = b_.CreatePHI(i64, 2);
  result->addIncoming(r, call_block);
  result->addIncoming(b_.getInt64(0), before);
  llvm::Value* value = result;
  if (ins.type == Type::kString) value = b_.CreateTrunc(result, b_.getInt32Ty());
  if (ins.type == Type::kBool) value = b_.CreateICmpNE(result, b_.getInt64(0));
  return {value, all_valid, error};
}

Triple Emitter::EmitInstruction(const ir::Instruction& ins, const std::vector<Triple>& values) {
  std::vector<Triple> a;
  for (ir::ValueId id : ins.args) a.push_back(values[id]);
  // Strict ops: null if any operand is null; error is the least of the operands' errors,
  // or of the op's own trap when it fires on valid operands.
  llvm::Value* all_valid = b_.getTrue();
  llvm::Value* error = NoError();
  for (const Triple& t : a) {
    all_valid = b_.CreateAnd(all_valid, t.valid);
    error = MinError(error, t.error);
  }
  // A trap on valid operands raises the op's trap id and, like the interpreter, makes the
  // payload 0 (it can still steer a select whose condition compares it).
  struct Trapped { llvm::Value* value; llvm::Value* error; };
  auto trap_if = [&](llvm::Value* fired, llvm::Value* valid, llvm::Value* r) {
    llvm::Value* trapped = b_.CreateAnd(valid, fired);
    if (!precise_) {  // only note that the chunk needs the precise loop
      NoteTrap(r->getType()->isDoubleTy() ? nullptr : trapped, valid, r);
      return Trapped{r, error};
    }
    llvm::Value* raised = b_.CreateSelect(trapped, b_.getInt32(ins.trap), NoError());
    return Trapped{b_.CreateSelect(trapped, llvm::Constant::getNullValue(r->getType()), r), MinError(error, raised)};
  };
  const bool is_float = ins.type == Type::kFloat;
  auto x = [&](size_t i) { return a[i].value; };
  llvm::Type* f64 = b_.getDoubleTy();

  switch (ins.op) {
    case Op::kConstant:
      if (ins.is_null_constant) return {llvm::Constant::getNullValue(PayloadType(ins.type)), b_.getFalse(), NoError()};
      return {Constant(ins.type, ins.type == Type::kString ? ins.index : ins.imm_int, ins.imm_float),
              b_.getTrue(), NoError()};
    case Op::kInput:
    case Op::kAggregate:
    case Op::kGroupKey:
    case Op::kWindow:
      return EmitLeaf(ins);
    case Op::kParam:
      return EmitParam(ins);

    case Op::kAdd:
    case Op::kSub:
    case Op::kMul: {
      if (is_float) {
        llvm::Value* r = ins.op == Op::kAdd   ? b_.CreateFAdd(x(0), x(1))
                         : ins.op == Op::kSub ? b_.CreateFSub(x(0), x(1))
                                              : b_.CreateFMul(x(0), x(1));
        Trapped t = trap_if(IsNonFinite(r), all_valid, r);
        return {t.value, all_valid, t.error};
      }
      if (ins.op == Op::kMul) {
        llvm::Value* s = b_.CreateBinaryIntrinsic(llvm::Intrinsic::smul_with_overflow, x(0), x(1));
        Trapped t = trap_if(b_.CreateExtractValue(s, 1), all_valid, b_.CreateExtractValue(s, 0));
        return {t.value, all_valid, t.error};
      }
      // Overflow by sign bits rather than *.with.overflow, which the loop vectorizer skips.
      llvm::Value* r = ins.op == Op::kAdd ? b_.CreateAdd(x(0), x(1)) : b_.CreateSub(x(0), x(1));
      llvm::Value* bits = ins.op == Op::kAdd
                              ? b_.CreateAnd(b_.CreateXor(x(0), r), b_.CreateXor(x(1), r))
                              : b_.CreateAnd(b_.CreateXor(x(0), x(1)), b_.CreateXor(x(0), r));
      Trapped t = trap_if(b_.CreateICmpSLT(bits, b_.getInt64(0)), all_valid, r);
      return {t.value, all_valid, t.error};
    }
    case Op::kDiv: {
      llvm::Value* zero = b_.CreateFCmpOEQ(x(1), llvm::ConstantFP::get(f64, 0.0));
      llvm::Value* valid = b_.CreateAnd(all_valid, b_.CreateNot(zero));
      llvm::Value* divisor = b_.CreateSelect(zero, llvm::ConstantFP::get(f64, 1.0), x(1));
      llvm::Value* q = b_.CreateFDiv(x(0), divisor);
      Trapped t = trap_if(IsNonFinite(q), valid, q);
      return {t.value, valid, t.error};
    }
    case Op::kMod: {
      if (is_float) {
        llvm::Value* zero = b_.CreateFCmpOEQ(x(1), llvm::ConstantFP::get(f64, 0.0));
        llvm::Value* divisor = b_.CreateSelect(zero, llvm::ConstantFP::get(f64, 1.0), x(1));
        return {b_.CreateFRem(x(0), divisor), b_.CreateAnd(all_valid, b_.CreateNot(zero)), error};
      }
      llvm::Value* zero = b_.CreateICmpEQ(x(1), b_.getInt64(0));
      llvm::Value* minus_one = b_.CreateICmpEQ(x(1), b_.getInt64(static_cast<uint64_t>(-1)));
      // x % -1 is 0 for every x; dividing by 1 instead keeps INT64_MIN % -1 from trapping.
      llvm::Value* divisor = b_.CreateSelect(b_.CreateOr(zero, minus_one), b_.getInt64(1), x(1));
      llvm::Value* r = b_.CreateSelect(minus_one, b_.getInt64(0), b_.CreateSRem(x(0), divisor));
      return {r, b_.CreateAnd(all_valid, b_.CreateNot(zero)), error};
    }
    case Op::kNeg:
      if (is_float) return {b_.CreateFNeg(x(0)), all_valid, error};
    {
      Trapped t = trap_if(b_.CreateICmpEQ(x(0), b_.getInt64(static_cast<uint64_t>(INT64_MIN))), all_valid,
                          b_.CreateSub(b_.getInt64(0), x(0)));
      return {t.value, all_valid, t.error};
    }
    case Op::kIntToFloat:
      return {b_.CreateSIToFP(x(0), f64), all_valid, error};

    case Op::kEq: case Op::kNe: case Op::kLt: case Op::kLe: case Op::kGt: case Op::kGe: {
      llvm::Value* r = nullptr;
      if (a[0].value->getType()->isDoubleTy()) {
        // As C++ compares doubles: != is the unordered predicate, the others ordered.
        switch (ins.op) {
          case Op::kEq: r = b_.CreateFCmpOEQ(x(0), x(1)); break;
          case Op::kNe: r = b_.CreateFCmpUNE(x(0), x(1)); break;
          case Op::kLt: r = b_.CreateFCmpOLT(x(0), x(1)); break;
          case Op::kLe: r = b_.CreateFCmpOLE(x(0), x(1)); break;
          case Op::kGt: r = b_.CreateFCmpOGT(x(0), x(1)); break;
          default: r = b_.CreateFCmpOGE(x(0), x(1)); break;
        }
      } else {
        // ints and string codes signed (as the interpreter compares them, widened to int64);
        // bools unsigned, so false < true.
        bool is_signed = !a[0].value->getType()->isIntegerTy(1);
        switch (ins.op) {
          case Op::kEq: r = b_.CreateICmpEQ(x(0), x(1)); break;
          case Op::kNe: r = b_.CreateICmpNE(x(0), x(1)); break;
          case Op::kLt: r = is_signed ? b_.CreateICmpSLT(x(0), x(1)) : b_.CreateICmpULT(x(0), x(1)); break;
          case Op::kLe: r = is_signed ? b_.CreateICmpSLE(x(0), x(1)) : b_.CreateICmpULE(x(0), x(1)); break;
          case Op::kGt: r = is_signed ? b_.CreateICmpSGT(x(0), x(1)) : b_.CreateICmpUGT(x(0), x(1)); break;
          default: r = is_signed ? b_.CreateICmpSGE(x(0), x(1)) : b_.CreateICmpUGE(x(0), x(1)); break;
        }
      }
      return {r, all_valid, error};
    }

    case Op::kAnd:
    case Op::kOr: {
      // Kleene: a valid false (and) / valid true (or) decides alone; else null propagates.
      bool is_and = ins.op == Op::kAnd;
      llvm::Value* decides0 = b_.CreateAnd(a[0].valid, is_and ? b_.CreateNot(x(0)) : x(0));
      llvm::Value* decides1 = b_.CreateAnd(a[1].valid, is_and ? b_.CreateNot(x(1)) : x(1));
      llvm::Value* decided = b_.CreateOr(decides0, decides1);
      llvm::Value* valid = b_.CreateOr(all_valid, decided);
      llvm::Value* r = is_and ? b_.CreateNot(decided) : decided;
      // When undecided and valid, both operands are valid: the result is a AND/OR b.
      r = b_.CreateSelect(decided, r, is_and ? b_.CreateAnd(x(0), x(1)) : b_.CreateOr(x(0), x(1)));
      return {r, valid, error};
    }
    case Op::kNot:
      return {b_.CreateNot(x(0)), all_valid, error};

    case Op::kSelect: {
      llvm::Value* take_then = b_.CreateAnd(a[0].valid, x(0));  // a null condition takes `else`
      return {b_.CreateSelect(take_then, x(1), x(2)), b_.CreateSelect(take_then, a[1].valid, a[2].valid),
              MinError(a[0].error, b_.CreateSelect(take_then, a[1].error, a[2].error))};
    }
    case Op::kCoalesce: {
      // From the last operand back: operand i wins when valid; otherwise the rest decides.
      Triple r = a.back();
      for (size_t i = a.size() - 1; i-- > 0;) {
        r = {b_.CreateSelect(a[i].valid, a[i].value, r.value), b_.CreateOr(a[i].valid, r.valid),
             MinError(a[i].error, b_.CreateSelect(a[i].valid, NoError(), r.error))};
      }
      return r;
    }
    case Op::kIsNull:
      return {b_.CreateNot(a[0].valid), b_.getTrue(), a[0].error};

    case Op::kMin:
    case Op::kMax: {
      // std::min(a, b) = b < a ? b : a; std::max(a, b) = a < b ? b : a (keeps the sign of
      // zero exactly as the interpreter's std::min/std::max do).
      llvm::Value* lhs = ins.op == Op::kMin ? x(1) : x(0);
      llvm::Value* rhs = ins.op == Op::kMin ? x(0) : x(1);
      llvm::Value* less = is_float ? b_.CreateFCmpOLT(lhs, rhs) : b_.CreateICmpSLT(lhs, rhs);
      return {b_.CreateSelect(less, x(1), x(0)), all_valid, error};
    }
    case Op::kAbs:
      if (is_float) return {b_.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, x(0)), all_valid, error};
    {
      llvm::Value* r = b_.CreateSelect(b_.CreateICmpSLT(x(0), b_.getInt64(0)), b_.CreateSub(b_.getInt64(0), x(0)), x(0));
      Trapped t = trap_if(b_.CreateICmpEQ(x(0), b_.getInt64(static_cast<uint64_t>(INT64_MIN))), all_valid, r);
      return {t.value, all_valid, t.error};
    }
    case Op::kRound: {
      if (!is_float) return {x(0), all_valid, error};
      int64_t digits = std::clamp<int64_t>(ins.imm_int, 0, 15);
      double scale = 1.0;
      for (int64_t i = 0; i < digits; ++i) scale *= 10.0;  // exact up to 1e15
      llvm::Value* scaled = b_.CreateFMul(x(0), llvm::ConstantFP::get(f64, scale));
      llvm::Value* rounded = b_.CreateFDiv(b_.CreateUnaryIntrinsic(llvm::Intrinsic::round, scaled),
                                           llvm::ConstantFP::get(f64, scale));
      llvm::Value* big = b_.CreateFCmpOGE(b_.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, x(0)),
                                          llvm::ConstantFP::get(f64, 4503599627370496.0));  // 2^52
      return {b_.CreateSelect(big, x(0), rounded), all_valid, error};
    }
    case Op::kFloor:
    case Op::kCeil:
      if (!is_float) return {x(0), all_valid, error};
      return {b_.CreateUnaryIntrinsic(ins.op == Op::kFloor ? llvm::Intrinsic::floor : llvm::Intrinsic::ceil, x(0)),
              all_valid, error};
    case Op::kSqrt: {
      llvm::Value* negative = b_.CreateFCmpOLT(x(0), llvm::ConstantFP::get(f64, 0.0));
      return {b_.CreateUnaryIntrinsic(llvm::Intrinsic::sqrt, x(0)),
              b_.CreateAnd(all_valid, b_.CreateNot(negative)), error};
    }
    case Op::kLn: {
      llvm::Value* non_positive = b_.CreateFCmpOLE(x(0), llvm::ConstantFP::get(f64, 0.0));
      return {CallLibm(kLogSymbol, {x(0)}), b_.CreateAnd(all_valid, b_.CreateNot(non_positive)), error};
    }
    case Op::kExp:
    case Op::kPow: {
      llvm::Value* r = ins.op == Op::kExp ? CallLibm(kExpSymbol, {x(0)}) : CallLibm(kPowSymbol, {x(0), x(1)});
      return {r, b_.CreateAnd(all_valid, b_.CreateNot(IsNonFinite(r))), error};
    }
    case Op::kSigmoid: {
      llvm::Value* e = CallLibm(kExpSymbol, {b_.CreateFNeg(x(0))});
      llvm::Value* one = llvm::ConstantFP::get(f64, 1.0);
      return {b_.CreateFDiv(one, b_.CreateFAdd(one, e)), all_valid, error};
    }
    case Op::kSign: {
      // Comparisons, not copysign: sign(-0.0) is +0.0 like sign(0.0).
      if (!is_float) {
        llvm::Value* positive = b_.CreateZExt(b_.CreateICmpSGT(x(0), b_.getInt64(0)), b_.getInt64Ty());
        llvm::Value* negative = b_.CreateZExt(b_.CreateICmpSLT(x(0), b_.getInt64(0)), b_.getInt64Ty());
        return {b_.CreateSub(positive, negative), all_valid, error};
      }
      llvm::Value* zero = llvm::ConstantFP::get(f64, 0.0);
      llvm::Value* below = b_.CreateSelect(b_.CreateFCmpOLT(x(0), zero), llvm::ConstantFP::get(f64, -1.0), zero);
      return {b_.CreateSelect(b_.CreateFCmpOGT(x(0), zero), llvm::ConstantFP::get(f64, 1.0), below), all_valid, error};
    }
    case Op::kLookup:
      return EmitLookup(ins, a[0]);
    case Op::kLower:
    case Op::kUpper:
    case Op::kTrim:
    case Op::kLength:
    case Op::kStartsWith:
    case Op::kEndsWith:
    case Op::kContains:
    case Op::kSubstr:
    case Op::kConcat:
      return EmitStringCall(ins, a, all_valid, error);

    case Op::kDaysBetween:
      return {b_.CreateSub(x(1), x(0)), all_valid, error};
    case Op::kAddDays: {
      llvm::Value* r = b_.CreateAdd(x(0), x(1));
      llvm::Value* overflow = b_.CreateICmpSLT(b_.CreateAnd(b_.CreateXor(x(0), r), b_.CreateXor(x(1), r)), b_.getInt64(0));
      llvm::Value* outside = b_.CreateOr(b_.CreateICmpSLT(r, b_.getInt64(static_cast<uint64_t>(dates::kMinDay))),
                                         b_.CreateICmpSGT(r, b_.getInt64(static_cast<uint64_t>(dates::kMaxDay))));
      Trapped t = trap_if(b_.CreateOr(overflow, outside), all_valid, r);
      return {t.value, all_valid, t.error};
    }
    case Op::kYear:
      return {EmitCivilFromDays(b_, x(0)).year, all_valid, error};
    case Op::kQuarter:
      return {b_.CreateSDiv(b_.CreateAdd(EmitCivilFromDays(b_, x(0)).month, b_.getInt64(2)), b_.getInt64(3)),
              all_valid, error};
    case Op::kMonth:
      return {EmitCivilFromDays(b_, x(0)).month, all_valid, error};
    case Op::kDay:
      return {EmitCivilFromDays(b_, x(0)).day, all_valid, error};
    case Op::kDayOfWeek:
      return {EmitDayOfWeek(b_, x(0)), all_valid, error};
    case Op::kTruncMonth:
    case Op::kTruncQuarter:
    case Op::kTruncYear: {
      CivilValues c = EmitCivilFromDays(b_, x(0));
      llvm::Value* month = c.month;
      if (ins.op == Op::kTruncYear) month = b_.getInt64(1);
      if (ins.op == Op::kTruncQuarter) {
        month = b_.CreateAdd(
            b_.CreateMul(b_.CreateSDiv(b_.CreateSub(c.month, b_.getInt64(1)), b_.getInt64(3)), b_.getInt64(3)),
            b_.getInt64(1));
      }
      return {EmitDaysFromCivil(b_, c.year, month, b_.getInt64(1)), all_valid, error};
    }
    case Op::kFloatToInt: {
      // Out-of-range fptosi is poison: convert a safe 0.0 instead, and trap.
      llvm::Value* in_range = b_.CreateAnd(b_.CreateFCmpOGE(x(0), llvm::ConstantFP::get(f64, -9223372036854775808.0)),
                                           b_.CreateFCmpOLT(x(0), llvm::ConstantFP::get(f64, 9223372036854775808.0)));
      llvm::Value* safe = b_.CreateSelect(in_range, x(0), llvm::ConstantFP::get(f64, 0.0));
      Trapped t = trap_if(b_.CreateNot(in_range), all_valid, b_.CreateFPToSI(safe, b_.getInt64Ty()));
      return {t.value, all_valid, t.error};
    }
  }
  return {llvm::UndefValue::get(PayloadType(ins.type)), b_.getFalse(), NoError()};
}

llvm::Value* Emitter::RequireStatus(llvm::Value* otherwise, const std::vector<Triple>& values) {
  // Requires in order: the first that carries an error or is valid and false decides.
  llvm::Value* status = otherwise;
  for (size_t i = program_.requirements.size(); i-- > 0;) {
    const ir::Require& req = program_.requirements[i];
    const Triple& c = values[req.condition];
    llvm::Value* failed = b_.CreateAnd(c.valid, b_.CreateNot(c.value));
    status = b_.CreateSelect(failed, b_.getInt32(req.reason + 1), status);
    status = b_.CreateSelect(b_.CreateICmpNE(c.error, NoError()), ErrorToStatus(c.error), status);
  }
  return status;
}

void Emitter::StoreColumn(size_t write_slot, const Triple& v, bool float_plus_zero) {
  const Slot& slot = plan_->writes[write_slot];
  // A null is written with payload 0 (as the interpreter does), so outputs compare bytewise.
  llvm::Value* value = b_.CreateSelect(v.valid, v.value, llvm::Constant::getNullValue(v.value->getType()));
  if (slot.type == Type::kBool) value = b_.CreateZExt(value, b_.getInt8Ty());
  // -0.0 + 0.0 = +0.0: outputs never show a negative zero.
  if (slot.type == Type::kFloat && float_plus_zero) {
    value = b_.CreateFAdd(value, llvm::ConstantFP::get(b_.getDoubleTy(), 0.0));
  }
  llvm::Type* elem = StorageType(slot.type);
  b_.CreateStore(value, b_.CreateInBoundsGEP(elem, write_values_[write_slot], row_));
  b_.CreateStore(b_.CreateZExt(v.valid, b_.getInt8Ty()),
                 b_.CreateInBoundsGEP(b_.getInt8Ty(), write_valid_[write_slot], row_));
}

// One loop over `n` rows, every column a noalias pointer, so that after inlining LLVM knows
// no store can change a loaded column. Two versions: the fast one tracks no error values,
// only whether any trap fired in the chunk (it returns that); the precise one tracks every
// error exactly. When no trap fires, both compute the same bytes (errors are all kNoError
// and payloads are never zeroed), so the precise loop runs only for chunks with a trap.
llvm::Function* Emitter::EmitBody(Plan& plan, const StoreFn& store, bool regional, bool precise) {
  const auto& code = *plan.code;
  std::vector<llvm::Type*> params{b_.getInt64Ty()};
  for (size_t i = 0; i < 2 * (plan.reads.size() + plan.writes.size()); ++i) params.push_back(b_.getPtrTy());
  params.push_back(b_.getPtrTy());  // status
  if (regional) params.push_back(b_.getPtrTy());  // variants
  const bool strings = ir::UsesStringCalls(code);
  if (strings) params.push_back(b_.getPtrTy());  // TallyStringCalls*
  auto* type = llvm::FunctionType::get(precise ? b_.getVoidTy() : b_.getInt1Ty(), params, false);
  auto* body = llvm::Function::Create(type, llvm::GlobalValue::InternalLinkage,
                                      std::string(plan.name) + (precise ? ".precise" : ".fast"), module_);
  body->addFnAttr(llvm::Attribute::NoUnwind);
  body->addFnAttr(precise ? llvm::Attribute::NoInline : llvm::Attribute::AlwaysInline);
  if (precise) body->addFnAttr(llvm::Attribute::Cold);
  // Not the string helper's pointer: the helper it points to writes memory of its own.
  for (unsigned i = 1; i < body->arg_size() - (strings ? 1 : 0); ++i) body->addParamAttr(i, llvm::Attribute::NoAlias);

  auto* entry = llvm::BasicBlock::Create(ctx_, "entry", body);
  auto* loop = llvm::BasicBlock::Create(ctx_, "row", body);
  auto* exit = llvm::BasicBlock::Create(ctx_, "done", body);
  b_.SetInsertPoint(entry);
  unsigned arg = 1;
  read_values_.clear(); read_valid_.clear(); write_values_.clear(); write_valid_.clear();
  for (size_t i = 0; i < plan.reads.size(); ++i) {
    read_values_.push_back(body->getArg(arg++));
    read_valid_.push_back(body->getArg(arg++));
  }
  for (size_t i = 0; i < plan.writes.size(); ++i) {
    write_values_.push_back(body->getArg(arg++));
    write_valid_.push_back(body->getArg(arg++));
  }
  status_ptr_ = body->getArg(arg++);
  variants_ptr_ = regional ? body->getArg(arg++) : nullptr;
  strings_ptr_ = strings ? body->getArg(arg++) : nullptr;
  llvm::Value* n = body->getArg(0);
  b_.CreateCondBr(b_.CreateICmpSGT(n, b_.getInt64(0)), loop, exit);

  b_.SetInsertPoint(loop);
  llvm::PHINode* row = b_.CreatePHI(b_.getInt64Ty(), 2, "r");
  row->addIncoming(b_.getInt64(0), entry);
  llvm::PHINode* any_trap = nullptr;
  if (!precise) {
    any_trap = b_.CreatePHI(b_.getInt64Ty(), 2, "any_trap");
    any_trap->addIncoming(b_.getInt64(0), entry);
  }
  row_ = row;
  precise_ = precise;
  row_trap_ = b_.getInt64(0);
  variant_ = nullptr;
  if (regional) {
    llvm::Value* v = b_.CreateZExt(
        b_.CreateLoad(b_.getInt16Ty(), b_.CreateInBoundsGEP(b_.getInt16Ty(), variants_ptr_, row_)),
        b_.getInt64Ty());
    // An unknown variant reads the global values rather than memory past the table.
    llvm::Value* known = b_.CreateICmpULT(v, b_.getInt64(program_.variants.size()));
    variant_ = b_.CreateSelect(known, v, b_.getInt64(0));
  }
  std::vector<Triple> values;
  values.reserve(code.size());
  trap_notes_.assign(code.size(), nullptr);
  for (current_ = 0; current_ < code.size(); ++current_) values.push_back(EmitInstruction(code[current_], values));
  if (!precise) CombineTrapNotes(code);
  store(*this, values);
  llvm::Value* next = b_.CreateAdd(row, b_.getInt64(1), "", /*HasNUW=*/true, /*HasNSW=*/true);
  row->addIncoming(next, b_.GetInsertBlock());
  llvm::Value* trap_so_far = nullptr;
  if (!precise) {
    trap_so_far = b_.CreateOr(any_trap, row_trap_);
    any_trap->addIncoming(trap_so_far, b_.GetInsertBlock());
  }
  llvm::BasicBlock* last = b_.GetInsertBlock();
  llvm::BranchInst* latch = b_.CreateCondBr(b_.CreateICmpSLT(next, n), loop, exit);
  if (precise) {
    // The precise loop is cold: keep it scalar and small, which also halves compile time.
    llvm::MDNode* self = llvm::MDNode::getDistinct(ctx_, {nullptr});
    llvm::MDNode* no_vectorize = llvm::MDNode::get(
        ctx_, {llvm::MDString::get(ctx_, "llvm.loop.vectorize.enable"),
               llvm::ConstantAsMetadata::get(b_.getFalse())});
    llvm::MDNode* no_unroll = llvm::MDNode::get(ctx_, {llvm::MDString::get(ctx_, "llvm.loop.unroll.disable")});
    llvm::MDNode* id = llvm::MDNode::getDistinct(ctx_, {self, no_vectorize, no_unroll});
    id->replaceOperandWith(0, id);
    latch->setMetadata(llvm::LLVMContext::MD_loop, id);
  }
  b_.SetInsertPoint(exit);
  if (precise) {
    b_.CreateRetVoid();
  } else {
    llvm::PHINode* result = b_.CreatePHI(b_.getInt64Ty(), 2);
    result->addIncoming(b_.getInt64(0), entry);
    result->addIncoming(trap_so_far, last);
    llvm::Value* exponent = b_.CreateAnd(result, b_.getInt64(0x7ff0000000000000ULL));
    b_.CreateRet(b_.CreateICmpNE(exponent, b_.getInt64(0)));
  }
  precise_ = true;
  return body;
}

Status Emitter::EmitEntry(Plan plan, const StoreFn& store) {
  plan_ = &plan;
  read_index_.clear();
  const auto& code = *plan.code;
  const bool regional = plan.has_variants && program_.variants.size() > 1;
  for (const ir::Instruction& ins : code) {
    // Validity is read only where a null can be: a non-nullable column's `valid` array, when
    // given, is all ones (the runtime rejects a row with a missing required value first).
    if (ins.op == Op::kInput) {
      ReadSlot(kArg1, ins.index, ins.type, program_.inputs[ins.index].nullable || ins.nullable);
    } else if (ins.op == Op::kWindow) {
      ReadSlot(kArg1, SlotIndex(ins), ins.type, ins.nullable);
    } else if (ins.op == Op::kAggregate) {
      ReadSlot(kArg1, ins.index, ins.type, program_.aggregates[ins.index].nullable || ins.nullable);
    } else if (ins.op == Op::kGroupKey) {
      ReadSlot(kArg2, ins.index, ins.type, program_.inputs[program_.group_keys[ins.index]].nullable || ins.nullable);
    }
  }
  llvm::Function* fast = EmitBody(plan, store, regional, /*precise=*/false);
  llvm::Function* precise = EmitBody(plan, store, regional, /*precise=*/true);

  // The entry point: loads the column pointers once, then runs the body chunk by chunk.
  llvm::Type* i64 = b_.getInt64Ty();
  llvm::Type* ptr = b_.getPtrTy();
  auto* fn_type = llvm::FunctionType::get(b_.getVoidTy(), {i64, ptr, ptr, ptr, ptr}, false);
  auto* fn = llvm::Function::Create(fn_type, llvm::GlobalValue::ExternalLinkage, plan.name, module_);
  fn->addFnAttr(llvm::Attribute::NoUnwind);
  auto* entry = llvm::BasicBlock::Create(ctx_, "entry", fn);
  auto* chunk = llvm::BasicBlock::Create(ctx_, "chunk", fn);
  auto* exit = llvm::BasicBlock::Create(ctx_, "done", fn);
  b_.SetInsertPoint(entry);
  auto* view_type = llvm::StructType::get(ptr, ptr);
  struct Base { llvm::Value* values; llvm::Value* valid; };
  auto load_bases = [&](const std::vector<Slot>& slots) {
    std::vector<Base> bases;
    for (const Slot& s : slots) {
      llvm::Value* view = b_.CreateInBoundsGEP(view_type, fn->getArg(s.array), b_.getInt64(s.index));
      Base base{b_.CreateLoad(ptr, b_.CreateStructGEP(view_type, view, 0)), nullptr};
      if (s.with_valid || s.write) base.valid = b_.CreateLoad(ptr, b_.CreateStructGEP(view_type, view, 1));
      bases.push_back(base);
    }
    return bases;
  };
  std::vector<Base> read_bases = load_bases(plan.reads);
  std::vector<Base> write_bases = load_bases(plan.writes);
  // The string helper: `values` of the view one past the inputs and window values (score,
  // row kernel) or the group keys (finalize), kernel_abi.h.
  llvm::Value* strings = nullptr;
  if (ir::UsesStringCalls(code)) {
    const bool finalize = &code == &program_.post_code;
    unsigned array = finalize ? kArg2 : kArg1;
    uint64_t index = finalize ? program_.group_keys.size() : program_.inputs.size() + program_.window_values.size();
    llvm::Value* view = b_.CreateInBoundsGEP(view_type, fn->getArg(array), b_.getInt64(index));
    strings = b_.CreateLoad(ptr, b_.CreateStructGEP(view_type, view, 0));
  }
  llvm::Value* rows = fn->getArg(kRowsArg);
  b_.CreateCondBr(b_.CreateICmpSGT(rows, b_.getInt64(0)), chunk, exit);

  b_.SetInsertPoint(chunk);
  llvm::PHINode* start = b_.CreatePHI(i64, 2, "start");
  start->addIncoming(b_.getInt64(0), entry);
  llvm::Value* n = b_.CreateBinaryIntrinsic(llvm::Intrinsic::smin, b_.CreateSub(rows, start), b_.getInt64(kChunk));
  // The fast loop gets a multiple of 16 rows, so its vector loop needs no scalar remainder
  // (less code to compile); the last few rows of a batch go to the precise loop.
  llvm::Value* n_fast = b_.CreateAnd(n, b_.getInt64(~int64_t{15}));
  auto args_at = [&](llvm::Value* first, llvm::Value* count) {
    std::vector<llvm::Value*> call_args{count};
    auto offset = [&](llvm::Type* elem, llvm::Value* p) { return b_.CreateInBoundsGEP(elem, p, first); };
    for (size_t i = 0; i < plan.reads.size(); ++i) {
      call_args.push_back(offset(StorageType(plan.reads[i].type), read_bases[i].values));
      if (plan.reads[i].with_valid) {
        llvm::Value* v = read_bases[i].valid;
        call_args.push_back(b_.CreateSelect(b_.CreateIsNull(v), OnesArray(), offset(b_.getInt8Ty(), v)));
      } else {
        call_args.push_back(OnesArray());  // never read
      }
    }
    for (size_t i = 0; i < plan.writes.size(); ++i) {
      call_args.push_back(offset(StorageType(plan.writes[i].type), write_bases[i].values));
      call_args.push_back(offset(b_.getInt8Ty(), write_bases[i].valid));
    }
    call_args.push_back(offset(b_.getInt32Ty(), fn->getArg(kStatusArg)));
    if (regional) {
      llvm::Value* v = fn->getArg(kArg2);
      call_args.push_back(b_.CreateSelect(b_.CreateIsNull(v), ZeroVariants(), offset(b_.getInt16Ty(), v)));
    }
    if (strings) call_args.push_back(strings);
    return call_args;
  };
  std::vector<llvm::Value*> call_args = args_at(start, n_fast);
  llvm::Value* trapped = b_.CreateCall(fast, call_args);
  auto* redo = llvm::BasicBlock::Create(ctx_, "precise", fn);
  auto* check_tail = llvm::BasicBlock::Create(ctx_, "check_tail", fn);
  auto* tail = llvm::BasicBlock::Create(ctx_, "tail", fn);
  auto* advance = llvm::BasicBlock::Create(ctx_, "next", fn);
  b_.CreateCondBr(trapped, redo, check_tail,
                  llvm::MDBuilder(ctx_).createBranchWeights(1, 1000));  // traps are rare
  b_.SetInsertPoint(redo);
  b_.CreateCall(precise, call_args);
  b_.CreateBr(check_tail);
  b_.SetInsertPoint(check_tail);
  b_.CreateCondBr(b_.CreateICmpSLT(n_fast, n), tail, advance);
  b_.SetInsertPoint(tail);
  b_.CreateCall(precise, args_at(b_.CreateAdd(start, n_fast), b_.CreateSub(n, n_fast)));
  b_.CreateBr(advance);
  b_.SetInsertPoint(advance);
  llvm::Value* next = b_.CreateAdd(start, b_.getInt64(kChunk), "", true, true);
  start->addIncoming(next, advance);
  b_.CreateCondBr(b_.CreateICmpSLT(next, rows), chunk, exit);
  b_.SetInsertPoint(exit);
  b_.CreateRetVoid();
  plan_ = nullptr;
  return Status::Ok();
}

// Stores `values` into output columns 0, 1, ... (+0.0 included, as the interpreter writes
// every float column) and returns the first error among them.
llvm::Value* StoreValues(Emitter& em, const std::vector<ir::ValueId>& values, const std::vector<Triple>& v) {
  llvm::Value* error = em.NoError();
  for (size_t k = 0; k < values.size(); ++k) {
    const Triple& t = v[values[k]];
    em.StoreColumn(k, t, true);
    error = em.MinError(error, t.error);
  }
  return error;
}

}  // namespace

Result<std::unique_ptr<llvm::Module>> EmitKernelModule(const ir::Program& program, const std::string& key,
                                                       llvm::LLVMContext& context) {
  if (Status s = ir::Verify(program); !s.ok()) return Error{s.message()};
  auto module = std::make_unique<llvm::Module>("tally." + program.name, context);
  // What the object is compiled from, readable by both linkers (backend.h). An exported
  // constant: it lands in .rodata, and no optimizer pass may drop it.
  llvm::Constant* key_bytes = llvm::ConstantDataArray::getString(context, key, /*AddNull=*/false);
  new llvm::GlobalVariable(*module, key_bytes->getType(), /*isConstant=*/true, llvm::GlobalValue::ExternalLinkage,
                           key_bytes, kKernelKeySymbol);
  Emitter e(program, context, *module);
  std::vector<ir::ValueId> output_values;
  for (const ir::Output& o : program.outputs) output_values.push_back(o.value);

  if (program.kind == ir::Program::Kind::kScore) {
    Emitter::Plan plan{kScoreSymbol, &program.row_code, true, {}, {}};
    for (uint32_t k = 0; k < program.outputs.size(); ++k) {
      plan.writes.push_back({kArg3, k, program.outputs[k].type, true, true});
    }
    Status s = e.EmitEntry(std::move(plan), [&](Emitter& em, const std::vector<Triple>& v) {
      em.StoreStatus(em.RequireStatus(em.ErrorToStatus(StoreValues(em, output_values, v)), v));
    });
    if (!s.ok()) return Error{s.message()};
  } else {
    // Row kernel: every aggregate's argument (slot 2i) and weight (slot 2i+1).
    Emitter::Plan rows{kMetricRowSymbol, &program.row_code, true, {}, {}};
    std::vector<ir::ValueId> arg_values;
    for (uint32_t i = 0; i < program.aggregates.size(); ++i) {
      const ir::Aggregate& agg = program.aggregates[i];
      if (agg.kind == ir::Aggregate::Kind::kCount) continue;
      rows.writes.push_back({kArg3, 2 * i, program.row_code[agg.arg].type, true, true});
      arg_values.push_back(agg.arg);
      if (ir::HasSecondArgument(agg.kind)) {
        rows.writes.push_back({kArg3, 2 * i + 1, program.row_code[agg.weight].type, true, true});
        arg_values.push_back(agg.weight);
      }
    }
    Status s = e.EmitEntry(std::move(rows), [&](Emitter& em, const std::vector<Triple>& v) {
      em.StoreStatus(em.RequireStatus(em.ErrorToStatus(StoreValues(em, arg_values, v)), v));
    });
    if (!s.ok()) return Error{s.message()};

    Emitter::Plan fin{kMetricFinalizeSymbol, &program.post_code, false, {}, {}};
    for (uint32_t k = 0; k < program.outputs.size(); ++k) {
      fin.writes.push_back({kArg3, k, program.outputs[k].type, true, true});
    }
    s = e.EmitEntry(std::move(fin), [&](Emitter& em, const std::vector<Triple>& v) {
      em.StoreStatus(em.ErrorToStatus(StoreValues(em, output_values, v)));
    });
    if (!s.ok()) return Error{s.message()};
  }

  std::string problems;
  llvm::raw_string_ostream os(problems);
  if (llvm::verifyModule(*module, &os)) {
    return Error{"internal error: invalid LLVM IR for " + program.name + ": " + problems};
  }
  return module;
}

}  // namespace tally::codegen
