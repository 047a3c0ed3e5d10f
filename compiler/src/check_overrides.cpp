// The checker, last step: regional overrides, checked against the definitions they target.
#include "checker_internal.h"

#include <set>

namespace tally::checking {

void CheckOverrides(CheckedModule& module, DiagnosticList& diagnostics) {
  std::map<std::pair<std::string, std::string>, SourceRange> seen;
  std::vector<std::string> names;
  for (const auto& d : module.definitions) names.push_back(d.ast->name);
  for (const auto& file : module.files) {
    for (const auto& o : file->overrides) {
      CheckedDefinition* target = nullptr;
      for (auto& d : module.definitions) {
        if (d.ast->name == o.target) target = &d;
      }
      if (target == nullptr) {
        diagnostics.Error("E-override-unknown", o.target_range, "no definition named `" + o.target + "` to override",
                          Suggest(o.target, names));
        continue;
      }
      if (o.region.empty()) diagnostics.Error("E-override-region", o.region_range, "the region name is empty");
      auto key = std::make_pair(o.target, o.region);
      if (auto it = seen.find(key); it != seen.end()) {
        auto& d = diagnostics.Error("E-duplicate-override", o.range,
                                    "`" + o.target + "` is already overridden for region \"" + o.region + "\"");
        d.notes.push_back({it->second, "first override here"});
        continue;
      }
      seen[key] = o.range;
      if (!target->has_region_input) {
        diagnostics.Error("E-override-no-region", o.range,
                          "`" + o.target + "` has no input `region : string` to select the override by",
                          "add `input region : string` to " + o.target);
      }
      std::set<std::string> items;
      for (const auto& item : o.items) {
        if (!items.insert(item.name).second) {
          diagnostics.Error("E-duplicate-name", item.name_range, "`" + item.name + "` is overridden twice");
          continue;
        }
        const ast::Param* param = nullptr;
        size_t index = 0;
        for (size_t i = 0; i < target->ast->params.size(); ++i) {
          if (target->ast->params[i].name == item.name) param = &target->ast->params[i], index = i;
        }
        if (param == nullptr) {
          std::vector<std::string> params;
          for (const auto& p : target->ast->params) params.push_back(p.name);
          diagnostics.Error("E-override-unknown-param", item.name_range,
                            "`" + o.target + "` has no param `" + item.name + "`", Suggest(item.name, params));
          continue;
        }
        if (!param->regional) {
          auto& d = diagnostics.Error("E-override-not-regional", item.name_range,
                                      "param `" + item.name + "` is not `regional`, so no region may override it",
                                      "only the definition's owner can mark it `regional`");
          d.notes.push_back({param->name_range, "declared here"});
          continue;
        }
        CheckedType slot = target->param_types[index];
        CheckedType value = LiteralType(item.value);
        if (value.kind == K::kNull || !Assignable(value, slot)) {
          diagnostics.Error("E-type-mismatch", item.value.range,
                            "param `" + item.name + "` is " + slot.ToString() + ", not " + value.ToString());
        }
      }
      target->overrides.push_back(&o);
      target->override_files.push_back(file.get());
    }
  }
}


}  // namespace tally::checking
