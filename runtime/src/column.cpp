#include "tally/runtime/column.h"

namespace tally::runtime {

void ColumnData::Reset(ir::Type t, size_t capacity) {
  // assign() keeps existing capacity, so a recycled column is refilled without allocating.
  if (t != type) {
    bools = {};
    ints = {};
    floats = {};
    codes = {};
  }
  type = t;
  valid.assign(capacity, 1);
  switch (t) {
    case ir::Type::kBool: bools.assign(capacity, 0); break;
    case ir::Type::kInt: ints.assign(capacity, 0); break;
    case ir::Type::kFloat: floats.assign(capacity, 0.0); break;
    case ir::Type::kString: codes.assign(capacity, 0); break;
  }
}

TallyColumnView ColumnData::View() {
  void* values = nullptr;
  switch (type) {
    case ir::Type::kBool: values = bools.data(); break;
    case ir::Type::kInt: values = ints.data(); break;
    case ir::Type::kFloat: values = floats.data(); break;
    case ir::Type::kString: values = codes.data(); break;
  }
  return TallyColumnView{values, valid.data()};
}

}  // namespace tally::runtime
