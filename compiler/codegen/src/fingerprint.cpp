#include "fingerprint.h"

#include <bit>
#include <cstdio>

namespace tally::codegen {
namespace {

class Writer {
 public:
  Writer& N(uint64_t v) { out_ += std::to_string(v) + ' '; return *this; }
  Writer& I(int64_t v) { out_ += std::to_string(v) + ' '; return *this; }
  Writer& F(double v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%016llx ", static_cast<unsigned long long>(std::bit_cast<uint64_t>(v)));
    out_ += buf;
    return *this;
  }
  Writer& S(const std::string& s) { out_ += std::to_string(s.size()) + ':' + s + ' '; return *this; }
  Writer& Line(const char* tag) { out_ += '\n'; out_ += tag; out_ += ' '; return *this; }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

void Code(Writer& w, const char* tag, const std::vector<ir::Instruction>& code) {
  for (const ir::Instruction& ins : code) {
    w.Line(tag).N(static_cast<uint64_t>(ins.op)).N(static_cast<uint64_t>(ins.type)).N(ins.nullable)
        .N(ins.may_error).N(ins.is_null_constant).N(ins.trap).N(ins.index).I(ins.imm_int).F(ins.imm_float)
        .N(ins.args.size());
    for (ir::ValueId a : ins.args) w.N(a);
  }
}

}  // namespace

std::string Fingerprint(const ir::Program& p) {
  Writer w;
  w.Line("program").N(static_cast<uint64_t>(p.kind)).S(p.name).S(p.version).I(p.region_input);
  for (const ir::Column& c : p.inputs) w.Line("input").S(c.name).N(static_cast<uint64_t>(c.type)).N(c.nullable);
  w.Line("key");
  for (uint32_t k : p.key_inputs) w.N(k);
  for (const ir::Param& prm : p.params) {
    w.Line("param").S(prm.name).N(static_cast<uint64_t>(prm.type)).N(prm.regional).N(prm.int_values.size());
    for (int64_t v : prm.int_values) w.I(v);
    w.N(prm.float_values.size());
    for (double v : prm.float_values) w.F(v);
  }
  for (const std::string& v : p.variants) w.Line("variant").S(v);
  for (const std::string& s : p.string_constants) w.Line("string").S(s);
  Code(w, "row", p.row_code);
  for (const ir::Require& r : p.requirements) w.Line("require").N(r.condition).N(r.reason);
  for (const ir::Reason& r : p.reasons) w.Line("reason").N(static_cast<uint64_t>(r.kind)).S(r.message).S(r.location.ToString());
  for (const ir::Output& o : p.outputs) w.Line("output").S(o.name).N(static_cast<uint64_t>(o.type)).N(o.nullable).N(o.value);
  w.Line("group");
  for (uint32_t k : p.group_keys) w.N(k);
  for (const ir::Aggregate& a : p.aggregates) {
    w.Line("aggregate").N(static_cast<uint64_t>(a.kind)).N(static_cast<uint64_t>(a.type)).N(a.nullable)
        .N(a.arg).N(a.weight).S(a.text);
  }
  Code(w, "post", p.post_code);
  return w.Take();
}

}  // namespace tally::codegen
