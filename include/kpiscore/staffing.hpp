#ifndef KPISCORE_STAFFING_HPP
#define KPISCORE_STAFFING_HPP

// Seat planning: Erlang C and Erlang A staffing, shrinkage, patience estimation, interval plans
// (from_contacts.hpp needs the compiled library; the rest is header-only).
// See docs/staffing.md.

#include "kpiscore/staffing/erlang_a.hpp"
#include "kpiscore/staffing/erlang_c.hpp"
#include "kpiscore/staffing/from_contacts.hpp"
#include "kpiscore/staffing/interval_plan.hpp"
#include "kpiscore/staffing/patience.hpp"
#include "kpiscore/staffing/shrinkage.hpp"

#endif // KPISCORE_STAFFING_HPP
