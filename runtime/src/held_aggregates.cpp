// Aggregates that hold values per group, so that the result does not depend on row order.
#include "held_aggregates.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string_view>

namespace tally::runtime {

namespace {

using AK = ir::Aggregate::Kind;

bool Valid(const TallyColumnView& c, int64_t r) { return c.valid == nullptr || c.valid[r] != 0; }

// A value as 64 bits that are equal exactly when the values are: floats with -0.0 made +0.0.
int64_t Bits(ir::Type t, const TallyColumnView& c, int64_t r) {
  switch (t) {
    case ir::Type::kBool: return static_cast<const uint8_t*>(c.values)[r];
    case ir::Type::kInt:
    case ir::Type::kDate: return static_cast<const int64_t*>(c.values)[r];
    case ir::Type::kString: return static_cast<const int32_t*>(c.values)[r];
    case ir::Type::kFloat: {
      double d = static_cast<const double*>(c.values)[r] + 0.0;
      int64_t bits;
      std::memcpy(&bits, &d, sizeof bits);
      return bits;
    }
  }
  return 0;
}

double AsDouble(int64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

// a < b for two non-string values given as Bits().
bool LessBits(ir::Type t, int64_t a, int64_t b) {
  return t == ir::Type::kFloat ? AsDouble(a) < AsDouble(b) : a < b;
}

}  // namespace

bool IsHeldKind(ir::Aggregate::Kind kind) {
  switch (kind) {
    case AK::kCountDistinct:
    case AK::kQuantile:
    case AK::kVariance:
    case AK::kVariancePop:
    case AK::kStddev:
    case AK::kStddevPop:
    case AK::kMinBy:
    case AK::kMaxBy: return true;
    default: return false;
  }
}

void AddHeld(HeldState& s, const ir::Aggregate& agg, ir::Type arg_type, ir::Type key_type,
             const TallyColumnView& arg, const TallyColumnView& key, int64_t r) {
  if (!Valid(arg, r)) return;
  switch (agg.kind) {
    case AK::kCountDistinct: s.distinct.insert(Bits(arg_type, arg, r)); return;
    case AK::kQuantile:
    case AK::kVariance:
    case AK::kVariancePop:
    case AK::kStddev:
    case AK::kStddevPop:
      // The row kernel converted the argument to float (lowering); -0.0 is held as +0.0.
      s.values.push_back(static_cast<const double*>(arg.values)[r] + 0.0);
      return;
    case AK::kMinBy:
    case AK::kMaxBy: {
      if (!Valid(key, r)) return;
      const bool is_min = agg.kind == AK::kMinBy;
      int64_t ki = 0;
      double kf = 0.0;
      if (key_type == ir::Type::kFloat) kf = static_cast<const double*>(key.values)[r];
      else ki = Bits(key_type, key, r);
      const int64_t x = Bits(arg_type, arg, r);
      int order = 0;  // <0: this key is better than the best, 0: tied, >0: worse
      if (s.has_best) {
        bool less = key_type == ir::Type::kFloat ? kf < s.best_key_float : ki < s.best_key_int;
        bool more = key_type == ir::Type::kFloat ? s.best_key_float < kf : s.best_key_int < ki;
        order = less ? (is_min ? -1 : 1) : more ? (is_min ? 1 : -1) : 0;
      }
      if (!s.has_best || order < 0) {
        s.has_best = true;
        s.best_key_int = ki;
        s.best_key_float = kf;
        s.best_x_bits = x;
        s.tied_codes.clear();
        if (arg_type == ir::Type::kString) s.tied_codes.insert(static_cast<int32_t>(x));
      } else if (order == 0) {
        if (arg_type == ir::Type::kString) s.tied_codes.insert(static_cast<int32_t>(x));
        else if (LessBits(arg_type, x, s.best_x_bits)) s.best_x_bits = x;
      }
      return;
    }
    default: return;
  }
}

double Type7Quantile(const std::vector<double>& v, double p) {
  const size_t n = v.size();
  const double h = static_cast<double>(n - 1) * p;
  const double lo = std::floor(h);
  const size_t i = static_cast<size_t>(lo);
  if (i >= n - 1) return v[n - 1];
  return v[i] + (h - lo) * (v[i + 1] - v[i]);
}

double SortedVariance(const std::vector<double>& v, bool sample) {
  double sum = 0.0;
  for (double x : v) sum += x;
  const double mean = sum / static_cast<double>(v.size());
  double squares = 0.0;
  for (double x : v) {
    const double d = x - mean;
    squares += d * d;
  }
  return squares / static_cast<double>(sample ? v.size() - 1 : v.size());
}

std::string FinishHeld(HeldState& s, const ir::Aggregate& agg, ir::Type arg_type,
                       const std::vector<std::string>& strings, OwnedColumn& col, size_t g) {
  switch (agg.kind) {
    case AK::kCountDistinct: {
      if (arg_type != ir::Type::kString) {
        col.ints[g] = static_cast<int64_t>(s.distinct.size());
        return "";
      }
      // Codes are unique per text within a run; counting texts keeps that an assumption.
      std::unordered_set<std::string_view> texts;
      for (int64_t code : s.distinct) texts.insert(strings.at(static_cast<size_t>(code)));
      col.ints[g] = static_cast<int64_t>(texts.size());
      return "";
    }
    case AK::kQuantile:
    case AK::kVariance:
    case AK::kVariancePop:
    case AK::kStddev:
    case AK::kStddevPop: {
      const bool sample = agg.kind == AK::kVariance || agg.kind == AK::kStddev;
      if (s.values.empty() || (sample && s.values.size() < 2)) {
        col.valid[g] = 0;
        return "";
      }
      std::sort(s.values.begin(), s.values.end());
      double r = 0.0;
      if (agg.kind == AK::kQuantile) r = Type7Quantile(s.values, agg.p);
      else r = SortedVariance(s.values, sample);
      if (agg.kind == AK::kStddev || agg.kind == AK::kStddevPop) r = std::sqrt(r);
      if (!std::isfinite(r)) return "float overflow";
      col.floats[g] = r;
      std::vector<double>().swap(s.values);
      return "";
    }
    case AK::kMinBy:
    case AK::kMaxBy: {
      if (!s.has_best) {
        col.valid[g] = 0;
        return "";
      }
      switch (arg_type) {
        case ir::Type::kBool: col.bools[g] = static_cast<uint8_t>(s.best_x_bits); break;
        case ir::Type::kInt:
        case ir::Type::kDate: col.ints[g] = s.best_x_bits; break;
        case ir::Type::kFloat: col.floats[g] = AsDouble(s.best_x_bits); break;
        case ir::Type::kString: {
          int32_t best = *s.tied_codes.begin();
          for (int32_t code : s.tied_codes) {
            if (strings.at(static_cast<size_t>(code)) < strings.at(static_cast<size_t>(best))) best = code;
          }
          col.codes[g] = best;
          break;
        }
      }
      return "";
    }
    default: return "";
  }
}

}  // namespace tally::runtime
