#ifndef KPISCORE_SCORING_HPP
#define KPISCORE_SCORING_HPP

// Umbrella header: scorecards, targets, penalties, scores with their trace, ranking, roll-up,
// QA evaluation forms and records, QA aggregates and extra indicator tables.
#include <kpiscore/scoring/condition.hpp>
#include <kpiscore/scoring/indicator_columns.hpp>
#include <kpiscore/scoring/indicator_rule.hpp>
#include <kpiscore/scoring/penalty.hpp>
#include <kpiscore/scoring/qa_aggregates.hpp>
#include <kpiscore/scoring/qa_evaluations.hpp>
#include <kpiscore/scoring/qa_form.hpp>
#include <kpiscore/scoring/qa_scores.hpp>
#include <kpiscore/scoring/ranking.hpp>
#include <kpiscore/scoring/rollup.hpp>
#include <kpiscore/scoring/score_table.hpp>
#include <kpiscore/scoring/scorecard.hpp>
#include <kpiscore/scoring/spec_error.hpp>
#include <kpiscore/scoring/target.hpp>
#include <kpiscore/scoring/units.hpp>

#endif
