#include "test_util.hpp"

#include <kpiscore/io/encoding.hpp>
#include <kpiscore/io/mapping.hpp>

#include <nlohmann/json.hpp>

#include <iconv.h>

using namespace kpiscore;

namespace {

std::string mapping_error(const char* text) {
  try {
    (void)Mapping::from_json_text(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}

std::string input_error(std::string_view bytes, const Mapping& m, const KpiOptions& o = {}) {
  try {
    (void)read_contacts_csv(bytes, o, m);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

ReadResult read_mapped(std::string_view bytes, const char* mapping, const KpiOptions& o = {}) {
  return read_contacts_csv(bytes, o, Mapping::from_json_text(mapping));
}

/// UTF-8 → GB18030 with iconv (test data only).
std::string to_gb18030(const std::string& utf8) {
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  std::string out(utf8.size() * 2 + 8, '\0');
  char* in = const_cast<char*>(utf8.data());
  std::size_t in_left = utf8.size(), out_left = out.size();
  char* dst = out.data();
  EXPECT_NE(iconv(cd, &in, &in_left, &dst, &out_left), static_cast<std::size_t>(-1));
  iconv_close(cd);
  out.resize(out.size() - out_left);
  return out;
}

void expect_reject(const char* mapping, const std::string& text, const Reject& expected) {
  const ReadResult r = read_mapped(text, mapping);
  ASSERT_EQ(r.rejects.size(), 1u) << text;
  EXPECT_EQ(r.rejects[0], expected) << text;
}

} // namespace

TEST(Mapping, ParsesAndRoundTrips) {
  const Mapping m = Mapping::from_json_text(R"({
    "encoding": "gb18030", "delimiter": ";", "aliases": false,
    "columns": {"工号": "agent_id", "通话时长": {"to": "talk_s", "unit": "hh:mm:ss"},
                "来电时间": {"to": "arrived_at", "format": "%Y/%m/%d %H:%M:%S"},
                "是否接通": {"to": "answered", "values": "是/否"},
                "评分": {"to": "csat", "scale": [1, 10], "rule": {"1-2": 1, "3-4": 2, "5-6": 3, "7-8": 4, "9-10": 5}},
                "备注": null, "Wait": {"to": "wait_s", "unit": "ms", "optional": true},
                "方向": {"to": "direction", "values": {"进": "inbound", "出": "outbound"}}}})");
  EXPECT_EQ(m.encoding, "gb18030");
  EXPECT_EQ(m.delimiter, ';');
  EXPECT_FALSE(m.aliases);
  ASSERT_NE(m.find("评分"), nullptr);
  EXPECT_EQ(m.find("评分")->rule, (std::vector<std::int8_t>{1, 1, 2, 2, 3, 3, 4, 4, 5, 5}));
  EXPECT_EQ(m.find("备注")->target, "");
  EXPECT_EQ(m.find("是否接通")->values->values.at("是"), "1");
  EXPECT_EQ(Mapping::from_json(m.to_json()), m);
  EXPECT_EQ(Mapping::from_json_text("{}"), Mapping{});
}

TEST(Mapping, ErrorsNameTheJsonPath) {
  EXPECT_EQ(mapping_error(R"({"column": {}})"),
            "mapping /column: unknown key (expected one of: encoding, delimiter, aliases, columns)");
  EXPECT_EQ(mapping_error(R"({"encoding": "latin1"})"),
            "mapping /encoding: expected one of \"auto\", \"utf-8\", \"gb18030\", \"gbk\", \"utf-16\", actual \"latin1\"");
  EXPECT_EQ(mapping_error(R"({"delimiter": ":"})"),
            "mapping /delimiter: expected one of \"auto\", \",\", \";\", \"\t\", \"|\", actual \":\"");
  EXPECT_EQ(mapping_error(R"({"columns": {"工号": "agent"}})"),
            "mapping /columns/工号: unknown column 'agent' (expected one of: contact_id, arrived_at, direction, "
            "answered, wait_s, talk_s, hold_s, acw_s, resolved_first_contact, csat, nps, complaint, converted, "
            "channel, category, customer_type, agent_id, team, vendor, queue)");
  EXPECT_EQ(mapping_error(R"({"columns": {"T": {"to": "talk_s", "unit": "min"}}})"),
            "mapping /columns/T/unit: expected one of \"s\", \"ms\", \"hh:mm:ss\", actual \"min\"");
  EXPECT_EQ(mapping_error(R"({"columns": {"T": {"to": "csat", "unit": "s"}}})"),
            "mapping /columns/T/unit: applies to wait_s, talk_s, hold_s and acw_s only");
  EXPECT_EQ(mapping_error(R"({"columns": {"T": {"to": "arrived_at", "format": "%Y-%m-%d %q"}}})"),
            "mapping /columns/T/format: unknown directive %q (expected %Y %m %d %H %M %S %f %z %%)");
  EXPECT_EQ(mapping_error(R"({"columns": {"T": {"to": "arrived_at", "format": "%H:%M"}}})"),
            "mapping /columns/T/format: a format needs %Y, %m and %d");
  EXPECT_EQ(mapping_error(R"({"columns": {"A": {"to": "answered", "values": {"Y": 1, "N": 2}}}})"),
            "mapping /columns/A/values/N: expected 1 or 0");
  EXPECT_EQ(mapping_error(R"({"columns": {"A": {"to": "answered", "values": "呼入/呼出"}}})"),
            "mapping /columns/A/values: preset \"呼入/呼出\" does not apply to answered");
  EXPECT_EQ(mapping_error(R"({"columns": {"A": {"to": "answered", "values": "ja/nein"}}})"),
            "mapping /columns/A/values: unknown preset \"ja/nein\" (expected \"1/0\", \"Y/N\", \"yes/no\", "
            "\"true/false\", \"是/否\", \"呼入/呼出\", \"in/out\" or an object of source value: canonical value)");
  EXPECT_EQ(mapping_error(R"({"columns": {"S": {"to": "csat", "rule": {"1": 1}}}})"),
            "mapping /columns/S/rule: needs \"scale\" (the source scale)");
  EXPECT_EQ(mapping_error(R"({"columns": {"S": {"to": "csat", "scale": [1, 10], "rule": {"1-9": 1}}}})"),
            "mapping /columns/S/rule: source value 10 has no target");
  EXPECT_EQ(mapping_error(R"({"columns": {"S": {"to": "csat", "scale": [1, 10], "rule": {"1-9": 1, "9-10": 5}}}})"),
            "mapping /columns/S/rule/9-10: source value 9 is mapped twice");
  EXPECT_EQ(mapping_error(R"({"columns": {"a": "agent_id", "b": "agent_id"}})"),
            "mapping /columns/b: 'a' already maps to agent_id");
  EXPECT_EQ(mapping_error(R"({"columns": {"x/y": {"unit": "s"}}})"),
            "mapping /columns/x~1y: missing \"to\" (the header is neither a canonical column name nor a built-in "
            "alias)");
  EXPECT_EQ(mapping_error("[").rfind("mapping: not valid JSON: ", 0), 0u);
}

TEST(Mapping, AliasesResolveEnglishAndChineseHeaders) {
  const Mapping m;
  EXPECT_EQ(resolve_header("工号", m), "agent_id");
  EXPECT_EQ(resolve_header("座席工号", m), "agent_id");
  EXPECT_EQ(resolve_header("来电时间", m), "arrived_at");
  EXPECT_EQ(resolve_header("排队时长", m), "wait_s");
  EXPECT_EQ(resolve_header("话后处理时长", m), "acw_s");
  EXPECT_EQ(resolve_header("技能组", m), "queue");
  EXPECT_EQ(resolve_header("外包商", m), "vendor");
  EXPECT_EQ(resolve_header("Call ID", m), "contact_id");
  EXPECT_EQ(resolve_header("Agent_ID", m), "agent_id");
  EXPECT_EQ(resolve_header("CSAT", m), "csat");
  EXPECT_EQ(resolve_header("Wrap-up Time", m), "acw_s");
  EXPECT_EQ(resolve_header("备注", m), std::nullopt);
  Mapping strict;
  strict.aliases = false;
  EXPECT_EQ(resolve_header("工号", strict), std::nullopt);
  EXPECT_EQ(resolve_header("agent_id", strict), "agent_id");
}

TEST(MappedReader, ValueMapsUnitsAndFormats) {
  const std::string text =
      "流水号,来电时间,呼叫方向,是否接通,排队时长,通话时长,坐席,备注\n"
      "c1,2026/03/02 09:00:05,呼入,是,00:00:12,05:31,A1,x\n"
      "c2,2026/3/2 9:01:00,呼出,否,0:00:00,,A2,y\n";
  const ReadResult r = read_mapped(text, R"({"columns": {
      "来电时间": {"to": "arrived_at", "format": "%Y/%m/%d %H:%M:%S"},
      "呼叫方向": {"to": "direction", "values": "呼入/呼出"}, "是否接通": {"to": "answered", "values": "是/否"},
      "排队时长": {"to": "wait_s", "unit": "hh:mm:ss"}, "通话时长": {"to": "talk_s", "unit": "hh:mm:ss"},
      "备注": null}})");
  ASSERT_TRUE(r.rejects.empty()) << r.rejects[0].field << ": " << r.rejects[0].reason;
  ASSERT_EQ(r.accepted(), 2u);
  EXPECT_EQ(r.encoding, "utf-8");
  EXPECT_EQ(r.delimiter, ',');
  EXPECT_EQ(r.table.arrived_at_ms[0], 1772442005000);
  EXPECT_EQ(r.table.arrived_at_ms[1], 1772442060000);
  EXPECT_EQ(r.table.inbound[0], 1);
  EXPECT_EQ(r.table.inbound[1], 0);
  EXPECT_EQ(r.table.answered[1], 0);
  EXPECT_EQ(r.table.wait_ms[0], 12000);
  EXPECT_EQ(r.table.column(DurationField::talk)[0], 331000);
  EXPECT_EQ(r.table.column(DurationField::talk)[1], null_duration);
  EXPECT_EQ(r.table.dimension("agent_id")->value(1), "A2");
  EXPECT_EQ(r.table.dimension("备注"), nullptr); // dropped
}

TEST(MappedReader, MillisecondsOffsetsAndFractions) {
  const std::string text = "contact_id\tarrived_at\tdirection\tanswered\twait_ms\ttalk_ms\n"
                           "a\t02.03.2026 09:00:00.250 +0800\tinbound\tY\t1500\t0.5\n";
  const ReadResult r = read_mapped(text, R"({"columns": {
      "arrived_at": {"format": "%d.%m.%Y %H:%M:%S.%f %z"}, "answered": {"values": "Y/N"},
      "wait_ms": {"to": "wait_s", "unit": "ms"}, "talk_ms": {"to": "talk_s", "unit": "ms"}}})");
  ASSERT_TRUE(r.rejects.empty()) << r.rejects[0].field << ": " << r.rejects[0].reason;
  EXPECT_EQ(r.delimiter, '\t');
  EXPECT_EQ(r.table.arrived_at_ms[0], 1772442000000 - 8 * 3600000 + 250);
  EXPECT_EQ(r.table.wait_ms[0], 1500);
  EXPECT_EQ(r.table.column(DurationField::talk)[0], 1); // 0.5 ms rounds half up
}

TEST(MappedReader, EachMappedRejectHasItsExactText) {
  const char* m = R"({"columns": {"arrived_at": {"format": "%Y/%m/%d %H:%M"}, "answered": {"values": "Y/N"},
      "wait_s": {"unit": "hh:mm:ss"}, "talk_s": {"unit": "ms"}, "complaint": {"values": {"有": 1, "无": 0}},
      "csat": {"scale": [1, 10], "rule": {"1-2": 1, "3-4": 2, "5-6": 3, "7-8": 4, "9-10": 5}}}})";
  const std::string h = "contact_id,arrived_at,direction,answered,wait_s,talk_s,complaint,csat\n";
  expect_reject(m, h + "a,2026-03-02 09:00,inbound,Y,00:01,,,\n",
                {2, "arrived_at", "not a timestamp in the format %Y/%m/%d %H:%M"});
  expect_reject(m, h + "a,2026/02/30 09:00,inbound,Y,00:01,,,\n", {2, "arrived_at", "impossible date or time"});
  expect_reject(m, h + "a,2026/03/02 09:00,inbound,yes,00:01,,,\n", {2, "answered", "expected Y or N"});
  expect_reject(m, h + "a,2026/03/02 09:00,inbound,Y,12,,,\n", {2, "wait_s", "expected HH:MM:SS or MM:SS"});
  expect_reject(m, h + "a,2026/03/02 09:00,inbound,Y,00:61,,,\n", {2, "wait_s", "expected HH:MM:SS or MM:SS"});
  expect_reject(m, h + "a,2026/03/02 09:00,inbound,Y,-00:05,,,\n", {2, "wait_s", "negative duration"});
  expect_reject(m, h + "a,2026/03/02 09:00,inbound,Y,00:01,1e3,,\n", {2, "talk_s", "not a number"});
  expect_reject(m, h + "a,2026/03/02 09:00,inbound,Y,00:01,99999999999999999,,\n", {2, "talk_s", "duration too large"});
  expect_reject(m, h + "a,2026/03/02 09:00,inbound,Y,00:01,,1,\n", {2, "complaint", "expected one of: 无, 有"});
  expect_reject(m, h + "a,2026/03/02 09:00,inbound,Y,00:01,,,11\n", {2, "csat", "csat outside 1..10"});
  // Valid: the rule takes 10 → 5 and 7 → 4.
  const ReadResult ok = read_mapped(h + "a,2026/03/02 09:00,inbound,Y,1:00:00,10,有,10\n"
                                        "b,2026/03/02 09:00,inbound,N,00:00,,,7\n", m);
  ASSERT_TRUE(ok.rejects.empty());
  EXPECT_EQ(ok.table.wait_ms[0], 3'600'000);
  EXPECT_EQ(ok.table.column(SmallField::csat), (std::vector<std::int8_t>{5, 4}));
  EXPECT_EQ(ok.table.column(SmallField::complaint)[0], 1);
}

TEST(MappedReader, CsatScaleIsNeverGuessed) {
  const std::string text = "contact_id,arrived_at,direction,answered,wait_s,满意度\na,2026-03-02,inbound,1,1,9\n";
  EXPECT_EQ(input_error(text, Mapping::from_json_text(R"({"columns": {"满意度": {"to": "csat", "scale": [1, 10]}}})")),
            "mapping /columns/满意度/scale: the source scale 1..10 differs from csat.scale 1..5 of the options; "
            "give a \"rule\" from each source value to the options' scale, or set csat.scale (a rescaling is "
            "never guessed)");
  // Without a declared scale, values outside the options' scale are rejected one by one.
  const ReadResult r = read_mapped(text, "{}");
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects[0], (Reject{2, "满意度", "csat outside 1..5"}));
  // A declared scale equal to the options' one needs no rule.
  KpiOptions o;
  o.csat.scale_max = 10;
  EXPECT_EQ(read_mapped(text, R"({"columns": {"满意度": {"to": "csat", "scale": [1, 10]}}})", o).table.column(SmallField::csat)[0], 9);
  EXPECT_EQ(input_error(text, Mapping::from_json_text(R"({"columns": {"满意度": {"to": "csat", "scale": [1, 10],
                 "rule": {"1-9": 1, "10": 6}}}})")),
            "mapping /columns/满意度/rule: source value 10 maps to 6, outside csat.scale 1..5");
}

TEST(MappedReader, HeaderErrors) {
  const Mapping aliases;
  EXPECT_EQ(input_error("工号,坐席,contact_id,arrived_at,direction,answered,wait_s\n", aliases),
            "header: columns '工号' and '坐席' both map to 'agent_id'");
  EXPECT_EQ(input_error("通话ID,call id,arrived_at,direction,answered,wait_s\n", aliases),
            "header: columns '通话ID' and 'call id' both map to 'contact_id'");
  EXPECT_EQ(input_error("contact_id,arrived_at,direction,answered\n", aliases),
            "header: missing required column 'wait_s' (no header is named so, is one of its aliases, or is "
            "mapped to it)");
  EXPECT_EQ(input_error("contact_id,arrived_at,direction,answered,wait_s\n",
                        Mapping::from_json_text(R"({"columns": {"备注": null}})")),
            "header: mapped column '备注' is not in the file (give it \"optional\": true if some exports lack it)");
  EXPECT_EQ(input_error("contact_id,arrived_at,direction,answered,wait_s\n",
                        Mapping::from_json_text(R"({"columns": {"备注": {"to": null, "optional": true}}})")),
            "no error");
  EXPECT_EQ(input_error("", aliases), "input: empty file, expected a header row");
}

TEST(Encoding, Utf8BomGb18030AndUtf16AreDetected) {
  const std::string utf8 = "流水号;来电时间;呼叫方向;是否接通;等待时长;班组\n"
                           "c1;2026-03-02T09:00:00Z;呼入;是;3;客服一组\n";
  const char* m = R"({"columns": {"呼叫方向": {"to": "direction", "values": "呼入/呼出"},
                                   "是否接通": {"to": "answered", "values": "是/否"}}})";
  const ReadResult a = read_mapped(utf8, m);
  const ReadResult b = read_mapped("\xEF\xBB\xBF" + utf8, m);
  const ReadResult c = read_mapped(to_gb18030(utf8), m);
  for (const ReadResult* r : {&a, &b, &c}) {
    ASSERT_TRUE(r->rejects.empty());
    ASSERT_EQ(r->accepted(), 1u);
    EXPECT_EQ(r->delimiter, ';');
    EXPECT_EQ(r->table.dimension("team")->value(0), "客服一组");
  }
  EXPECT_EQ(a.encoding, "utf-8");
  EXPECT_EQ(b.encoding, "utf-8-bom");
  EXPECT_EQ(c.encoding, "gb18030");
  // Given explicitly, GBK decodes the same text (these characters are in GBK).
  EXPECT_EQ(read_contacts_csv(to_gb18030(utf8), {}, [&] {
              Mapping g = Mapping::from_json_text(m);
              g.encoding = "gbk";
              return g;
            }()).table.dimension("team")->value(0),
            "客服一组");
  // UTF-16LE with a BOM.
  std::string le = "\xFF\xFE";
  for (char ch : std::string("contact_id,arrived_at,direction,answered,wait_s\na,2026-03-02,inbound,1,1\n")) {
    le += ch;
    le += '\0';
  }
  const ReadResult u = read_mapped(le, "{}");
  EXPECT_EQ(u.encoding, "utf-16le");
  EXPECT_EQ(u.accepted(), 1u);
}

TEST(Encoding, UndecodableBytesAreReportedNotTurnedIntoGarbage) {
  const std::string header = "contact_id,arrived_at,direction,answered,wait_s,team\n";
  // 0xFF is neither UTF-8 nor GB18030.
  const std::string bad = header + "a,2026-03-02,inbound,1,1,x\xFFy\n";
  EXPECT_EQ(input_error(bad, Mapping{}),
            "input: neither UTF-8 (bad byte at byte offset 79 (line 2)) nor GB18030 (bad byte at byte offset 79 "
            "(line 2)); give \"encoding\" in the mapping");
  Mapping utf8;
  utf8.encoding = "utf-8";
  EXPECT_EQ(input_error(header + "a,2026-03-02,inbound,1,1,\xB0\xA1\n", utf8),
            "input: not valid UTF-8 at byte offset 78 (line 2)");
  Mapping gb;
  gb.encoding = "gb18030";
  EXPECT_EQ(input_error(bad, gb), "input: not valid gb18030 at byte offset 79 (line 2)");
  EXPECT_EQ(input_error("\xEF\xBB\xBF" + header + "a,2026-03-02,inbound,1,1,\xB0\xA1\n", Mapping{}),
            "input: not valid UTF-8 at byte offset 81 (line 2) (the file starts with a UTF-8 byte-order mark)");
  EXPECT_EQ(input_error("\xFE", Mapping::from_json_text(R"({"encoding": "utf-16"})")),
            "input: UTF-16 without a byte-order mark; save the file as UTF-8 or GB18030");
}

TEST(Encoding, Utf8Validation) {
  EXPECT_EQ(find_invalid_utf8("abc 客服 \xF0\x9F\x98\x80"), std::string_view::npos);
  EXPECT_EQ(find_invalid_utf8("ab\xC0\x80"), 2u);         // overlong
  EXPECT_EQ(find_invalid_utf8("\xED\xA0\x80"), 0u);       // surrogate
  EXPECT_EQ(find_invalid_utf8("x\xF4\x90\x80\x80"), 1u);  // above U+10FFFF
  EXPECT_EQ(find_invalid_utf8("xy\xE5\xAE"), 2u);         // truncated
}

TEST(Delimiters, DetectedFromTheHeaderLine) {
  EXPECT_EQ(detect_delimiter("a,b,c\n1;2;3;4;5\n"), ',');
  EXPECT_EQ(detect_delimiter("a;b;c\n"), ';');
  EXPECT_EQ(detect_delimiter("a\tb\tc"), '\t');
  EXPECT_EQ(detect_delimiter("a|b|\"c,d,e\"\n"), '|'); // commas inside quotes do not count
  EXPECT_EQ(detect_delimiter("\xEF\xBB\xBF" "single\n"), ',');
  try {
    detect_delimiter("a,b;c\n");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "header: cannot tell the delimiter (1 ',' and ';'); give \"delimiter\" in the mapping");
  }
  // A wrong delimiter in the mapping leaves one column: the header error says which one is missing.
  EXPECT_EQ(input_error("contact_id;arrived_at;direction;answered;wait_s\n", Mapping::from_json_text(R"({"delimiter": ","})")),
            "header: missing required column 'contact_id' (the header is a single column containing ';': is "
            "the delimiter ';'?)");
  // Quoted fields with embedded newlines and delimiters, pipe-separated.
  const ReadResult r = read_mapped("contact_id|arrived_at|direction|answered|wait_s|team\n"
                                   "\"a|1\"|2026-03-02|inbound|1|1|\"two\nlines\"\n"
                                   "b|2026-03-02|inbound|1|x|t\n",
                                   "{}");
  ASSERT_EQ(r.accepted(), 1u);
  EXPECT_EQ(r.table.contact_id[0], "a|1");
  EXPECT_EQ(r.table.dimension("team")->value(0), "two\nlines");
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects[0], (Reject{4, "wait_s", "not a number"}));
}

TEST(MappedReader, WithoutAMappingNothingChanges) {
  // The two-argument reader applies no aliases: 工号 stays a dimension of its own name.
  const ReadResult r = read_contacts_csv("contact_id,arrived_at,direction,answered,wait_s,工号\na,2026-03-02,inbound,1,1,A\n");
  EXPECT_NE(r.table.dimension("工号"), nullptr);
  EXPECT_EQ(r.table.dimension("agent_id"), nullptr);
  const ReadResult m = read_contacts_csv("contact_id,arrived_at,direction,answered,wait_s,工号\na,2026-03-02,inbound,1,1,A\n",
                                         {}, Mapping{});
  EXPECT_EQ(m.table.dimension("agent_id")->value(0), "A");
}
