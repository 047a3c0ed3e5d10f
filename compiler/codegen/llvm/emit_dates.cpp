#include "emit_dates.h"

#include "tally/support/civil_date.h"

namespace tally::codegen {
namespace {

llvm::Value* C(llvm::IRBuilder<>& b, int64_t v) { return b.getInt64(static_cast<uint64_t>(v)); }

}  // namespace

CivilValues EmitCivilFromDays(llvm::IRBuilder<>& b, llvm::Value* days) {
  llvm::Value* z = b.CreateAdd(days, C(b, 719468));
  llvm::Value* era = b.CreateSDiv(z, C(b, 146097));
  llvm::Value* doe = b.CreateSub(z, b.CreateMul(era, C(b, 146097)));
  llvm::Value* yoe = b.CreateSDiv(
      b.CreateSub(b.CreateAdd(b.CreateSub(doe, b.CreateSDiv(doe, C(b, 1460))), b.CreateSDiv(doe, C(b, 36524))),
                  b.CreateSDiv(doe, C(b, 146096))),
      C(b, 365));
  llvm::Value* doy = b.CreateSub(
      doe, b.CreateSub(b.CreateAdd(b.CreateMul(yoe, C(b, 365)), b.CreateSDiv(yoe, C(b, 4))), b.CreateSDiv(yoe, C(b, 100))));
  llvm::Value* mp = b.CreateSDiv(b.CreateAdd(b.CreateMul(doy, C(b, 5)), C(b, 2)), C(b, 153));
  llvm::Value* d = b.CreateAdd(
      b.CreateSub(doy, b.CreateSDiv(b.CreateAdd(b.CreateMul(mp, C(b, 153)), C(b, 2)), C(b, 5))), C(b, 1));
  llvm::Value* m = b.CreateSelect(b.CreateICmpSLT(mp, C(b, 10)), b.CreateAdd(mp, C(b, 3)), b.CreateSub(mp, C(b, 9)));
  llvm::Value* y = b.CreateAdd(b.CreateAdd(yoe, b.CreateMul(era, C(b, 400))),
                               b.CreateZExt(b.CreateICmpSLE(m, C(b, 2)), b.getInt64Ty()));
  return {y, m, d};
}

llvm::Value* EmitDaysFromCivil(llvm::IRBuilder<>& b, llvm::Value* y, llvm::Value* m, llvm::Value* d) {
  llvm::Value* early = b.CreateICmpSLE(m, C(b, 2));
  y = b.CreateSub(y, b.CreateZExt(early, b.getInt64Ty()));
  llvm::Value* era = b.CreateSDiv(y, C(b, 400));
  llvm::Value* yoe = b.CreateSub(y, b.CreateMul(era, C(b, 400)));
  llvm::Value* shifted = b.CreateSelect(b.CreateICmpSGT(m, C(b, 2)), b.CreateSub(m, C(b, 3)), b.CreateAdd(m, C(b, 9)));
  llvm::Value* doy = b.CreateSub(
      b.CreateAdd(b.CreateSDiv(b.CreateAdd(b.CreateMul(shifted, C(b, 153)), C(b, 2)), C(b, 5)), d), C(b, 1));
  llvm::Value* doe = b.CreateAdd(
      b.CreateSub(b.CreateAdd(b.CreateMul(yoe, C(b, 365)), b.CreateSDiv(yoe, C(b, 4))), b.CreateSDiv(yoe, C(b, 100))),
      doy);
  return b.CreateSub(b.CreateAdd(b.CreateMul(era, C(b, 146097)), doe), C(b, 719468));
}

llvm::Value* EmitDayOfWeek(llvm::IRBuilder<>& b, llvm::Value* days) {
  return b.CreateAdd(b.CreateSRem(b.CreateSub(days, C(b, dates::kMinDay)), C(b, 7)), C(b, 1));
}

}  // namespace tally::codegen
