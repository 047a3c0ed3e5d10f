// Seeded random differential test: random well-typed ir::Programs on random inputs (nulls,
// zeros, -0.0, extremes, huge and tiny values, INT64_MIN, the empty string), JIT kernel vs
// reference interpreter, compared bit for bit; and the same program after the IR passes
// (passes.h: folding, CSE, dead code), in both engines, against the original's results.
//
// Short mode (default) runs in a few seconds. Long mode:
//   TALLY_DIFF_PROGRAMS=4000 TALLY_DIFF_ROWS=512 TALLY_DIFF_SEED=1 ./codegen_differential_test
// (docs/codegen.md records the last long run).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <limits>
#include <random>
#include <set>
#include <sstream>

#include "kernel_check.h"
#include "random_source.h"
#include "string_calls.h"
#include "tally/compiler/compiler.h"
#include "tally/compiler/passes.h"
#include "tally/support/civil_date.h"

namespace tally::codegen::testing {
namespace {

int64_t EnvInt(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoll(v, nullptr, 10) : fallback;
}

class RandomProgram {
 public:
  explicit RandomProgram(uint64_t seed, bool metric)
      : rng_(seed), b_(metric ? ir::Program::Kind::kMetric : ir::Program::Kind::kScore, "random." + std::to_string(seed)) {}

  ir::Program Generate() {
    b_.Variants({"", "emea", "apac"});
    for (Type t : {Type::kInt, Type::kInt, Type::kFloat, Type::kFloat, Type::kBool, Type::kString, Type::kDate}) {
      Add(t, b_.Input("in" + std::to_string(inputs_.size()), t, Chance(0.7)));
      inputs_.push_back(t);
    }
    for (const char* s : {"a", "b", ""}) Add(Type::kString, b_.String(s));
    // Texts for the string functions (codes 3..6): case, spaces at the ends, UTF-8.
    for (const char* s : {"Gold", " gold ", "GRÖße", "ab"}) Add(Type::kString, b_.String(s));
    // Half the scores read window values (ir.h kWindow): columns after the inputs, as the
    // runtime fills them from its first pass.
    if (b_.program().kind == ir::Program::Kind::kScore && Chance(0.5)) AddWindows();
    // Reference tables: int keys and string keys (codes of the constants above), from empty
    // to a few hundred rows, one column of each type with nulls.
    tables_.push_back(b_.Table(RandomTable(Type::kInt)));
    tables_.push_back(b_.Table(RandomTable(Type::kString)));
    Add(Type::kFloat, b_.Param("pf", Type::kFloat, {}, {Pick(FloatConstants()), Pick(FloatConstants()), 0.5}));
    Add(Type::kInt, b_.Param("pi", Type::kInt, {Pick(IntConstants()), 3, Pick(IntConstants())}, {}));
    int steps = static_cast<int>(Uniform(4, 28));
    for (int i = 0; i < steps; ++i) Step();
    int require_count = static_cast<int>(Uniform(0, 2));
    for (int i = 0; i < require_count; ++i) b_.Require(Recent(Type::kBool), "require " + std::to_string(i));
    if (b_.program().kind == ir::Program::Kind::kScore) {
      int outputs = static_cast<int>(Uniform(1, 4));
      for (int i = 0; i < outputs; ++i) b_.Output("out" + std::to_string(i), Recent(AnyType()));
    } else {
      using K = ir::Aggregate::Kind;
      b_.Aggregate(K::kCount, Type::kInt, false);
      b_.Aggregate(K::kCountIf, Type::kInt, false, Recent(Type::kBool));
      ValueId x = Recent(Type::kFloat);
      b_.Aggregate(K::kSum, Type::kFloat, true, x);
      b_.Aggregate(K::kWeightedAvg, Type::kFloat, true, Recent(Type::kFloat), x);
      b_.Aggregate(K::kMax, Type::kInt, true, Recent(Type::kInt));
      // The richer aggregates: the row kernel computes their arguments (and min_by's key)
      // like any other; a computed group key is one more argument slot.
      b_.Aggregate(K::kCountDistinct, Type::kInt, false, Recent(AnyType()));
      uint32_t q = b_.Aggregate(K::kQuantile, Type::kFloat, true, Recent(Type::kFloat));
      b_.mutable_program().aggregates[q].p = Pick(std::vector<double>{0.0, 0.25, 0.5, 0.9, 1.0});
      b_.Aggregate(Chance(0.5) ? K::kVariance : K::kStddevPop, Type::kFloat, true, Recent(Type::kFloat));
      ValueId by_x = Recent(AnyType());
      b_.Aggregate(Chance(0.5) ? K::kMinBy : K::kMaxBy, b_.program().row_code[by_x].type, true, by_x,
                   Recent(Chance(0.5) ? Type::kInt : Type::kFloat));
      if (Chance(0.5)) b_.GroupByValue("key0", Recent(Chance(0.5) ? Type::kString : Type::kBool), 0);
    }
    // A window program shares its score's string constants (the same dictionary codes).
    for (ir::Program& w : b_.mutable_program().windows) w.string_constants = b_.program().string_constants;
    return b_.program();
  }

  // A window program over the inputs (a metric, as lowering makes one) and one window value
  // per aggregate of it, of each type a window can give, nullable or not.
  void AddWindows() {
    ir::Program w;
    w.kind = ir::Program::Kind::kMetric;
    w.name = b_.program().name + " over all";
    w.version = "1.0.0";
    w.variants = {""};
    w.window_over = "all";
    w.inputs = b_.program().inputs;
    for (uint32_t i = 0; i < w.inputs.size(); ++i) {
      ir::Instruction ins;
      ins.op = Op::kInput;
      ins.type = w.inputs[i].type;
      ins.nullable = w.inputs[i].nullable;
      ins.index = i;
      w.row_code.push_back(ins);
    }
    using K = ir::Aggregate::Kind;
    const std::pair<K, Type> kinds[] = {{K::kCount, Type::kInt}, {K::kSum, Type::kFloat}, {K::kMax, Type::kInt},
                                        {K::kMax, Type::kDate}, {K::kQuantile, Type::kFloat}};
    for (const auto& [kind, type] : kinds) {
      ir::Aggregate a;
      a.kind = kind;
      a.type = type;
      a.nullable = kind != K::kCount && Chance(0.5);
      for (uint32_t i = 0; i < w.inputs.size(); ++i) {
        if (w.inputs[i].type == (type == Type::kInt && kind == K::kCount ? Type::kInt : type)) a.arg = i;
      }
      w.aggregates.push_back(a);
      b_.mutable_program().window_values.push_back(
          {0, static_cast<uint32_t>(w.aggregates.size() - 1), type, a.nullable, "window"});
      windows_.push_back({type, a.nullable});
    }
    b_.mutable_program().windows.push_back(std::move(w));
    for (uint32_t v = 0; v < windows_.size(); ++v) Add(windows_[v].first, b_.Window(v));
  }

  // Random inputs for `rows` rows, in the program's input order, then the window values.
  std::vector<Column> Inputs(int64_t rows) {
    std::vector<Column> cols;
    for (size_t c = 0; c < inputs_.size(); ++c) {
      Column col;
      col.type = inputs_[c];
      double null_rate = b_.program().inputs[c].nullable ? 0.15 : 0.0;
      for (int64_t r = 0; r < rows; ++r) {
        bool valid = !Chance(null_rate);
        switch (col.type) {
          case Type::kInt: col.Push<int64_t>(RandomInt(), valid); break;
          case Type::kFloat: col.Push<double>(RandomFloat(), valid); break;
          case Type::kBool: col.Push<uint8_t>(Chance(0.5) ? 1 : 0, valid); break;
          case Type::kString: col.Push<int32_t>(static_cast<int32_t>(Uniform(0, 6)), valid); break;
          case Type::kDate: col.Push<int64_t>(RandomDay(), valid); break;
        }
      }
      col.has_valid = b_.program().inputs[c].nullable || Chance(0.5);  // NULL validity: all valid
      cols.push_back(std::move(col));
    }
    for (const auto& [type, nullable] : windows_) {
      Column col;
      col.type = type;
      for (int64_t r = 0; r < rows; ++r) {
        bool valid = !nullable || !Chance(0.15);
        switch (type) {
          case Type::kInt: col.Push<int64_t>(RandomInt(), valid); break;
          case Type::kFloat: col.Push<double>(RandomFloat(), valid); break;
          case Type::kDate: col.Push<int64_t>(RandomDay(), valid); break;
          default: col.Push<uint8_t>(Chance(0.5) ? 1 : 0, valid); break;
        }
      }
      col.has_valid = true;  // the runtime always gives a window column its validity
      cols.push_back(std::move(col));
    }
    return cols;
  }

  std::vector<uint16_t> Variants(int64_t rows) {
    std::vector<uint16_t> v;
    for (int64_t r = 0; r < rows; ++r) v.push_back(static_cast<uint16_t>(Uniform(0, 2)));
    return v;
  }

 private:
  static const std::vector<int64_t>& IntConstants() {
    static const std::vector<int64_t> v = {0, 1, -1, 2, 3, 10, 100, -7, 1LL << 31, 1LL << 32, 3037000500,
                                           std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(),
                                           std::numeric_limits<int64_t>::min() + 1, (1LL << 53) + 1};
    return v;
  }
  static const std::vector<double>& FloatConstants() {
    static const std::vector<double> v = {0.0, -0.0, 1.0, -1.0, 0.5, 2.5, -2.5, 0.1, 100.0, 1e308, -1e308, 1e-308,
                                          5e-324, 1e15, 4503599627370497.0, 0.49999999999999994, 709.0, 710.0,
                                          -745.0, 1.005, 3.0};
    return v;
  }
  int64_t Uniform(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng_); }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  template <typename T>
  T Pick(const std::vector<T>& v) { return v[static_cast<size_t>(Uniform(0, static_cast<int64_t>(v.size()) - 1))]; }
  int64_t RandomInt() {
    switch (Uniform(0, 3)) {
      case 0: return Pick(IntConstants());
      case 1: return Uniform(-20, 20);
      case 2: return static_cast<int64_t>(rng_());
      default: return Uniform(-1000000, 1000000);
    }
  }
  double RandomFloat() {
    switch (Uniform(0, 4)) {
      case 0: return Pick(FloatConstants());
      case 1: return static_cast<double>(Uniform(-40, 40)) / 4.0;
      case 2: return std::ldexp(std::uniform_real_distribution<double>(-1, 1)(rng_), static_cast<int>(Uniform(-1070, 1023)));
      default: return std::uniform_real_distribution<double>(-1000, 1000)(rng_);
    }
  }
  // Days in the valid range (ir.h, Type::kDate), with its edges and the leap days.
  static const std::vector<int64_t>& DayConstants() {
    static const std::vector<int64_t> v = {dates::kMinDay, dates::kMaxDay, 0, -1, 10957 /* 2000-01-01 */,
                                           11016 /* 2000-02-29 */, -25508 /* 1900-03-01 */, 10407 /* 1998-06-30 */,
                                           dates::kMinDay + 1, dates::kMaxDay - 1};
    return v;
  }
  int64_t RandomDay() {
    switch (Uniform(0, 2)) {
      case 0: return Pick(DayConstants());
      case 1: return Uniform(9000, 12000);  // the 1990s and 2000s
      default: return Uniform(dates::kMinDay, dates::kMaxDay);
    }
  }
  Type AnyType() {
    static const Type types[] = {Type::kInt, Type::kFloat, Type::kBool, Type::kString, Type::kDate};
    return types[Uniform(0, 4)];
  }
  void Add(Type t, ValueId v) { pool_[static_cast<int>(t)].push_back(v); }
  // Prefers recent values, so programs grow deep rather than wide.
  ValueId Recent(Type t) {
    auto& p = pool_[static_cast<int>(t)];
    if (p.empty()) Add(t, Constant(t));
    size_t n = p.size();
    size_t back = static_cast<size_t>(std::min<int64_t>(Uniform(0, 5), static_cast<int64_t>(n) - 1));
    return Chance(0.7) ? p[n - 1 - back] : p[static_cast<size_t>(Uniform(0, static_cast<int64_t>(n) - 1))];
  }
  ValueId Constant(Type t) {
    switch (t) {
      case Type::kInt: return b_.Int(Pick(IntConstants()));
      case Type::kFloat: return b_.Float(Pick(FloatConstants()));
      case Type::kBool: return b_.Bool(Chance(0.5));
      case Type::kString: {
        static const char* const texts[] = {"c0", "c1", "c2", "G", "go", "ld", " ", "ö", ""};
        return b_.String(texts[Uniform(0, 8)]);
      }
      case Type::kDate: return b_.Date(Pick(DayConstants()));
    }
    return 0;
  }
  ValueId Operand(Type t) {
    if (Chance(0.15)) return Constant(t);
    if (Chance(0.03)) return b_.Null(t);
    return Recent(t);
  }

  ir::Table RandomTable(Type key_type) {
    ir::Table t;
    t.name = key_type == Type::kInt ? "random.ints" : "random.strings";
    t.version = "1.0.0";
    t.key_type = key_type;
    std::set<int64_t> keys;
    if (key_type == Type::kString) {
      for (int64_t code = 0; code < 3; ++code) {
        if (Chance(0.6)) keys.insert(code);  // string constants 0..2 ("a", "b", "")
      }
    } else {
      int64_t rows = Chance(0.1) ? 0 : Chance(0.2) ? 1 : Uniform(2, 300);
      while (static_cast<int64_t>(keys.size()) < rows) keys.insert(Chance(0.7) ? Uniform(-20, 20) : Chance(0.5) ? Uniform(-1000, 1000) : RandomInt());
    }
    t.keys.assign(keys.begin(), keys.end());
    // In the order of ir::Type, so that column int(T) has type T.
    for (Type type : {Type::kBool, Type::kInt, Type::kFloat, Type::kString, Type::kDate}) {
      ir::TableColumn c;
      c.name = std::string("c_") + ir::TypeName(type);
      c.type = type;
      for (size_t r = 0; r < t.keys.size(); ++r) {
        c.valid.push_back(Chance(0.15) ? 0 : 1);
        switch (type) {
          case Type::kInt: c.int_values.push_back(RandomInt()); break;
          case Type::kFloat: c.float_values.push_back(RandomFloat()); break;
          case Type::kBool: c.int_values.push_back(Chance(0.5) ? 1 : 0); break;
          case Type::kString: c.int_values.push_back(Uniform(0, 2)); break;
          case Type::kDate: c.int_values.push_back(Uniform(dates::kMinDay, dates::kMaxDay)); break;
        }
      }
      t.columns.push_back(std::move(c));
    }
    return t;
  }

  void Step() {
    Type t = AnyType();
    ValueId v = 0;
    if (Chance(0.12)) {  // lookup(T, key).column: every table has a column of each type
      uint32_t table = tables_[static_cast<size_t>(Uniform(0, 1))];
      Type key = b_.program().tables[table].key_type;
      Add(t, b_.Lookup(table, static_cast<uint32_t>(static_cast<int>(t)), Operand(key)));
      return;
    }
    auto one = [&](Op op, Type in, int64_t imm = 0) { return b_.Apply(op, t, {Operand(in)}, imm); };
    auto two = [&](Op op, Type in) { return b_.Apply(op, t, {Operand(in), Operand(in)}); };
    switch (t) {
      case Type::kInt: {
        static const Op ops[] = {Op::kAdd, Op::kSub, Op::kMul, Op::kMod, Op::kNeg, Op::kMin, Op::kMax, Op::kAbs,
                                 Op::kRound, Op::kFloor, Op::kCeil, Op::kSelect, Op::kCoalesce, Op::kSign};
        Op op = ops[Uniform(0, 13)];
        if (Chance(0.3)) {  // dates and conversions
          static const Op date_ops[] = {Op::kDaysBetween, Op::kYear, Op::kQuarter, Op::kMonth, Op::kDay,
                                        Op::kDayOfWeek, Op::kFloatToInt};
          op = date_ops[Uniform(0, 6)];
          if (op == Op::kDaysBetween) v = two(op, Type::kDate);
          else v = one(op, op == Op::kFloatToInt ? Type::kFloat : Type::kDate);
          break;
        }
        if (Chance(0.08)) {
          v = one(Op::kLength, Type::kString);
          break;
        }
        if (op == Op::kNeg || op == Op::kAbs || op == Op::kFloor || op == Op::kCeil || op == Op::kSign) v = one(op, t);
        else if (op == Op::kRound) v = one(op, t, Uniform(0, 3));
        else if (op == Op::kSelect) v = b_.Apply(op, t, {Operand(Type::kBool), Operand(t), Operand(t)});
        else if (op == Op::kCoalesce) v = b_.Apply(op, t, {Operand(t), Operand(t), Operand(t)});
        else v = two(op, t);
        break;
      }
      case Type::kFloat: {
        static const Op ops[] = {Op::kAdd, Op::kSub, Op::kMul, Op::kDiv, Op::kMod, Op::kNeg, Op::kIntToFloat,
                                 Op::kMin, Op::kMax, Op::kAbs, Op::kRound, Op::kFloor, Op::kCeil, Op::kSqrt,
                                 Op::kLn, Op::kExp, Op::kPow, Op::kSigmoid, Op::kSelect, Op::kCoalesce, Op::kSign};
        Op op = ops[Uniform(0, 20)];
        switch (op) {
          case Op::kNeg: case Op::kAbs: case Op::kFloor: case Op::kCeil: case Op::kSqrt: case Op::kLn:
          case Op::kExp: case Op::kSigmoid: case Op::kSign:
            v = one(op, t);
            break;
          case Op::kIntToFloat: v = one(op, Type::kInt); break;
          case Op::kRound: v = one(op, t, Uniform(0, 15)); break;
          case Op::kSelect: v = b_.Apply(op, t, {Operand(Type::kBool), Operand(t), Operand(t)}); break;
          case Op::kCoalesce: v = b_.Apply(op, t, {Operand(t), Operand(t)}); break;
          default: v = two(op, t);
        }
        break;
      }
      case Type::kBool: {
        static const Op ops[] = {Op::kEq, Op::kNe, Op::kLt, Op::kLe, Op::kGt, Op::kGe, Op::kAnd, Op::kOr,
                                 Op::kNot, Op::kIsNull, Op::kSelect, Op::kCoalesce};
        Op op = ops[Uniform(0, 11)];
        if (Chance(0.12)) {
          static const Op string_ops[] = {Op::kStartsWith, Op::kEndsWith, Op::kContains};
          v = two(string_ops[Uniform(0, 2)], Type::kString);
          break;
        }
        if (op == Op::kAnd || op == Op::kOr) v = two(op, Type::kBool);
        else if (op == Op::kNot) v = one(op, Type::kBool);
        else if (op == Op::kIsNull) v = one(op, AnyType());
        else if (op == Op::kSelect) v = b_.Apply(op, t, {Operand(t), Operand(t), Operand(t)});
        else if (op == Op::kCoalesce) v = b_.Apply(op, t, {Operand(t), Operand(t)});
        else {
          Type in = AnyType();
          if (in == Type::kString || in == Type::kBool) op = Chance(0.5) ? Op::kEq : Op::kNe;
          v = two(op, in);
        }
        break;
      }
      case Type::kString:
        if (Chance(0.5)) {  // computed strings (string_functions.h)
          static const Op ops[] = {Op::kLower, Op::kUpper, Op::kTrim, Op::kSubstr, Op::kConcat};
          Op op = ops[Uniform(0, 4)];
          if (op == Op::kSubstr) {
            auto bound = [&] { return Chance(0.7) ? b_.Int(Uniform(-2, 7)) : Operand(Type::kInt); };
            ValueId s = Operand(t);
            ValueId start = bound();
            v = b_.Apply(op, t, {s, start, bound()});
          } else if (op == Op::kConcat) {
            // One side a constant, so that texts grow linearly with the program, never doubling.
            ValueId a = Operand(t);
            v = b_.Apply(op, t, Chance(0.5) ? std::vector<ValueId>{a, Constant(t)} : std::vector<ValueId>{Constant(t), a});
          } else {
            v = one(op, t);
          }
          break;
        }
        v = Chance(0.5) ? b_.Apply(Op::kSelect, t, {Operand(Type::kBool), Operand(t), Operand(t)})
                        : b_.Apply(Op::kCoalesce, t, {Operand(t), Operand(t)});
        break;
      case Type::kDate: {
        static const Op ops[] = {Op::kAddDays, Op::kTruncMonth, Op::kTruncQuarter, Op::kTruncYear, Op::kSelect,
                                 Op::kCoalesce};
        Op op = ops[Uniform(0, 5)];
        if (op == Op::kAddDays) {
          // Mostly a small count, so that most results stay in range; sometimes any int.
          ValueId n = Chance(0.6) ? b_.Int(Uniform(-40000, 40000)) : Operand(Type::kInt);
          v = b_.Apply(op, t, {Operand(t), n});
        } else if (op == Op::kSelect) {
          v = b_.Apply(op, t, {Operand(Type::kBool), Operand(t), Operand(t)});
        } else if (op == Op::kCoalesce) {
          v = b_.Apply(op, t, {Operand(t), Operand(t)});
        } else {
          v = one(op, t);
        }
        break;
      }
    }
    Add(t, v);
  }

  std::mt19937_64 rng_;
  ProgramBuilder b_;
  std::vector<Type> inputs_;
  std::vector<std::pair<Type, bool>> windows_;  // window values: type, nullable
  std::vector<uint32_t> tables_;
  std::vector<ValueId> pool_[5];
};

std::string Dump(const ir::Program& p) {
  std::ostringstream os;
  for (size_t i = 0; i < p.row_code.size(); ++i) {
    const ir::Instruction& ins = p.row_code[i];
    os << "  %" << i << " op" << static_cast<int>(ins.op) << " t" << static_cast<int>(ins.type)
       << (ins.nullable ? "?" : "") << " trap=" << static_cast<int64_t>(ins.trap == ir::kNoError ? -1 : ins.trap)
       << " idx=" << ins.index << " i=" << ins.imm_int << " f=" << ins.imm_float << " args";
    for (auto a : ins.args) os << " %" << a;
    os << "\n";
  }
  for (const auto& o : p.outputs) os << "  output " << o.name << " = %" << o.value << "\n";
  for (const auto& r : p.requirements) os << "  require %" << r.condition << " reason " << r.reason << "\n";
  return os.str();
}

// Computed strings: every run gets a dictionary of its own (seeded with the program's string
// constants, which the input codes 0..6 name) and the string helper; its string columns are
// then rewritten to codes in `canon`, one store per program, so that two runs compare equal
// exactly when their texts are equal (engines may intern a new text at different codes).
strings::VectorStore* canon_ = nullptr;

template <typename Fn>
RunResult RunWithStrings(Fn fn, const ir::Program& p, std::vector<Column>& inputs, int64_t rows,
                         const std::vector<uint16_t>* variants, bool metric, bool row_by_row = false) {
  return RunCanonical(fn, p, inputs, rows, variants, metric, canon_, p.string_constants, row_by_row);
}

// A score's outputs or a metric's row-kernel outputs, from the kernel or the interpreter.
RunResult RunKernel(const Kernel& kernel, const ir::Program& p, std::vector<Column>& inputs, int64_t rows,
                    const std::vector<uint16_t>* variants, bool metric, bool row_by_row = false) {
  return metric ? RunWithStrings(kernel.metric_row(), p, inputs, rows, variants, true, row_by_row)
                : RunWithStrings(kernel.score(), p, inputs, rows, variants, false, row_by_row);
}

RunResult RunInterpreter(const ir::Program& p, std::vector<Column>& inputs, int64_t rows,
                         const std::vector<uint16_t>* variants, bool metric) {
  return RunWithStrings([&p, metric](int64_t r, const TallyColumnView* in, const uint16_t* var, TallyColumnView* out,
                                     uint32_t* st) {
    if (metric) interp::RunMetricRows(p, r, in, var, out, st);
    else interp::RunScore(p, r, in, var, out, st);
  }, p, inputs, rows, variants, metric);
}

TEST(CodegenDifferential, RandomProgramsMatchTheInterpreterBitForBit) {
  const int64_t programs = EnvInt("TALLY_DIFF_PROGRAMS", 100);
  const int64_t rows = EnvInt("TALLY_DIFF_ROWS", 300);
  const uint64_t seed = static_cast<uint64_t>(EnvInt("TALLY_DIFF_SEED", 20260101));
  auto start = std::chrono::steady_clock::now();
  int64_t compared = 0, rejected = 0, nulls = 0, removed = 0, string_programs = 0;
  for (int64_t n = 0; n < programs; ++n) {
    const uint64_t program_seed = seed * 1000003 + static_cast<uint64_t>(n);
    const bool metric = n % 4 == 3;
    RandomProgram gen(program_seed, metric);
    ir::Program p = gen.Generate();
    std::vector<Column> inputs = gen.Inputs(rows);
    std::vector<uint16_t> variants = gen.Variants(rows);
    const std::vector<uint16_t>* v = n % 3 == 0 ? nullptr : &variants;
    auto kernel = CompileKernel(p, NoCache());
    ASSERT_TRUE(kernel.ok()) << "seed " << program_seed << ": " << kernel.error().message;
    strings::VectorStore canon;
    canon_ = &canon;
    string_programs += ir::UsesStringCalls(p.row_code);
    RunResult k = RunKernel(**kernel, p, inputs, rows, v, metric);
    RunResult i = RunInterpreter(p, inputs, rows, v, metric);
    ExpectSameBytes(k, i, "seed " + std::to_string(program_seed));
    RunResult one = RunKernel(**kernel, p, inputs, rows, v, metric, /*row_by_row=*/true);
    ExpectSameBytes(one, i, "row by row, seed " + std::to_string(program_seed));
    // The passes must not change a byte: the optimized program, interpreted and compiled,
    // against the original program interpreted.
    ir::Program optimized = p;
    tally::Status passes = ir::Optimize(optimized);
    ASSERT_TRUE(passes.ok()) << "seed " << program_seed << ": " << passes.message();
    removed += static_cast<int64_t>(p.row_code.size()) - static_cast<int64_t>(optimized.row_code.size());
    auto optimized_kernel = CompileKernel(optimized, NoCache());
    ASSERT_TRUE(optimized_kernel.ok()) << "seed " << program_seed << ": " << optimized_kernel.error().message;
    RunResult ko = RunKernel(**optimized_kernel, optimized, inputs, rows, v, metric);
    RunResult io = RunInterpreter(optimized, inputs, rows, v, metric);
    ExpectSameBytes(io, i, "optimized, interpreted, seed " + std::to_string(program_seed));
    ExpectSameBytes(ko, i, "optimized, compiled, seed " + std::to_string(program_seed));
    if (n % 5 == 0) {  // every fifth program also as a later process gets it: from the cache
      std::shared_ptr<const Kernel> reloaded = CompileAndReload(p);
      ASSERT_TRUE(reloaded) << "seed " << program_seed;
      RunResult c = RunKernel(*reloaded, p, inputs, rows, v, metric);
      ExpectSameBytes(c, i, "from the cache, seed " + std::to_string(program_seed));
    }
    if (::testing::Test::HasFailure()) {
      FAIL() << "first mismatch at program seed " << program_seed << ":\n" << Dump(p) << "optimized:\n" << Dump(optimized);
    }
    compared += rows;
    for (int64_t r = 0; r < rows; ++r) {
      rejected += i.status[static_cast<size_t>(r)] != 0;
      for (const Column& c : i.outputs) nulls += c.rows() > r && c.valid[static_cast<size_t>(r)] == 0;
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  canon_ = nullptr;
  std::printf("differential: %lld programs x %lld rows = %lld cases, seed %llu, %.1f s; "
              "%lld rows rejected (require/trap), %lld null output values, %lld instructions removed by the passes; "
              "%lld programs compute strings\n",
              static_cast<long long>(programs), static_cast<long long>(rows), static_cast<long long>(compared),
              static_cast<unsigned long long>(seed), seconds, static_cast<long long>(rejected),
              static_cast<long long>(nulls), static_cast<long long>(removed), static_cast<long long>(string_programs));
}

// User-defined functions are inlined: a random score, and the same score with a random
// subexpression factored out into a function (sometimes two, one calling the other), must
// give the same bytes, on both engines.
TEST(CodegenDifferential, FactoringIntoAFunctionChangesNoByte) {
  const int64_t programs = EnvInt("TALLY_DIFF_FUNCTION_PROGRAMS", 60);
  const int64_t rows = EnvInt("TALLY_DIFF_ROWS", 300);
  const uint64_t seed = static_cast<uint64_t>(EnvInt("TALLY_DIFF_SEED", 20260101));
  int64_t compared = 0, skipped = 0;
  for (int64_t n = 0; n < programs; ++n) {
    const uint64_t program_seed = seed * 7919 + static_cast<uint64_t>(n);
    RandomSource gen(program_seed);
    RandomSource::Case c = gen.Generate();
    auto compile = [](const std::string& text) {
      return Compile({std::make_shared<const SourceFile>("random.tally", text)});
    };
    CompileResult plain = compile(c.plain), factored = compile(c.factored);
    // Constants can make a program invalid (a literal zero divisor, a trap on every row):
    // then the factored one must be refused too.
    ASSERT_EQ(plain.library.has_value(), factored.library.has_value())
        << "seed " << program_seed << "\n" << c.plain << "\n" << Render(plain.diagnostics) << "\n" << c.factored << "\n"
        << Render(factored.diagnostics);
    if (!plain.library) {
      ++skipped;
      continue;
    }
    const ir::Program& a = *plain.library->Find("r.s");
    const ir::Program& b = *factored.library->Find("r.s");
    std::mt19937_64 rng(program_seed);
    auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
    static const int64_t ints[] = {0, 1, -1, 2, 3, 7, -100, 3037000500, std::numeric_limits<int64_t>::min(),
                                   std::numeric_limits<int64_t>::max()};
    static const double floats[] = {0.0, -0.0, 1.0, -1.0, 0.5, 2.5, 1e308, -1e308, 5e-324, 709.0, 1.005, 3.0};
    std::vector<Column> inputs(5);
    for (size_t col = 0; col < 5; ++col) {
      inputs[col].type = a.inputs[col].type;
      inputs[col].has_valid = a.inputs[col].nullable;
      for (int64_t r = 0; r < rows; ++r) {
        bool valid = !a.inputs[col].nullable || !chance(0.15);
        switch (a.inputs[col].type) {
          case Type::kInt: inputs[col].Push<int64_t>(ints[rng() % 10], valid); break;
          case Type::kFloat: inputs[col].Push<double>(floats[rng() % 12], valid); break;
          default: inputs[col].Push<uint8_t>(chance(0.5) ? 1 : 0, valid); break;
        }
      }
    }
    auto ka = CompileKernel(a, NoCache());
    auto kb = CompileKernel(b, NoCache());
    ASSERT_TRUE(ka.ok() && kb.ok()) << "seed " << program_seed;
    RunResult ia = RunInterpreter(a, inputs, rows, nullptr, false);
    RunResult ib = RunInterpreter(b, inputs, rows, nullptr, false);
    RunResult ja = RunKernel(**ka, a, inputs, rows, nullptr, false);
    RunResult jb = RunKernel(**kb, b, inputs, rows, nullptr, false);
    std::string what = "seed " + std::to_string(program_seed);
    ExpectSameBytes(ja, ia, what + " plain, kernel vs interpreter");
    ExpectSameBytes(ib, ia, what + " factored vs plain, interpreted");
    ExpectSameBytes(jb, ia, what + " factored compiled vs plain interpreted");
    if (::testing::Test::HasFailure()) FAIL() << c.plain << "\n" << c.factored;
    compared += rows;
  }
  std::printf("function factoring: %lld programs x %lld rows, %lld cases compared, %lld programs refused by the checker\n",
              static_cast<long long>(programs), static_cast<long long>(rows), static_cast<long long>(compared),
              static_cast<long long>(skipped));
}

}  // namespace
}  // namespace tally::codegen::testing
