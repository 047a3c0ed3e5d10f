#include "window_pass.h"

#include <cstring>
#include <unordered_map>

#include "batch_sink.h"

namespace tally::runtime {

namespace {

// A partition's key values as bytes, equal exactly when the values are: per key a validity
// byte, then an int64 (bools, ints, dates) or the text with its length (strings).
void AppendInt(std::string& out, int64_t v) {
  char bytes[8];
  std::memcpy(bytes, &v, 8);
  out.append(bytes, 8);
}

void AppendText(std::string& out, std::string_view text) {
  AppendInt(out, static_cast<int64_t>(text.size()));
  out.append(text);
}

// Value `row` of `view` (of type `type`) into `out`; strings through `text_of(code)`.
template <typename TextOf>
void AppendKeyPart(std::string& out, ir::Type type, const TallyColumnView& view, size_t row, TextOf text_of) {
  const bool valid = view.valid == nullptr || view.valid[row] != 0;
  out.push_back(valid ? 1 : 0);
  if (!valid) return;
  switch (type) {
    case ir::Type::kBool: AppendInt(out, static_cast<const uint8_t*>(view.values)[row] != 0); break;
    case ir::Type::kInt:
    case ir::Type::kDate: AppendInt(out, static_cast<const int64_t*>(view.values)[row]); break;
    case ir::Type::kString: AppendText(out, text_of(static_cast<const int32_t*>(view.values)[row])); break;
    case ir::Type::kFloat: break;  // the checker allows no float partition key
  }
}

TallyColumnView ConstView(const OwnedColumn& c) { return const_cast<OwnedColumn&>(c).View(); }

}  // namespace

// One window program's first-pass result.
struct WindowPopulations::Window {
  std::vector<GroupKeyColumn> keys;
  GroupAggregator::Groups groups;
  std::unordered_map<std::string, int64_t> group_of;  // serialised keys -> group
  uint32_t first_status = 0;                          // its statuses start after this
};

WindowPopulations::WindowPopulations(const ir::Program& score, const KernelSet& kernels, std::vector<Window> windows)
    : score_(score), kernels_(kernels), windows_(std::move(windows)) {}

WindowPopulations::~WindowPopulations() = default;

Status WindowPopulations::Fill(int64_t rows, const TallyColumnView* inputs, const uint16_t* variants,
                               const StringDictionary& strings, const KernelStrings& calls, Scratch& s,
                               std::vector<OwnedColumn>& values, std::vector<uint32_t>& status) const {
  const size_t n = static_cast<size_t>(rows);
  status.assign(n, 0);
  values.resize(score_.window_values.size());
  for (size_t v = 0; v < values.size(); ++v) values[v].Reset(score_.window_values[v].type, n);
  s.args.resize(windows_.size());
  s.arg_views.resize(windows_.size());
  auto text_of = [&](int32_t code) { return strings.Get(code); };
  for (size_t w = 0; w < windows_.size(); ++w) {
    const ir::Program& program = score_.windows[w];
    const Window& window = windows_[w];
    ResetAggregateArgs(program, n, s.args[w]);
    s.arg_views[w].clear();
    for (OwnedColumn& c : s.args[w]) s.arg_views[w].push_back(c.View());
    s.status.assign(n, 0);
    s.inputs.assign(inputs, inputs + score_.inputs.size());
    calls.AppendIfUsed(program.row_code, s.inputs);
    if (rows > 0) kernels_.windows[w].metric_rows(rows, s.inputs.data(), variants, s.arg_views[w].data(), s.status.data());
    // Each row's partition: the same key values as in the first pass find the same group.
    s.group.assign(n, -1);
    auto view_of = [&](const GroupKeyColumn& k) {
      return k.computed ? s.arg_views[w][2 * k.index] : inputs[program.group_keys[k.index]];
    };
    const bool one_string_key = window.keys.size() == 1 && window.keys[0].type == ir::Type::kString;
    if (one_string_key) s.code_group.assign(strings.size(), -2);  // -2: not looked up yet
    for (size_t r = 0; r < n; ++r) {
      if (status[r] != 0) continue;
      if (s.status[r] != 0) {
        status[r] = window.first_status + s.status[r];
        continue;
      }
      if (window.keys.empty()) {
        s.group[r] = window.groups.count == 1 ? 0 : -1;
      } else if (one_string_key) {
        const TallyColumnView key = view_of(window.keys[0]);
        const bool valid = key.valid == nullptr || key.valid[r] != 0;
        const int32_t code = valid ? static_cast<const int32_t*>(key.values)[r] : -1;
        if (code >= 0 && static_cast<size_t>(code) < s.code_group.size() && s.code_group[static_cast<size_t>(code)] != -2) {
          s.group[r] = s.code_group[static_cast<size_t>(code)];
          continue;
        }
        s.key.clear();
        AppendKeyPart(s.key, ir::Type::kString, key, r, text_of);
        auto it = window.group_of.find(s.key);
        s.group[r] = it == window.group_of.end() ? -1 : it->second;
        if (code >= 0 && static_cast<size_t>(code) < s.code_group.size()) {
          s.code_group[static_cast<size_t>(code)] = static_cast<int32_t>(s.group[r]);
        }
      } else {
        s.key.clear();
        for (const GroupKeyColumn& k : window.keys) AppendKeyPart(s.key, k.type, view_of(k), r, text_of);
        auto it = window.group_of.find(s.key);
        s.group[r] = it == window.group_of.end() ? -1 : it->second;
      }
      if (s.group[r] < 0) {
        // The first pass saw this row accepted with these keys; only a changed input differs.
        return Error{"row of " + program.name + " found no partition in the first pass: the input changed "
                     "while it was read twice"};
      }
    }
    // The window's values for each accepted row, from its partition.
    for (size_t v = 0; v < values.size(); ++v) {
      const ir::WindowValue& wv = score_.window_values[v];
      if (wv.window != w) continue;
      const OwnedColumn& from = window.groups.aggregates[wv.aggregate];
      OwnedColumn& to = values[v];
      for (size_t r = 0; r < n; ++r) {
        const int64_t g = s.group[r];
        if (g < 0) {
          to.valid[r] = 0;
          continue;
        }
        const size_t gi = static_cast<size_t>(g);
        to.valid[r] = from.valid[gi];
        switch (to.type) {
          case ir::Type::kBool: to.bools[r] = from.bools[gi]; break;
          case ir::Type::kInt:
          case ir::Type::kDate: to.ints[r] = from.ints[gi]; break;
          case ir::Type::kFloat: to.floats[r] = from.floats[gi]; break;
          case ir::Type::kString: to.codes[r] = 0; to.valid[r] = 0; break;  // the checker allows none
        }
      }
    }
  }
  return Status::Ok();
}

RejectRecord WindowPopulations::Reject(uint32_t status, int64_t row, int64_t line) const {
  for (size_t w = windows_.size(); w-- > 0;) {
    if (status > windows_[w].first_status) {
      return KernelReject(score_.windows[w], status - windows_[w].first_status, row, line);
    }
  }
  return KernelReject(score_, status, row, line);
}

WindowPass::WindowPass(const ir::Program& score, const KernelSet& kernels) : score_(score), kernels_(kernels) {
  for (const ir::Program& w : score.windows) groups_.push_back(std::make_unique<GroupAggregator>(w));
}

WindowPass::~WindowPass() = default;

Status WindowPass::Add(int64_t rows, const TallyColumnView* inputs, const uint16_t* variants,
                       StringDictionary* dictionary) {
  if (rows <= 0) return Status::Ok();
  const size_t n = static_cast<size_t>(rows);
  if (dictionary != dictionary_) {  // the run's dictionary: its answers stay good all run
    strings_.Reset(dictionary);
    dictionary_ = dictionary;
  }
  for (size_t w = 0; w < score_.windows.size(); ++w) {
    const ir::Program& program = score_.windows[w];
    ResetAggregateArgs(program, n, args_);
    arg_views_.clear();
    for (OwnedColumn& c : args_) arg_views_.push_back(c.View());
    status_.assign(n, 0);
    inputs_.assign(inputs, inputs + score_.inputs.size());
    strings_.AppendIfUsed(program.row_code, inputs_);
    kernels_.windows[w].metric_rows(rows, inputs_.data(), variants, arg_views_.data(), status_.data());
    key_views_.clear();
    for (uint32_t k : program.group_keys) key_views_.push_back(inputs[k]);
    RETURN_IF_ERROR(groups_[w]->AddBatch(rows, key_views_.data(), arg_views_.data(), status_.data()));
  }
  return Status::Ok();
}

Result<std::shared_ptr<const WindowPopulations>> WindowPass::Finish(const std::vector<std::string>& strings) {
  std::vector<WindowPopulations::Window> windows(score_.windows.size());
  uint32_t first_status = static_cast<uint32_t>(score_.reasons.size());
  auto text_of = [&](int32_t code) -> std::string_view {
    return code >= 0 && static_cast<size_t>(code) < strings.size() ? std::string_view(strings[static_cast<size_t>(code)])
                                                                   : std::string_view();
  };
  for (size_t w = 0; w < windows.size(); ++w) {
    WindowPopulations::Window& window = windows[w];
    window.keys = GroupKeyColumns(score_.windows[w]);
    ASSIGN_OR_RETURN(window.groups, groups_[w]->Finish(strings));
    for (int64_t g = 0; g < window.groups.count; ++g) {
      std::string key;
      for (const GroupKeyColumn& k : window.keys) {
        AppendKeyPart(key, k.type, ConstView(window.groups.Column(k)), static_cast<size_t>(g), text_of);
      }
      window.group_of.emplace(std::move(key), g);
    }
    window.first_status = first_status;
    first_status += static_cast<uint32_t>(score_.windows[w].reasons.size());
  }
  return std::shared_ptr<const WindowPopulations>(
      std::make_shared<WindowPopulations>(score_, kernels_, std::move(windows)));
}

}  // namespace tally::runtime
