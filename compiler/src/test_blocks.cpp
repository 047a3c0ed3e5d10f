// Library::Tests: the checked test blocks, for the runtime's test runner to execute.
#include "library_impl.h"

namespace tally {

const std::vector<ast::Test>& Library::Tests(const std::string& name) const {
  static const std::vector<ast::Test> kNone;
  const CheckedDefinition* definition = impl_->module->Find(name);
  return definition == nullptr ? kNone : definition->ast->tests;
}

}  // namespace tally
