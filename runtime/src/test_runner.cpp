// Runs test blocks on kernels (test_runner.h). A test's run on one engine is first executed
// into plain data (statuses and columns), then checked against the test's expectations and
// compared with the first engine's run, so every check is written once for every engine.
#include "tally/runtime/test_runner.h"
#include "tally/support/civil_date.h"

#include <algorithm>
#include <charconv>
#include <compare>
#include <cmath>
#include <cstring>
#include <exception>
#include <optional>
#include <set>

#include "tally/compiler/ast.h"
#include "tally/runtime/group_by.h"
#include "tally/runtime/kernels.h"
#include "tally/runtime/string_calls.h"
#include "tally/runtime/string_dictionary.h"
#include "window_pass.h"

namespace tally::runtime {
namespace {

// A failure line before it is told which engines found it: `where` is "file:line:col: ".
struct Failure {
  std::string where;
  std::string text;
  auto operator<=>(const Failure&) const = default;
};
using Failures = std::vector<Failure>;

std::string Where(const SourceRange& r) { return r.file->LocationOf(r.begin).ToString() + ": "; }

std::string FormatFloat(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, end);
  if (s.find_first_of(".e") == std::string::npos && s.find_first_of("in") == std::string::npos) s += ".0";
  return s;
}

// A single typed cell, as tests write and read them.
struct Cell {
  bool valid = false;
  int64_t i = 0;  // int, bool, string code
  double f = 0.0;
};

Cell FromLiteral(const ast::Literal& lit, StringDictionary& dict) {
  Cell c;
  c.valid = lit.kind != ast::Literal::Kind::kNull;
  switch (lit.kind) {
    case ast::Literal::Kind::kInt:
      c.i = lit.int_value;
      c.f = static_cast<double>(lit.int_value);  // an int literal fits a float
      break;
    case ast::Literal::Kind::kFloat: c.f = lit.float_value; break;
    case ast::Literal::Kind::kBool: c.i = lit.bool_value ? 1 : 0; break;
    case ast::Literal::Kind::kString: c.i = dict.Intern(lit.string_value); break;
    case ast::Literal::Kind::kNull: break;
    case ast::Literal::Kind::kDate: c.i = lit.int_value; break;
  }
  return c;
}

std::string Show(const Cell& c, ir::Type type, const StringDictionary& dict) {
  if (!c.valid) return "null";
  switch (type) {
    case ir::Type::kBool: return c.i ? "true" : "false";
    case ir::Type::kInt: return std::to_string(c.i);
    case ir::Type::kDate: return "date \"" + dates::ToIso(c.i) + "\"";
    case ir::Type::kFloat: return FormatFloat(c.f);
    case ir::Type::kString:
      if (c.i < 0 || static_cast<size_t>(c.i) >= dict.size()) return "<string code " + std::to_string(c.i) + ">";
      return "\"" + std::string(dict.Get(static_cast<int32_t>(c.i))) + "\"";
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

Cell Get(const OwnedColumn& c, size_t row) {
  Cell cell;
  cell.valid = c.valid[row] != 0;
  switch (c.type) {
    case ir::Type::kBool: cell.i = c.bools[row]; break;
    case ir::Type::kInt:
    case ir::Type::kDate: cell.i = c.ints[row]; break;
    case ir::Type::kFloat: cell.f = c.floats[row]; break;
    case ir::Type::kString: cell.i = c.codes[row]; break;
  }
  return cell;
}

void Set(OwnedColumn& c, size_t row, const Cell& cell) {
  c.valid[row] = cell.valid;
  switch (c.type) {
    case ir::Type::kBool: c.bools[row] = static_cast<uint8_t>(cell.i != 0); break;
    case ir::Type::kInt:
    case ir::Type::kDate: c.ints[row] = cell.i; break;
    case ir::Type::kFloat: c.floats[row] = cell.f; break;
    case ir::Type::kString: c.codes[row] = static_cast<int32_t>(cell.i); break;
  }
}

// Bit for bit: a value that is null in both agrees whatever its bytes.
bool SameBits(const OwnedColumn& a, const OwnedColumn& b, size_t row) {
  if (a.valid[row] != b.valid[row]) return false;
  if (a.valid[row] == 0) return true;
  switch (a.type) {
    case ir::Type::kBool: return a.bools[row] == b.bools[row];
    case ir::Type::kInt:
    case ir::Type::kDate: return a.ints[row] == b.ints[row];
    case ir::Type::kFloat: return std::memcmp(&a.floats[row], &b.floats[row], sizeof(double)) == 0;
    case ir::Type::kString: return a.codes[row] == b.codes[row];
  }
  return false;
}

template <typename Described>  // ir::Column, ir::Output: anything with a name and a type
int IndexOf(const std::vector<Described>& columns, const std::string& name) {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

template <typename Described>
std::vector<OwnedColumn> ColumnsFor(const std::vector<Described>& described, size_t rows) {
  std::vector<OwnedColumn> columns;
  for (const auto& d : described) columns.emplace_back(d.type, rows);
  return columns;
}

std::vector<TallyColumnView> Views(std::vector<OwnedColumn>& columns) {
  std::vector<TallyColumnView> views;
  for (OwnedColumn& c : columns) views.push_back(c.View());
  return views;
}

// A kernel may return any status: one the program does not know is named, not indexed.
std::string ReasonText(const ir::Program& p, uint32_t status, bool with_location) {
  if (status == 0 || status > p.reasons.size()) return "unknown reason #" + std::to_string(status);
  const ir::Reason& reason = p.reasons[status - 1];
  return with_location ? reason.message + " (" + reason.location.ToString() + ")" : reason.message;
}

std::string RowVerdict(const ir::Program& p, uint32_t status) {
  return status == 0 ? "scored it" : "rejected it (" + ReasonText(p, status, false) + ")";
}

// "the engines disagree on tier: interpreter "green", jit "red"".
Failure Disagreement(std::string where, const std::string& what, const std::string (&names)[2],
                     const std::string& first, const std::string& second) {
  return {std::move(where), "the engines disagree on " + what + ": " + names[0] + " " + first + ", " + names[1] +
                                " " + second};
}

// Every output `step` expects, against row `row` of `outputs`. A metric's line names the
// group (`group`), a score's the tolerance it was given.
void CheckOutputs(const ir::Program& p, const ast::TestStep& step, const std::vector<OwnedColumn>& outputs,
                  size_t row, const std::string* group, StringDictionary& dict, Failures& failures) {
  for (const auto& b : step.bindings) {
    int o = IndexOf(p.outputs, b.name);
    if (o < 0) continue;
    ir::Type type = p.outputs[static_cast<size_t>(o)].type;
    Cell expected = FromLiteral(b.value, dict);
    Cell actual = Get(outputs[static_cast<size_t>(o)], row);
    if (Matches(actual, expected, type, Tolerance(b))) continue;
    std::string note = group != nullptr ? " (group " + *group + ")"
                       : b.tolerance    ? " (within " + FormatFloat(Tolerance(b)) + ")"
                                        : "";
    failures.push_back({Where(step.range), b.name + ": expected " + Show(expected, type, dict) + ", got " +
                                               Show(actual, type, dict) + note});
  }
}

// The `given`s as input rows, nulls where a nullable input is not given, and each row's
// variant (from its `region` input).
struct Rows {
  std::vector<OwnedColumn> inputs;
  std::vector<uint16_t> variants;
  std::vector<TallyColumnView> views;
};

Rows MakeRows(const ir::Program& p, const std::vector<const ast::TestStep*>& givens, StringDictionary& dict) {
  Rows rows;
  rows.inputs = ColumnsFor(p.inputs, givens.size());
  for (OwnedColumn& c : rows.inputs) c.valid.assign(givens.size(), 0);
  rows.variants.assign(givens.size(), 0);
  for (size_t r = 0; r < givens.size(); ++r) {
    for (const auto& b : givens[r]->bindings) {
      int c = IndexOf(p.inputs, b.name);
      if (c >= 0) Set(rows.inputs[static_cast<size_t>(c)], r, FromLiteral(b.value, dict));
    }
    if (p.region_input < 0) continue;
    Cell region = Get(rows.inputs[static_cast<size_t>(p.region_input)], r);
    if (!region.valid) continue;
    for (size_t v = 1; v < p.variants.size(); ++v) {
      if (p.variants[v] == dict.Get(static_cast<int32_t>(region.i))) rows.variants[r] = static_cast<uint16_t>(v);
    }
  }
  rows.views = Views(rows.inputs);
  return rows;
}

// A score's test: each `expect` checks the row of the most recent `given`, scored on its own.
class ScoreTest {
 public:
  struct Row {
    uint32_t status = 0;
    std::vector<OwnedColumn> outputs;  // one row each
  };
  using Run = std::vector<Row>;  // one per `expect`

  ScoreTest(const ir::Program& p, const ast::Test& t, StringDictionary& dict) : p_(p), dict_(dict) {
    strings_.Reset(&dict);
    const ast::TestStep* given = nullptr;
    for (const auto& step : t.steps) {
      if (step.kind == ast::TestStep::Kind::kGiven) {
        given = &step;
        givens_.push_back(&step);
      } else if (given != nullptr) {
        steps_.push_back({&step, MakeRows(p, {given}, dict), givens_.size() - 1});
      }
    }
    if (!p.windows.empty()) all_rows_ = MakeRows(p, givens_, dict);
  }

  Run Execute(const KernelSet& kernels) {
    if (!p_.windows.empty()) return ExecuteWithWindows(kernels);
    Run run;
    for (Step& step : steps_) {
      Row row;
      row.outputs = ColumnsFor(p_.outputs, 1);
      std::vector<TallyColumnView> out = Views(row.outputs);
      std::vector<TallyColumnView> in = step.rows.views;
      strings_.AppendIfUsed(p_.row_code, in);
      kernels.score(1, in.data(), step.rows.variants.data(), out.data(), &row.status);
      run.push_back(std::move(row));
    }
    return run;
  }

  Failures Check(const Run& run) const {
    Failures failures;
    for (size_t i = 0; i < steps_.size(); ++i) {
      const ast::TestStep& step = *steps_[i].expect;
      const Row& row = run[i];
      std::string where = Where(step.range);
      if (step.kind == ast::TestStep::Kind::kExpectRejected) {
        if (row.status == 0) {
          failures.push_back({where, "expected the row to be rejected, but it was scored"});
        } else if (std::string reason = TestReason(row.status, false);
                   step.reason && reason.find(*step.reason) == std::string::npos) {
          failures.push_back({where, "expected rejection \"" + *step.reason + "\", got \"" + reason + "\""});
        }
        continue;
      }
      if (row.status != 0) {
        failures.push_back({where, "row was rejected: " + TestReason(row.status, true)});
        continue;
      }
      CheckOutputs(p_, step, row.outputs, 0, nullptr, dict_, failures);
    }
    return failures;
  }

  void Compare(const Run& a, const Run& b, const std::string (&names)[2], Failures& out) const {
    for (size_t i = 0; i < steps_.size(); ++i) {
      std::string where = Where(steps_[i].expect->range);
      if (a[i].status != b[i].status) {
        out.push_back(Disagreement(where, "the row", names, RowVerdict(p_, a[i].status), RowVerdict(p_, b[i].status)));
        continue;
      }
      if (a[i].status != 0) continue;
      for (size_t o = 0; o < p_.outputs.size(); ++o) {
        if (SameBits(a[i].outputs[o], b[i].outputs[o], 0)) continue;
        ir::Type type = p_.outputs[o].type;
        out.push_back(Disagreement(where, p_.outputs[o].name, names, Show(Get(a[i].outputs[o], 0), type, dict_),
                                   Show(Get(b[i].outputs[o], 0), type, dict_)));
      }
    }
  }

 private:
  // A score with window aggregates: the test's `given`s are its whole input, the population
  // of every window (docs/language.md, "Window aggregates"), scored together; each `expect`
  // checks the row of its `given`.
  Run ExecuteWithWindows(const KernelSet& kernels) {
    const int64_t n = static_cast<int64_t>(givens_.size());
    std::vector<OwnedColumn> outputs = ColumnsFor(p_.outputs, givens_.size());
    std::vector<uint32_t> status(givens_.size(), 0);
    std::vector<uint32_t> window_status;
    std::string error;
    if (kernels.windows.size() != p_.windows.size()) {
      error = "no kernels for the window aggregates";
    } else {
      WindowPass pass(p_, kernels);
      Status added = pass.Add(n, all_rows_.views.data(), all_rows_.variants.data(), &dict_);
      auto populations = added.ok() ? pass.Finish(dict_.ToVector())
                                    : Result<std::shared_ptr<const WindowPopulations>>(Error{added.message()});
      if (!populations.ok()) {
        error = populations.error().message;
      } else {
        WindowPopulations::Scratch scratch;
        std::vector<OwnedColumn> values;
        Status filled = (*populations)->Fill(n, all_rows_.views.data(), all_rows_.variants.data(), dict_, strings_,
                                             scratch, values, window_status);
        if (!filled.ok()) {
          error = filled.message();
        } else {
          std::vector<TallyColumnView> inputs = all_rows_.views;
          for (OwnedColumn& c : values) inputs.push_back(c.View());
          strings_.AppendIfUsed(p_.row_code, inputs);
          std::vector<TallyColumnView> out = Views(outputs);
          if (n > 0) kernels.score(n, inputs.data(), all_rows_.variants.data(), out.data(), status.data());
          // A row a window rejects is rejected with the window's reason, as in a run.
          for (size_t r = 0; r < window_status.size(); ++r) {
            if (window_status[r] != 0) status[r] = WindowReasonStatus((*populations)->Reject(window_status[r], 0, 0));
          }
        }
      }
    }
    Run run;
    for (const Step& step : steps_) {
      Row row;
      row.outputs = ColumnsFor(p_.outputs, 1);
      row.status = error.empty() ? status[step.given] : WindowReasonStatus(RejectRecord{0, 0, "", error, "", {}});
      for (size_t o = 0; o < p_.outputs.size(); ++o) CopyRow(outputs[o], step.given, row.outputs[o]);
      run.push_back(std::move(row));
    }
    return run;
  }

  // A window program's reject as a status of this test: the score's own reason when it has
  // one with the same message (a require both check), else a new one kept with the test.
  uint32_t WindowReasonStatus(const RejectRecord& why) {
    const std::string message = why.rule.empty() ? why.reason : why.rule;
    for (size_t i = 0; i < p_.reasons.size(); ++i) {
      if (p_.reasons[i].message == message) return static_cast<uint32_t>(i + 1);
    }
    extra_reasons_.push_back(message);
    return static_cast<uint32_t>(p_.reasons.size() + extra_reasons_.size());
  }

  std::string TestReason(uint32_t status, bool with_location) const {
    if (status > p_.reasons.size() && status - p_.reasons.size() <= extra_reasons_.size()) {
      return extra_reasons_[status - p_.reasons.size() - 1];
    }
    return ReasonText(p_, status, with_location);
  }

  static void CopyRow(const OwnedColumn& from, size_t r, OwnedColumn& to) {
    to.valid[0] = from.valid[r];
    switch (from.type) {
      case ir::Type::kBool: to.bools[0] = from.bools[r]; break;
      case ir::Type::kInt:
      case ir::Type::kDate: to.ints[0] = from.ints[r]; break;
      case ir::Type::kFloat: to.floats[0] = from.floats[r]; break;
      case ir::Type::kString: to.codes[0] = from.codes[r]; break;
    }
  }

  struct Step {
    const ast::TestStep* expect;
    Rows rows;  // the one row of its `given`
    size_t given = 0;  // which `given` of the test
  };
  const ir::Program& p_;
  StringDictionary& dict_;
  KernelStrings strings_;  // computed strings, interned into dict_ (string_calls.h)
  std::vector<Step> steps_;
  std::vector<const ast::TestStep*> givens_;
  Rows all_rows_;  // with window aggregates: every `given`, in order
  std::vector<std::string> extra_reasons_;  // window rejects the score has no reason for
};

// A metric's test: the `given`s are the rows, grouped as in a real run; each `expect` names a
// group by its keys.
class MetricTest {
 public:
  struct Run {
    std::vector<uint32_t> row_status;
    std::vector<OwnedColumn> args;  // the row kernel's aggregate arguments (kernel_abi.h)
    std::string group_error;        // the group-by failed (an overflow): nothing to finalize
    GroupAggregator::Groups groups;
    std::vector<OwnedColumn> outputs;  // one row per group
    std::vector<uint32_t> group_status;
  };

  MetricTest(const ir::Program& p, const ast::Test& t, StringDictionary& dict) : p_(p), t_(t), dict_(dict) {
    strings_.Reset(&dict);
    for (const auto& step : t.steps) {
      if (step.kind == ast::TestStep::Kind::kGiven) givens_.push_back(&step);
    }
    rows_ = MakeRows(p, givens_, dict);
  }

  Run Execute(const KernelSet& kernels) {
    Run run;
    const int64_t n = static_cast<int64_t>(givens_.size());
    ResetAggregateArgs(p_, givens_.size(), run.args);
    std::vector<TallyColumnView> arg_views = Views(run.args);
    run.row_status.assign(givens_.size(), 0);
    if (n > 0) {
      std::vector<TallyColumnView> in = rows_.views;
      strings_.AppendIfUsed(p_.row_code, in);
      kernels.metric_rows(n, in.data(), rows_.variants.data(), arg_views.data(), run.row_status.data());
    }
    std::vector<TallyColumnView> key_views;
    for (uint32_t k : p_.group_keys) key_views.push_back(rows_.views[k]);
    GroupAggregator aggregator(p_);
    if (Status s = aggregator.AddBatch(n, key_views.data(), arg_views.data(), run.row_status.data()); !s.ok()) {
      run.group_error = s.message();
      return run;
    }
    auto groups = aggregator.Finish(dict_.ToVector());
    if (!groups) {
      run.group_error = groups.error().message;
      return run;
    }
    run.groups = std::move(*groups);
    const size_t count = static_cast<size_t>(run.groups.count);
    run.outputs = ColumnsFor(p_.outputs, count);
    run.group_status.assign(count, 0);
    std::vector<TallyColumnView> aggregates = Views(run.groups.aggregates), keys = Views(run.groups.keys),
                                 outputs = Views(run.outputs);
    strings_.AppendIfUsed(p_.post_code, keys);
    if (count > 0) {
      kernels.metric_finalize(run.groups.count, aggregates.data(), keys.data(), outputs.data(),
                              run.group_status.data());
    }
    return run;
  }

  Failures Check(const Run& run) const {
    Failures failures;
    if (!run.group_error.empty()) {
      failures.push_back({Where(t_.range), run.group_error});
      return failures;
    }
    for (const auto& step : t_.steps) {
      if (step.kind == ast::TestStep::Kind::kExpect) CheckGroup(step, run, failures);
    }
    return failures;
  }

  void Compare(const Run& a, const Run& b, const std::string (&names)[2], Failures& out) const {
    bool rows_agree = true;
    for (size_t r = 0; r < givens_.size(); ++r) {
      std::string where = Where(givens_[r]->range);
      if (a.row_status[r] != b.row_status[r]) {
        out.push_back(Disagreement(where, "the row", names, RowVerdict(p_, a.row_status[r]),
                                   RowVerdict(p_, b.row_status[r])));
        rows_agree = false;
        continue;
      }
      if (a.row_status[r] != 0) continue;
      for (size_t i = 0; i < p_.aggregates.size(); ++i) {
        const ir::Aggregate& agg = p_.aggregates[i];
        for (size_t slot = 2 * i; slot < 2 * i + 2; ++slot) {
          bool used = slot % 2 == 0 ? ir::HasArgument(agg.kind) : ir::HasSecondArgument(agg.kind);
          if (!used || SameBits(a.args[slot], b.args[slot], r)) continue;
          rows_agree = false;
          std::string what = std::string(slot % 2 == 0 ? "the argument" : "the weight") + " of `" + agg.text + "`";
          out.push_back(Disagreement(where, what, names, Show(Get(a.args[slot], r), a.args[slot].type, dict_),
                                     Show(Get(b.args[slot], r), b.args[slot].type, dict_)));
        }
      }
    }
    // Different rows make different groups: what follows would only repeat the difference.
    if (!rows_agree) return;
    std::string where = Where(t_.range);
    if (a.group_error != b.group_error) {
      auto verdict = [](const Run& run) {
        return run.group_error.empty() ? "grouped the rows" : "failed: " + run.group_error;
      };
      out.push_back(Disagreement(where, "the groups", names, verdict(a), verdict(b)));
      return;
    }
    if (!a.group_error.empty()) return;
    if (a.groups.count != b.groups.count) {  // not for want of rows: they agree
      out.push_back(Disagreement(where, "the number of groups", names, std::to_string(a.groups.count),
                                 std::to_string(b.groups.count)));
      return;
    }
    for (size_t g = 0; g < static_cast<size_t>(a.groups.count); ++g) {
      std::string group = "group " + KeyLabel(a.groups, g);
      if (a.group_status[g] != b.group_status[g]) {
        auto verdict = [&](uint32_t s) { return s == 0 ? "computed it" : "failed (" + ReasonText(p_, s, false) + ")"; };
        out.push_back(Disagreement(where, group, names, verdict(a.group_status[g]), verdict(b.group_status[g])));
        continue;
      }
      if (a.group_status[g] != 0) continue;
      for (size_t o = 0; o < p_.outputs.size(); ++o) {
        if (SameBits(a.outputs[o], b.outputs[o], g)) continue;
        ir::Type type = p_.outputs[o].type;
        out.push_back(Disagreement(where, p_.outputs[o].name + " (" + group + ")", names,
                                   Show(Get(a.outputs[o], g), type, dict_), Show(Get(b.outputs[o], g), type, dict_)));
      }
    }
  }

 private:
  // "segment = "smb"", or "(all rows)" for a metric without `group by`.
  std::string KeyLabel(const GroupAggregator::Groups& groups, size_t g) const {
    if (key_columns_.empty()) return "(all rows)";
    std::string label;
    for (size_t k = 0; k < key_columns_.size(); ++k) {
      const GroupKeyColumn& column = key_columns_[k];
      label += (k ? ", " : "") + column.name + " = " + Show(Get(groups.Column(column), g), column.type, dict_);
    }
    return label;
  }

  void CheckGroup(const ast::TestStep& step, const Run& run, Failures& failures) const {
    std::string where = Where(step.range);
    int64_t found = -1;
    for (int64_t g = 0; g < run.groups.count && found < 0; ++g) {
      bool all = true;
      for (const GroupKeyColumn& column : key_columns_) {
        for (const auto& b : step.bindings) {
          if (b.name != column.name) continue;
          Cell actual = Get(run.groups.Column(column), static_cast<size_t>(g));
          if (!Matches(actual, FromLiteral(b.value, dict_), column.type, 0.0)) all = false;
        }
      }
      if (all) found = g;
    }
    std::string label;
    for (const auto& b : step.bindings) {
      for (const GroupKeyColumn& column : key_columns_) {
        if (column.name != b.name) continue;
        label += (label.empty() ? "" : ", ") + b.name + " = " + Show(FromLiteral(b.value, dict_), column.type, dict_);
      }
    }
    if (found < 0) {
      failures.push_back({where, "no group with " + (label.empty() ? "these keys" : label)});
      return;
    }
    size_t g = static_cast<size_t>(found);
    if (run.group_status[g] != 0) {
      failures.push_back({where, "group could not be computed: " + ReasonText(p_, run.group_status[g], false)});
      return;
    }
    CheckOutputs(p_, step, run.outputs, g, &label, dict_, failures);
  }

  const ir::Program& p_;
  const ast::Test& t_;
  StringDictionary& dict_;
  KernelStrings strings_;  // computed strings, interned into dict_ (string_calls.h)
  std::vector<const ast::TestStep*> givens_;
  Rows rows_;
  std::vector<GroupKeyColumn> key_columns_ = GroupKeyColumns(p_);
};

// One engine's kernels for one definition, or why there are none.
struct EngineKernels {
  const std::string& name;
  Result<KernelSet> kernels;
};

Result<KernelSet> BuildKernels(const TestEngine& engine, const ir::Program& p) {
  if (!engine.factory) return Error{"the engine has no kernel factory"};
  ASSIGN_OR_RETURN(KernelSet kernels, engine.factory(p));
  bool complete = p.kind == ir::Program::Kind::kScore ? static_cast<bool>(kernels.score)
                                                      : kernels.metric_rows && kernels.metric_finalize;
  if (!complete) return Error{"the engine built no kernel for " + p.name};
  return kernels;
}

// Every engine's failures, each line once: a line every engine found is plain, one only some
// engines found names them ("file:line:col: jit: ...").
std::vector<std::string> Merge(const std::vector<Failures>& found, const std::vector<EngineKernels>& engines) {
  std::vector<std::string> lines;
  std::set<Failure> done;
  for (const Failures& failures : found) {
    for (const Failure& f : failures) {
      if (!done.insert(f).second) continue;
      std::string who;
      size_t count = 0;
      for (size_t e = 0; e < found.size(); ++e) {
        if (std::find(found[e].begin(), found[e].end(), f) == found[e].end()) continue;
        who += (who.empty() ? "" : ", ") + engines[e].name;
        ++count;
      }
      lines.push_back(f.where + (count == found.size() ? "" : who + ": ") + f.text);
    }
  }
  return lines;
}

// One test block on every engine: each run is checked, and compared with the first run.
template <typename Test>
void RunOnEngines(Test& test, const std::string& where, const std::vector<EngineKernels>& engines,
                  TestOutcome& outcome) {
  std::vector<Failures> found(engines.size());
  Failures disagreements;
  std::optional<typename Test::Run> reference;
  const std::string* reference_name = nullptr;
  for (size_t e = 0; e < engines.size(); ++e) {
    if (!engines[e].kernels.ok()) {
      found[e].push_back({where, "could not build kernels: " + engines[e].kernels.error().message});
      continue;
    }
    typename Test::Run run = test.Execute(*engines[e].kernels);
    found[e] = test.Check(run);
    if (!reference) {
      reference = std::move(run);
      reference_name = &engines[e].name;
    } else {
      test.Compare(*reference, run, {*reference_name, engines[e].name}, disagreements);
    }
  }
  outcome.failures = Merge(found, engines);
  for (const Failure& d : disagreements) outcome.failures.push_back(d.where + d.text);
}

std::vector<TestOutcome> RunAll(const Library& library, const std::vector<TestEngine>& engines,
                                const TestFileFilter& wanted) {
  std::vector<TestOutcome> outcomes;
  for (const std::string& name : library.Names()) {
    const ir::Program& p = *library.Find(name);
    std::vector<EngineKernels> kernels;  // built for the first test that runs, if any
    for (const ast::Test& t : library.Tests(name)) {
      if (wanted && !wanted(t.range.file->path())) continue;
      if (kernels.empty()) {
        for (const TestEngine& engine : engines) kernels.push_back({engine.name, BuildKernels(engine, p)});
      }
      TestOutcome outcome;
      outcome.definition = name;
      outcome.test_name = t.name;
      outcome.location = t.range.file->LocationOf(t.range.begin);
      // One dictionary for all engines, so equal strings have equal codes in every run.
      StringDictionary dict(p.string_constants);
      if (p.kind == ir::Program::Kind::kScore) {
        ScoreTest test(p, t, dict);
        RunOnEngines(test, Where(t.range), kernels, outcome);
      } else {
        MetricTest test(p, t, dict);
        RunOnEngines(test, Where(t.range), kernels, outcome);
      }
      outcome.passed = outcome.failures.empty();
      outcomes.push_back(std::move(outcome));
    }
  }
  return outcomes;
}

}  // namespace

TestEngine InterpreterEngine() {
  return {"interpreter", [](const ir::Program& p) -> Result<KernelSet> { return InterpreterKernels(p); }};
}

Result<std::vector<TestOutcome>> RunTests(const Library& library, const std::vector<TestEngine>& engines,
                                          const TestFileFilter& wanted) {
  if (engines.empty()) return Error{"no engine to run the tests on"};
  try {
    return RunAll(library, engines, wanted);
  } catch (const std::exception& e) {
    return InternalError(std::string("running the tests: ") + e.what());
  }
}

std::string RenderTestOutcomes(const std::vector<TestOutcome>& outcomes, bool verbose) {
  std::string out;
  size_t passed = 0, failed = 0;
  for (const TestOutcome& o : outcomes) {
    std::string title = o.location.ToString() + ": " + o.definition + " \"" + o.test_name + "\"\n";
    if (o.passed) {
      ++passed;
      if (verbose) out += "PASS " + title;
      continue;
    }
    ++failed;
    out += "FAIL " + title;
    for (const std::string& f : o.failures) out += "  " + f + "\n";
  }
  out += std::to_string(passed) + " passed, " + std::to_string(failed) + " failed\n";
  return out;
}

}  // namespace tally::runtime
