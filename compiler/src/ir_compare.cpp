// CompareComputations (ir_compare.h): structural classes by hash-consing, the requires and
// checked roots of both versions, and interval bounds for trap points only one version has.
#include "tally/compiler/ir_compare.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <set>
#include <tuple>

#include "tally/compiler/ir_ops.h"
#include "tally/support/civil_date.h"

namespace tally::ir {
namespace {

// op, type, null constant, int immediate, float bits, leaf text, operand classes.
using Key = std::tuple<Op, Type, bool, int64_t, uint64_t, std::string, std::vector<uint32_t>>;

// Shared by both programs, so that equal structure gets an equal class in either.
class Classes {
 public:
  uint32_t Of(Key key) {
    auto [it, inserted] = ids_.emplace(std::move(key), static_cast<uint32_t>(ids_.size()));
    return it->second;
  }

 private:
  std::map<Key, uint32_t> ids_;
};

uint64_t Bits(double d) {
  uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}

// Length-prefixed, so that no two different texts join into the same key.
std::string Quoted(const std::string& s) { return std::to_string(s.size()) + ":" + s; }

std::string ParamValue(const Program& p, const Param& param, size_t v) {
  if (param.type == Type::kFloat) return std::to_string(Bits(param.float_values[v]));
  if (param.type == Type::kString) return Quoted(p.string_constants[static_cast<size_t>(param.int_values[v])]);
  return std::to_string(param.int_values[v]);
}

// A param as the function of the row's region that it is: the global value, then each
// region whose value differs (variants are sorted by region name).
std::string ParamText(const Program& p, const Param& param) {
  const std::string global = ParamValue(p, param, 0);
  std::string out = std::string("param ") + TypeName(param.type) + " " + global;
  if (p.region_input < 0) return out;  // no region input: every row takes the global value
  for (size_t v = 1; v < p.variants.size(); ++v) {
    std::string value = ParamValue(p, param, v);
    if (value != global) out += " " + Quoted(p.variants[v]) + "=" + value;
  }
  return out;
}

// A window aggregate as what it computes: its aggregate over its window's program, whose text
// leaves out the name, version and where each reason is written (moving lines is no change).
// Conservative: the same computation lowered in another order counts as a change.
std::string WindowText(const Program& p, const WindowValue& w) {
  Program window = p.windows[w.window];
  window.name.clear();
  window.version.clear();
  for (Reason& r : window.reasons) r.location = {};
  for (Aggregate& a : window.aggregates) a.text.clear();
  return "window aggregate " + std::to_string(w.aggregate) + " of " + window.ToString();
}

Key AggregateKey(const Aggregate& a, const std::vector<uint32_t>& row) {
  std::vector<uint32_t> args;
  if (a.kind != Aggregate::Kind::kCount) args.push_back(row[a.arg]);
  if (HasSecondArgument(a.kind)) args.push_back(row[a.weight]);
  // A quantile's p is part of what it computes: quantile(x, 0.5) and quantile(x, 0.9) differ.
  uint64_t p_bits = a.kind == Aggregate::Kind::kQuantile ? Bits(a.p) : 0;
  return {Op::kAggregate, a.type, false, static_cast<int64_t>(a.kind), p_bits, "aggregate", std::move(args)};
}

// What the group key at each position of `group by` is: an input by name, or a computed
// key by its value's class (so renaming a `let` is not a change, changing its formula is).
std::vector<Key> GroupKeyKeys(const Program& p, const std::vector<uint32_t>& row) {
  std::vector<Key> out(p.group_keys.size() + p.computed_keys.size());
  std::vector<bool> computed(out.size(), false);
  for (const ComputedKey& k : p.computed_keys) {
    out[k.position] = AggregateKey(p.aggregates[k.aggregate], row);
    computed[k.position] = true;
  }
  size_t next = 0;
  for (size_t j = 0; j < out.size(); ++j) {
    if (computed[j]) continue;
    out[j] = {Op::kInput, p.inputs[p.group_keys[next]].type, false, 0, 0,
              "input " + Quoted(p.inputs[p.group_keys[next]].name), {}};
    ++next;
  }
  return out;
}

bool Commutative(const Instruction& inst) {
  switch (inst.op) {
    case Op::kAdd:
    case Op::kMul:
    case Op::kEq:
    case Op::kNe:
    case Op::kAnd:
    case Op::kOr: return true;
    // min(a, b) = b < a ? b : a is symmetric for ints; for floats -0.0 and +0.0 are not.
    case Op::kMin:
    case Op::kMax: return inst.type == Type::kInt;
    default: return false;
  }
}

// A lookup as the function of its key that it is: every key with the column's value, by
// text (string codes differ between programs), so equal data is an equal class.
std::string LookupText(const Program& p, const Table& t, size_t column) {
  const TableColumn& c = t.columns[column];
  auto value = [&](Type type, int64_t i, double f) {
    if (type == Type::kFloat) return std::to_string(Bits(f));
    if (type == Type::kString) return Quoted(p.string_constants[static_cast<size_t>(i)]);
    return std::to_string(i);
  };
  std::vector<std::string> rows;
  for (size_t r = 0; r < t.keys.size(); ++r) {
    std::string cell = !c.valid[r] ? "null" : value(c.type, c.type == Type::kFloat ? 0 : c.int_values[r],
                                                    c.type == Type::kFloat ? c.float_values[r] : 0.0);
    rows.push_back(value(t.key_type, t.keys[r], 0.0) + "=" + cell);
  }
  std::sort(rows.begin(), rows.end());
  std::string out = "lookup " + Quoted(t.name) + " " + Quoted(c.name);
  for (const auto& r : rows) out += " " + Quoted(r);
  return out;
}

std::vector<uint32_t> Classify(const Program& p, const std::vector<Instruction>& code, const std::vector<uint32_t>& row,
                               Classes& classes) {
  std::vector<uint32_t> out(code.size());
  for (size_t i = 0; i < code.size(); ++i) {
    const Instruction& inst = code[i];
    Op op = inst.op;
    std::vector<uint32_t> args;
    for (ValueId a : inst.args) args.push_back(out[a]);
    if (op == Op::kGt || op == Op::kGe) {
      op = op == Op::kGt ? Op::kLt : Op::kLe;
      std::swap(args[0], args[1]);
    }
    if (Commutative(inst)) std::sort(args.begin(), args.end());
    int64_t imm = 0;
    uint64_t bits = 0;
    std::string leaf;
    switch (InfoOf(inst.op).immediate) {
      case OpInfo::Immediate::kConstant:
        if (inst.is_null_constant) break;
        if (inst.type == Type::kFloat) bits = Bits(inst.imm_float);
        else if (inst.type == Type::kString) leaf = Quoted(p.string_constants[inst.index]);
        else imm = inst.imm_int;
        break;
      case OpInfo::Immediate::kDigits: imm = inst.imm_int; break;
      case OpInfo::Immediate::kIndex:
        switch (inst.op) {
          case Op::kInput:
            leaf = "input " + Quoted(p.inputs[inst.index].name);
            // A date read in another format is another value for the same text.
            if (p.inputs[inst.index].date_format != 0) leaf += " format " + std::to_string(p.inputs[inst.index].date_format);
            break;
          case Op::kParam: leaf = ParamText(p, p.params[inst.index]); break;
          case Op::kGroupKey: leaf = "group key " + Quoted(p.inputs[p.group_keys[inst.index]].name); break;
          case Op::kWindow: leaf = WindowText(p, p.window_values[inst.index]); break;
          case Op::kAggregate: {
            Key k = AggregateKey(p.aggregates[inst.index], row);
            leaf = "aggregate";
            imm = std::get<3>(k);
            bits = std::get<4>(k);
            args = std::get<6>(k);
            break;
          }
          default: break;
        }
        break;
      case OpInfo::Immediate::kTable: leaf = LookupText(p, p.tables[inst.index], static_cast<size_t>(inst.imm_int)); break;
      case OpInfo::Immediate::kNone: break;
    }
    out[i] = classes.Of({op, inst.type, inst.is_null_constant, imm, bits, std::move(leaf), std::move(args)});
  }
  return out;
}

// Value bounds, to prove that an add, sub, mul, div, neg or abs cannot trap.
struct Range {
  double lo, hi;
};
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr Range kAll{-kInf, kInf};
constexpr double kIntBound = 9.3e18;  // beyond |INT64_MIN|
// Far enough inside the limits that rounding of the bounds themselves cannot matter.
constexpr double kSafeFloat = 1e300;
constexpr double kSafeInt = 4e18;

Range Hull(Range a, Range b) { return {std::min(a.lo, b.lo), std::max(a.hi, b.hi)}; }
double Magnitude(Range r) { return std::max(std::fabs(r.lo), std::fabs(r.hi)); }
Range Sane(Range r) { return std::isnan(r.lo) || std::isnan(r.hi) ? kAll : r; }

Range OfType(Type t) {
  switch (t) {
    case Type::kInt: return {-kIntBound, kIntBound};
    case Type::kFloat: return kAll;
    case Type::kBool: return {0, 1};
    case Type::kString: return {0, 0};
    case Type::kDate: return {static_cast<double>(dates::kMinDay), static_cast<double>(dates::kMaxDay)};
  }
  return kAll;
}

Range Times(Range a, Range b) {
  double p[] = {a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi};
  for (double x : p)
    if (std::isnan(x)) return kAll;
  return {*std::min_element(p, p + 4), *std::max_element(p, p + 4)};
}

// For each instruction of `code`: true when it cannot trap on any row.
std::vector<bool> CannotTrap(const Program& p, const std::vector<Instruction>& code) {
  std::vector<Range> r(code.size(), kAll);
  std::vector<bool> safe(code.size(), true);
  for (size_t i = 0; i < code.size(); ++i) {
    const Instruction& inst = code[i];
    auto arg = [&](size_t k) { return r[inst.args[k]]; };
    Range out = OfType(inst.type);
    switch (inst.op) {
      case Op::kConstant:
        if (inst.is_null_constant || inst.type == Type::kString) out = {0, 0};
        else if (inst.type == Type::kFloat) out = {inst.imm_float, inst.imm_float};
        else out = {static_cast<double>(inst.imm_int), static_cast<double>(inst.imm_int)};
        break;
      case Op::kParam: {
        const Param& param = p.params[inst.index];
        if (param.type == Type::kFloat && !param.float_values.empty())
          out = {*std::min_element(param.float_values.begin(), param.float_values.end()),
                 *std::max_element(param.float_values.begin(), param.float_values.end())};
        else if (param.type != Type::kString && !param.int_values.empty())
          out = {static_cast<double>(*std::min_element(param.int_values.begin(), param.int_values.end())),
                 static_cast<double>(*std::max_element(param.int_values.begin(), param.int_values.end()))};
        break;
      }
      case Op::kAdd: out = {arg(0).lo + arg(1).lo, arg(0).hi + arg(1).hi}; break;
      case Op::kSub: out = {arg(0).lo - arg(1).hi, arg(0).hi - arg(1).lo}; break;
      case Op::kMul: out = Times(arg(0), arg(1)); break;
      case Op::kDiv:
        if (arg(1).lo > 0 || arg(1).hi < 0) {
          double m = Magnitude(arg(0)) / std::min(std::fabs(arg(1).lo), std::fabs(arg(1).hi));
          out = {-m, m};
        } else {
          out = kAll;
        }
        break;
      case Op::kMod: {
        double m = std::min(Magnitude(arg(0)), Magnitude(arg(1)));
        out = {-m, m};
        break;
      }
      case Op::kNeg: out = {-arg(0).hi, -arg(0).lo}; break;
      case Op::kIntToFloat: out = arg(0); break;
      case Op::kAbs: out = {0, Magnitude(arg(0))}; break;
      case Op::kSelect: out = Hull(arg(1), arg(2)); break;
      case Op::kCoalesce:
        out = arg(0);
        for (size_t k = 1; k < inst.args.size(); ++k) out = Hull(out, arg(k));
        break;
      case Op::kMin: out = {std::min(arg(0).lo, arg(1).lo), std::min(arg(0).hi, arg(1).hi)}; break;
      case Op::kMax: out = {std::max(arg(0).lo, arg(1).lo), std::max(arg(0).hi, arg(1).hi)}; break;
      case Op::kRound:
      case Op::kFloor:
      case Op::kCeil: out = {arg(0).lo - 1, arg(0).hi + 1}; break;
      case Op::kSqrt: out = {0, std::sqrt(std::max(arg(0).hi, 0.0))}; break;
      case Op::kLn: out = {-800, 800}; break;
      case Op::kExp: out = {0, DBL_MAX}; break;  // a non-finite exp() is null, not a trap
      case Op::kPow: out = {-DBL_MAX, DBL_MAX}; break;
      case Op::kSigmoid: out = {0, 1}; break;
      case Op::kSign: out = {-1, 1}; break;
      case Op::kDaysBetween: out = {arg(1).lo - arg(0).hi, arg(1).hi - arg(0).lo}; break;
      case Op::kAddDays: out = {arg(0).lo + arg(1).lo, arg(0).hi + arg(1).hi}; break;
      case Op::kYear: out = {1, 9999}; break;
      case Op::kQuarter: out = {1, 4}; break;
      case Op::kMonth: out = {1, 12}; break;
      case Op::kDay: out = {1, 31}; break;
      case Op::kDayOfWeek: out = {1, 7}; break;
      case Op::kFloatToInt: out = {std::trunc(arg(0).lo), std::trunc(arg(0).hi)}; break;
      default: break;  // inputs, aggregates and group keys: anything of their type; bools 0..1
    }
    out = Sane(out);
    if (OpTraps(inst.op, inst.type)) {
      // neg and abs trap on INT64_MIN alone; the others when the result leaves the type.
      double m = (inst.op == Op::kNeg || inst.op == Op::kAbs) ? Magnitude(arg(0)) : Magnitude(out);
      safe[i] = m <= (inst.type == Type::kInt ? kSafeInt : kSafeFloat);
      // add_days traps when it leaves the date range.
      if (inst.op == Op::kAddDays) safe[i] = out.lo >= dates::kMinDay && out.hi <= dates::kMaxDay;
      if (inst.op == Op::kFloatToInt) safe[i] = Magnitude(arg(0)) <= kSafeInt;
      if (!safe[i]) out = Hull(out, {0, 0});  // a trapped value's payload is 0
    }
    r[i] = out;
  }
  return safe;
}

// One code vector (row or post-aggregation) of one version.
struct Side {
  const Program* program;
  const std::vector<Instruction>* code;
  std::vector<uint32_t> classes;
  std::vector<bool> cannot_trap;
  std::set<uint32_t> always_checked;  // classes whose error always reaches a root
};

// The classes whose error always reaches one of `roots`: strict and Kleene ops propagate
// every operand's error; select and coalesce only their first operand's.
std::set<uint32_t> AlwaysChecked(const Side& s, const std::vector<ValueId>& roots) {
  const auto& code = *s.code;
  std::vector<bool> reaches(code.size(), false);
  for (ValueId r : roots) reaches[r] = true;
  for (size_t i = code.size(); i-- > 0;) {
    if (!reaches[i]) continue;
    const Instruction& inst = code[i];
    auto nulls = InfoOf(inst.op).nulls;
    bool first_only = nulls == OpInfo::Nulls::kSelect || nulls == OpInfo::Nulls::kCoalesce;
    for (size_t k = 0; k < inst.args.size() && (!first_only || k == 0); ++k) reaches[inst.args[k]] = true;
  }
  std::set<uint32_t> out;
  for (size_t i = 0; i < code.size(); ++i)
    if (reaches[i]) out.insert(s.classes[i]);
  return out;
}

// Whether every error `root` of `s` can carry is one `other` always checks (or cannot happen).
bool ErrorsCovered(const Side& s, ValueId root, const Side& other) {
  const auto& code = *s.code;
  std::vector<bool> seen(code.size(), false);
  std::vector<ValueId> stack = {root};
  while (!stack.empty()) {
    ValueId v = stack.back();
    stack.pop_back();
    if (seen[v]) continue;
    seen[v] = true;
    if (other.always_checked.count(s.classes[v])) continue;
    if (OpTraps(code[v].op, code[v].type) && !s.cannot_trap[v]) return false;
    for (ValueId a : code[v].args) stack.push_back(a);
  }
  return true;
}

Side MakeSide(const Program& p, const std::vector<Instruction>& code, const std::vector<uint32_t>& row, Classes& classes,
              const std::vector<ValueId>& roots) {
  Side s{&p, &code, Classify(p, code, row, classes), CannotTrap(p, code), {}};
  s.always_checked = AlwaysChecked(s, roots);
  return s;
}

std::vector<ValueId> RowRoots(const Program& p) {
  std::vector<ValueId> roots;
  for (const Require& r : p.requirements) roots.push_back(r.condition);
  for (const Aggregate& a : p.aggregates) {
    if (a.kind != Aggregate::Kind::kCount) roots.push_back(a.arg);
    if (HasSecondArgument(a.kind)) roots.push_back(a.weight);
  }
  if (p.kind == Program::Kind::kScore)
    for (const Output& o : p.outputs) roots.push_back(o.value);
  return roots;
}

std::vector<ValueId> PostRoots(const Program& p) {
  std::vector<ValueId> roots;
  if (p.kind == Program::Kind::kMetric)
    for (const Output& o : p.outputs) roots.push_back(o.value);
  return roots;
}

const Output* FindOutput(const Program& p, const std::string& name) {
  for (const auto& o : p.outputs)
    if (o.name == name) return &o;
  return nullptr;
}

}  // namespace

std::vector<std::string> CompareComputations(const Program& a, const Program& b) {
  std::vector<std::string> findings;
  if (a.kind != b.kind) return {"the kind of definition changes"};
  Classes classes;
  Side ar = MakeSide(a, a.row_code, {}, classes, RowRoots(a));
  Side br = MakeSide(b, b.row_code, {}, classes, RowRoots(b));
  Side ap = MakeSide(a, a.post_code, ar.classes, classes, PostRoots(a));
  Side bp = MakeSide(b, b.post_code, br.classes, classes, PostRoots(b));
  const bool metric = a.kind == Program::Kind::kMetric;
  const Side& a_out = metric ? ap : ar;
  const Side& b_out = metric ? bp : br;

  // Outputs both versions have, by name and type.
  for (const Output& o : a.outputs) {
    const Output* n = FindOutput(b, o.name);
    if (!n || n->type != o.type) continue;
    if (a_out.classes[o.value] != b_out.classes[n->value])
      findings.push_back("output " + o.name + ": its normalised computation differs; no proof that it gives the same values");
  }

  // Which rows are rejected: the same requires, in any order.
  std::set<uint32_t> a_requires, b_requires;
  for (const Require& r : a.requirements) a_requires.insert(ar.classes[r.condition]);
  for (const Require& r : b.requirements) b_requires.insert(br.classes[r.condition]);
  for (const Require& r : b.requirements)
    if (!a_requires.count(br.classes[r.condition]))
      findings.push_back(b.reasons[r.reason].message + " is new or changed: it may reject rows the old version scored");
  for (const Require& r : a.requirements)
    if (!b_requires.count(ar.classes[r.condition]))
      findings.push_back(a.reasons[r.reason].message + " of the old version is gone or changed: rows it rejected may be scored");

  // Outputs only the new version has must not reject rows the old one scored.
  for (const Output& o : b.outputs) {
    const Output* old = FindOutput(a, o.name);
    if (old && old->type == o.type) continue;
    if (!ErrorsCovered(b_out, o.value, a_out))
      findings.push_back("new output " + o.name + " can raise an error (overflow or a non-finite value) on rows the old " +
                         "version scored, which would then be rejected");
  }

  // Aggregates (metrics): each arg is checked on every row, and a new total can overflow.
  std::set<Key> a_aggregates, b_aggregates;
  for (const Aggregate& g : a.aggregates) a_aggregates.insert(AggregateKey(g, ar.classes));
  for (const Aggregate& g : b.aggregates) b_aggregates.insert(AggregateKey(g, br.classes));
  auto rows_covered = [](const Aggregate& g, const Side& s, const Side& other) {
    bool ok = g.kind == Aggregate::Kind::kCount || ErrorsCovered(s, g.arg, other);
    return ok && (!HasSecondArgument(g.kind) || ErrorsCovered(s, g.weight, other));
  };
  for (const Aggregate& g : b.aggregates) {
    if (a_aggregates.count(AggregateKey(g, br.classes))) continue;
    if (!rows_covered(g, br, ar))
      findings.push_back("new aggregate " + g.text + " can raise an error on rows the old version aggregated");
    if (g.kind == Aggregate::Kind::kSum || g.kind == Aggregate::Kind::kAvg || g.kind == Aggregate::Kind::kWeightedAvg ||
        g.kind == Aggregate::Kind::kQuantile || g.kind == Aggregate::Kind::kVariance ||
        g.kind == Aggregate::Kind::kVariancePop || g.kind == Aggregate::Kind::kStddev ||
        g.kind == Aggregate::Kind::kStddevPop)
      findings.push_back("new aggregate " + g.text + " can overflow on data the old version aggregated");
  }
  for (const Aggregate& g : a.aggregates)
    if (!b_aggregates.count(AggregateKey(g, ar.classes)) && !rows_covered(g, ar, br))
      findings.push_back("aggregate " + g.text + " of the old version is gone: rows it rejected may be aggregated");

  // Metrics: which rows form a group, and the order groups are written in.
  if (metric && GroupKeyKeys(a, ar.classes) != GroupKeyKeys(b, br.classes))
    findings.push_back("the group keys change (`group by` names other keys, in another order, or a computed key "
                       "is computed differently): rows fall into other groups");
  return findings;
}

}  // namespace tally::ir
