// Group-by with per-group accumulators fed in input row order: the order of additions is
// fixed by the input, never by batch size or threads, so float sums are reproducible.
#include "tally/runtime/group_by.h"

#include "held_aggregates.h"
#include "tally/support/civil_date.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <numeric>
#include <unordered_map>

namespace tally::runtime {

void OwnedColumn::Reset(ir::Type t, size_t capacity) {
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
    case ir::Type::kInt:
    case ir::Type::kDate: ints.assign(capacity, 0); break;
    case ir::Type::kFloat: floats.assign(capacity, 0.0); break;
    case ir::Type::kString: codes.assign(capacity, 0); break;
  }
}

TallyColumnView OwnedColumn::View() {
  void* values = nullptr;
  switch (type) {
    case ir::Type::kBool: values = bools.data(); break;
    case ir::Type::kInt:
    case ir::Type::kDate: values = ints.data(); break;
    case ir::Type::kFloat: values = floats.data(); break;
    case ir::Type::kString: values = codes.data(); break;
  }
  return {values, valid.data()};
}

void ResetAggregateArgs(const ir::Program& program, size_t rows, std::vector<OwnedColumn>& args) {
  args.resize(2 * program.aggregates.size());
  for (size_t i = 0; i < program.aggregates.size(); ++i) {
    const ir::Aggregate& a = program.aggregates[i];
    using AK = ir::Aggregate::Kind;
    args[2 * i].Reset(a.kind == AK::kCount ? ir::Type::kBool : program.row_code[a.arg].type, rows);
    args[2 * i + 1].Reset(ir::HasSecondArgument(a.kind) ? program.row_code[a.weight].type : ir::Type::kBool,
                          rows);
  }
}

std::vector<GroupKeyColumn> GroupKeyColumns(const ir::Program& program) {
  std::vector<GroupKeyColumn> out(program.group_keys.size() + program.computed_keys.size());
  std::vector<bool> computed(out.size(), false);
  for (const ir::ComputedKey& k : program.computed_keys) {
    const ir::Aggregate& a = program.aggregates[k.aggregate];
    out[k.position] = {k.name, a.type, a.nullable, true, k.aggregate};
    computed[k.position] = true;
  }
  uint32_t next = 0;
  for (size_t j = 0; j < out.size(); ++j) {
    if (computed[j]) continue;
    const ir::Column& c = program.inputs[program.group_keys[next]];
    out[j] = {c.name, c.type, c.nullable, false, next};
    ++next;
  }
  return out;
}

const OwnedColumn& GroupAggregator::Groups::Column(const GroupKeyColumn& key) const {
  return key.computed ? aggregates[key.index] : keys[key.index];
}

namespace {

// One key part: enough to compare and hash; strings by dictionary code.
struct KeyPart {
  bool valid = false;
  int64_t bits = 0;  // int, bool, string code, or the double's bits
  bool operator==(const KeyPart& o) const { return valid == o.valid && bits == o.bits; }
};

struct KeyHash {
  size_t operator()(const std::vector<KeyPart>& key) const {
    size_t h = 1469598103934665603ull;
    for (const auto& k : key) {
      h ^= static_cast<size_t>(k.bits) + (k.valid ? 0x9e3779b97f4a7c15ull : 0);
      h *= 1099511628211ull;
    }
    return h;
  }
};

struct Accumulator {
  int64_t count = 0;       // rows (count), true rows (count_if), non-null values (others)
  int64_t int_sum = 0;
  bool int_overflow = false;
  double float_sum = 0.0;  // sum, avg; weighted: sum of x*w
  double weight_sum = 0.0;
  bool has_extreme = false;
  int64_t int_extreme = 0;
  double float_extreme = 0.0;
  std::unique_ptr<HeldState> held;  // the richer aggregates only (held_aggregates.h)
};

bool Valid(const TallyColumnView& c, int64_t r) { return c.valid == nullptr || c.valid[r] != 0; }

}  // namespace

struct GroupAggregator::Impl {
  const ir::Program& program;
  std::vector<ir::Type> arg_types;  // per aggregate: the argument's type
  std::vector<ir::Type> key_types;  // per aggregate: min_by/max_by's ordering key's type
  std::vector<GroupKeyColumn> key_columns;  // in `group by` order
  std::unordered_map<std::vector<KeyPart>, size_t, KeyHash> index;
  std::vector<std::vector<KeyPart>> keys;
  std::vector<std::vector<Accumulator>> accumulators;  // [group][aggregate]
  std::string error;

  explicit Impl(const ir::Program& p) : program(p), key_columns(GroupKeyColumns(p)) {
    for (const auto& a : p.aggregates) {
      arg_types.push_back(a.kind == ir::Aggregate::Kind::kCount ? ir::Type::kInt : p.row_code[a.arg].type);
      key_types.push_back(ir::HasSecondArgument(a.kind) ? p.row_code[a.weight].type : ir::Type::kBool);
    }
  }
};

GroupAggregator::GroupAggregator(const ir::Program& program) : impl_(std::make_unique<Impl>(program)) {}
GroupAggregator::~GroupAggregator() = default;

Status GroupAggregator::AddBatch(int64_t rows, const TallyColumnView* group_keys,
                                 const TallyColumnView* aggregate_args, const uint32_t* status) {
  Impl& s = *impl_;
  const auto& p = s.program;
  std::vector<KeyPart> key(s.key_columns.size());
  for (int64_t r = 0; r < rows; ++r) {
    if (status[r] != 0) continue;
    for (size_t k = 0; k < s.key_columns.size(); ++k) {
      const GroupKeyColumn& source = s.key_columns[k];
      // An input key from its column, a computed key from its aggregate's argument slot.
      const auto& col = source.computed ? aggregate_args[2 * source.index] : group_keys[source.index];
      key[k].valid = Valid(col, r);
      key[k].bits = 0;
      if (!key[k].valid) continue;
      switch (source.type) {
        case ir::Type::kBool: key[k].bits = static_cast<const uint8_t*>(col.values)[r]; break;
        case ir::Type::kInt:
        case ir::Type::kDate: key[k].bits = static_cast<const int64_t*>(col.values)[r]; break;
        case ir::Type::kFloat: {
          double d = static_cast<const double*>(col.values)[r] + 0.0;  // -0 and +0 are one group
          std::memcpy(&key[k].bits, &d, sizeof d);
          break;
        }
        case ir::Type::kString: key[k].bits = static_cast<const int32_t*>(col.values)[r]; break;
      }
    }
    auto [it, inserted] = s.index.emplace(key, s.keys.size());
    if (inserted) {
      s.keys.push_back(key);
      s.accumulators.emplace_back(p.aggregates.size());
    }
    auto& accs = s.accumulators[it->second];
    for (size_t i = 0; i < p.aggregates.size(); ++i) {
      const auto& agg = p.aggregates[i];
      Accumulator& acc = accs[i];
      using AK = ir::Aggregate::Kind;
      if (agg.kind == AK::kCount) {
        ++acc.count;
        continue;
      }
      if (agg.kind == AK::kKey) continue;  // its value is the group's key
      if (IsHeldKind(agg.kind)) {
        if (!acc.held) acc.held = std::make_unique<HeldState>();
        AddHeld(*acc.held, agg, s.arg_types[i], s.key_types[i], aggregate_args[2 * i], aggregate_args[2 * i + 1], r);
        continue;
      }
      const TallyColumnView& arg = aggregate_args[2 * i];
      if (!Valid(arg, r)) continue;
      ir::Type t = s.arg_types[i];
      int64_t iv = 0;
      double fv = 0.0;
      if (t == ir::Type::kFloat) fv = static_cast<const double*>(arg.values)[r];
      else if (t == ir::Type::kBool) iv = static_cast<const uint8_t*>(arg.values)[r];
      else iv = static_cast<const int64_t*>(arg.values)[r];
      switch (agg.kind) {
        case AK::kCountIf:
          if (iv != 0) ++acc.count;
          break;
        case AK::kSum:
        case AK::kAvg:
          ++acc.count;
          if (t == ir::Type::kInt) acc.int_overflow |= __builtin_add_overflow(acc.int_sum, iv, &acc.int_sum);
          else acc.float_sum += fv;
          break;
        case AK::kMin:
        case AK::kMax: {
          ++acc.count;
          bool is_min = agg.kind == AK::kMin;
          if (!acc.has_extreme) {
            acc.has_extreme = true;
            acc.int_extreme = iv;
            acc.float_extreme = fv;
          } else if (t == ir::Type::kFloat) {
            // Same formula as the min/max IR ops: min(a, b) = b < a ? b : a.
            acc.float_extreme = is_min ? (fv < acc.float_extreme ? fv : acc.float_extreme)
                                       : (acc.float_extreme < fv ? fv : acc.float_extreme);
          } else {
            acc.int_extreme = is_min ? std::min(acc.int_extreme, iv) : std::max(acc.int_extreme, iv);
          }
          break;
        }
        case AK::kWeightedAvg: {
          const TallyColumnView& w = aggregate_args[2 * i + 1];
          if (!Valid(w, r)) break;
          double wv = static_cast<const double*>(w.values)[r];
          ++acc.count;
          acc.float_sum += fv * wv;
          acc.weight_sum += wv;
          break;
        }
        default: break;  // kCount, kKey and the held kinds are handled above
      }
    }
  }
  return Status::Ok();
}

// "segment = \"smb\", tier = null": names a group in messages.
static std::string GroupLabel(const std::vector<GroupKeyColumn>& columns, const std::vector<KeyPart>& key,
                              const std::vector<std::string>& strings) {
  if (columns.empty()) return "(all rows)";
  std::string out;
  for (size_t k = 0; k < columns.size(); ++k) {
    const auto& column = columns[k];
    out += (k ? ", " : "") + column.name + " = ";
    if (!key[k].valid) { out += "null"; continue; }
    switch (column.type) {
      case ir::Type::kString: out += "\"" + strings.at(static_cast<size_t>(key[k].bits)) + "\""; break;
      case ir::Type::kFloat: { double d; std::memcpy(&d, &key[k].bits, sizeof d); out += std::to_string(d); break; }
      case ir::Type::kBool: out += key[k].bits ? "true" : "false"; break;
      case ir::Type::kInt: out += std::to_string(key[k].bits); break;
      case ir::Type::kDate: out += dates::ToIso(key[k].bits); break;
    }
  }
  return out;
}

Result<GroupAggregator::Groups> GroupAggregator::Finish(const std::vector<std::string>& strings) {
  Impl& s = *impl_;
  const auto& p = s.program;
  // A group exists only when a row falls into it: zero accepted rows give zero groups.
  std::vector<size_t> order(s.keys.size());
  std::iota(order.begin(), order.end(), 0);
  auto less = [&](size_t x, size_t y) {
    for (size_t k = 0; k < s.key_columns.size(); ++k) {
      const KeyPart& a = s.keys[x][k];
      const KeyPart& b = s.keys[y][k];
      if (a.valid != b.valid) return !a.valid;  // nulls first
      if (!a.valid || a.bits == b.bits) continue;
      switch (s.key_columns[k].type) {
        case ir::Type::kFloat: {
          double da, db;
          std::memcpy(&da, &a.bits, sizeof da);
          std::memcpy(&db, &b.bits, sizeof db);
          return da < db;
        }
        case ir::Type::kString: {
          const std::string& sa = strings.at(static_cast<size_t>(a.bits));
          const std::string& sb = strings.at(static_cast<size_t>(b.bits));
          if (sa != sb) return sa < sb;
          continue;
        }
        default: return a.bits < b.bits;
      }
    }
    return false;
  };
  std::sort(order.begin(), order.end(), less);

  Groups out;
  out.count = static_cast<int64_t>(order.size());
  size_t n = order.size();
  // Key columns: input keys into `keys` (what kGroupKey reads), computed keys into their
  // kKey aggregate's column (what kAggregate reads).
  out.keys.resize(p.group_keys.size());
  out.aggregates.resize(p.aggregates.size());
  for (size_t k = 0; k < s.key_columns.size(); ++k) {
    const GroupKeyColumn& key = s.key_columns[k];
    OwnedColumn col(key.type, n);
    for (size_t g = 0; g < n; ++g) {
      const KeyPart& part = s.keys[order[g]][k];
      col.valid[g] = part.valid;
      switch (col.type) {
        case ir::Type::kBool: col.bools[g] = static_cast<uint8_t>(part.bits); break;
        case ir::Type::kInt:
        case ir::Type::kDate: col.ints[g] = part.bits; break;
        case ir::Type::kFloat: std::memcpy(&col.floats[g], &part.bits, sizeof(double)); break;
        case ir::Type::kString: col.codes[g] = static_cast<int32_t>(part.bits); break;
      }
    }
    (key.computed ? out.aggregates : out.keys)[key.index] = std::move(col);
  }
  using AK = ir::Aggregate::Kind;
  for (size_t i = 0; i < p.aggregates.size(); ++i) {
    const auto& agg = p.aggregates[i];
    if (agg.kind == AK::kKey) continue;  // filled with the keys above
    OwnedColumn col(agg.type, n);
    for (size_t g = 0; g < n; ++g) {
      Accumulator& acc = s.accumulators[order[g]][i];
      auto fail = [&](const char* what) {
        return Error{"metric " + p.name + ": " + what + " in `" + agg.text + "` for group " +
                     GroupLabel(s.key_columns, s.keys[order[g]], strings)};
      };
      if (IsHeldKind(agg.kind)) {
        HeldState none;  // a group whose rows all had a null argument
        std::string why = FinishHeld(acc.held ? *acc.held : none, agg, s.arg_types[i], strings, col, g);
        if (!why.empty()) return fail(why.c_str());
        acc.held.reset();
        continue;
      }
      switch (agg.kind) {
        case AK::kCount:
        case AK::kCountIf: col.ints[g] = acc.count; break;
        case AK::kSum:
          if (acc.count == 0) { col.valid[g] = 0; break; }
          if (agg.type == ir::Type::kInt) {
            if (acc.int_overflow) return fail("integer overflow");
            col.ints[g] = acc.int_sum;
          } else {
            if (!std::isfinite(acc.float_sum)) return fail("float overflow");
            col.floats[g] = acc.float_sum;
          }
          break;
        case AK::kAvg:
          if (acc.count == 0) { col.valid[g] = 0; break; }
          if (!std::isfinite(acc.float_sum)) return fail("float overflow");
          col.floats[g] = acc.float_sum / static_cast<double>(acc.count);
          break;
        case AK::kMin:
        case AK::kMax:
          if (!acc.has_extreme) { col.valid[g] = 0; break; }
          if (agg.type == ir::Type::kInt || agg.type == ir::Type::kDate) col.ints[g] = acc.int_extreme;
          else col.floats[g] = acc.float_extreme;
          break;
        case AK::kWeightedAvg:
          if (acc.count == 0 || acc.weight_sum == 0.0) { col.valid[g] = 0; break; }
          if (!std::isfinite(acc.float_sum) || !std::isfinite(acc.weight_sum)) return fail("float overflow");
          col.floats[g] = acc.float_sum / acc.weight_sum;
          if (!std::isfinite(col.floats[g])) return fail("float overflow");
          break;
        default: break;
      }
    }
    out.aggregates[i] = std::move(col);
  }
  return out;
}

}  // namespace tally::runtime
