#include <kpiscore/io/labels.hpp>

#include <stdexcept>
#include <string>

namespace kpiscore {
namespace {

// Terms of the Chinese contact-centre manuals behind docs/kpis.md (接通率, 平均应答速度,
// 一次解决率, 满意度, 净推荐值, 投诉率, 转化率 ...).
constexpr ColumnLabel labels[] = {
    // group keys
    {"agent_id", "坐席工号"},
    {"contact_id", "流水号"},
    {"team", "班组"},
    {"queue", "技能组"},
    {"channel", "渠道"},
    {"category", "业务类型"},
    {"customer_type", "客户类型"},
    {"vendor", "外包商"},
    {"interval15", "15分钟时段"},
    {"interval30", "30分钟时段"},
    {"hour", "小时"},
    {"day", "日期"},
    {"week", "周"},
    {"month", "月份"},
    {"peak", "高峰/平峰"},
    // contact KPIs (docs/kpis.md)
    {"offered", "呼入量"},
    {"answered", "接通量"},
    {"abandoned", "放弃量"},
    {"handled", "处理量"},
    {"asa_s", "平均应答时长(秒)"},
    {"aht_s", "平均处理时长(秒)"},
    {"avg_talk_s", "平均通话时长(秒)"},
    {"avg_hold_s", "平均保持时长(秒)"},
    {"avg_acw_s", "平均话后处理时长(秒)"},
    {"service_level", "服务水平"},
    {"abandon_rate", "放弃率"},
    {"connect_rate", "接通率"},
    {"fcr", "一次解决率"},
    {"csat_mean", "满意度均分"},
    {"csat_top_box", "满意率"},
    {"nps", "净推荐值"},
    {"complaint_rate", "投诉率"},
    {"conversion_rate", "转化率"},
    {"wait_p50_s", "等待时长中位数(秒)"},
    {"wait_p90_s", "等待时长90分位(秒)"},
    {"handle_p50_s", "处理时长中位数(秒)"},
    {"handle_p90_s", "处理时长90分位(秒)"},
    // QA aggregates (docs/scoring.md)
    {"qa_evaluations", "质检量"},
    {"qa_mean_score", "质检均分"},
    {"qa_raw_mean_score", "质检原始均分"},
    {"qa_pass_rate", "质检合格率"},
    {"qa_critical_fail_rate", "致命错误率"},
    {"forbidden_phrases_per_100", "禁语次数(每百条)"},
    {"wrong_answers_per_100", "答错次数(每百条)"},
    {"process_violations_per_100", "流程违规次数(每百条)"},
    // score columns
    {"score", "得分"},
    {"grade", "等级"},
    {"bonus", "加分"},
};

} // namespace

Lang parse_lang(std::string_view text) {
  if (text == "en") return Lang::en;
  if (text == "zh") return Lang::zh;
  throw std::invalid_argument("--lang: expected en or zh, actual '" + std::string(text) + "'");
}

std::span<const ColumnLabel> column_labels() {
  return labels;
}

std::string_view column_label(std::string_view name, Lang lang) {
  if (lang == Lang::en) return name;
  for (const auto& l : labels)
    if (l.name == name) return l.zh;
  return name;
}

KpiTable labelled(const KpiTable& table, Lang lang) {
  KpiTable out = table;
  for (auto& k : out.key_names)
    k = std::string(column_label(k, lang));
  for (auto& d : out.kpis)
    d.name = column_label(d.name, lang);
  return out;
}

} // namespace kpiscore
