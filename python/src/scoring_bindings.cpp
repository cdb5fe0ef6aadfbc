// Scorecards, QA forms and score tables: the objects behind kpiscore.Scorecard / ScoreResult.
// The pipeline is `kpiscore score`'s (src/cli/score_command.cpp): KPI table → QA aggregates and
// extra indicators joined by group key → score. Nothing here computes a score.
#include "bindings.hpp"
#include "py_table.hpp"

#include <kpiscore/dsl/diagnostic.hpp>
#include <kpiscore/dsl/scorecard_text.hpp>
#include <kpiscore/engine/aggregate.hpp>
#include <kpiscore/engine/kpi_table.hpp>
#include <kpiscore/io/csv_reader.hpp>
#include <kpiscore/metrics/kpi_options.hpp>
#include <kpiscore/scoring/indicator_columns.hpp>
#include <kpiscore/scoring/qa_aggregates.hpp>
#include <kpiscore/scoring/qa_evaluations.hpp>
#include <kpiscore/scoring/qa_form.hpp>
#include <kpiscore/scoring/qa_scores.hpp>
#include <kpiscore/scoring/ranking.hpp>
#include <kpiscore/scoring/rollup.hpp>
#include <kpiscore/scoring/score_table.hpp>
#include <kpiscore/scoring/scorecard.hpp>
#include <kpiscore/scoring/spec_error.hpp>

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

namespace py = pybind11;
using namespace kpiscore;

namespace {

py::list errors_of(const std::vector<scoring::SpecError>& errors) {
  py::list out;
  for (const auto& e : errors)
    out.append(py::make_tuple(e.path(), e.message(), std::string(e.what())));
  return out;
}

// A scored table plus the joined KPI table it came from (indicator names live in `extra`).
struct PyScores {
  scoring::ScoreTable scores;
  KpiTable kpis;
  scoring::IndicatorColumns extra;
  py::dict summary;
};

py::list rejects_list(const std::vector<Reject>& rejects) {
  py::list out;
  for (const auto& r : rejects)
    out.append(py::make_tuple(r.line, r.field, r.reason));
  return out;
}

// Scores a KPI table, joining QA evaluations (needs the contacts) and extra indicators first.
std::shared_ptr<PyScores>
score_table(const scoring::Scorecard& card, KpiTable table,
            std::shared_ptr<kpiscore::python::PyTable> contacts_table,
            const std::vector<std::string>& keys, const std::string& options_json,
            std::optional<std::string> form_json, std::optional<std::string> evaluations_text,
            const std::string& qa_period, std::optional<std::string> indicators_text) {
  py::dict summary;
  scoring::IndicatorColumns extra;
  const auto options = KpiOptions::from_json_text(options_json);
  scoring::QaAggregateOptions qa_options;
  if (qa_period == "contact")
    qa_options.period = scoring::QaPeriod::contact_arrival;
  else if (qa_period == "evaluated")
    qa_options.period = scoring::QaPeriod::evaluated_at;
  else
    throw std::invalid_argument("qa_period: expected contact or evaluated, actual '" + qa_period +
                                "'");
  if (evaluations_text) {
    if (!form_json) throw std::invalid_argument("evaluations: need a QA form (form=...)");
    if (!contacts_table)
      throw std::invalid_argument(
          "evaluations: need the contact records (score contacts, not a KpiResult)");
    const ContactTable& contacts = contacts_table->read.table;
    const auto form = scoring::QaForm::compile_text(*form_json);
    scoring::EvaluationReadResult evals;
    scoring::QaTable qa;
    {
      py::gil_scoped_release release;
      evals = scoring::read_evaluations_csv(*evaluations_text, form, options.timezone);
      const auto per_evaluation = scoring::score_evaluations(form, evals.records);
      qa =
          scoring::aggregate_qa(evals.records, per_evaluation, contacts, keys, options, qa_options);
      scoring::join(table, qa);
    }
    py::dict e;
    e["rows_read"] = evals.rows_read;
    e["accepted"] = evals.accepted();
    e["rejects"] = rejects_list(evals.rejects);
    e["used"] = qa.count(scoring::QaUse::used);
    e["calibration"] = qa.count(scoring::QaUse::calibration);
    e["superseded"] = qa.count(scoring::QaUse::superseded);
    e["unknown_contact"] = qa.count(scoring::QaUse::unknown_contact);
    e["agent_mismatch"] = qa.count(scoring::QaUse::agent_mismatch);
    summary["evaluations"] = e;
  }
  if (indicators_text) {
    extra = scoring::read_indicator_csv(*indicators_text, keys);
    py::dict i;
    i["accepted"] = extra.keys.size();
    i["rejects"] = rejects_list(extra.rejects);
    summary["indicators"] = i;
    scoring::join(table, extra);
  }
  std::optional<scoring::ScoreTable> scores;
  {
    py::gil_scoped_release release;
    scores = scoring::score(card, table);
  }
  // `extra` owns the names of the joined indicator columns: it moves with the table.
  return std::make_shared<PyScores>(
      PyScores{std::move(*scores), std::move(table), std::move(extra), summary});
}

// Column arrays of a score table: keys, overall, grade, bonus, every node's score, every
// indicator's value / target / score / to_improve.
py::dict score_columns(const PyScores& s) {
  const auto& t = s.scores;
  const auto& card = t.card;
  const auto n = static_cast<py::ssize_t>(t.size());
  py::dict out;
  py::list keys;
  for (std::size_t k = 0; k < t.key_names.size(); ++k) {
    py::list column;
    for (std::size_t g = 0; g < t.size(); ++g) {
      const auto& v = t.keys[g][k];
      if (v)
        column.append(py::str(*v));
      else
        column.append(py::none());
    }
    keys.append(py::make_tuple(t.key_names[k], column));
  }
  out["keys"] = keys;
  py::list grades;
  py::array_t<double> bonus(n);
  auto b = bonus.mutable_unchecked<1>();
  for (py::ssize_t g = 0; g < n; ++g) {
    const int gi = t.grade[static_cast<std::size_t>(g)];
    if (gi >= 0)
      grades.append(card.grades()[static_cast<std::size_t>(gi)].name);
    else
      grades.append(py::none());
    const auto bo = t.bonus(static_cast<std::size_t>(g));
    b(g) = bo ? *bo : std::numeric_limits<double>::quiet_NaN();
  }
  out["grade"] = grades;
  out["bonus"] = bonus;
  py::list nodes;
  for (std::size_t k = 0; k < card.nodes().size(); ++k) {
    py::array_t<double> v(n);
    auto a = v.mutable_unchecked<1>();
    for (py::ssize_t g = 0; g < n; ++g)
      a(g) = t.node(static_cast<std::size_t>(g), k);
    const auto& node = card.nodes()[k];
    nodes.append(
        py::make_tuple(k == 0 ? std::string("score") : node.name, node.indicator.has_value(), v));
  }
  out["nodes"] = nodes;
  py::list indicators;
  for (std::size_t i = 0; i < card.indicators().size(); ++i) {
    py::array_t<double> value(n), target(n), score(n);
    py::array_t<bool> improve(n);
    auto va = value.mutable_unchecked<1>();
    auto ta = target.mutable_unchecked<1>();
    auto sa = score.mutable_unchecked<1>();
    auto ia = improve.mutable_unchecked<1>();
    py::list na;
    for (py::ssize_t g = 0; g < n; ++g) {
      const auto& r = t.indicator(static_cast<std::size_t>(g), i);
      va(g) = r.value;
      ta(g) = r.target;
      sa(g) = r.score;
      ia(g) = r.to_improve;
      na.append(r.na == scoring::NaReason::none
                    ? py::object(py::none())
                    : py::object(py::str(std::string(scoring::name_of(r.na)))));
    }
    const auto& ind = card.indicators()[i];
    indicators.append(py::make_tuple(ind.name, ind.kpi, std::string(scoring::name_of(ind.unit)),
                                     value, target, score, improve, na));
  }
  out["indicators"] = indicators;
  return out;
}

py::list rank_list(const PyScores& s, const std::vector<std::string>& within) {
  const auto ranks = scoring::rank(s.scores, within);
  py::list out;
  for (const auto& r : ranks)
    out.append(py::make_tuple(r.rank ? py::object(py::int_(*r.rank)) : py::object(py::none()), r.n,
                              r.percentile, r.gap_to_best));
  return out;
}

void register_scoring(py::module_& m) {
  py::class_<scoring::Scorecard>(m, "Scorecard",
                                 "A compiled scorecard (private; see kpiscore.Scorecard)")
      .def_static("compile_text", &scoring::Scorecard::compile_text, py::arg("text"))
      .def_static(
          "check_text",
          [](const std::string& text) { return errors_of(scoring::Scorecard::check_text(text)); })
      .def_property_readonly("name", &scoring::Scorecard::name)
      .def_property_readonly("fingerprint", &scoring::Scorecard::fingerprint)
      .def_property_readonly("kpis",
                             [](const scoring::Scorecard& c) {
                               std::vector<std::string> names;
                               for (const auto& k : c.kpis())
                                 names.push_back(k.name);
                               return names;
                             })
      .def_property_readonly("indicators",
                             [](const scoring::Scorecard& c) {
                               std::vector<std::string> names;
                               for (const auto& i : c.indicators())
                                 names.push_back(i.name);
                               return names;
                             })
      .def_property_readonly("grades", [](const scoring::Scorecard& c) {
        std::vector<std::string> names;
        for (const auto& g : c.grades())
          names.push_back(g.name);
        return names;
      });

  // A .kpi scorecard or QA form → its JSON spec text, or every error with the first one's line
  // and column.
  using Translate = nlohmann::json (*)(std::string_view, std::string_view, dsl::SpecSourceMap*);
  auto translate = [](Translate f) {
    return [f](const std::string& text, const std::string& file) -> py::tuple {
      try {
        return py::make_tuple(true, f(text, file, nullptr).dump(), 0, 0, std::string());
      } catch (const dsl::CompileError& e) {
        std::uint32_t line = 0, column = 0;
        std::string code;
        if (!e.diagnostics().empty()) {
          const auto lc = dsl::line_column(text, e.diagnostics().front().range.begin);
          line = lc.line;
          column = lc.column;
          code = e.diagnostics().front().code;
        }
        return py::make_tuple(false, std::string(e.what()), line, column, code);
      }
    };
  };
  m.def("scorecard_text_to_json", translate(&dsl::scorecard_text_to_json), py::arg("text"),
        py::arg("file") = "<text>");
  m.def("form_text_to_json", translate(&dsl::form_text_to_json), py::arg("text"),
        py::arg("file") = "<text>");
  m.def("is_form_text", [](const std::string& text) { return dsl::is_form_text(text); });
  m.def("is_scorecard_text", [](const std::string& text) { return dsl::is_scorecard_text(text); });

  m.def("check_form_text",
        [](const std::string& text) { return errors_of(scoring::QaForm::check_text(text)); });

  py::class_<PyScores, std::shared_ptr<PyScores>>(
      m, "ScoreTable", "Scores per group (private; see kpiscore.ScoreResult)")
      .def_property_readonly("groups", [](const PyScores& s) { return s.scores.size(); })
      .def_property_readonly("key_names", [](const PyScores& s) { return s.scores.key_names; })
      .def_property_readonly("summary", [](const PyScores& s) { return s.summary; })
      .def("columns", &score_columns)
      .def(
          "render",
          [](const PyScores& s, const std::string& format, int decimals, bool trace) {
            scoring::OutputOptions o;
            o.decimals = decimals;
            o.trace = trace;
            if (format == "json") return scoring::to_json(s.scores, o).dump(2) + "\n";
            if (format == "csv") return scoring::to_csv(s.scores, o);
            if (format == "table") return scoring::to_text(s.scores, o);
            throw std::invalid_argument("format: expected json, csv or table, actual '" + format +
                                        "'");
          },
          py::arg("format"), py::arg("decimals") = -1, py::arg("trace") = true)
      .def(
          "explain_json",
          [](const PyScores& s, std::size_t g, int decimals) {
            if (g >= s.scores.size())
              throw py::index_error("group " + std::to_string(g) + " out of range");
            scoring::OutputOptions o;
            o.decimals = decimals;
            return scoring::explain_json(s.scores, g, o).dump();
          },
          py::arg("group"), py::arg("decimals") = -1)
      .def(
          "explain_text",
          [](const PyScores& s, std::size_t g, int decimals) {
            if (g >= s.scores.size())
              throw py::index_error("group " + std::to_string(g) + " out of range");
            scoring::OutputOptions o;
            o.decimals = decimals;
            return scoring::explain_text(s.scores, g, o);
          },
          py::arg("group"), py::arg("decimals") = -1)
      .def("rank", &rank_list, py::arg("within") = std::vector<std::string>{})
      .def(
          "roll_up",
          [](const PyScores& s, const std::vector<std::string>& keep, const std::string& method,
             std::optional<std::string> weight_kpi) {
            scoring::RollupMethod how = scoring::RollupMethod::mean;
            std::vector<double> weights;
            if (method == "weighted") {
              if (!weight_kpi)
                throw std::invalid_argument("roll_up: method weighted needs weight=KPI");
              how = scoring::RollupMethod::weighted;
              weights = scoring::weights_from(s.kpis, *weight_kpi);
            } else if (method != "mean") {
              throw std::invalid_argument("roll_up: method: expected mean or weighted, actual '" +
                                          method + "'");
            }
            const auto r = scoring::roll_up(s.scores, keep, how, weights);
            py::list keys;
            for (std::size_t k = 0; k < r.key_names.size(); ++k) {
              py::list column;
              for (std::size_t g = 0; g < r.size(); ++g) {
                if (r.keys[g][k])
                  column.append(py::str(*r.keys[g][k]));
                else
                  column.append(py::none());
              }
              keys.append(py::make_tuple(r.key_names[k], column));
            }
            py::list nodes;
            for (std::size_t k = 0; k < r.nodes; ++k) {
              std::vector<double> v(r.size());
              for (std::size_t g = 0; g < r.size(); ++g)
                v[g] = r.node_scores[g * r.nodes + k];
              nodes.append(
                  py::make_tuple(k == 0 ? std::string("score") : s.scores.card.nodes()[k].name, v));
            }
            py::list grades;
            for (int gi : r.grade) {
              if (gi >= 0)
                grades.append(s.scores.card.grades()[static_cast<std::size_t>(gi)].name);
              else
                grades.append(py::none());
            }
            py::dict out;
            out["keys"] = keys;
            out["nodes"] = nodes;
            out["grade"] = grades;
            out["periods"] = r.periods;
            return out;
          },
          py::arg("keep"), py::arg("method") = "mean", py::arg("weight") = py::none());

  m.def("score", &score_table, py::arg("card"), py::arg("table"), py::arg("contacts"),
        py::arg("keys"), py::arg("options_json"), py::arg("form_json"), py::arg("evaluations_text"),
        py::arg("qa_period"), py::arg("indicators_text"));
}

const kpiscore::python::BindingsRegistration registration{30, &register_scoring};

} // namespace
