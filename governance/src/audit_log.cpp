#include "audit_log.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>

#include <filesystem>

#include "tally/support/json.h"

namespace tally::governance {

void LogAction(const std::string& git_dir, const std::string& action,
               const std::vector<std::pair<std::string, std::string>>& fields) {
  nlohmann::json line;
  line["action"] = action;
  for (const auto& [k, v] : fields) line[k] = v;
  std::string text = DumpJson(line);
  try {
    if (auto registered = spdlog::get("tally.audit")) registered->info(text);
    if (!git_dir.empty()) {
      std::filesystem::create_directories(std::filesystem::path(git_dir) / "tally");
      auto sink = std::make_shared<spdlog::sinks::basic_file_sink_st>(
          (std::filesystem::path(git_dir) / "tally" / "audit.log").string());
      spdlog::logger logger("tally.audit.file", sink);
      logger.set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %v", spdlog::pattern_time_type::utc);
      logger.info(text);
      logger.flush();
    }
  } catch (const std::exception&) {
    // The trail is best effort; the signed git records are what audit relies on.
  }
}

}  // namespace tally::governance
