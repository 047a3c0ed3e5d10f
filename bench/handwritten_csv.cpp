// The hand-written peer of `tally score customer.health` end to end (docs/performance.md,
// "End to end"): one thread, CSV in, CSV out, the same formula and the same output bytes.
//
//   handwritten_csv IN.csv OUT.csv
//
// What an engineer would write for this one file format, and no more: columns are found by
// name in the header; fields are split on commas (a quoted field is refused, not parsed); ints
// with std::from_chars, floats with fast_float (as Tally does); an empty `nps` is null. Rows
// with `open_tickets < 0` (the definition's `require`) get no output, as in Tally. No lineage,
// no hashing, no rejects file, no atomic rename. Build: clang -O3 -ffp-contract=off.
#include <fast_float/fast_float.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

[[noreturn]] void Die(const char* what, long long line = -1) {
  if (line >= 0) {
    std::fprintf(stderr, "handwritten_csv: line %lld: %s\n", line, what);
  } else {
    std::fprintf(stderr, "handwritten_csv: %s\n", what);
  }
  std::exit(1);
}

class Output {
 public:
  explicit Output(int fd) : fd_(fd) { buffer_.reserve(kFlush + 256); }
  void Append(const char* p, size_t n) { buffer_.append(p, n); }
  void Append(std::string_view s) { buffer_.append(s.data(), s.size()); }
  void Push(char c) { buffer_.push_back(c); }
  void MaybeFlush() {
    if (buffer_.size() >= kFlush) Flush();
  }
  void Flush() {
    const char* p = buffer_.data();
    size_t left = buffer_.size();
    while (left > 0) {
      ssize_t n = ::write(fd_, p, left);
      if (n < 0) Die("write failed");
      p += n;
      left -= static_cast<size_t>(n);
    }
    buffer_.clear();
  }

 private:
  static constexpr size_t kFlush = 1 << 20;
  int fd_;
  std::string buffer_;
};

enum Input { kAccount, kLogins, kPrev, kTickets, kNps, kArr, kRegion, kInputs };
constexpr const char* kNames[kInputs] = {"account_id", "logins_30d", "logins_prev_30d",
                                         "open_tickets", "nps", "arr", "region"};

int64_t ParseInt(std::string_view f, long long line) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(f.data(), f.data() + f.size(), v);
  if (ec != std::errc() || p != f.data() + f.size() || f.empty()) Die("bad integer", line);
  return v;
}

double ParseFloat(std::string_view f, long long line) {
  double v = 0;
  auto [p, ec] = fast_float::from_chars(f.data(), f.data() + f.size(), v);
  if (ec != std::errc() || p != f.data() + f.size() || f.empty() || !std::isfinite(v)) {
    Die("bad float", line);
  }
  return v;
}

// score = round(100 * (0.5 * engagement + 0.3 * support + 0.2 * sentiment), 1), as
// metrics/customer/health.tally and docs/language.md define it.
inline double Score(int64_t logins, int64_t prev, int64_t tickets, double nps, bool nps_valid) {
  double engagement =
      std::min(std::max(static_cast<double>(logins) / static_cast<double>(std::max<int64_t>(prev, 1)), 0.0), 2.0) / 2.0;
  double support = 1.0 - static_cast<double>(std::min<int64_t>(tickets, 10)) / 10.0;
  double sentiment = nps_valid ? (nps + 100.0) / 200.0 : 0.5;
  double x = 100.0 * (0.5 * engagement + 0.3 * support + 0.2 * sentiment);
  return std::round(x * 10.0) / 10.0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s IN.csv OUT.csv\n", argv[0]);
    return 2;
  }
  int in = ::open(argv[1], O_RDONLY);
  if (in < 0) Die("cannot open input");
  int out_fd = ::open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (out_fd < 0) Die("cannot open output");
  Output out(out_fd);
  out.Append("account_id,score,tier,at_risk\n");

  constexpr size_t kChunk = 4 << 20;
  std::vector<char> buf(kChunk * 2);
  size_t have = 0;  // bytes in buf[0, have)
  bool eof = false;
  bool header_done = false;
  int column_of[kInputs];
  int max_column = 0;
  std::vector<std::string_view> fields;
  long long line_no = 0;

  while (!eof || have > 0) {
    if (!eof) {
      if (buf.size() - have < kChunk) buf.resize(buf.size() * 2);
      ssize_t n = ::read(in, buf.data() + have, kChunk);
      if (n < 0) Die("read failed");
      if (n == 0) eof = true;
      have += static_cast<size_t>(n);
    }
    const char* begin = buf.data();
    const char* end = begin + have;
    const char* p = begin;
    while (p < end) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
      if (nl == nullptr) {
        if (!eof) break;  // incomplete line: read more
        nl = end;         // last line without a newline
      }
      const char* line_end = nl;
      if (line_end > p && line_end[-1] == '\r') --line_end;
      ++line_no;
      if (std::memchr(p, '"', static_cast<size_t>(line_end - p)) != nullptr) Die("quoted field", line_no);
      fields.clear();
      const char* f = p;
      for (;;) {
        const char* comma = static_cast<const char*>(std::memchr(f, ',', static_cast<size_t>(line_end - f)));
        if (comma == nullptr) {
          fields.emplace_back(f, static_cast<size_t>(line_end - f));
          break;
        }
        fields.emplace_back(f, static_cast<size_t>(comma - f));
        f = comma + 1;
      }
      p = nl < end ? nl + 1 : end;
      if (!header_done) {
        for (int i = 0; i < kInputs; ++i) {
          auto it = std::find(fields.begin(), fields.end(), std::string_view(kNames[i]));
          if (it == fields.end()) Die("missing column");
          column_of[i] = static_cast<int>(it - fields.begin());
          max_column = std::max(max_column, column_of[i]);
        }
        header_done = true;
        continue;
      }
      if (fields.size() == 1 && fields[0].empty()) continue;  // blank line
      if (static_cast<int>(fields.size()) <= max_column) Die("too few fields", line_no);
      int64_t tickets = ParseInt(fields[column_of[kTickets]], line_no);
      int64_t logins = ParseInt(fields[column_of[kLogins]], line_no);
      int64_t prev = ParseInt(fields[column_of[kPrev]], line_no);
      std::string_view nps_text = fields[column_of[kNps]];
      bool nps_valid = !nps_text.empty();
      double nps = nps_valid ? ParseFloat(nps_text, line_no) : 0.0;
      double arr = ParseFloat(fields[column_of[kArr]], line_no);
      if (tickets < 0) continue;  // require open_tickets >= 0: rejected, no output row
      std::string_view region = fields[column_of[kRegion]];
      double score = Score(logins, prev, tickets, nps, nps_valid);
      double at_risk_below = region == "emea" ? 35.0 : 40.0;
      bool at_risk = score < at_risk_below && arr > 50000.0;

      std::string_view account = fields[column_of[kAccount]];
      if (account.empty()) {
        out.Append("\"\"");
      } else {
        out.Append(account);
      }
      out.Push(',');
      if (score == 0.0) score = 0.0;  // -0.0 prints as 0, as Tally's writer does
      char num[32];
      auto [q, ec] = std::to_chars(num, num + sizeof num, score);
      out.Append(num, static_cast<size_t>(q - num));
      out.Append(score >= 70.0 ? std::string_view(",green,") : score >= 40.0 ? std::string_view(",amber,") : std::string_view(",red,"));
      out.Append(at_risk ? std::string_view("true\n") : std::string_view("false\n"));
      out.MaybeFlush();
    }
    size_t consumed = static_cast<size_t>(p - begin);
    std::memmove(buf.data(), p, have - consumed);
    have -= consumed;
    if (eof && have == 0) break;
  }
  out.Flush();
  if (::close(out_fd) != 0) Die("close failed");
  ::close(in);
  return 0;
}
