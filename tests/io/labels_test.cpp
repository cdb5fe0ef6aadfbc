#include "test_util.hpp"

#include <kpiscore/io/labels.hpp>

#include <set>

using namespace kpiscore;

TEST(Labels, EveryContactAndQaKpiHasOneDistinctChineseLabel) {
  std::set<std::string_view> names, zh;
  for (const auto& l : column_labels()) {
    EXPECT_TRUE(names.insert(l.name).second) << l.name;
    EXPECT_TRUE(zh.insert(l.zh).second) << l.zh;
  }
  for (const auto& d : contact_kpi_definitions(true))
    EXPECT_NE(column_label(d.name, Lang::zh), d.name) << d.name;
  for (const auto& d : scoring::qa_kpi_definitions())
    EXPECT_NE(column_label(d.name, Lang::zh), d.name) << d.name;
  for (auto k : standard_dimension_names)
    EXPECT_NE(column_label(k, Lang::zh), k) << k;
  for (auto k : time_key_names)
    EXPECT_NE(column_label(k, Lang::zh), k) << k;
  EXPECT_EQ(column_label("connect_rate", Lang::zh), "接通率");
  EXPECT_EQ(column_label("connect_rate", Lang::en), "connect_rate");
  EXPECT_EQ(column_label("attendance", Lang::zh),
            "attendance"); // a user's indicator keeps its name
}

TEST(Labels, ParseLang) {
  EXPECT_EQ(parse_lang("zh"), Lang::zh);
  EXPECT_EQ(parse_lang("en"), Lang::en);
  try {
    (void)parse_lang("fr");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "--lang: expected en or zh, actual 'fr'");
  }
}

TEST(Labels, LabelledTableKeepsValues) {
  KpiTable t;
  t.key_names = {"agent_id", "attendance_group"};
  t.kpis = {{"fcr", KpiKind::ratio}, {"attendance", KpiKind::mean}};
  t.keys = {{std::string("A01"), std::nullopt}};
  t.values = {{KpiValue{0.5, 1, 2}, KpiValue{0.9, 0.9, 1}}};
  const KpiTable l = labelled(t, Lang::zh);
  EXPECT_EQ(l.key_names, (std::vector<std::string>{"坐席工号", "attendance_group"}));
  EXPECT_EQ(l.kpis[0].name, "一次解决率");
  EXPECT_EQ(l.kpis[1].name, "attendance");
  EXPECT_EQ(l.values, t.values);
  EXPECT_EQ(to_csv(l), "坐席工号,attendance_group,一次解决率,attendance\nA01,,0.5,0.9\n");
}

TEST(DisplayWidth, WideAndNarrowCharacters) {
  EXPECT_EQ(display_width("abc"), 3u);
  EXPECT_EQ(display_width("一组"), 4u);     // CJK ideographs: wide
  EXPECT_EQ(display_width("ＡＢ"), 4u);     // fullwidth forms: wide
  EXPECT_EQ(display_width("é—’"), 3u);      // Latin-1, em dash, quote: narrow
  EXPECT_EQ(display_width("평가"), 4u);     // Hangul syllables: wide
  EXPECT_EQ(display_width("\xE4\xB8"), 2u); // a cut sequence: one column per byte
  const std::string t = text_table({"k", "v"}, {{"一组", "1"}, {"team—x", "22"}}, 1);
  EXPECT_EQ(t, "k        v\n一组     1\nteam—x  22\n");
}
