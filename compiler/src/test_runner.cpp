// Runs `test` blocks with the reference interpreter: each `given` of a score is one row
// scored on its own; the `given`s of a metric are its rows, and each `expect` names a group.
#include <charconv>
#include <cmath>
#include <map>

#include "library_impl.h"
#include "tally/compiler/aggregation.h"
#include "tally/compiler/interpreter.h"

namespace tally {
namespace {

std::string Location(const SourceRange& r) {
  auto p = r.file->PositionOf(r.begin);
  return r.file->path() + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
}

std::string FormatFloat(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, end);
  if (s.find_first_of(".e") == std::string::npos && s.find("inf") == std::string::npos) s += ".0";
  return s;
}

// Interns strings for one test: program constants keep codes 0..n-1.
struct Dictionary {
  std::vector<std::string> strings;
  std::map<std::string, int32_t> codes;
  explicit Dictionary(const ir::Program& p) {
    for (const auto& s : p.string_constants) Code(s);
  }
  int32_t Code(const std::string& s) {
    auto [it, inserted] = codes.emplace(s, static_cast<int32_t>(strings.size()));
    if (inserted) strings.push_back(s);
    return it->second;
  }
};

// A single typed cell, as tests write and read them.
struct Cell {
  bool valid = false;
  int64_t i = 0;
  double f = 0.0;
};

Cell FromLiteral(const ast::Literal& lit, ir::Type type, Dictionary& dict) {
  Cell c;
  c.valid = lit.kind != ast::Literal::Kind::kNull;
  switch (lit.kind) {
    case ast::Literal::Kind::kInt:
      c.i = lit.int_value;
      c.f = static_cast<double>(lit.int_value);
      break;
    case ast::Literal::Kind::kFloat: c.f = lit.float_value; break;
    case ast::Literal::Kind::kBool: c.i = lit.bool_value ? 1 : 0; break;
    case ast::Literal::Kind::kString: c.i = dict.Code(lit.string_value); break;
    case ast::Literal::Kind::kNull: break;
  }
  (void)type;
  return c;
}

std::string Show(const Cell& c, ir::Type type, const Dictionary& dict) {
  if (!c.valid) return "null";
  switch (type) {
    case ir::Type::kBool: return c.i ? "true" : "false";
    case ir::Type::kInt: return std::to_string(c.i);
    case ir::Type::kFloat: return FormatFloat(c.f);
    case ir::Type::kString: return "\"" + dict.strings.at(static_cast<size_t>(c.i)) + "\"";
  }
  return "?";
}

bool Matches(const Cell& actual, const Cell& expected, ir::Type type, double tolerance) {
  if (actual.valid != expected.valid) return false;
  if (!actual.valid) return true;
  if (type == ir::Type::kFloat) return std::fabs(actual.f - expected.f) <= tolerance;
  return actual.i == expected.i;
}

double Tolerance(const ast::TestBinding& b) {
  if (!b.tolerance) return 0.0;
  return b.tolerance->kind == ast::Literal::Kind::kInt ? static_cast<double>(b.tolerance->int_value)
                                                       : b.tolerance->float_value;
}

// Columns for `rows` rows of every input.
struct Batch {
  std::vector<std::vector<int64_t>> ints;
  std::vector<std::vector<double>> floats;
  std::vector<std::vector<uint8_t>> bools;
  std::vector<std::vector<int32_t>> codes;
  std::vector<std::vector<uint8_t>> valid;
  std::vector<TallyColumnView> views;

  Batch(const std::vector<ir::Column>& columns, size_t rows) {
    size_t n = columns.size();
    ints.resize(n), floats.resize(n), bools.resize(n), codes.resize(n), valid.resize(n);
    for (size_t c = 0; c < n; ++c) {
      ints[c].resize(rows), floats[c].resize(rows), bools[c].resize(rows), codes[c].resize(rows);
      valid[c].resize(rows);
    }
    for (size_t c = 0; c < n; ++c) {
      void* values = nullptr;
      switch (columns[c].type) {
        case ir::Type::kBool: values = bools[c].data(); break;
        case ir::Type::kInt: values = ints[c].data(); break;
        case ir::Type::kFloat: values = floats[c].data(); break;
        case ir::Type::kString: values = codes[c].data(); break;
      }
      views.push_back({values, valid[c].data()});
    }
  }
  void Set(size_t column, ir::Type type, size_t row, const Cell& cell) {
    valid[column][row] = cell.valid;
    ints[column][row] = cell.i;
    floats[column][row] = cell.f;
    bools[column][row] = static_cast<uint8_t>(cell.i != 0);
    codes[column][row] = static_cast<int32_t>(cell.i);
    (void)type;
  }
  Cell Get(size_t column, ir::Type type, size_t row) const {
    Cell c;
    c.valid = valid[column][row] != 0;
    switch (type) {
      case ir::Type::kBool: c.i = bools[column][row]; break;
      case ir::Type::kInt: c.i = ints[column][row]; break;
      case ir::Type::kFloat: c.f = floats[column][row]; break;
      case ir::Type::kString: c.i = codes[column][row]; break;
    }
    return c;
  }
};

int IndexOf(const std::vector<ir::Column>& columns, const std::string& name) {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}
int IndexOf(const std::vector<ir::Output>& outputs, const std::string& name) {
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (outputs[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

void FillRow(const ir::Program& p, const ast::TestStep& given, Batch& batch, size_t row, Dictionary& dict,
             uint16_t& variant) {
  for (size_t c = 0; c < p.inputs.size(); ++c) batch.Set(c, p.inputs[c].type, row, Cell{});
  for (const auto& b : given.bindings) {
    int c = IndexOf(p.inputs, b.name);
    if (c < 0) continue;
    batch.Set(static_cast<size_t>(c), p.inputs[c].type, row, FromLiteral(b.value, p.inputs[c].type, dict));
  }
  variant = 0;
  if (p.region_input >= 0) {
    Cell region = batch.Get(static_cast<size_t>(p.region_input), ir::Type::kString, row);
    if (region.valid) {
      for (size_t v = 1; v < p.variants.size(); ++v) {
        if (p.variants[v] == dict.strings[static_cast<size_t>(region.i)]) variant = static_cast<uint16_t>(v);
      }
    }
  }
}

class ScoreTest {
 public:
  ScoreTest(const ir::Program& p, const ast::Test& t, TestOutcome& out) : p_(p), t_(t), out_(out), dict_(p) {}

  void Run() {
    const ast::TestStep* given = nullptr;
    for (const auto& step : t_.steps) {
      if (step.kind == ast::TestStep::Kind::kGiven) {
        given = &step;
        continue;
      }
      if (given == nullptr) continue;
      Batch in(p_.inputs, 1);
      uint16_t variant = 0;
      FillRow(p_, *given, in, 0, dict_, variant);
      std::vector<ir::Column> out_columns;
      for (const auto& o : p_.outputs) out_columns.push_back({o.name, o.type, o.nullable});
      Batch out(out_columns, 1);
      uint32_t status = 0;
      interp::RunScore(p_, 1, in.views.data(), &variant, out.views.data(), &status);
      std::string where = Location(step.range) + ": ";
      if (step.kind == ast::TestStep::Kind::kExpectRejected) {
        if (status == 0) {
          out_.failures.push_back(where + "expected the row to be rejected, but it was scored");
        } else if (step.reason && p_.reasons[status - 1].message.find(*step.reason) == std::string::npos) {
          out_.failures.push_back(where + "expected rejection \"" + *step.reason + "\", got \"" +
                                  p_.reasons[status - 1].message + "\"");
        }
        continue;
      }
      if (status != 0) {
        const auto& reason = p_.reasons[status - 1];
        out_.failures.push_back(where + "row was rejected: " + reason.message + " (" + reason.location.ToString() + ")");
        continue;
      }
      for (const auto& b : step.bindings) {
        int o = IndexOf(p_.outputs, b.name);
        if (o < 0) continue;
        ir::Type type = p_.outputs[o].type;
        Cell expected = FromLiteral(b.value, type, dict_);
        Cell actual = out.Get(static_cast<size_t>(o), type, 0);
        if (!Matches(actual, expected, type, Tolerance(b))) {
          out_.failures.push_back(where + b.name + ": expected " + Show(expected, type, dict_) + ", got " +
                                  Show(actual, type, dict_) +
                                  (b.tolerance ? " (within " + FormatFloat(Tolerance(b)) + ")" : ""));
        }
      }
    }
  }

 private:
  const ir::Program& p_;
  const ast::Test& t_;
  TestOutcome& out_;
  Dictionary dict_;
};

class MetricTest {
 public:
  MetricTest(const ir::Program& p, const ast::Test& t, TestOutcome& out) : p_(p), t_(t), out_(out), dict_(p) {}

  void Run() {
    std::vector<const ast::TestStep*> givens;
    for (const auto& step : t_.steps) {
      if (step.kind == ast::TestStep::Kind::kGiven) givens.push_back(&step);
    }
    Batch in(p_.inputs, givens.size());
    std::vector<uint16_t> variants(givens.size());
    for (size_t r = 0; r < givens.size(); ++r) FillRow(p_, *givens[r], in, r, dict_, variants[r]);
    // Aggregate argument columns: slot 2*i and 2*i+1, typed by the IR values they hold.
    std::vector<ir::Column> arg_columns;
    for (const auto& a : p_.aggregates) {
      ir::Type t = a.kind == ir::Aggregate::Kind::kCount ? ir::Type::kInt : p_.row_code[a.arg].type;
      arg_columns.push_back({"arg", t, true});
      arg_columns.push_back({"weight", ir::Type::kFloat, true});
    }
    Batch args(arg_columns, givens.size());
    std::vector<uint32_t> status(givens.size());
    interp::RunMetricRows(p_, static_cast<int64_t>(givens.size()), in.views.data(), variants.data(),
                          args.views.data(), status.data());
    std::vector<TallyColumnView> key_views;
    for (uint32_t k : p_.group_keys) key_views.push_back(in.views[k]);
    GroupAggregator aggregator(p_);
    std::string where = Location(t_.range) + ": ";
    if (auto s = aggregator.AddBatch(static_cast<int64_t>(givens.size()), key_views.data(), args.views.data(),
                                     status.data());
        !s.ok()) {
      out_.failures.push_back(where + s.message());
      return;
    }
    auto groups = aggregator.Finish(dict_.strings);
    if (!groups) {
      out_.failures.push_back(where + groups.error().message);
      return;
    }
    std::vector<ir::Column> out_columns;
    for (const auto& o : p_.outputs) out_columns.push_back({o.name, o.type, o.nullable});
    Batch out(out_columns, static_cast<size_t>(groups->count));
    std::vector<TallyColumnView> agg_views, group_key_views;
    for (auto& c : groups->aggregates) agg_views.push_back(c.View());
    for (auto& c : groups->keys) group_key_views.push_back(c.View());
    std::vector<uint32_t> group_status(static_cast<size_t>(groups->count));
    interp::RunMetricFinalize(p_, groups->count, agg_views.data(), group_key_views.data(), out.views.data(),
                              group_status.data());
    for (const auto& step : t_.steps) {
      if (step.kind != ast::TestStep::Kind::kExpect) continue;
      CheckGroup(step, *groups, out, group_status);
    }
  }

 private:
  void CheckGroup(const ast::TestStep& step, const GroupAggregator::Groups& groups, const Batch& out,
                  const std::vector<uint32_t>& group_status) {
    std::string where = Location(step.range) + ": ";
    std::string label;
    int64_t found = -1;
    for (int64_t g = 0; g < groups.count && found < 0; ++g) {
      bool all = true;
      label.clear();
      for (size_t k = 0; k < p_.group_keys.size(); ++k) {
        const auto& column = p_.inputs[p_.group_keys[k]];
        for (const auto& b : step.bindings) {
          if (b.name != column.name) continue;
          Cell expected = FromLiteral(b.value, column.type, dict_);
          const OwnedColumn& key = groups.keys[k];
          Cell actual;
          actual.valid = key.valid[static_cast<size_t>(g)] != 0;
          switch (column.type) {
            case ir::Type::kBool: actual.i = key.bools[static_cast<size_t>(g)]; break;
            case ir::Type::kInt: actual.i = key.ints[static_cast<size_t>(g)]; break;
            case ir::Type::kFloat: actual.f = key.floats[static_cast<size_t>(g)]; break;
            case ir::Type::kString: actual.i = key.codes[static_cast<size_t>(g)]; break;
          }
          if (!Matches(actual, expected, column.type, 0.0)) all = false;
        }
      }
      if (all) found = g;
    }
    for (const auto& b : step.bindings) {
      if (IndexOf(p_.outputs, b.name) >= 0) continue;
      int c = IndexOf(p_.inputs, b.name);
      if (c >= 0) label += (label.empty() ? "" : ", ") + b.name + " = " + Show(FromLiteral(b.value, p_.inputs[c].type, dict_), p_.inputs[c].type, dict_);
    }
    if (found < 0) {
      out_.failures.push_back(where + "no group with " + (label.empty() ? "these keys" : label));
      return;
    }
    size_t g = static_cast<size_t>(found);
    if (group_status[g] != 0) {
      out_.failures.push_back(where + "group could not be computed: " + p_.reasons[group_status[g] - 1].message);
      return;
    }
    for (const auto& b : step.bindings) {
      int o = IndexOf(p_.outputs, b.name);
      if (o < 0) continue;
      ir::Type type = p_.outputs[o].type;
      Cell expected = FromLiteral(b.value, type, dict_);
      Cell actual = out.Get(static_cast<size_t>(o), type, g);
      if (!Matches(actual, expected, type, Tolerance(b))) {
        out_.failures.push_back(where + b.name + ": expected " + Show(expected, type, dict_) + ", got " +
                                Show(actual, type, dict_) + " (group " + label + ")");
      }
    }
  }

  const ir::Program& p_;
  const ast::Test& t_;
  TestOutcome& out_;
  Dictionary dict_;
};

}  // namespace

std::vector<TestOutcome> Library::RunTests() const {
  std::vector<TestOutcome> outcomes;
  for (const auto& d : impl_->module->definitions) {
    const ir::Program& p = impl_->programs.at(d.ast->name);
    for (const auto& t : d.ast->tests) {
      TestOutcome outcome;
      outcome.definition = d.ast->name;
      outcome.test_name = t.name;
      outcome.location = Location(t.range);
      if (p.kind == ir::Program::Kind::kScore) ScoreTest(p, t, outcome).Run();
      else MetricTest(p, t, outcome).Run();
      outcome.passed = outcome.failures.empty();
      outcomes.push_back(std::move(outcome));
    }
  }
  return outcomes;
}

}  // namespace tally
