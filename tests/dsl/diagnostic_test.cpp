#include "dsl/dsl_test_util.hpp"

namespace kpiscore::test {
namespace {

using dsl::Scope;

const Scope& group() {
  static const Scope s = Scope::group({"agent_id", "month"});
  return s;
}
const Scope& record() {
  static const Scope s = Scope::record();
  return s;
}
std::string errors(const std::string& src, const Scope& s = group(), const dsl::Limits& l = {}) {
  dsl::CompileOptions o;
  o.file = "rules.kpi";
  o.limits = l;
  return diagnostics_of(src, s, o);
}

TEST(DslDiagnostics, UnknownNameSuggestsTheClosestField) {
  EXPECT_EQ(errors("rule x = ahts > 5min"),
            "rules.kpi:1:10: error[E0102]: unknown name `ahts` in the group scope\n"
            "  1 | rule x = ahts > 5min\n"
            "    |          ^^^^\n"
            "    = hint: did you mean `aht_s`?\n");
  // The same name means the record field in the record scope.
  EXPECT_EQ(errors("rule x = handel_s > 5min", record()),
            "rules.kpi:1:10: error[E0102]: unknown name `handel_s` in the record scope\n"
            "  1 | rule x = handel_s > 5min\n"
            "    |          ^^^^^^^^\n"
            "    = hint: did you mean `handle_s`?\n");
  EXPECT_EQ(errors("rule x = zzzzzz"),
            "rules.kpi:1:10: error[E0102]: unknown name `zzzzzz` in the group scope\n"
            "  1 | rule x = zzzzzz\n"
            "    |          ^^^^^^\n");
}

TEST(DslDiagnostics, UnitErrorsSuggestTheUnit) {
  EXPECT_EQ(errors("rule x = asa_s > 30"),
            "rules.kpi:1:18: error[E0202]: a number without a unit where a duration is expected\n"
            "  1 | rule x = asa_s > 30\n"
            "    |                  ^^\n"
            "    = hint: did you mean `30s`?\n");
  EXPECT_EQ(errors("rule x = asa_s + 85%"),
            "rules.kpi:1:10: error[E0201]: cannot add duration and ratio\n"
            "  1 | rule x = asa_s + 85%\n"
            "    |          ^^^^^^^^^^^\n");
  EXPECT_EQ(errors("rule x = fcr >= 85"),
            "rules.kpi:1:17: error[E0203]: a number above 1 where a ratio is expected\n"
            "  1 | rule x = fcr >= 85\n"
            "    |                 ^^\n"
            "    = hint: did you mean `85%`?\n");
  EXPECT_EQ(
      errors("rule a = fcr >= 0.85\nrule b = (asa_s - 30s) / 10s > 2\nrule c = asa_s * 2 <= 1min"),
      "");
}

TEST(DslDiagnostics, SeveralErrorsPerCompileInSourceOrder) {
  EXPECT_EQ(
      errors(
          "rule a = asa_s > 30s and\nrule b = aht_s > 10min or fcr < 85\nrule c = mni(asa_s, 2s)"),
      "rules.kpi:2:1: error[E0101]: expected an expression, found `rule`\n"
      "  2 | rule b = aht_s > 10min or fcr < 85\n"
      "    | ^^^^\n"
      "rules.kpi:2:33: error[E0203]: a number above 1 where a ratio is expected\n"
      "  2 | rule b = aht_s > 10min or fcr < 85\n"
      "    |                                 ^^\n"
      "    = hint: did you mean `85%`?\n"
      "rules.kpi:3:10: error[E0103]: unknown function `mni`\n"
      "  3 | rule c = mni(asa_s, 2s)\n"
      "    |          ^^^\n"
      "    = hint: did you mean `min`?\n");
  auto ds = dsl::Program::check("rule a = x1 + x2 + x3", group());
  ASSERT_EQ(ds.size(), 3u);
  EXPECT_EQ(ds[2].code, "E0102");
  EXPECT_EQ(ds[2].range, (dsl::SourceRange{19, 2}));
}

TEST(DslDiagnostics, SyntaxErrors) {
  EXPECT_EQ(errors("rule x = asa_s = 30s"),
            "rules.kpi:1:16: error[E0101]: expected an operator, found `=`\n"
            "  1 | rule x = asa_s = 30s\n"
            "    |                ^\n"
            "    = hint: compare with `==`\n");
  EXPECT_EQ(errors("rule x = \"abc"), "rules.kpi:1:10: error[E0002]: unterminated string\n"
                                      "  1 | rule x = \"abc\n"
                                      "    |          ^\n"
                                      "    = hint: close the string with \" on the same line\n");
  EXPECT_EQ(
      errors("rule x = 5xyz"),
      "rules.kpi:1:11: error[E0003]: unknown unit `xyz`\n"
      "  1 | rule x = 5xyz\n"
      "    |           ^^^\n"
      "    = hint: durations are written with ms, s, min (or m), h or d: `30s`, `5min`, `1h30m`\n");
  EXPECT_EQ(errors("rule x = asa_s < aht_s < 1h"),
            "rules.kpi:1:24: error[E0106]: comparisons do not chain\n"
            "  1 | rule x = asa_s < aht_s < 1h\n"
            "    |                        ^\n"
            "    = hint: combine two comparisons with `and`, or use `between`\n");
  EXPECT_EQ(errors("rule x = 3 & 4"), "rules.kpi:1:12: error[E0001]: unexpected `&`\n"
                                      "  1 | rule x = 3 & 4\n"
                                      "    |            ^\n"
                                      "    = hint: write `and`\n");
  EXPECT_EQ(errors("rule x = (1 + 2"),
            "rules.kpi:1:16: error[E0101]: expected `)`, found the end of the text\n"
            "  1 | rule x = (1 + 2\n"
            "    |                ^\n");
  EXPECT_EQ(
      errors("rule x = @2026-02-30"),
      "rules.kpi:1:10: error[E0005]: malformed time literal\n"
      "  1 | rule x = @2026-02-30\n"
      "    |          ^^^^^^^^^^^\n"
      "    = hint: write `@YYYY-MM-DD` or `@YYYY-MM-DDTHH:MM[:SS]` (UTC, year 1900 or later)\n");
}

TEST(DslDiagnostics, TypeErrors) {
  EXPECT_EQ(errors("rule x = if fcr then 1 else 2"),
            "rules.kpi:1:13: error[E0204]: the condition of `if` must be a condition (bool), found "
            "ratio\n"
            "  1 | rule x = if fcr then 1 else 2\n"
            "    |             ^^^\n");
  EXPECT_EQ(errors("rule x = agent_id > \"b\""),
            "rules.kpi:1:10: error[E0207]: `>` needs numbers, durations, ratios, points or times, "
            "found string\n"
            "  1 | rule x = agent_id > \"b\"\n"
            "    |          ^^^^^^^^^^^^^^\n");
  EXPECT_EQ(errors("rule x = clamp(asa_s, 1s)"),
            "rules.kpi:1:10: error[E0104]: `clamp` takes 3 arguments, found 2\n"
            "  1 | rule x = clamp(asa_s, 1s)\n"
            "    |          ^^^^^^^^^^^^^^^^\n");
  EXPECT_EQ(errors("rule x = aht_s in [asa_s]"),
            "rules.kpi:1:20: error[E0208]: a list element must be a constant\n"
            "  1 | rule x = aht_s in [asa_s]\n"
            "    |                    ^^^^^\n");
  EXPECT_EQ(errors("let asa_s = 5\nrule x = 1\nrule x = 2"),
            "rules.kpi:1:5: error[E0105]: `asa_s` shadows a field of the scope\n"
            "  1 | let asa_s = 5\n"
            "    |     ^^^^^\n"
            "    = hint: choose another name\n"
            "rules.kpi:3:6: error[E0105]: `x` is defined twice\n"
            "  3 | rule x = 2\n"
            "    |      ^\n"
            "    = hint: give each let, rule and kpi its own name\n");
  EXPECT_EQ(errors("rule x = count(fcr)"), "rules.kpi:1:10: error[E0110]: aggregate function "
                                           "`count` is only allowed in a `kpi` over record fields\n"
                                           "  1 | rule x = count(fcr)\n"
                                           "    |          ^^^^^\n");
  EXPECT_EQ(errors("rule x = lower(asa_s) == \"a\""),
            "rules.kpi:1:16: error[E0206]: `lower` needs a string, found duration\n"
            "  1 | rule x = lower(asa_s) == \"a\"\n"
            "    |                ^^^^^\n");
}

TEST(DslDiagnostics, Limits) {
  dsl::Limits l;
  l.max_source_bytes = 10;
  EXPECT_EQ(errors("rule x = asa_s", group(), l),
            "rules.kpi:1:1: error[E0301]: source text too large (14 bytes, limit 10)\n"
            "  1 | rule x = asa_s\n"
            "    | ^\n"
            "    = hint: raise Limits::max_source_bytes\n");
  l = {};
  l.max_depth = 8;
  EXPECT_EQ(errors("rule x = ((((((((1))))))))", group(), l),
            "rules.kpi:1:18: error[E0302]: expression nested too deeply (limit 8)\n"
            "  1 | rule x = ((((((((1))))))))\n"
            "    |                  ^\n"
            "    = hint: name a part with `let` or raise Limits::max_depth\n");
  l = {};
  l.max_nodes = 4;
  EXPECT_EQ(errors("rule x = 1 + 2 + 3", group(), l),
            "rules.kpi:1:10: error[E0303]: too many syntax nodes (limit 4)\n"
            "  1 | rule x = 1 + 2 + 3\n"
            "    |          ^^^^^^^^^\n"
            "    = hint: split the rules over several files or raise Limits::max_nodes\n");
  // Deep nesting with the default limits is an error, not a stack overflow: parentheses,
  // prefix operators and long left-associative chains alike.
  const std::string deep = "rule x = " + std::string(100000, '(') + "1" + std::string(100000, ')');
  EXPECT_NE(errors(deep).find("E0302"), std::string::npos);
  EXPECT_NE(errors("rule x = " + std::string(100000, '-') + "1").find("E0302"), std::string::npos);
  std::string chain = "rule x = 1";
  for (int i = 0; i < 5000; ++i)
    chain += " + 1";
  EXPECT_NE(errors(chain).find("E0302"), std::string::npos);
  l = {};
  l.max_errors = 2;
  auto ds = dsl::Program::check("rule a = q1\nrule b = q2\nrule c = q3", group(),
                                dsl::CompileOptions{l, nullptr, "f"});
  EXPECT_EQ(ds.size(), 2u);
}

TEST(DslDiagnostics, EditDistance) {
  EXPECT_EQ(dsl::edit_distance("aht_s", "ahts"), 1u);
  EXPECT_EQ(dsl::edit_distance("mni", "min"), 1u);
  EXPECT_EQ(dsl::edit_distance("", "abc"), 3u);
  EXPECT_EQ(dsl::closest_name("fcx", {"fcr", "nps"}), "fcr");
  EXPECT_EQ(dsl::closest_name("abc", {"fcr", "nps"}), "");
}

TEST(DslDiagnostics, LexerTokens) {
  std::vector<dsl::Diagnostic> es;
  auto t = dsl::tokenize("1h30m 250ms 85% 2.5 @2026-03-01T08:30 dimension.efficiency 'a\\'b'", es);
  ASSERT_TRUE(es.empty());
  ASSERT_EQ(t.size(), 8u);
  EXPECT_EQ(t[0].value, 5400);
  EXPECT_EQ(t[1].value, 0.25);
  EXPECT_EQ(t[2].value, 0.85);
  EXPECT_EQ(t[3].kind, dsl::TokenKind::number);
  EXPECT_FALSE(t[3].integral);
  EXPECT_EQ(t[4].value, 1772353800); // 2026-03-01T08:30:00Z
  EXPECT_EQ(t[5].text, "dimension.efficiency");
  EXPECT_EQ(t[6].text, "a'b");
  EXPECT_EQ(t[6].range, (dsl::SourceRange{59, 6}));
}

} // namespace
} // namespace kpiscore::test

namespace kpiscore::test {
namespace {
TEST(DslDiagnostics, HugeLiteralsAreErrors) {
  const std::string big(400, '9');
  for (const char* suffix : {"", "s", "%"}) {
    auto ds = dsl::Program::check("rule x = " + big + suffix, dsl::Scope::record());
    ASSERT_EQ(ds.size(), 1u) << suffix;
    EXPECT_EQ(ds[0].code, "E0003");
    EXPECT_EQ(ds[0].message, "number out of range");
  }
}
} // namespace
} // namespace kpiscore::test
