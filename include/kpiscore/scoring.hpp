#ifndef KPISCORE_SCORING_HPP
#define KPISCORE_SCORING_HPP

// Umbrella header: scorecards, targets, penalties, scores with their trace, ranking, roll-up.
#include <kpiscore/scoring/condition.hpp>
#include <kpiscore/scoring/indicator_rule.hpp>
#include <kpiscore/scoring/penalty.hpp>
#include <kpiscore/scoring/ranking.hpp>
#include <kpiscore/scoring/rollup.hpp>
#include <kpiscore/scoring/score_table.hpp>
#include <kpiscore/scoring/scorecard.hpp>
#include <kpiscore/scoring/spec_error.hpp>
#include <kpiscore/scoring/target.hpp>
#include <kpiscore/scoring/units.hpp>

#endif
