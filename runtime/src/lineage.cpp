#include "tally/runtime/lineage.h"

#include <ctime>

#include <nlohmann/json.hpp>

#include "tally/support/atomic_file.h"

namespace tally::runtime {

using Json = nlohmann::ordered_json;

std::string LineagePath(const std::string& output_path) { return output_path + ".lineage.json"; }

std::string FormatUtc(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm {};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {

Json ParamValue(const ir::Program& program, const ir::Param& p, size_t variant) {
  switch (p.type) {
    case ir::Type::kBool: return p.int_values.at(variant) != 0;
    case ir::Type::kInt: return p.int_values.at(variant);
    case ir::Type::kFloat: return p.float_values.at(variant);
    case ir::Type::kString: {
      size_t index = static_cast<size_t>(p.int_values.at(variant));
      return index < program.string_constants.size() ? Json(program.string_constants[index]) : Json(nullptr);
    }
  }
  return nullptr;
}

bool SameValue(const ir::Param& p, size_t a, size_t b) {
  if (p.type == ir::Type::kFloat) return p.float_values.at(a) == p.float_values.at(b);
  return p.int_values.at(a) == p.int_values.at(b);
}

Json OrNull(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

}  // namespace

std::string LineageJson(const ir::Program& program, const LineageFacts& facts,
                        const RunSummary& summary) {
  Json j;
  j["format"] = "tally-lineage/1";
  j["definition"] = program.name;
  j["kind"] = program.kind == ir::Program::Kind::kScore ? "score" : "metric";
  j["version"] = program.version;
  j["content_sha256"] = facts.content_sha256;
  j["definition_file"] = OrNull(facts.definition_file);
  j["owner"] = OrNull(facts.owner);
  j["commit"] = facts.commit.empty() ? "ungoverned" : facts.commit;
  j["approvers"] = facts.approvers;
  j["freeze"] = OrNull(facts.freeze);

  Json params = Json::object();
  for (const ir::Param& p : program.params) params[p.name] = ParamValue(program, p, 0);
  j["params"] = std::move(params);
  // Only values that differ from the global one: the overrides that change something.
  Json overrides = Json::object();
  for (size_t v = 1; v < program.variants.size(); ++v) {
    Json region = Json::object();
    for (const ir::Param& p : program.params) {
      if (p.regional && !SameValue(p, 0, v)) region[p.name] = ParamValue(program, p, v);
    }
    overrides[program.variants[v]] = std::move(region);
  }
  j["regional_overrides"] = std::move(overrides);
  Json mappings = Json::object();
  for (const ColumnMapping& m : facts.mappings) mappings[m.input] = m.column;
  j["column_mappings"] = std::move(mappings);

  j["input"] = {{"path", summary.input_path},
                {"sha256", summary.input_sha256},
                {"bytes", summary.input_bytes}};
  j["output"] = {{"path", summary.output_path},
                 {"sha256", summary.output_sha256},
                 {"bytes", summary.output_bytes},
                 {"rows", summary.output_rows}};
  j["rejects"] = {{"path", OrNull(summary.rejects_path)}, {"rows", summary.rows_rejected}};
  j["rows_read"] = summary.rows_read;
  j["rows_scored"] = summary.rows_scored;
  j["rows_rejected"] = summary.rows_rejected;

  j["engine"] = summary.engine;
  j["tally_version"] = facts.tally_version;
  j["llvm_version"] = OrNull(facts.llvm_version);
  j["target_triple"] = OrNull(facts.target_triple);
  j["target_cpu"] = OrNull(facts.target_cpu);
  j["target_features"] = OrNull(facts.target_features);

  j["run_at"] = summary.started_at;
  if (facts.expires_after_seconds) {
    j["expires_after_seconds"] = *facts.expires_after_seconds;
    j["valid_until"] = FormatUtc(summary.started_at_unix + *facts.expires_after_seconds);
  } else {
    j["expires_after_seconds"] = nullptr;
    j["valid_until"] = nullptr;
  }
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";  // never throws on invalid UTF-8
}

Status WriteLineage(const ir::Program& program, const LineageFacts& facts,
                    const RunSummary& summary) {
  return WriteFileAtomically(LineagePath(summary.output_path), LineageJson(program, facts, summary));
}

}  // namespace tally::runtime
