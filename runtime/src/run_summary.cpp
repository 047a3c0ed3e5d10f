#include "tally/runtime/run_summary.h"

#include <nlohmann/json.hpp>

#include "tally/support/json.h"

namespace tally::runtime {

std::string RunSummary::ToJson() const {
  nlohmann::ordered_json j;
  j["definition"] = definition;
  j["version"] = version;
  j["kind"] = kind;
  j["engine"] = engine;
  j["kernel_object_sha256"] =
      kernel_object_sha256.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(kernel_object_sha256);
  j["input"] = input_path;
  j["output"] = output_path;
  j["rejects"] = rejects_path.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(rejects_path);
  j["lineage"] = lineage_path.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(lineage_path);
  j["rows_read"] = rows_read;
  j["rows_scored"] = rows_scored;
  j["rows_rejected"] = rows_rejected;
  j["output_rows"] = output_rows;
  j["input_bytes"] = input_bytes;
  j["output_bytes"] = output_bytes;
  j["input_sha256"] = input_sha256;
  j["output_sha256"] = output_sha256;
  auto samples = nlohmann::ordered_json::array();
  for (const RejectRecord& r : first_rejects) {
    nlohmann::ordered_json s;
    s["row"] = r.row;
    s["line"] = r.line;
    s["column"] = r.column;
    s["reason"] = r.reason;
    s["rule"] = r.rule;
    s["location"] = r.location.ToString();
    samples.push_back(std::move(s));
  }
  j["first_rejects"] = std::move(samples);
  j["started_at"] = started_at;
  j["seconds"] = seconds;
  return DumpJson(j, 2);
}

}  // namespace tally::runtime
