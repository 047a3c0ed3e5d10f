#include "tally/runtime/lineage.h"

#include "tally/support/civil_date.h"

#include <ctime>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "guarded.h"
#include "tally/support/atomic_file.h"
#include "tally/support/json.h"

namespace tally::runtime {

using Json = nlohmann::ordered_json;

std::string LineagePath(const std::string& output_path) { return output_path + ".lineage.json"; }

std::optional<int64_t> ParseUtc(std::string_view text) {
  // Exactly "YYYY-MM-DDTHH:MM:SSZ"; the round trip through FormatUtc refuses "2026-13-45".
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:ddZ";
  if (text.size() != kShape.size()) return std::nullopt;
  for (size_t i = 0; i < kShape.size(); ++i) {
    const bool digit = text[i] >= '0' && text[i] <= '9';
    if (kShape[i] == 'd' ? !digit : text[i] != kShape[i]) return std::nullopt;
  }
  auto number = [&](size_t at, size_t n) {
    int v = 0;
    for (size_t i = at; i < at + n; ++i) v = v * 10 + (text[i] - '0');
    return v;
  };
  std::tm tm {};
  tm.tm_year = number(0, 4) - 1900;
  tm.tm_mon = number(5, 2) - 1;
  tm.tm_mday = number(8, 2);
  tm.tm_hour = number(11, 2);
  tm.tm_min = number(14, 2);
  tm.tm_sec = number(17, 2);
  const int64_t seconds = static_cast<int64_t>(timegm(&tm));
  if (FormatUtc(seconds) != text) return std::nullopt;
  return seconds;
}

std::string FormatUtc(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm {};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// ---- building the record -------------------------------------------------------------

namespace {

// A program whose param has no value for a variant (never one the compiler made) records
// null rather than throwing.
LineageValue ParamValue(const ir::Program& program, const ir::Param& p, size_t variant) {
  const bool has = p.type == ir::Type::kFloat ? variant < p.float_values.size()
                                              : variant < p.int_values.size();
  if (!has) return std::monostate{};
  switch (p.type) {
    case ir::Type::kBool: return p.int_values[variant] != 0;
    case ir::Type::kInt: return p.int_values[variant];
    case ir::Type::kDate: return dates::ToIso(p.int_values[variant]);  // as the CSVs write it
    case ir::Type::kFloat: return p.float_values[variant];
    case ir::Type::kString: {
      size_t index = static_cast<size_t>(p.int_values[variant]);
      if (index < program.string_constants.size()) return program.string_constants[index];
      return std::monostate{};
    }
  }
  return std::monostate{};
}

bool SameValue(const ir::Program& program, const ir::Param& p, size_t a, size_t b) {
  return ParamValue(program, p, a) == ParamValue(program, p, b);
}

}  // namespace

LineageRecord MakeLineageRecord(const ir::Program& program, const LineageFacts& facts,
                                const RunSummary& summary) {
  LineageRecord r;
  r.definition = program.name;
  r.kind = program.kind == ir::Program::Kind::kScore ? "score" : "metric";
  r.version = program.version;
  r.content_sha256 = facts.content_sha256;
  r.definition_file = facts.definition_file;
  r.owner = facts.owner;
  r.commit = facts.commit.empty() ? "ungoverned" : facts.commit;
  r.approvers = facts.approvers;
  r.freeze = facts.freeze;
  for (const ir::Param& p : program.params) r.params.emplace_back(p.name, ParamValue(program, p, 0));
  // Only values that differ from the global one: the overrides that change something.
  for (size_t v = 1; v < program.variants.size(); ++v) {
    LineageValues region;
    for (const ir::Param& p : program.params) {
      if (p.regional && !SameValue(program, p, 0, v)) region.emplace_back(p.name, ParamValue(program, p, v));
    }
    r.regional_overrides.emplace_back(program.variants[v], std::move(region));
  }
  r.column_mappings = facts.mappings;
  r.input_layout = facts.input_layout;
  LineageRecord::OutputColumns columns;
  const bool metric = program.kind == ir::Program::Kind::kMetric;
  for (uint32_t k : metric ? program.group_keys : program.key_inputs) columns.keys.push_back(program.inputs[k].name);
  for (uint32_t c : program.carried_inputs) columns.carried.push_back(program.inputs[c].name);
  for (const ir::Output& o : program.outputs) columns.outputs.push_back(o.name);
  r.output_columns = std::move(columns);
  for (const ir::Table& t : program.tables) r.tables.push_back({t.name, t.version, t.sha256});
  r.input = {summary.input_path, summary.input_sha256, summary.input_bytes};
  r.output = {summary.output_path, summary.output_sha256, summary.output_bytes};
  r.output_rows = summary.output_rows;
  r.rejects_path = summary.rejects_path;
  r.rows_read = summary.rows_read;
  r.rows_scored = summary.rows_scored;
  r.rows_rejected = summary.rows_rejected;
  r.engine = summary.engine;
  r.kernel_object_sha256 = summary.kernel_object_sha256;
  r.tally_version = facts.tally_version;
  r.llvm_version = facts.llvm_version;
  r.target_triple = facts.target_triple;
  r.target_cpu = facts.target_cpu;
  r.target_features = facts.target_features;
  r.run_at = summary.started_at;
  r.expires_after_seconds = facts.expires_after_seconds;
  if (facts.expires_after_seconds) {
    r.valid_until = FormatUtc(summary.started_at_unix + *facts.expires_after_seconds);
  }
  return r;
}

// ---- writing -------------------------------------------------------------------------

namespace {

Json OrNull(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

Json ValuesJson(const LineageValues& values) {
  Json out = Json::object();
  for (const auto& [name, value] : values) {
    out[name] = std::visit(
        [](const auto& v) -> Json {
          if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::monostate>) {
            return nullptr;
          } else {
            return v;
          }
        },
        value);
  }
  return out;
}

}  // namespace

std::string LineageJson(const LineageRecord& r) {
  Json j;
  j["format"] = kLineageFormat;
  j["definition"] = r.definition;
  j["kind"] = r.kind;
  j["version"] = r.version;
  j["content_sha256"] = r.content_sha256;
  j["definition_file"] = OrNull(r.definition_file);
  j["owner"] = OrNull(r.owner);
  j["commit"] = r.commit;
  j["approvers"] = r.approvers;
  j["freeze"] = OrNull(r.freeze);
  j["params"] = ValuesJson(r.params);
  Json overrides = Json::object();
  for (const auto& [region, values] : r.regional_overrides) overrides[region] = ValuesJson(values);
  j["regional_overrides"] = std::move(overrides);
  Json mappings = Json::object();
  for (const ColumnMapping& m : r.column_mappings) mappings[m.input] = m.column;
  j["column_mappings"] = std::move(mappings);
  if (r.input_layout) {
    const InputLayout& l = *r.input_layout;
    Json columns = l.columns.empty() ? Json(nullptr) : Json(l.columns);
    j["input_format"] = {{"format", FormatName(l.format)},
                         {"delimiter", l.format == InputFormat::kCsv ? Json(DelimiterText(l.delimiter)) : Json(nullptr)},
                         {"header", HeaderRuleName(l.header)},
                         {"columns", std::move(columns)}};
  }
  if (r.output_columns) {
    j["output_columns"] = {{"keys", r.output_columns->keys},
                           {"carried", r.output_columns->carried},
                           {"outputs", r.output_columns->outputs}};
  }
  if (!r.tables.empty()) {  // records of definitions without tables stay as they were
    Json tables = Json::array();
    for (const auto& t : r.tables) tables.push_back({{"name", t.name}, {"version", t.version}, {"sha256", t.sha256}});
    j["tables"] = std::move(tables);
  }
  j["input"] = {{"path", r.input.path}, {"sha256", r.input.sha256}, {"bytes", r.input.bytes}};
  j["output"] = {{"path", r.output.path},
                 {"sha256", r.output.sha256},
                 {"bytes", r.output.bytes},
                 {"rows", r.output_rows}};
  j["rejects"] = {{"path", OrNull(r.rejects_path)}, {"rows", r.rows_rejected}};
  j["rows_read"] = r.rows_read;
  j["rows_scored"] = r.rows_scored;
  j["rows_rejected"] = r.rows_rejected;
  j["engine"] = r.engine;
  j["kernel_object_sha256"] = OrNull(r.kernel_object_sha256);
  j["tally_version"] = r.tally_version;
  j["llvm_version"] = OrNull(r.llvm_version);
  j["target_triple"] = OrNull(r.target_triple);
  j["target_cpu"] = OrNull(r.target_cpu);
  j["target_features"] = OrNull(r.target_features);
  j["run_at"] = r.run_at;
  j["expires_after_seconds"] =
      r.expires_after_seconds ? Json(*r.expires_after_seconds) : Json(nullptr);
  j["valid_until"] = OrNull(r.valid_until);
  j["signature"] = OrNull(r.signature);
  return DumpJson(j, 2) + "\n";
}

// ---- reading -------------------------------------------------------------------------

namespace {

// Reads fields of one record; every failure names the file and the field ("output.sha256").
// `in` is the path of the object the key is looked up in ("" at the top).
class FieldReader {
 public:
  explicit FieldReader(const std::string& source) : source_(source) {}

  static std::string Name(const std::string& in, const std::string& key) {
    return in.empty() ? key : in + "." + key;
  }

  Error Bad(const std::string& field, const std::string& problem) const {
    return Error{source_ + ": not a lineage record: " +
                 (field.empty() ? "" : "field \"" + field + "\" ") + problem};
  }

  Result<const Json*> Get(const Json& object, const std::string& in, const std::string& key) const {
    auto it = object.find(key);
    if (it == object.end()) return Bad(Name(in, key), "is missing");
    return &*it;
  }

  Result<const Json*> Object(const Json& object, const std::string& in, const std::string& key) const {
    ASSIGN_OR_RETURN(const Json* v, Get(object, in, key));
    if (!v->is_object()) return Bad(Name(in, key), "is not an object");
    return v;
  }

  // A string; with `nullable`, null reads as "".
  Status String(const Json& object, const std::string& in, const std::string& key,
                std::string& out, bool nullable = false) const {
    ASSIGN_OR_RETURN(const Json* v, Get(object, in, key));
    if (nullable && v->is_null()) {
      out.clear();
      return Status::Ok();
    }
    if (!v->is_string()) {
      return Bad(Name(in, key), nullable ? "is not a string or null" : "is not a string");
    }
    out = v->get<std::string>();
    return Status::Ok();
  }

  Status Int(const Json& object, const std::string& in, const std::string& key, int64_t& out) const {
    ASSIGN_OR_RETURN(const Json* v, Get(object, in, key));
    if (!v->is_number_integer()) return Bad(Name(in, key), "is not an integer");
    out = v->get<int64_t>();
    return Status::Ok();
  }

  Status Values(const Json& object, const std::string& in, const std::string& key,
                LineageValues& out) const {
    ASSIGN_OR_RETURN(const Json* values, Object(object, in, key));
    for (const auto& [name, v] : values->items()) {
      if (v.is_null()) {
        out.emplace_back(name, std::monostate{});
      } else if (v.is_boolean()) {
        out.emplace_back(name, v.get<bool>());
      } else if (v.is_number_integer()) {
        out.emplace_back(name, v.get<int64_t>());
      } else if (v.is_number_float()) {
        out.emplace_back(name, v.get<double>());
      } else if (v.is_string()) {
        out.emplace_back(name, v.get<std::string>());
      } else {
        return Bad(Name(Name(in, key), name), "is not a value");
      }
    }
    return Status::Ok();
  }

  // {"path", "sha256", "bytes"}: returns the object, for any further fields.
  Result<const Json*> File(const Json& object, const std::string& key, LineageRecord::File& out) const {
    ASSIGN_OR_RETURN(const Json* file, Object(object, "", key));
    RETURN_IF_ERROR(String(*file, key, "path", out.path));
    RETURN_IF_ERROR(String(*file, key, "sha256", out.sha256));
    RETURN_IF_ERROR(Int(*file, key, "bytes", out.bytes));
    return file;
  }

 private:
  const std::string& source_;
};

// Records written before signing existed have no "signature": they read as unsigned.
Status ReadSignature(const Json& j, const FieldReader& f, LineageRecord& r) {
  if (!j.contains("signature")) return Status::Ok();
  return f.String(j, "", "signature", r.signature, true);
}

Status ReadNames(const Json& object, const std::string& field, const FieldReader& f,
                 std::vector<std::string>& out) {
  if (!object.is_array()) return f.Bad(field, "is not an array");
  for (const Json& name : object) {
    if (!name.is_string()) return f.Bad(field, "holds something that is not a string");
    out.push_back(name.get<std::string>());
  }
  return Status::Ok();
}

// Records written before input formats existed have no "input_format": they read CSV.
Status ReadInputFormat(const Json& j, const FieldReader& f, LineageRecord& r) {
  if (!j.contains("input_format")) return Status::Ok();
  ASSIGN_OR_RETURN(const Json* in, f.Object(j, "", "input_format"));
  InputLayout l;
  std::string text;
  RETURN_IF_ERROR(f.String(*in, "input_format", "format", text));
  auto format = ParseInputFormat(text);
  if (!format) return f.Bad("input_format.format", "is \"" + text + "\", not csv or whitespace");
  l.format = *format;
  RETURN_IF_ERROR(f.String(*in, "input_format", "delimiter", text, true));
  if (l.format == InputFormat::kCsv) {
    auto delimiter = text.empty() ? Result<char>(Error{""}) : ParseDelimiter(text);
    if (!delimiter) return f.Bad("input_format.delimiter", "is not one delimiter byte");
    l.delimiter = *delimiter;
  }
  RETURN_IF_ERROR(f.String(*in, "input_format", "header", text));
  auto header = ParseHeaderRule(text);
  if (!header) return f.Bad("input_format.header", "is \"" + text + "\", not names, none or skip");
  l.header = *header;
  ASSIGN_OR_RETURN(const Json* columns, f.Get(*in, "input_format", "columns"));
  if (!columns->is_null()) RETURN_IF_ERROR(ReadNames(*columns, "input_format.columns", f, l.columns));
  r.input_layout = std::move(l);
  return Status::Ok();
}

// Records written before output columns were recorded have no "output_columns".
Status ReadOutputColumns(const Json& j, const FieldReader& f, LineageRecord& r) {
  if (!j.contains("output_columns")) return Status::Ok();
  ASSIGN_OR_RETURN(const Json* out, f.Object(j, "", "output_columns"));
  LineageRecord::OutputColumns c;
  ASSIGN_OR_RETURN(const Json* keys, f.Get(*out, "output_columns", "keys"));
  RETURN_IF_ERROR(ReadNames(*keys, "output_columns.keys", f, c.keys));
  ASSIGN_OR_RETURN(const Json* carried, f.Get(*out, "output_columns", "carried"));
  RETURN_IF_ERROR(ReadNames(*carried, "output_columns.carried", f, c.carried));
  ASSIGN_OR_RETURN(const Json* outputs, f.Get(*out, "output_columns", "outputs"));
  RETURN_IF_ERROR(ReadNames(*outputs, "output_columns.outputs", f, c.outputs));
  r.output_columns = std::move(c);
  return Status::Ok();
}

Result<LineageRecord> ParseRecord(const Json& j, const FieldReader& f) {
  if (!j.is_object()) return f.Bad("", "not a JSON object");
  std::string format;
  RETURN_IF_ERROR(f.String(j, "", "format", format));
  if (format != kLineageFormat) {
    return f.Bad("format", "is \"" + format + "\", expected \"" + std::string(kLineageFormat) + "\"");
  }
  LineageRecord r;
  RETURN_IF_ERROR(f.String(j, "", "definition", r.definition));
  RETURN_IF_ERROR(f.String(j, "", "kind", r.kind));
  RETURN_IF_ERROR(f.String(j, "", "version", r.version));
  RETURN_IF_ERROR(f.String(j, "", "content_sha256", r.content_sha256));
  RETURN_IF_ERROR(f.String(j, "", "definition_file", r.definition_file, true));
  RETURN_IF_ERROR(f.String(j, "", "owner", r.owner, true));
  RETURN_IF_ERROR(f.String(j, "", "commit", r.commit));
  ASSIGN_OR_RETURN(const Json* approvers, f.Get(j, "", "approvers"));
  if (!approvers->is_array()) return f.Bad("approvers", "is not an array");
  for (const Json& a : *approvers) {
    if (!a.is_string()) return f.Bad("approvers", "holds something that is not a string");
    r.approvers.push_back(a.get<std::string>());
  }
  RETURN_IF_ERROR(f.String(j, "", "freeze", r.freeze, true));
  RETURN_IF_ERROR(f.Values(j, "", "params", r.params));
  ASSIGN_OR_RETURN(const Json* overrides, f.Object(j, "", "regional_overrides"));
  for (const auto& [region, values] : overrides->items()) {
    r.regional_overrides.emplace_back(region, LineageValues{});
    RETURN_IF_ERROR(f.Values(*overrides, "regional_overrides", region, r.regional_overrides.back().second));
  }
  ASSIGN_OR_RETURN(const Json* mappings, f.Object(j, "", "column_mappings"));
  for (const auto& [input, column] : mappings->items()) {
    if (!column.is_string()) return f.Bad("column_mappings." + input, "is not a string");
    r.column_mappings.push_back({input, column.get<std::string>()});
  }
  RETURN_IF_ERROR(ReadInputFormat(j, f, r));
  RETURN_IF_ERROR(ReadOutputColumns(j, f, r));
  RETURN_IF_ERROR(f.File(j, "input", r.input));
  ASSIGN_OR_RETURN(const Json* output, f.File(j, "output", r.output));
  RETURN_IF_ERROR(f.Int(*output, "output", "rows", r.output_rows));
  ASSIGN_OR_RETURN(const Json* rejects, f.Object(j, "", "rejects"));
  RETURN_IF_ERROR(f.String(*rejects, "rejects", "path", r.rejects_path, true));
  RETURN_IF_ERROR(f.Int(j, "", "rows_read", r.rows_read));
  RETURN_IF_ERROR(f.Int(j, "", "rows_scored", r.rows_scored));
  RETURN_IF_ERROR(f.Int(j, "", "rows_rejected", r.rows_rejected));
  int64_t rejects_rows = 0;
  RETURN_IF_ERROR(f.Int(*rejects, "rejects", "rows", rejects_rows));
  if (rejects_rows != r.rows_rejected) return f.Bad("rejects.rows", "differs from rows_rejected");
  RETURN_IF_ERROR(f.String(j, "", "engine", r.engine));
  if (j.contains("tables")) {
    ASSIGN_OR_RETURN(const Json* tables, f.Get(j, "", "tables"));
    if (!tables->is_array()) return f.Bad("tables", "is not an array");
    for (const Json& t : *tables) {
      if (!t.is_object()) return f.Bad("tables", "holds something that is not an object");
      LineageRecord::Table table;
      RETURN_IF_ERROR(f.String(t, "tables", "name", table.name));
      RETURN_IF_ERROR(f.String(t, "tables", "version", table.version));
      RETURN_IF_ERROR(f.String(t, "tables", "sha256", table.sha256));
      r.tables.push_back(std::move(table));
    }
  }
  // Records written before the object's hash was recorded have no such field.
  if (j.contains("kernel_object_sha256"))
    RETURN_IF_ERROR(f.String(j, "", "kernel_object_sha256", r.kernel_object_sha256, true));
  RETURN_IF_ERROR(f.String(j, "", "tally_version", r.tally_version));
  RETURN_IF_ERROR(f.String(j, "", "llvm_version", r.llvm_version, true));
  RETURN_IF_ERROR(f.String(j, "", "target_triple", r.target_triple, true));
  RETURN_IF_ERROR(f.String(j, "", "target_cpu", r.target_cpu, true));
  RETURN_IF_ERROR(f.String(j, "", "target_features", r.target_features, true));
  RETURN_IF_ERROR(f.String(j, "", "run_at", r.run_at));
  ASSIGN_OR_RETURN(const Json* expires, f.Get(j, "", "expires_after_seconds"));
  if (!expires->is_null()) {
    int64_t seconds = 0;
    RETURN_IF_ERROR(f.Int(j, "", "expires_after_seconds", seconds));
    r.expires_after_seconds = seconds;
  }
  RETURN_IF_ERROR(f.String(j, "", "valid_until", r.valid_until, true));
  RETURN_IF_ERROR(ReadSignature(j, f, r));
  return r;
}

}  // namespace

Result<LineageRecord> ParseLineageRecord(std::string_view text, const std::string& source_name) {
  FieldReader fields(source_name);
  // Ordered, so params and overrides come back in the order they were written.
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    nlohmann::json unused;
    std::string error;
    ParseJson(text, unused, error);
    return fields.Bad("", "not JSON: " + error);
  }
  // Every access in ParseRecord is checked first; Guarded is for allocation failures.
  return Guarded([&] { return ParseRecord(j, fields); });
}

// ---- signing and comparing ------------------------------------------------------------

std::string LineageSigningBytes(const LineageRecord& record) {
  LineageRecord unsigned_record = record;
  unsigned_record.signature.clear();
  return LineageJson(unsigned_record);
}

Result<std::string> SignedLineageJson(LineageRecord record, const LineageSigner& sign) {
  if (sign) {
    ASSIGN_OR_RETURN(record.signature, sign(LineageSigningBytes(record)));
  }
  return LineageJson(record);
}

namespace {

void CompareJson(const Json& recorded, const Json& derived, const std::string& field,
                 std::vector<LineageDifference>& out) {
  if (recorded.is_object() && derived.is_object()) {
    for (const auto& [key, value] : recorded.items()) {
      const std::string name = field.empty() ? key : field + "." + key;
      auto other = derived.find(key);
      if (other == derived.end()) {
        out.push_back({name, DumpJson(value, -1), "absent"});
      } else {
        CompareJson(value, *other, name, out);
      }
    }
    for (const auto& [key, value] : derived.items()) {
      if (!recorded.contains(key)) out.push_back({field.empty() ? key : field + "." + key, "absent", DumpJson(value, -1)});
    }
    return;
  }
  if (recorded != derived) out.push_back({field, DumpJson(recorded, -1), DumpJson(derived, -1)});
}

}  // namespace

std::vector<LineageDifference> CompareLineageRecords(const LineageRecord& recorded,
                                                     const LineageRecord& derived) {
  // Through the JSON both are written as, so the field names are the record's own.
  const std::string a = LineageJson(recorded);
  const std::string b = LineageJson(derived);
  std::vector<LineageDifference> out;
  CompareJson(Json::parse(a, nullptr, false), Json::parse(b, nullptr, false), "", out);
  return out;
}

Result<LineageRecord> ReadLineageRecord(const std::string& path) {
  return Guarded([&]() -> Result<LineageRecord> {
    // A record is a few KiB; 64 MiB bounds one that names very many stages or partitions.
    ASSIGN_OR_RETURN(std::string text, ReadFile(path, int64_t{64} << 20));
    return ParseLineageRecord(text, path);
  });
}

}  // namespace tally::runtime
