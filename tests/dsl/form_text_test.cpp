// QA forms in text: a `.kpi` form translates into the JSON form spec and compiles to the same form.
#include <kpiscore/dsl/diagnostic.hpp>
#include <kpiscore/dsl/scorecard_text.hpp>
#include <kpiscore/scoring/qa_form.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <string>

namespace {

using kpiscore::scoring::QaForm;
using nlohmann::json;

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
const std::string forms = std::string(KPISCORE_FIXTURES) + "/../../examples/forms/";

std::string error_of(const std::string& text) {
  try {
    kpiscore::dsl::form_text_to_json(text, "f.kpi");
  } catch (const kpiscore::dsl::CompileError& e) {
    return e.what();
  }
  return "no error";
}

TEST(FormText, HandbookKpiIsTheHandbookJsonForm) {
  const std::string text = read(forms + "handbook_form.kpi");
  ASSERT_TRUE(kpiscore::dsl::is_form_text(text));
  EXPECT_FALSE(kpiscore::dsl::is_scorecard_text(text));
  const json from_text = kpiscore::dsl::form_text_to_json(text, "handbook_form.kpi");
  const json from_json = json::parse(read(forms + "handbook_form.json"));
  // The same document, key for key, so the same form and fingerprint.
  EXPECT_EQ(from_text, from_json) << from_text.dump(1);
  EXPECT_TRUE(QaForm::check(from_text).empty());
  EXPECT_EQ(QaForm::compile(from_text).fingerprint(), QaForm::compile(from_json).fingerprint());
}

TEST(FormText, EveryConstruct) {
  const json j =
      kpiscore::dsl::form_text_to_json("form \"F\"\n"
                                       "pass_mark 70\n"
                                       "normalize true\n"
                                       "section s normalize false description \"d\" {\n"
                                       "  weight 100%\n"
                                       "  item a scale points 7 na true critical evaluation\n"
                                       "}\n"
                                       "flag f scope section section s\n"
                                       "deduct wrong_answers points 3 beyond 1 cap 9\n"
                                       "bonus b points 1\n",
                                       "f.kpi");
  EXPECT_EQ(j, json::parse(R"({"name": "F", "pass_mark": 70, "normalize": true,
    "sections": [{"name": "s", "normalize": false, "description": "d", "weight": "100%",
                  "items": [{"name": "a", "scale": {"points": 7}, "na": true, "critical": "evaluation"}]}],
    "critical_flags": [{"name": "f", "scope": "section", "section": "s"}],
    "deductions": [{"count": "wrong_answers", "points": 3, "beyond": 1, "cap": 9}],
    "bonuses": [{"name": "b", "points": 1}]})"));
}

TEST(FormText, ErrorsArePinned) {
  EXPECT_EQ(
      error_of("form \"F\"\nsection s {\n  itme a scale yes_no\n}\n"),
      "f.kpi:3:3: error[E0501]: unknown statement `itme` in a section; expected `item`, "
      "`description`, `weight` or `normalize`\n"
      "  3 |   itme a scale yes_no\n"
      "    |   ^^^^\n"
      "    = hint: did you mean `item`?\n");
  EXPECT_EQ(error_of("form \"F\"\nsection s {\n  item a na maybe\n}\n"),
            "f.kpi:3:13: error[E0501]: expected `true` or `false`, actual `maybe`\n"
            "  3 |   item a na maybe\n"
            "    |             ^^^^^\n");
  EXPECT_EQ(
      error_of("form \"F\"\nsection s weight 50%\n"),
      "f.kpi:2:21: error[E0503]: expected `{` at the end of the line to open the section's block\n"
      "  2 | section s weight 50%\n"
      "    |                     ^\n");
  EXPECT_EQ(error_of("form \"F\"\nsection s {\n  item a\n"),
            "f.kpi:2:11: error[E0503]: block not closed: expected `}`\n"
            "  2 | section s {\n"
            "    |           ^\n");
  EXPECT_EQ(error_of("form \"F\"\nindicator x\n"),
            "f.kpi:2:1: error[E0501]: unknown statement `indicator` at the top level; expected "
            "`form`, `description`, `pass_mark`, `normalize`, `section`, `flag`, `deduct` or "
            "`bonus`\n"
            "  2 | indicator x\n"
            "    | ^^^^^^^^^\n");
}

TEST(FormText, SpecErrorsPointAtTheText) {
  // The form's own checks run on the JSON; the source map shows them at the value's text.
  const std::string text = "form \"F\"\nsection s weight 50% {\n  item a scale 1-7\n}\n";
  kpiscore::dsl::SpecSourceMap where;
  const json spec = kpiscore::dsl::form_text_to_json(text, "f.kpi", &where);
  const auto errors = QaForm::check(spec);
  ASSERT_FALSE(errors.empty());
  bool scale_error = false;
  for (const auto& e : errors) {
    if (e.path() != "/sections/0/items/0/scale") continue;
    scale_error = true;
    const auto range = kpiscore::dsl::locate(where, e.path());
    EXPECT_EQ(text.substr(range.begin, range.length), "1-7");
  }
  EXPECT_TRUE(scale_error);
}

} // namespace
