// Random source-level scores for the differential test of user-defined functions: a random
// expression over five inputs, written once as it is and once with a random subexpression
// factored out into a function (or two nested functions) and called. Calls are inlined, so
// both must compute the same bytes (docs/language.md, "User-defined functions").
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace tally::codegen::testing {

class RandomSource {
 public:
  explicit RandomSource(uint64_t seed) : rng_(seed) {}

  struct Case {
    std::string plain;     // the score alone
    std::string factored;  // the functions and the score calling them
  };

  Case Generate() {
    nodes_.clear();
    size_t root = Expr(AnyType(), 4);
    // The factored subexpressions: any node but a leaf; sometimes a second one inside it,
    // which becomes a function the first one calls.
    std::vector<size_t> inner;
    for (size_t i = 0; i < nodes_.size(); ++i)
      if (!nodes_[i].children.empty()) inner.push_back(i);
    Case c;
    std::string inputs = "  input i0 : int?\n  input i1 : int\n  input f0 : float?\n  input f1 : float\n  input c : bool?\n";
    auto score = [&](const std::string& expr) {
      return "score r.s {\n  version 1.0.0\n  owner cx\n" + inputs + "  output o : " + TypeName(nodes_[root].type) +
             "? = " + expr + "\n}\n";
    };
    c.plain = score(Text(root, "", {}));
    if (inner.empty()) {
      c.factored = c.plain;
      return c;
    }
    size_t outer = inner[Uniform(0, inner.size() - 1)];
    std::vector<size_t> nested;
    for (size_t i : inner)
      if (i != outer && Within(i, outer)) nested.push_back(i);
    std::string functions;
    std::vector<std::pair<size_t, std::string>> calls;
    if (!nested.empty() && Chance(0.5)) {
      size_t n = nested[Uniform(0, nested.size() - 1)];
      functions += Function("lib.g", n, {});
      calls.push_back({n, "lib.g(" + Args("p_") + ")"});
    }
    functions += Function("lib.f", outer, calls);
    c.factored = functions + score(Text(root, "", {{outer, "lib.f(" + Args("") + ")"}}));
    return c;
  }

 private:
  enum class T : uint8_t { kInt, kFloat, kBool };
  struct Node {
    T type;
    std::string op;  // "lit", "name", "bin", "call", "if", "neg", "not"
    std::string text;  // literal, name, operator or function name
    std::vector<size_t> children;
  };

  static std::string TypeName(T t) { return t == T::kInt ? "int" : t == T::kFloat ? "float" : "bool"; }

  // The arguments of a call: every input, in order (prefixed when the caller is a function).
  static std::string Args(const std::string& prefix) {
    std::string out;
    for (const char* n : {"i0", "i1", "f0", "f1", "c"}) out += (out.empty() ? "" : ", ") + prefix + n;
    return out;
  }

  std::string Function(const std::string& name, size_t node, const std::vector<std::pair<size_t, std::string>>& calls) {
    return "function " + name + "(p_i0 : int?, p_i1 : int, p_f0 : float?, p_f1 : float, p_c : bool?) : " +
           TypeName(nodes_[node].type) + "? {\n  version 1.0.0\n  owner cx\n  = " + Text(node, "p_", calls) + "\n}\n";
  }

  bool Within(size_t node, size_t ancestor) const {
    if (node == ancestor) return true;
    for (size_t c : nodes_[ancestor].children)
      if (Within(node, c)) return true;
    return false;
  }

  std::string Text(size_t i, const std::string& prefix, const std::vector<std::pair<size_t, std::string>>& replace) const {
    for (const auto& [node, call] : replace)
      if (node == i) return call;
    const Node& n = nodes_[i];
    auto child = [&](size_t k) { return Text(n.children[k], prefix, replace); };
    if (n.op == "lit") return n.text;
    if (n.op == "name") return prefix + n.text;
    if (n.op == "bin") return "(" + child(0) + " " + n.text + " " + child(1) + ")";
    if (n.op == "neg") return "-(" + child(0) + ")";
    if (n.op == "not") return "(not " + child(0) + ")";
    if (n.op == "if") return "(if " + child(0) + " then " + child(1) + " else " + child(2) + ")";
    std::string out = n.text + "(";
    for (size_t k = 0; k < n.children.size(); ++k) out += (k ? ", " : "") + child(k);
    return out + ")";
  }

  size_t Add(Node n) {
    nodes_.push_back(std::move(n));
    return nodes_.size() - 1;
  }

  size_t Leaf(T t) {
    if (Chance(0.4)) {
      static const char* ints[] = {"0", "1", "-1", "2", "3", "7", "100", "9223372036854775807", "-9223372036854775808", "3037000500"};
      static const char* floats[] = {"0.0", "1.0", "-1.0", "0.5", "2.5", "-2.5", "0.1", "1e308", "1e-308", "709.0", "1.005"};
      static const char* bools[] = {"true", "false"};
      if (t == T::kInt) return Add({t, "lit", ints[Uniform(0, 9)], {}});
      if (t == T::kFloat) return Add({t, "lit", floats[Uniform(0, 10)], {}});
      return Add({t, "lit", bools[Uniform(0, 1)], {}});
    }
    if (t == T::kInt) return Add({t, "name", Chance(0.5) ? "i0" : "i1", {}});
    if (t == T::kFloat) return Add({t, "name", Chance(0.5) ? "f0" : "f1", {}});
    return Add({t, "name", "c", {}});
  }

  size_t Expr(T t, int depth) {
    if (depth == 0 || Chance(0.2)) return Leaf(t);
    auto node = [&](const std::string& op, const std::string& text, std::vector<T> kids) {
      std::vector<size_t> children;
      for (T k : kids) children.push_back(Expr(k, depth - 1));
      return Add({t, op, text, std::move(children)});
    };
    switch (t) {
      case T::kInt: {
        static const char* bins[] = {"+", "-", "*", "%"};
        switch (Uniform(0, 5)) {
          case 0: case 1: return node("bin", bins[Uniform(0, 3)], {t, t});
          case 2: return node("neg", "", {t});
          case 3: return node("call", Chance(0.5) ? "abs" : "sign", {t});
          case 4: return node("call", Chance(0.5) ? "min" : "max", {t, t});
          default: return Chance(0.5) ? node("if", "", {T::kBool, t, t}) : node("call", "coalesce", {t, t});
        }
      }
      case T::kFloat: {
        static const char* bins[] = {"+", "-", "*", "/", "%"};
        static const char* unary[] = {"sqrt", "ln", "exp", "sigmoid", "floor", "abs"};
        switch (Uniform(0, 5)) {
          case 0: case 1: return node("bin", bins[Uniform(0, 4)], {t, Chance(0.3) ? T::kInt : t});
          case 2: return node("call", unary[Uniform(0, 5)], {t});
          case 3: return node("call", "pow", {t, t});
          case 4: return node("call", Chance(0.5) ? "min" : "max", {t, T::kInt});
          default: return Chance(0.5) ? node("if", "", {T::kBool, t, T::kInt}) : node("call", "coalesce", {t, t});
        }
      }
      case T::kBool: {
        static const char* cmps[] = {"<", "<=", ">", ">=", "==", "!="};
        switch (Uniform(0, 3)) {
          case 0: return node("bin", cmps[Uniform(0, 5)], {Chance(0.5) ? T::kInt : T::kFloat, T::kFloat});
          case 1: return node("bin", Chance(0.5) ? "and" : "or", {t, t});
          case 2: return node("not", "", {t});
          default: return node("call", "is_null", {Chance(0.5) ? T::kInt : T::kFloat});
        }
      }
    }
    return Leaf(t);
  }

  T AnyType() { return static_cast<T>(Uniform(0, 2)); }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  size_t Uniform(size_t lo, size_t hi) { return std::uniform_int_distribution<size_t>(lo, hi)(rng_); }

  std::mt19937_64 rng_;
  std::vector<Node> nodes_;
};

}  // namespace tally::codegen::testing
