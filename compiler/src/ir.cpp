#include "tally/compiler/ir.h"

#include <cstdio>

#include "tally/compiler/ir_ops.h"
#include "tally/support/civil_date.h"

namespace tally::ir {

const char* TypeName(Type t) {
  switch (t) {
    case Type::kBool: return "bool";
    case Type::kInt: return "int";
    case Type::kFloat: return "float";
    case Type::kString: return "string";
    case Type::kDate: return "date";
  }
  return "?";
}

const char* AggregateName(Aggregate::Kind kind) {
  switch (kind) {
    case Aggregate::Kind::kCount: return "count";
    case Aggregate::Kind::kCountIf: return "count_if";
    case Aggregate::Kind::kSum: return "sum";
    case Aggregate::Kind::kAvg: return "avg";
    case Aggregate::Kind::kMin: return "min";
    case Aggregate::Kind::kMax: return "max";
    case Aggregate::Kind::kWeightedAvg: return "weighted_avg";
    case Aggregate::Kind::kCountDistinct: return "count_distinct";
    case Aggregate::Kind::kQuantile: return "quantile";
    case Aggregate::Kind::kVariance: return "variance";
    case Aggregate::Kind::kVariancePop: return "variance_pop";
    case Aggregate::Kind::kStddev: return "stddev";
    case Aggregate::Kind::kStddevPop: return "stddev_pop";
    case Aggregate::Kind::kMinBy: return "min_by";
    case Aggregate::Kind::kMaxBy: return "max_by";
    case Aggregate::Kind::kKey: return "key";
  }
  return "?";
}

namespace {

// %.17g round-trips every double, so the text is an exact description of the program.
std::string Float(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') { out += "\\n"; continue; }
    out += c;
  }
  return out + "\"";
}

void PrintCode(std::string& out, const char* title, const std::vector<Instruction>& code) {
  out += title;
  out += ":\n";
  for (size_t i = 0; i < code.size(); ++i) {
    const Instruction& inst = code[i];
    out += "  %" + std::to_string(i) + " = " + OpName(inst.op);
    switch (InfoOf(inst.op).immediate) {
      case OpInfo::Immediate::kConstant:
        if (inst.is_null_constant) out += " null";
        else if (inst.type == Type::kFloat) out += " " + Float(inst.imm_float);
        else if (inst.type == Type::kString) out += " #" + std::to_string(inst.index);
        else if (inst.type == Type::kDate) out += " " + dates::ToIso(inst.imm_int);
        else out += " " + std::to_string(inst.imm_int);
        break;
      case OpInfo::Immediate::kIndex:
        out += " " + std::to_string(inst.index);
        break;
      case OpInfo::Immediate::kDigits:
        out += " digits=" + std::to_string(inst.imm_int);
        break;
      case OpInfo::Immediate::kTable:
        out += " table=" + std::to_string(inst.index) + " column=" + std::to_string(inst.imm_int);
        break;
      case OpInfo::Immediate::kNone:
        break;
    }
    for (size_t a = 0; a < inst.args.size(); ++a) out += (a == 0 ? " %" : ", %") + std::to_string(inst.args[a]);
    out += " : ";
    out += TypeName(inst.type);
    if (inst.nullable) out += "?";
    if (inst.trap != kNoError) out += " trap=" + std::to_string(inst.trap);
    if (inst.may_error) out += " may_error";
    out += "\n";
  }
}

}  // namespace

std::string Program::ToString() const {
  std::string out;
  out += (kind == Kind::kScore ? "score " : "metric ") + name + " " + version + "\n";
  for (size_t i = 0; i < inputs.size(); ++i) {
    out += "input " + std::to_string(i) + " " + inputs[i].name + " : " + TypeName(inputs[i].type) +
           (inputs[i].nullable ? "?" : "") +
           (inputs[i].date_format != 0
                ? std::string(" format ") + dates::FormatName(static_cast<dates::Format>(inputs[i].date_format))
                : std::string()) +
           "\n";
  }
  for (auto k : key_inputs) out += "key " + std::to_string(k) + "\n";
  for (auto g : group_keys) out += "group_key " + std::to_string(g) + "\n";
  for (auto c : carried_inputs) out += "carry " + std::to_string(c) + "\n";
  if (!layout.format.empty()) out += "layout format " + layout.format + "\n";
  if (!layout.delimiter.empty()) out += "layout delimiter " + std::to_string(static_cast<unsigned char>(layout.delimiter[0])) + "\n";
  if (!layout.header.empty()) out += "layout header " + layout.header + "\n";
  if (!layout.columns.empty()) {
    out += "layout columns";
    for (const auto& c : layout.columns) out += " " + c;
    out += "\n";
  }
  out += "variants:";
  for (const auto& v : variants) out += " " + Quote(v);
  out += "\nregion_input " + std::to_string(region_input) + "\n";
  for (size_t i = 0; i < params.size(); ++i) {
    const Param& p = params[i];
    out += "param " + std::to_string(i) + " " + p.name + " : " + TypeName(p.type) + (p.regional ? " regional" : "") + " =";
    if (p.type == Type::kFloat) {
      for (double v : p.float_values) out += " " + Float(v);
    } else {
      for (int64_t v : p.int_values) out += " " + std::to_string(v);
    }
    out += "\n";
  }
  for (size_t i = 0; i < string_constants.size(); ++i)
    out += "string #" + std::to_string(i) + " " + Quote(string_constants[i]) + "\n";
  // Every value of every table: the text (and so the cache key) changes with the data.
  for (size_t i = 0; i < tables.size(); ++i) {
    const Table& t = tables[i];
    out += "table " + std::to_string(i) + " " + t.name + " " + t.version + " sha256=" + t.sha256 + " key " +
           TypeName(t.key_type) + ":";
    for (int64_t k : t.keys) out += " " + std::to_string(k);
    out += "\n";
    for (const TableColumn& c : t.columns) {
      out += "  column " + c.name + " : " + TypeName(c.type) + " =";
      for (size_t r = 0; r < c.valid.size(); ++r) {
        if (!c.valid[r]) out += " null";
        else if (c.type == Type::kFloat) out += " " + Float(c.float_values[r]);
        else out += " " + std::to_string(c.int_values[r]);
      }
      out += "\n";
    }
  }
  PrintCode(out, "row", row_code);
  for (const auto& a : aggregates) {
    out += "aggregate " + std::string(AggregateName(a.kind));
    if (HasArgument(a.kind)) out += " %" + std::to_string(a.arg);
    if (a.kind == Aggregate::Kind::kWeightedAvg) out += " weight %" + std::to_string(a.weight);
    if (a.kind == Aggregate::Kind::kMinBy || a.kind == Aggregate::Kind::kMaxBy) out += " by %" + std::to_string(a.weight);
    if (a.kind == Aggregate::Kind::kQuantile) out += " p " + Float(a.p);
    out += " : " + std::string(TypeName(a.type)) + (a.nullable ? "?" : "") + "  // " + a.text + "\n";
  }
  for (const auto& k : computed_keys)
    out += "computed_key " + k.name + " aggregate " + std::to_string(k.aggregate) + " position " +
           std::to_string(k.position) + "\n";
  if (kind == Kind::kMetric) PrintCode(out, "group", post_code);
  for (const auto& r : requirements)
    out += "require %" + std::to_string(r.condition) + " reason " + std::to_string(r.reason) + "\n";
  for (const auto& o : outputs) {
    out += "output " + o.name + " : " + TypeName(o.type) + (o.nullable ? "?" : "") + " = %" +
           std::to_string(o.value) + "\n";
  }
  for (size_t i = 0; i < reasons.size(); ++i) {
    out += "reason " + std::to_string(i) + " " + (reasons[i].kind == Reason::Kind::kRequire ? "require " : "trap ") +
           Quote(reasons[i].message) + " at " + reasons[i].location.ToString() + "\n";
  }
  for (const auto& w : window_values) {
    out += "window_value window " + std::to_string(w.window) + " aggregate " + std::to_string(w.aggregate) + " : " +
           TypeName(w.type) + (w.nullable ? "?" : "") + "  // " + w.text + "\n";
  }
  // Each window's whole program, indented, so the text (and the cache key) covers it.
  for (size_t i = 0; i < windows.size(); ++i) {
    out += "window " + std::to_string(i) + " over " + windows[i].window_over + "\n";
    const std::string inner = windows[i].ToString();
    size_t start = 0;
    while (start < inner.size()) {
      size_t end = inner.find('\n', start);
      if (end == std::string::npos) end = inner.size();
      out += "  " + inner.substr(start, end - start) + "\n";
      start = end + 1;
    }
  }
  return out;
}

}  // namespace tally::ir
