#include "tally/governance/evidence.h"

#include <cmath>
#include <cstdio>
#include <memory>
#include <random>
#include <set>

#include "tally/compiler/ir_compare.h"
#include "tally/runtime/csv_reader.h"
#include "tally/runtime/runtime.h"
#include "tally/runtime/test_runner.h"
#include "tally/runtime/value_parse.h"
#include "tally/support/civil_date.h"

namespace tally::governance {

namespace {

// One input row as text by column name; nullopt = absent or blank (null).
using TextRow = std::map<std::string, std::optional<std::string>>;

// Every output of one version on a set of rows, rendered canonically (floats with 17
// significant digits: equal text means equal bits for finite doubles).
struct Scored {
  std::vector<bool> scored;                                   // per row
  std::map<std::string, std::vector<std::optional<std::string>>> outputs;
};

std::string RenderFloat(double d) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  return buf;
}

// Scores `rows` with `kernel`; a row whose text does not parse for this version counts as
// not scored (as `tally score` would reject it).
Scored ScoreRows(const ScoreKernel& kernel, const std::vector<TextRow>& rows) {
  const ir::Program& p = kernel.program();
  size_t n = rows.size();
  Scored out;
  out.scored.assign(n, true);
  auto dict = kernel.NewDictionary();
  // Column storage, one vector per input, plus validity.
  std::vector<std::vector<int64_t>> ints(p.inputs.size());
  std::vector<std::vector<double>> floats(p.inputs.size());
  std::vector<std::vector<int32_t>> codes(p.inputs.size());
  std::vector<std::vector<uint8_t>> bools(p.inputs.size()), valid(p.inputs.size());
  std::vector<uint16_t> variants(n, 0);
  for (size_t c = 0; c < p.inputs.size(); ++c) {
    const ir::Column& col = p.inputs[c];
    valid[c].assign(n, 1);
    ints[c].assign(col.type == ir::Type::kInt || col.type == ir::Type::kDate ? n : 0, 0);
    floats[c].assign(col.type == ir::Type::kFloat ? n : 0, 0);
    codes[c].assign(col.type == ir::Type::kString ? n : 0, 0);
    bools[c].assign(col.type == ir::Type::kBool ? n : 0, 0);
    for (size_t r = 0; r < n; ++r) {
      auto it = rows[r].find(col.name);
      std::optional<std::string> text = it == rows[r].end() ? std::nullopt : it->second;
      if (text && col.type != ir::Type::kString && runtime::IsBlank(*text)) text.reset();
      if (!text) {
        valid[c][r] = 0;
        if (!col.nullable) out.scored[r] = false;
        continue;
      }
      std::string reason;
      bool ok = true;
      switch (col.type) {
        case ir::Type::kInt: ok = runtime::ParseInt(*text, ints[c][r], reason); break;
        case ir::Type::kFloat: ok = runtime::ParseFloat(*text, floats[c][r], reason); break;
        case ir::Type::kBool: ok = runtime::ParseBool(*text, bools[c][r], reason); break;
        case ir::Type::kString: codes[c][r] = dict->Intern(*text); break;
        case ir::Type::kDate: ok = runtime::ParseDate(*text, col.date_format, ints[c][r], reason); break;
      }
      if (!ok) {
        valid[c][r] = 0;
        out.scored[r] = false;
      }
      if (static_cast<int32_t>(c) == p.region_input && text) variants[r] = kernel.VariantOf(*text);
    }
  }
  std::vector<TallyColumnView> inputs(p.inputs.size());
  for (size_t c = 0; c < p.inputs.size(); ++c) {
    void* values = nullptr;
    switch (p.inputs[c].type) {
      case ir::Type::kInt:
      case ir::Type::kDate: values = ints[c].data(); break;
      case ir::Type::kFloat: values = floats[c].data(); break;
      case ir::Type::kBool: values = bools[c].data(); break;
      case ir::Type::kString: values = codes[c].data(); break;
    }
    inputs[c] = {values, valid[c].data()};
  }
  std::vector<std::vector<uint64_t>> out_values(p.outputs.size(), std::vector<uint64_t>(n, 0));
  std::vector<std::vector<uint8_t>> out_valid(p.outputs.size(), std::vector<uint8_t>(n, 0));
  std::vector<TallyColumnView> outputs(p.outputs.size());
  for (size_t o = 0; o < p.outputs.size(); ++o) outputs[o] = {out_values[o].data(), out_valid[o].data()};
  std::vector<uint32_t> status(n, 0);
  if (n > 0 && kernel.ScoreBatch(static_cast<int64_t>(n), inputs.data(), variants.data(), outputs.data(), status.data()).ok()) {
    for (size_t r = 0; r < n; ++r) out.scored[r] = out.scored[r] && status[r] == 0;
  } else {
    out.scored.assign(n, false);
  }
  for (size_t o = 0; o < p.outputs.size(); ++o) {
    auto& col = out.outputs[p.outputs[o].name];
    col.resize(n);
    const void* base = out_values[o].data();
    for (size_t r = 0; r < n; ++r) {
      if (!out.scored[r] || !out_valid[o][r]) continue;
      switch (p.outputs[o].type) {
        case ir::Type::kInt: col[r] = std::to_string(static_cast<const int64_t*>(base)[r]); break;
        case ir::Type::kDate: col[r] = dates::ToIso(static_cast<const int64_t*>(base)[r]); break;
        case ir::Type::kFloat: col[r] = RenderFloat(static_cast<const double*>(base)[r]); break;
        case ir::Type::kBool: col[r] = static_cast<const uint8_t*>(base)[r] ? "true" : "false"; break;
        case ir::Type::kString: col[r] = std::string(dict->Get(static_cast<const int32_t*>(base)[r])); break;
      }
    }
  }
  return out;
}

std::vector<TextRow> RowsFromCsv(const std::string& text) {
  std::vector<TextRow> rows;
  auto reader = runtime::CsvReader::FromString(text);
  auto header = reader->ReadHeader();
  if (!header) return rows;
  runtime::CsvRecord record;
  while (true) {
    auto more = reader->Next(record);
    if (!more || !*more) break;
    if (record.error) continue;
    TextRow row;
    for (size_t i = 0; i < header->size() && i < record.fields.size(); ++i) {
      std::string_view f = record.fields[i];
      if (f.empty() && !record.quoted[i]) row[(*header)[i]] = std::nullopt;
      else row[(*header)[i]] = std::string(f);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// Rows over the union of both versions' inputs, from a fixed seed: the same rows every run.
std::vector<TextRow> GeneratedRows(const ir::Program& a, const ir::Program& b, int count) {
  std::mt19937_64 rng(1);
  std::map<std::string, ir::Column> columns;
  std::set<std::string> strings = {"", "x"};
  for (const ir::Program* p : {&a, &b}) {
    for (const auto& c : p->inputs) columns.emplace(c.name, c);
    for (const auto& s : p->string_constants) strings.insert(s);
    for (const auto& v : p->variants) strings.insert(v);
  }
  std::vector<std::string> pool(strings.begin(), strings.end());
  std::vector<TextRow> rows;
  for (int i = 0; i < count; ++i) {
    TextRow row;
    for (const auto& [name, c] : columns) {
      if (c.nullable && rng() % 10 == 0) {
        row[name] = std::nullopt;
        continue;
      }
      switch (c.type) {
        case ir::Type::kInt: {
          // Small values around thresholds, zero, and occasionally large ones.
          int64_t v = static_cast<int64_t>(rng() % 3 == 0 ? rng() % 1000000 : rng() % 120) - (rng() % 8 == 0 ? 20 : 0);
          row[name] = std::to_string(v);
          break;
        }
        case ir::Type::kFloat: {
          double scale = std::pow(10.0, static_cast<double>(rng() % 6));
          double v = (static_cast<double>(rng() % 2000001) / 1000000.0 - (rng() % 4 == 0 ? 1.0 : 0.0)) * scale;
          row[name] = RenderFloat(v);
          break;
        }
        case ir::Type::kBool: row[name] = rng() % 2 ? "true" : "false"; break;
        case ir::Type::kDate: {
          // Days of 1996..1999 (about 1,460 from 1996-01-01), in the input's own format.
          const int64_t day = dates::DaysFromCivil(1996, 1, 1) + static_cast<int64_t>(rng() % 1460);
          const dates::Civil d = dates::CivilFromDays(day);
          char buf[16];
          switch (static_cast<dates::Format>(c.date_format)) {
            case dates::Format::kCompact: std::snprintf(buf, sizeof buf, "%04d%02d%02d", int(d.year), int(d.month), int(d.day)); break;
            case dates::Format::kDayMonthYear: std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", int(d.day), int(d.month), int(d.year)); break;
            case dates::Format::kMonthDayYear: std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", int(d.month), int(d.day), int(d.year)); break;
            default: std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", int(d.year), int(d.month), int(d.day)); break;
          }
          row[name] = buf;
          break;
        }
        case ir::Type::kString: row[name] = pool[rng() % pool.size()] + (name.find("id") != std::string::npos ? std::to_string(i) : ""); break;
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

CompiledTree CompileTree(const FileMap& files) {
  CompiledTree out;
  std::vector<SourceFilePtr> sources;
  for (const auto& [path, text] : files)
    if (path.rfind("metrics/", 0) == 0 && (path.ends_with(".tally") || IsDataFile(path)))
      sources.push_back(std::make_shared<const SourceFile>(path, text));
  CompileResult result = Compile(sources);
  for (const auto& d : result.diagnostics.items())
    if (d.severity == Severity::kError) {
      std::string text = Render(d);
      out.errors.push_back(text.substr(0, text.find('\n')));
    }
  out.library = std::move(result.library);
  return out;
}

FileMap ReferenceData(const FileMap& files) {
  FileMap out;
  for (const auto& [path, text] : files)
    if (path.rfind("metrics/reference/", 0) == 0 && path.ends_with(".csv")) out[path] = text;
  return out;
}

Backtest RunBacktest(const Library& before, const Library& after, const std::string& name, const FileMap& reference,
                     int generated_rows) {
  Backtest bt;
  bt.definition = name;
  const ir::Program* a = before.Find(name);
  const ir::Program* b = after.Find(name);
  if (!a && !b && before.FindFunction(name) && after.FindFunction(name)) {
    bt.why_not = "a function has no rows of its own; the definitions that call it are compared";
    return bt;
  }
  if (!a || !b) {
    bt.why_not = "the definition is not in both versions";
    return bt;
  }
  if (a->kind != ir::Program::Kind::kScore || b->kind != ir::Program::Kind::kScore) {
    bt.why_not = "backtests run scores only; " + name + " is a metric";
    return bt;
  }
  auto ka = Runtime(before).Kernel(name);
  auto kb = Runtime(after).Kernel(name);
  if (!ka || !kb) {
    bt.why_not = "no kernel: " + (!ka ? ka.error().message : kb.error().message);
    return bt;
  }
  std::map<std::string, ir::Type> types;
  for (const auto& o : a->outputs) {
    bool shared = false;
    for (const auto& p : b->outputs) shared = shared || (p.name == o.name && p.type == o.type);
    if (shared) {
      types[o.name] = o.type;
      bt.outputs.push_back({o.name, ir::TypeName(o.type), 0, std::nullopt, std::nullopt, 0, {}});
    } else {
      bt.removed_outputs.push_back(o.name);
    }
  }
  for (const auto& o : b->outputs)
    if (!types.count(o.name)) bt.added_outputs.push_back(o.name);

  std::vector<std::pair<std::string, std::vector<TextRow>>> sets;
  for (const auto& [path, text] : reference) sets.push_back({path, RowsFromCsv(text)});
  if (generated_rows > 0) sets.push_back({"generated (seed 1)", GeneratedRows(*a, *b, generated_rows)});
  std::map<std::string, std::pair<double, double>> sums;  // output -> (before, after)
  std::map<std::string, int64_t> numeric_rows;
  for (auto& [source_name, rows] : sets) {
    // A reference file that lacks a required input of the old version is not evidence for it.
    bool applies = !rows.empty();
    for (const auto& c : a->inputs)
      if (!c.nullable && applies && !rows.front().count(c.name)) applies = false;
    if (!applies) continue;
    Scored sa = ScoreRows(*ka, rows), sb = ScoreRows(*kb, rows);
    BacktestSource src{source_name, static_cast<int64_t>(rows.size()), 0, 0, 0};
    for (size_t r = 0; r < rows.size(); ++r) {
      src.rejected_before += !sa.scored[r];
      src.rejected_after += !sb.scored[r];
      bool changed = sa.scored[r] != sb.scored[r];
      if (sa.scored[r] && sb.scored[r]) {
        for (auto& shift : bt.outputs) {
          const auto& va = sa.outputs[shift.output][r];
          const auto& vb = sb.outputs[shift.output][r];
          ir::Type t = types[shift.output];
          if ((t == ir::Type::kFloat || t == ir::Type::kInt) && va && vb) {
            double da = std::stod(*va), db = std::stod(*vb);
            sums[shift.output].first += da;
            sums[shift.output].second += db;
            ++numeric_rows[shift.output];
            shift.max_abs_change = std::max(shift.max_abs_change, std::fabs(db - da));
          }
          if (va == vb) continue;
          changed = true;
          ++shift.rows_changed;
          if (t == ir::Type::kString || t == ir::Type::kBool)
            ++shift.transitions[(va ? *va : "null") + " -> " + (vb ? *vb : "null")];
        }
      }
      src.rows_changed += changed;
    }
    bt.rows += src.rows;
    bt.rows_changed += src.rows_changed;
    bt.sources.push_back(src);
  }
  for (auto& shift : bt.outputs)
    if (numeric_rows[shift.output] > 0) {
      shift.mean_before = sums[shift.output].first / static_cast<double>(numeric_rows[shift.output]);
      shift.mean_after = sums[shift.output].second / static_cast<double>(numeric_rows[shift.output]);
    }
  bt.ran = !bt.sources.empty();
  if (!bt.ran) bt.why_not = "no evidence rows apply to " + name;
  return bt;
}

BehaviourOracle MakeEvidenceOracle(const FileMap& before, const FileMap& after) {
  // Compiled lazily, once, and only if some definition's computation changed.
  struct State {
    FileMap before, after;
    std::optional<CompiledTree> a, b;
  };
  auto state = std::make_shared<State>(State{before, after, std::nullopt, std::nullopt});
  return [state](const DefinitionOutline& old_def, const DefinitionOutline& new_def) {
    BehaviourEvidence e;
    if (!state->a) state->a = CompileTree(state->before);
    if (!state->b) state->b = CompileTree(state->after);
    if (!state->a->library || !state->b->library) {
      e.why_not_compared = std::string(!state->a->library ? "the base" : "the change") + " does not compile";
      return e;
    }
    if (new_def.kind == "function" || old_def.kind == "function") {
      // A function alone: the IR of its body over its parameters. Its callers get their own
      // comparison and backtest (function_impact.h): rows exist only for definitions.
      const ir::Program* fa = state->a->library->FindFunction(old_def.name);
      const ir::Program* fb = state->b->library->FindFunction(new_def.name);
      if (!fa || !fb) {
        e.why_not_compared = new_def.name + " is not a function on both sides";
        return e;
      }
      e.compared = true;
      e.structural = ir::CompareComputations(*fa, *fb);
      for (auto& s : e.structural) s = "the function's " + s;
      e.why_not_sampled = "a function has no rows of its own; the definitions that call it are sampled";
      return e;
    }
    const ir::Program* pa = state->a->library->Find(old_def.name);
    const ir::Program* pb = state->b->library->Find(new_def.name);
    if (!pa || !pb) {
      e.why_not_compared = new_def.name + " is not compiled on both sides";
      return e;
    }
    // The proof: the diff of the normalised IR.
    e.compared = true;
    e.structural = ir::CompareComputations(*pa, *pb);
    // The sample: it can show a difference, never prove there is none.
    FileMap reference = ReferenceData(state->after);
    Backtest bt = RunBacktest(*state->a->library, *state->b->library, new_def.name, reference);
    if (!bt.ran) {
      e.why_not_sampled = bt.why_not;
      return e;
    }
    e.sampled = true;
    e.sample_rows = bt.rows;
    for (const auto& s : bt.outputs)
      if (s.rows_changed > 0)
        e.sample_differences.push_back("output " + s.output + " changes on " + std::to_string(s.rows_changed) + " of " +
                                       std::to_string(bt.rows) + " evidence rows");
    int64_t verdicts = 0;
    for (const auto& src : bt.sources) verdicts += src.rejected_before != src.rejected_after;
    if (verdicts) e.sample_differences.push_back("rows rejected differ between the versions on the evidence");
    if (e.sample_differences.empty() && bt.rows_changed > 0)
      e.sample_differences.push_back(std::to_string(bt.rows_changed) + " of " + std::to_string(bt.rows) +
                                     " evidence rows change");
    return e;
  };
}

std::vector<std::string> CompileProblems(const FileMap& files) {
  CompiledTree tree = CompileTree(files);
  std::vector<std::string> out = tree.errors;
  if (!tree.library) return out;
  // The interpreter only: governance does not link the JIT, and `tally test` runs both engines.
  auto outcomes = runtime::RunTests(*tree.library, {runtime::InterpreterEngine()});
  if (!outcomes) {
    out.push_back(outcomes.error().message);
    return out;
  }
  for (const auto& t : *outcomes)
    if (!t.passed) out.push_back(t.location.ToString() + ": test \"" + t.test_name + "\" of " + t.definition + " fails" +
                                 (t.failures.empty() ? "" : ": " + t.failures.front()));
  return out;
}

}  // namespace tally::governance
