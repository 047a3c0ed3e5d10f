#include "definitions_source.h"

namespace tally::cli {

Result<DefinitionsSource> LoadDefinitions(const GlobalOptions& global, const std::string& name,
                                          const std::string& as_of) {
  return governance::LoadDefinitions(RepositoryOf(global), name, as_of);
}

}  // namespace tally::cli
