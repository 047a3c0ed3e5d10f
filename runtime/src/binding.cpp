#include "tally/runtime/binding.h"

#include <map>

namespace tally::runtime {

namespace {
const char* TypeText(ir::Type t) {
  switch (t) {
    case ir::Type::kBool: return "bool";
    case ir::Type::kInt: return "int";
    case ir::Type::kFloat: return "float";
    case ir::Type::kString: return "string";
    case ir::Type::kDate: return "date";
  }
  return "?";
}

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += ", ";
    out += names[i].empty() ? "\"\"" : names[i];
  }
  return out;
}
}  // namespace

Result<ColumnMapping> ParseColumnMapping(std::string_view spec) {
  size_t eq = spec.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return Error{"--map expects INPUT=COLUMN, got \"" + std::string(spec) + "\""};
  }
  return ColumnMapping{std::string(spec.substr(0, eq)), std::string(spec.substr(eq + 1))};
}

Result<Binding> BindColumns(const ir::Program& program, std::vector<std::string> header,
                            const std::vector<ColumnMapping>& mappings,
                            std::string_view source_name) {
  std::vector<std::string> problems;
  std::map<std::string, std::string> column_for;
  for (const ColumnMapping& m : mappings) {
    bool known = false;
    for (const ir::Column& in : program.inputs) known = known || in.name == m.input;
    if (!known) {
      std::vector<std::string> names;
      for (const ir::Column& in : program.inputs) names.push_back(in.name);
      problems.push_back("--map " + m.input + "=" + m.column + ": " + program.name +
                         " has no input '" + m.input + "' (inputs: " + Join(names) + ")");
    } else if (!column_for.emplace(m.input, m.column).second) {
      problems.push_back("--map: input '" + m.input + "' is mapped more than once");
    }
  }

  std::multimap<std::string, size_t> index;
  for (size_t i = 0; i < header.size(); ++i) index.emplace(header[i], i);

  Binding binding;
  for (const ir::Column& in : program.inputs) {
    auto mapped = column_for.find(in.name);
    const std::string& column = mapped == column_for.end() ? in.name : mapped->second;
    size_t count = index.count(column);
    std::string what = "input " + in.name + " : " + TypeText(in.type) + (in.nullable ? "?" : "");
    if (count == 0) {
      std::string hint = mapped == column_for.end()
                             ? "; bind another column with --map " + in.name + "=COLUMN"
                             : "";
      problems.push_back(std::string(source_name) + " has no column \"" + column + "\" for " +
                         what + hint + " (columns: " + Join(header) + ")");
      binding.column_of_input.push_back(0);
    } else if (count > 1) {
      problems.push_back(std::string(source_name) + " has " + std::to_string(count) +
                         " columns named \"" + column + "\", so " + what + " is ambiguous");
      binding.column_of_input.push_back(0);
    } else {
      binding.column_of_input.push_back(index.find(column)->second);
    }
  }
  if (!problems.empty()) {
    std::string message;
    for (size_t i = 0; i < problems.size(); ++i) message += (i ? "\n" : "") + problems[i];
    return Error{message};
  }
  binding.header = std::move(header);
  return binding;
}

}  // namespace tally::runtime
