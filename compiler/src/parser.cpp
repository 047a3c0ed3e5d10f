// Source text -> ast::File. The only file that sees ANTLR.
//
// The ANTLR C++ runtime has no recursion limit and aborts on invalid UTF-8, so the text is
// validated and the token stream is scanned for nesting and size before the parser runs;
// every ANTLR exception is caught here.
#include "tally/compiler/parser.h"

#include <charconv>
#include <cmath>
#include <exception>

#include "TallyLexer.h"
#include "TallyParser.h"
#include "antlr4-runtime.h"
#include "source_text.h"
#include "tally/support/civil_date.h"

namespace tally {
namespace {

using tally_antlr::TallyLexer;
using tally_antlr::TallyParser;

// Thrown by the error listener when a file has too many errors; caught in Parse().
struct TooManyErrors {};

// Maps ANTLR's code-point indices back to byte offsets in the original text.
class OffsetMap {
 public:
  OffsetMap(std::string_view text, uint32_t base) {
    byte_of_.reserve(text.size() + 1);
    for (uint32_t i = 0; i < text.size(); ++i) {
      if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) byte_of_.push_back(base + i);
    }
    byte_of_.push_back(base + static_cast<uint32_t>(text.size()));
  }
  uint32_t Byte(size_t code_point) const {
    return code_point < byte_of_.size() ? byte_of_[code_point] : byte_of_.back();
  }

 private:
  std::vector<uint32_t> byte_of_;
};

class DiagnosticListener : public antlr4::BaseErrorListener {
 public:
  DiagnosticListener(const SourceFile* file, const OffsetMap& offsets, DiagnosticList& diagnostics,
                     size_t max_errors)
      : file_(file), offsets_(offsets), diagnostics_(diagnostics), max_errors_(max_errors) {}

  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* offending, size_t line,
                   size_t column, const std::string& message, std::exception_ptr) override {
    if (++errors_ > max_errors_) throw TooManyErrors{};
    SourceRange range{file_, 0, 0};
    std::string text;
    if (offending != nullptr) {
      range.begin = offsets_.Byte(offending->getStartIndex());
      range.end = offending->getType() == antlr4::Token::EOF
                      ? range.begin
                      : offsets_.Byte(offending->getStopIndex() + 1);
      text = offending->getType() == antlr4::Token::EOF ? "end of file" : "'" + offending->getText() + "'";
    } else {
      // Lexer errors carry no token: locate them by line and column.
      range.begin = range.end = ByteOfLineColumn(line, column);
    }
    if (offending != nullptr && offending->getType() == TallyLexer::UNTERMINATED_STRING) {
      diagnostics_.Error("E-unterminated-string", range, "unterminated string literal",
                         "close the string with \" on the same line");
      return;
    }
    if (offending != nullptr && offending->getType() == TallyLexer::UNKNOWN_CHAR) {
      diagnostics_.Error("E-unexpected-character", range, "unexpected character " + text);
      return;
    }
    // ANTLR's recovery can report a cascade on the line of an error; the first one is the
    // one worth reading.
    auto line_of = f_line(range.begin);
    if (line_of == last_error_line_) return;
    last_error_line_ = line_of;
    std::string hint;
    std::string readable = Readable(message, text, hint);
    diagnostics_.Error("E-syntax", range, readable, hint);
  }

 private:
  uint32_t ByteOfLineColumn(size_t line, size_t column) const {
    // Column is in code points from the line start.
    uint32_t offset = 0;
    for (size_t l = 1; l < line && offset < file_->text().size(); ++offset) {
      if (file_->text()[offset] == '\n') ++l;
    }
    for (size_t c = 0; c < column && offset < file_->text().size(); ++offset) {
      if ((static_cast<unsigned char>(file_->text()[offset]) & 0xC0) != 0x80) ++c;
    }
    return offset;
  }

  uint32_t f_line(uint32_t offset) const { return file_->PositionOf(offset).line; }

  // Turns ANTLR's messages ("mismatched input 'x' expecting {...35 tokens...}") into what a
  // person needs: what was found, and what kind of thing was expected.
  static std::string Readable(const std::string& message, const std::string& found, std::string& hint) {
    auto expected_part = [&]() -> std::string {
      size_t p = message.find(" expecting ");
      return p == std::string::npos ? "" : message.substr(p + 11);
    };
    std::string expected = expected_part();
    bool wants_expression = expected.find("'('") != std::string::npos && expected.find("'if'") != std::string::npos;
    bool wants_name = expected.find("IDENT") != std::string::npos;
    bool wants_close = expected.find("'}'") != std::string::npos;
    std::string what;
    if (wants_expression) what = "an expression";
    else if (!expected.empty() && expected.front() != '{') what = Friendly(expected);
    else if (wants_name && expected.size() < 200) what = "a name";
    if (found == "end of file") {
      if (wants_close || what.empty()) hint = "a `{` block may be missing its closing `}`";
      return what.empty() ? "unexpected end of file" : "expected " + what + " before the end of the file";
    }
    if (message.rfind("missing ", 0) == 0) {
      size_t at = message.find(" at ");
      return "missing " + Friendly(message.substr(8, at == std::string::npos ? std::string::npos : at - 8)) +
             " before " + found;
    }
    if (!what.empty()) return "expected " + what + ", found " + found;
    return "unexpected " + found;
  }

  static std::string Friendly(std::string tokens) {
    auto replace_all = [&](const std::string& from, const std::string& to) {
      for (size_t p = tokens.find(from); p != std::string::npos; p = tokens.find(from, p + to.size()))
        tokens.replace(p, from.size(), to);
    };
    replace_all("<EOF>", "end of file");
    replace_all("IDENT", "a name");
    replace_all("UNTERMINATED_STRING", "a string");
    replace_all("STRING", "a string");
    replace_all("INT_LIT", "an integer");
    replace_all("FLOAT_LIT", "a number");
    replace_all("VERSION_LIT", "a version");
    replace_all("DURATION_LIT", "a duration");
    return tokens;
  }

  const SourceFile* file_;
  const OffsetMap& offsets_;
  DiagnosticList& diagnostics_;
  size_t max_errors_;
  size_t errors_ = 0;
  uint32_t last_error_line_ = 0;
};

// Scans tokens before parsing so that the recursive-descent parser (and every later pass)
// only ever sees bounded nesting. Returns false (with a diagnostic) when a limit is exceeded.
class TokenScanner {
 public:
  TokenScanner(const SourceFile* file, const OffsetMap& offsets, const ParseLimits& limits,
               DiagnosticList& diagnostics, const antlr4::dfa::Vocabulary& vocabulary)
      : file_(file), offsets_(offsets), limits_(limits), diagnostics_(diagnostics),
        vocabulary_(vocabulary) {}

  bool Scan(const std::vector<antlr4::Token*>& tokens) {
    size_t previous_type = 0;
    bool previous_ends_operand = false;
    for (antlr4::Token* token : tokens) {
      size_t type = token->getType();
      std::string literal = LiteralName(type);
      bool name_like = type == TallyLexer::IDENT || IsSoftKeyword(literal);
      bool operand_token = type == TallyLexer::IDENT || type == TallyLexer::INT_LIT ||
                           type == TallyLexer::FLOAT_LIT || type == TallyLexer::STRING ||
                           literal == "true" || literal == "false" || literal == "null";
      // Two operands never stand side by side inside one expression: a name after an
      // operand, or a brace, starts a new statement, so per-statement counts restart.
      if ((name_like && previous_ends_operand) || literal == "{" || literal == "}") {
        operators_ = 0;
        open_ifs_ = 0;
        prefix_run_ = 0;
      }
      if (literal == "(" || literal == "[") ++brackets_;
      if ((literal == ")" || literal == "]") && brackets_ > 0) --brackets_;
      bool prefix = literal == "not" || (literal == "-" && !previous_ends_operand);
      if (prefix) ++prefix_run_;
      else if (literal != "(" && literal != "[") prefix_run_ = 0;
      if (literal == "if") ++open_ifs_;
      if (IsBinaryOperator(literal) && previous_ends_operand) ++operators_;

      size_t depth = brackets_ + prefix_run_ + open_ifs_;
      if (depth > limits_.max_nesting) {
        return Fail(token, "E-too-deep", "expression nests more than " +
                                             std::to_string(limits_.max_nesting) + " levels deep",
                    "split it into `let` bindings");
      }
      if (operators_ > limits_.max_operators_per_statement) {
        return Fail(token, "E-too-large",
                    "expression has more than " + std::to_string(limits_.max_operators_per_statement) +
                        " operators",
                    "split it into `let` bindings");
      }
      previous_ends_operand = operand_token || name_like || literal == ")" || literal == "]";
      previous_type = type;
    }
    (void)previous_type;
    return true;
  }

 private:
  std::string LiteralName(size_t type) const {
    std::string name = vocabulary_.getLiteralName(type);
    if (name.size() >= 2 && name.front() == '\'') return name.substr(1, name.size() - 2);
    return {};
  }
  // Keywords the grammar's `ident` rule also accepts as names (see grammar/Tally.g4).
  static bool IsSoftKeyword(const std::string& literal) {
    static const char* kSoft[] = {"score", "metric", "override", "for", "region", "version", "owner",
                                  "description", "key", "tags", "expires_after", "input", "param",
                                  "regional", "require", "let", "output", "group", "by", "test",
                                  "given", "expect", "rejected", "within",
                                  // inputs as they come
                                  "format", "delimiter", "header", "columns", "carry", "function", "table", "source", "column",
                                  // window aggregates
                                  "over"};
    for (const char* k : kSoft) {
      if (literal == k) return true;
    }
    return false;
  }
  static bool IsBinaryOperator(const std::string& l) {
    return l == "+" || l == "-" || l == "*" || l == "/" || l == "%" || l == "==" || l == "!=" ||
           l == "<" || l == "<=" || l == ">" || l == ">=" || l == "and" || l == "or" || l == "in" ||
           l == ".";  // `a.b.c`: a field chain nests like an operator chain
  }
  bool Fail(antlr4::Token* token, const char* code, std::string message, std::string hint) {
    SourceRange range{file_, offsets_.Byte(token->getStartIndex()),
                      offsets_.Byte(token->getStopIndex() + 1)};
    diagnostics_.Error(code, range, std::move(message), std::move(hint));
    return false;
  }

  const SourceFile* file_;
  const OffsetMap& offsets_;
  const ParseLimits& limits_;
  DiagnosticList& diagnostics_;
  const antlr4::dfa::Vocabulary& vocabulary_;
  size_t brackets_ = 0;
  size_t prefix_run_ = 0;
  size_t open_ifs_ = 0;
  size_t operators_ = 0;
};

// Parse tree -> AST. Recursion depth is bounded by TokenScanner's limits.
class AstBuilder {
 public:
  AstBuilder(const SourceFile* file, const OffsetMap& offsets, DiagnosticList& diagnostics)
      : file_(file), offsets_(offsets), diagnostics_(diagnostics) {}

  void Build(TallyParser::File_Context* tree, ast::File& out) {
    for (auto* definition : tree->definition()) {
      if (auto* block = dynamic_cast<TallyParser::DefinitionBlockContext*>(definition)) {
        out.definitions.push_back(BuildDefinition(block));
      } else if (auto* override_block = dynamic_cast<TallyParser::OverrideBlockContext*>(definition)) {
        out.overrides.push_back(BuildOverride(override_block));
      } else if (auto* function_block = dynamic_cast<TallyParser::FunctionBlockContext*>(definition)) {
        out.functions.push_back(BuildFunction(function_block));
      } else if (auto* table_block = dynamic_cast<TallyParser::TableBlockContext*>(definition)) {
        out.tables.push_back(BuildTable(table_block));
      }
    }
  }

 private:
  SourceRange Range(antlr4::ParserRuleContext* ctx) const {
    if (ctx == nullptr || ctx->getStart() == nullptr) return {file_, 0, 0};
    uint32_t begin = offsets_.Byte(ctx->getStart()->getStartIndex());
    antlr4::Token* stop = ctx->getStop();
    uint32_t end = (stop != nullptr && stop->getType() != antlr4::Token::EOF &&
                    stop->getStopIndex() + 1 > ctx->getStart()->getStartIndex())
                       ? offsets_.Byte(stop->getStopIndex() + 1)
                       : begin;
    return {file_, begin, std::max(begin, end)};
  }
  SourceRange Range(antlr4::Token* token) const {
    if (token == nullptr) return {file_, 0, 0};
    return {file_, offsets_.Byte(token->getStartIndex()), offsets_.Byte(token->getStopIndex() + 1)};
  }
  SourceRange Range(antlr4::tree::TerminalNode* node) const {
    return node ? Range(node->getSymbol()) : SourceRange{file_, 0, 0};
  }
  std::string Text(SourceRange range) const {
    return file_->text().substr(range.begin, range.end - range.begin);
  }
  static std::string Name(antlr4::ParserRuleContext* ident) { return ident ? ident->getText() : ""; }

  // `over all` (no keys), `over KEY` or `over (KEY, ...)`; a key named `all` is written
  // in parentheses.
  void BuildWindow(TallyParser::WindowContext& w, ast::Expr& call) {
    call.window = true;
    call.window_range = Range(&w);
    if (w.whole != nullptr) {
      if (Name(w.whole) != "all") call.window_keys.push_back({Name(w.whole), Range(w.whole)});
      return;
    }
    for (auto* key : w.name()) call.window_keys.push_back({Name(key), Range(key)});
  }

  std::string Unquote(antlr4::tree::TerminalNode* node) {
    if (node == nullptr) return {};
    std::string raw = node->getText();
    std::string out;
    for (size_t i = 1; i + 1 < raw.size(); ++i) {
      if (raw[i] == '\\' && i + 2 < raw.size()) {
        char c = raw[++i];
        if (c != '"' && c != '\\' && c != 'n' && c != 't') {
          ReportUnknownEscape(node, raw, i - 1);
          continue;
        }
        out += c == 'n' ? '\n' : c == 't' ? '\t' : c;
      } else {
        out += raw[i];
      }
    }
    return out;
  }

  // The lexer lets any character follow a backslash, so that `"\x"` is this one located
  // error rather than an unterminated string. `backslash` is a byte offset into `raw`.
  void ReportUnknownEscape(antlr4::tree::TerminalNode* node, const std::string& raw, size_t backslash) {
    size_t length = 2;  // the backslash and the escaped character, which may be multibyte UTF-8
    while (backslash + length < raw.size() && (static_cast<unsigned char>(raw[backslash + length]) & 0xC0) == 0x80)
      ++length;
    uint32_t begin = offsets_.Byte(node->getSymbol()->getStartIndex()) + static_cast<uint32_t>(backslash);
    diagnostics_.Error("E-unknown-escape", SourceRange{file_, begin, begin + static_cast<uint32_t>(length)},
                       "unknown escape sequence " + raw.substr(backslash, length),
                       "the escapes are \\\", \\\\, \\n and \\t; write \\\\ for a backslash");
  }

  ast::Definition BuildDefinition(TallyParser::DefinitionBlockContext* ctx) {
    ast::Definition d;
    d.kind = ctx->kind && ctx->kind->getText() == "metric" ? ast::Definition::Kind::kMetric
                                                           : ast::Definition::Kind::kScore;
    if (ctx->qualifiedName()) {
      d.name = ctx->qualifiedName()->getText();
      d.name_range = Range(ctx->qualifiedName());
    }
    d.range = Range(ctx);
    for (auto* member : ctx->member()) {
      d.members.push_back(Range(member));
      BuildMember(member, d);
    }
    return d;
  }

  ast::Function BuildFunction(TallyParser::FunctionBlockContext* ctx) {
    ast::Function f;
    if (ctx->qualifiedName()) {
      f.name = ctx->qualifiedName()->getText();
      f.name_range = Range(ctx->qualifiedName());
    }
    f.range = Range(ctx);
    for (auto* p : ctx->functionParam())
      f.params.push_back({Name(p->name()), Range(p->name()), BuildType(p->typeRef()), Range(p)});
    f.result = BuildType(ctx->typeRef());
    f.body = BuildExpr(ctx->expr());
    SourceRange body = Range(ctx->expr());
    f.body_range = {file_, ctx->BODY ? Range(ctx->BODY).begin : body.begin, body.end};
    f.block.name = f.name;
    f.block.name_range = f.name_range;
    f.block.range = f.range;
    for (auto* member : ctx->member()) {
      f.block.members.push_back(Range(member));
      BuildMember(member, f.block);
    }
    return f;
  }

  void BuildMember(TallyParser::MemberContext* m, ast::Definition& d) {
    if (auto* c = dynamic_cast<TallyParser::VersionMemberContext*>(m)) {
      if (c->value) d.versions.push_back({c->value->getText(), Range(c->value)});
      return;
    }
    if (auto* c = dynamic_cast<TallyParser::OwnerMemberContext*>(m)) {
      d.owners.push_back({Name(c->ident()), Range(c->ident())});
      return;
    }
    if (auto* c = dynamic_cast<TallyParser::DescriptionMemberContext*>(m)) {
      d.descriptions.push_back({Unquote(c->STRING()), Range(c->STRING())});
      return;
    }
    if (auto* c = dynamic_cast<TallyParser::KeyMemberContext*>(m)) {
      for (auto* ident : c->name()) d.keys.push_back({Name(ident), Range(ident)});
      return;
    }
    if (auto* c = dynamic_cast<TallyParser::TagsMemberContext*>(m)) {
      for (auto* s : c->STRING()) d.tags.push_back({Unquote(s), Range(s)});
      return;
    }
    if (auto* c = dynamic_cast<TallyParser::ExpiresMemberContext*>(m)) {
      if (c->DURATION_LIT()) d.expires_after.push_back({c->DURATION_LIT()->getText(), Range(c->DURATION_LIT())});
      return;
    }
    if (auto* c = dynamic_cast<TallyParser::InputMemberContext*>(m)) {
      ast::Input input{Name(c->name()), Range(c->name()), BuildType(c->typeRef()), "", {}};
      if (c->formatWord != nullptr) {  // `format` is a keyword: only `format "TEXT"` gets here
        input.format = Unquote(c->STRING());
        input.format_range = Range(c->STRING());
      }
      d.inputs.push_back(std::move(input));
      return;
    }
    if (auto* c = dynamic_cast<TallyParser::ParamMemberContext*>(m)) {
      ast::Param p;
      p.name = Name(c->name());
      p.name_range = Range(c->name());
      if (c->typeRef()) p.type = BuildType(c->typeRef());
      p.value = BuildLiteral(c->literal());
      p.regional = c->REGIONAL != nullptr;
      d.params.push_back(std::move(p));
      return;
    }
    if (auto* c = dynamic_cast<TallyParser::RequireMemberContext*>(m)) {
      ast::Require r;
      r.condition = BuildExpr(c->expr());
      r.range = Range(c);
      r.text = Text(Range(c->expr()));
      d.requirements.push_back(std::move(r));
      return;
    }
    if (auto* c = dynamic_cast<TallyParser::LetMemberContext*>(m)) {
      d.lets.push_back({Name(c->name()), Range(c->name()), BuildExpr(c->expr())});
      return;
    }
    if (auto* c = dynamic_cast<TallyParser::OutputMemberContext*>(m)) {
      d.outputs.push_back({Name(c->name()), Range(c->name()), BuildType(c->typeRef()), BuildExpr(c->expr())});
      return;
    }
    if (auto* c = dynamic_cast<TallyParser::GroupMemberContext*>(m)) {
      d.has_group_by = true;
      d.group_by_range = Range(c);
      for (auto* ident : c->name()) d.group_by.push_back({Name(ident), Range(ident)});
      return;
    }
    if (auto* c = dynamic_cast<TallyParser::TestMemberContext*>(m)) {
      d.tests.push_back(BuildTest(c));
      return;
    }
    BuildInputLayoutMember(m, d);
  }

  // Inputs as they come: `format`, `delimiter`, `header`, `columns`, `carry`.
  void BuildInputLayoutMember(TallyParser::MemberContext* m, ast::Definition& d) {
    if (auto* f = dynamic_cast<TallyParser::FormatMemberContext*>(m)) {
      if (f->ident()) d.formats.push_back({Name(f->ident()), Range(f->ident())});
    } else if (auto* del = dynamic_cast<TallyParser::DelimiterMemberContext*>(m)) {
      if (del->STRING()) d.delimiters.push_back({Unquote(del->STRING()), Range(del->STRING())});
    } else if (auto* h = dynamic_cast<TallyParser::HeaderMemberContext*>(m)) {
      if (h->ident()) d.headers.push_back({Name(h->ident()), Range(h->ident())});
    } else if (auto* cols = dynamic_cast<TallyParser::ColumnsMemberContext*>(m)) {
      d.column_lists.push_back({{}, Range(cols)});
      for (auto* ident : cols->name()) d.column_lists.back().value.push_back({Name(ident), Range(ident)});
    } else if (auto* carry = dynamic_cast<TallyParser::CarryMemberContext*>(m)) {
      for (auto* ident : carry->name()) d.carried.push_back({Name(ident), Range(ident)});
    }
  }

  ast::TypeRef BuildType(TallyParser::TypeRefContext* ctx) {
    ast::TypeRef t;
    if (ctx == nullptr) return t;
    t.name = ctx->typeName ? ctx->typeName->getText() : "";
    t.nullable = ctx->NULLABLE != nullptr;
    t.range = Range(ctx);
    return t;
  }

  ast::Test BuildTest(TallyParser::TestMemberContext* ctx) {
    ast::Test test;
    test.name = Unquote(ctx->STRING());
    test.range = Range(ctx);
    for (auto* step : ctx->testStep()) {
      ast::TestStep s;
      s.range = Range(step);
      if (auto* given = dynamic_cast<TallyParser::GivenStepContext*>(step)) {
        s.kind = ast::TestStep::Kind::kGiven;
        for (auto* b : given->binding())
          s.bindings.push_back({Name(b->name()), Range(b->name()), BuildLiteral(b->literal()), std::nullopt});
      } else if (auto* expect = dynamic_cast<TallyParser::ExpectStepContext*>(step)) {
        s.kind = ast::TestStep::Kind::kExpect;
        for (auto* e : expect->expectation()) {
          ast::TestBinding binding{Name(e->name()), Range(e->name()), {}, std::nullopt};
          auto literals = e->literal();
          if (!literals.empty()) binding.value = BuildLiteral(literals[0]);
          if (literals.size() > 1) binding.tolerance = BuildLiteral(literals[1]);
          s.bindings.push_back(std::move(binding));
        }
      } else if (auto* rejected = dynamic_cast<TallyParser::ExpectRejectedStepContext*>(step)) {
        s.kind = ast::TestStep::Kind::kExpectRejected;
        if (rejected->STRING()) s.reason = Unquote(rejected->STRING());
      }
      test.steps.push_back(std::move(s));
    }
    return test;
  }

  ast::Override BuildOverride(TallyParser::OverrideBlockContext* ctx) {
    ast::Override o;
    if (ctx->qualifiedName()) {
      o.target = ctx->qualifiedName()->getText();
      o.target_range = Range(ctx->qualifiedName());
    }
    o.region = Unquote(ctx->STRING());
    o.region_range = Range(ctx->STRING());
    o.range = Range(ctx);
    for (auto* item : ctx->overrideItem())
      o.items.push_back({Name(item->name()), Range(item->name()), BuildLiteral(item->literal())});
    return o;
  }

  ast::Table BuildTable(TallyParser::TableBlockContext* ctx) {
    ast::Table t;
    if (ctx->qualifiedName()) {
      t.name = ctx->qualifiedName()->getText();
      t.name_range = Range(ctx->qualifiedName());
    }
    t.range = Range(ctx);
    for (auto* m : ctx->tableMember()) {
      t.members.push_back(Range(m));
      if (auto* version = dynamic_cast<TallyParser::TableVersionMemberContext*>(m)) {
        if (version->value) t.versions.push_back({version->value->getText(), Range(version->value)});
      } else if (auto* owner = dynamic_cast<TallyParser::TableOwnerMemberContext*>(m)) {
        t.owners.push_back({Name(owner->ident()), Range(owner->ident())});
      } else if (auto* description = dynamic_cast<TallyParser::TableDescriptionMemberContext*>(m)) {
        t.descriptions.push_back({Unquote(description->STRING()), Range(description->STRING())});
      } else if (auto* source = dynamic_cast<TallyParser::TableSourceMemberContext*>(m)) {
        t.sources.push_back({Unquote(source->STRING()), Range(source->STRING())});
      } else if (auto* key = dynamic_cast<TallyParser::TableKeyMemberContext*>(m)) {
        t.keys.push_back({Name(key->name()), Range(key->name()), BuildType(key->typeRef())});
      } else if (auto* column = dynamic_cast<TallyParser::TableColumnMemberContext*>(m)) {
        t.columns.push_back({Name(column->name()), Range(column->name()), BuildType(column->typeRef())});
      }
    }
    return t;
  }

  ast::Literal BuildLiteral(TallyParser::LiteralContext* ctx) {
    if (ctx == nullptr) return {};
    ast::Literal lit = BuildExprLiteral(ctx->exprLiteral(), ctx->MINUS != nullptr);
    lit.range = Range(ctx);
    if (ctx->MINUS != nullptr && lit.kind != ast::Literal::Kind::kInt &&
        lit.kind != ast::Literal::Kind::kFloat) {
      diagnostics_.Error("E-syntax", lit.range, "only a number can be negative");
    }
    return lit;
  }

  ast::Literal BuildExprLiteral(TallyParser::ExprLiteralContext* ctx, bool negative = false) {
    ast::Literal lit;
    if (ctx == nullptr) return lit;
    lit.range = Range(ctx);
    if (auto* c = dynamic_cast<TallyParser::IntLiteralContext*>(ctx)) {
      lit.kind = ast::Literal::Kind::kInt;
      std::string text = (negative ? "-" : "") + c->getText();
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), lit.int_value);
      if (ec != std::errc() || ptr != text.data() + text.size()) {
        diagnostics_.Error("E-int-literal-range", lit.range,
                           "integer literal " + Abbreviate(text) + " does not fit in 64 bits",
                           "int is 64-bit: from -9223372036854775808 to 9223372036854775807");
      }
    } else if (auto* float_ctx = dynamic_cast<TallyParser::FloatLiteralContext*>(ctx)) {
      lit.kind = ast::Literal::Kind::kFloat;
      std::string text = (negative ? "-" : "") + float_ctx->getText();
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), lit.float_value);
      if (ec != std::errc() || !std::isfinite(lit.float_value)) {
        diagnostics_.Error("E-float-literal-range", lit.range,
                           "number " + Abbreviate(text) + " is out of the range of float");
        lit.float_value = 0;
      }
    } else if (auto* string_ctx = dynamic_cast<TallyParser::StringLiteralContext*>(ctx)) {
      lit.kind = ast::Literal::Kind::kString;
      lit.string_value = Unquote(string_ctx->STRING());
    } else if (auto* typed = dynamic_cast<TallyParser::TypedLiteralContext*>(ctx)) {
      BuildTypedLiteral(typed, lit);
    } else if (dynamic_cast<TallyParser::BoolLiteralContext*>(ctx)) {
      lit.kind = ast::Literal::Kind::kBool;
      lit.bool_value = ctx->getText() == "true";
    } else {
      lit.kind = ast::Literal::Kind::kNull;
    }
    return lit;
  }

  // `date "YYYY-MM-DD"`: the only typed literal. An impossible date is an error here, so no
  // later stage sees a day outside the valid range.
  void BuildTypedLiteral(TallyParser::TypedLiteralContext* ctx, ast::Literal& lit) {
    lit.kind = ast::Literal::Kind::kDate;
    std::string type = ctx->typeWord ? ctx->typeWord->getText() : "";
    if (type != "date") {
      diagnostics_.Error("E-syntax", Range(ctx->typeWord), "unexpected string after `" + type + "`",
                         "the only typed literal is a date: date \"1998-06-30\"");
      return;
    }
    std::string text = Unquote(ctx->STRING());
    if (auto day = dates::Parse(text, dates::Format::kIso)) {
      lit.int_value = *day;
      return;
    }
    diagnostics_.Error("E-date-literal", Range(ctx->STRING()),
                       "date " + Abbreviate(text) + " is not a real date in YYYY-MM-DD form",
                       "dates run from 0001-01-01 to 9999-12-31, e.g. date \"1998-06-30\"");
  }

  static std::string Abbreviate(const std::string& s) {
    return s.size() > 40 ? s.substr(0, 20) + "..." + s.substr(s.size() - 10) : s;
  }

  // `a` or `a.b.c` (names and fields of names) as the dotted name it spells.
  static bool QualifiedName(const ast::Expr& e, std::string& out) {
    if (e.kind == ast::Expr::Kind::kName) {
      out = e.name;
      return true;
    }
    if (e.kind != ast::Expr::Kind::kField || !QualifiedName(*e.args[0], out)) return false;
    out += "." + e.name;
    return true;
  }

  ast::ExprPtr Make(ast::Expr::Kind kind, antlr4::ParserRuleContext* ctx) {
    auto e = std::make_unique<ast::Expr>();
    e->kind = kind;
    e->range = Range(ctx);
    return e;
  }

  ast::ExprPtr BuildExpr(TallyParser::ExprContext* ctx) {
    if (ctx == nullptr) {
      // Error recovery left a hole; a null literal keeps later passes simple.
      auto e = std::make_unique<ast::Expr>();
      e->range = {file_, 0, 0};
      return e;
    }
    using K = ast::Expr::Kind;
    if (auto* c = dynamic_cast<TallyParser::ParenExprContext*>(ctx)) return BuildExpr(c->expr());
    if (auto* c = dynamic_cast<TallyParser::LiteralExprContext*>(ctx)) {
      auto e = Make(K::kLiteral, ctx);
      e->literal = BuildExprLiteral(c->exprLiteral());
      return e;
    }
    if (auto* c = dynamic_cast<TallyParser::NameExprContext*>(ctx)) {
      auto e = Make(K::kName, ctx);
      e->name = Name(c->name());
      return e;
    }
    if (auto* c = dynamic_cast<TallyParser::FieldExprContext*>(ctx)) {
      ast::ExprPtr object = BuildExpr(c->expr());
      // `lookup(cx.weights, segment).weight`: the table is a name, not a value, so the
      // lookup is one node holding the table name, the key and the column.
      std::string table;
      if (object->kind == K::kCall && object->name == "lookup" && object->args.size() == 2 &&
          object->arg_names[0].empty() && object->arg_names[1].empty() && QualifiedName(*object->args[0], table)) {
        auto e = Make(K::kLookup, ctx);
        e->name = table;
        e->name_range = object->args[0]->range;
        e->column = Name(c->field);
        e->column_range = Range(c->field);
        e->args.push_back(std::move(object->args[1]));
        return e;
      }
      auto e = Make(K::kField, ctx);
      e->name = Name(c->field);
      e->name_range = Range(c->field);
      e->args.push_back(std::move(object));
      return e;
    }
    if (auto* c = dynamic_cast<TallyParser::CallExprContext*>(ctx)) {
      auto e = Make(K::kCall, ctx);
      e->name = Name(c->fn);
      e->name_range = Range(c->fn);
      for (auto* arg : c->argument()) {
        e->arg_names.push_back(arg->name() ? Name(arg->name()) : "");
        e->arg_name_ranges.push_back(arg->name() ? Range(arg->name()) : SourceRange{});
        e->args.push_back(BuildExpr(arg->expr()));
      }
      if (auto* w = c->window()) BuildWindow(*w, *e);
      return e;
    }
    if (auto* c = dynamic_cast<TallyParser::NegateExprContext*>(ctx)) {
      // `-5` is the literal -5, so INT64_MIN can be written.
      if (auto* lit = dynamic_cast<TallyParser::LiteralExprContext*>(c->expr())) {
        auto* inner = lit->exprLiteral();
        if (dynamic_cast<TallyParser::IntLiteralContext*>(inner) ||
            dynamic_cast<TallyParser::FloatLiteralContext*>(inner)) {
          auto e = Make(K::kLiteral, ctx);
          e->literal = BuildExprLiteral(inner, /*negative=*/true);
          e->literal.range = e->range;
          return e;
        }
      }
      auto e = Make(K::kUnary, ctx);
      e->unary_op = ast::UnaryOp::kNeg;
      e->args.push_back(BuildExpr(c->expr()));
      return e;
    }
    if (auto* c = dynamic_cast<TallyParser::NotExprContext*>(ctx)) {
      auto e = Make(K::kUnary, ctx);
      e->unary_op = ast::UnaryOp::kNot;
      e->args.push_back(BuildExpr(c->expr()));
      return e;
    }
    if (auto* c = dynamic_cast<TallyParser::IfExprContext*>(ctx)) {
      auto e = Make(K::kIf, ctx);
      for (auto* sub : c->expr()) e->args.push_back(BuildExpr(sub));
      while (e->args.size() < 3) e->args.push_back(BuildExpr(nullptr));
      return e;
    }
    if (auto* c = dynamic_cast<TallyParser::InExprContext*>(ctx)) {
      auto e = Make(K::kIn, ctx);
      e->negated = c->NOT != nullptr;
      for (auto* sub : c->expr()) e->args.push_back(BuildExpr(sub));
      return e;
    }
    antlr4::Token* op = nullptr;
    std::vector<TallyParser::ExprContext*> operands;
    auto take = [&](auto* c) {
      if (c != nullptr) op = c->op, operands = c->expr();
    };
    take(dynamic_cast<TallyParser::MultiplicativeExprContext*>(ctx));
    take(dynamic_cast<TallyParser::AdditiveExprContext*>(ctx));
    take(dynamic_cast<TallyParser::CompareExprContext*>(ctx));
    take(dynamic_cast<TallyParser::AndExprContext*>(ctx));
    take(dynamic_cast<TallyParser::OrExprContext*>(ctx));
    auto e = Make(K::kBinary, ctx);
    std::string spelling = op ? op->getText() : "+";
    static const std::pair<const char*, ast::BinaryOp> kOps[] = {
        {"+", ast::BinaryOp::kAdd}, {"-", ast::BinaryOp::kSub}, {"*", ast::BinaryOp::kMul},
        {"/", ast::BinaryOp::kDiv}, {"%", ast::BinaryOp::kMod}, {"==", ast::BinaryOp::kEq},
        {"!=", ast::BinaryOp::kNe}, {"<", ast::BinaryOp::kLt}, {"<=", ast::BinaryOp::kLe},
        {">", ast::BinaryOp::kGt}, {">=", ast::BinaryOp::kGe}, {"and", ast::BinaryOp::kAnd},
        {"or", ast::BinaryOp::kOr}};
    for (const auto& [text, value] : kOps) {
      if (spelling == text) e->binary_op = value;
    }
    for (auto* sub : operands) e->args.push_back(BuildExpr(sub));
    while (e->args.size() < 2) e->args.push_back(BuildExpr(nullptr));
    return e;
  }

  const SourceFile* file_;
  const OffsetMap& offsets_;
  DiagnosticList& diagnostics_;
};

}  // namespace

ast::File Parse(const SourceFilePtr& source, DiagnosticList& diagnostics, const ParseLimits& limits) {
  ast::File file;
  file.source = source;
  const SourceFile* f = source.get();
  const std::string& text = source->text();

  if (text.size() > limits.max_file_bytes) {
    diagnostics.Error("E-file-too-large", {f, 0, 0},
                      "file is " + std::to_string(text.size()) + " bytes; the limit is " +
                          std::to_string(limits.max_file_bytes));
    return file;
  }
  if (auto bad = FindInvalidText(text)) {
    diagnostics.Error(bad->code, {f, bad->offset, bad->offset + 1}, bad->message);
    return file;
  }
  uint32_t base = HasUtf8Bom(text) ? 3 : 0;
  std::string_view body = std::string_view(text).substr(base);
  OffsetMap offsets(body, base);

  try {
    antlr4::ANTLRInputStream input(body.data(), body.size());
    TallyLexer lexer(&input);
    DiagnosticListener listener(f, offsets, diagnostics, limits.max_errors);
    lexer.removeErrorListeners();
    lexer.addErrorListener(&listener);
    antlr4::CommonTokenStream tokens(&lexer);
    tokens.fill();

    TokenScanner scanner(f, offsets, limits, diagnostics, lexer.getVocabulary());
    std::vector<antlr4::Token*> visible;
    for (antlr4::Token* token : tokens.getTokens()) {
      if (token->getChannel() == antlr4::Token::DEFAULT_CHANNEL) visible.push_back(token);
      else file.comments.push_back({f, offsets.Byte(token->getStartIndex()), offsets.Byte(token->getStopIndex() + 1)});
    }
    if (!scanner.Scan(visible)) return file;

    TallyParser parser(&tokens);
    parser.removeErrorListeners();
    parser.addErrorListener(&listener);
    // SLL prediction suffices for this grammar (no full-context ambiguity) and keeps
    // prediction linear on large or hostile inputs.
    parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
        antlr4::atn::PredictionMode::SLL);
    auto* tree = parser.file_();
    AstBuilder builder(f, offsets, diagnostics);
    builder.Build(tree, file);
  } catch (const TooManyErrors&) {
    diagnostics.Error("E-too-many-errors", {f, static_cast<uint32_t>(text.size()), static_cast<uint32_t>(text.size())},
                      "too many syntax errors (" + std::to_string(limits.max_errors) +
                          "); stopped parsing this file");
  } catch (const std::exception& e) {
    diagnostics.Error("E-internal", {f, 0, 0}, std::string("parser failed: ") + e.what());
  } catch (...) {
    diagnostics.Error("E-internal", {f, 0, 0}, "parser failed");
  }
  return file;
}

}  // namespace tally
