#ifndef KPISCORE_SAMPLING_HPP
#define KPISCORE_SAMPLING_HPP

// QA sampling: plans, designs, allocation, reservoir sampling and the sample report
// (docs/sampling.md).
#include <kpiscore/sampling/allocation.hpp>
#include <kpiscore/sampling/contact_hash.hpp>
#include <kpiscore/sampling/inclusion.hpp>
#include <kpiscore/sampling/plan_error.hpp>
#include <kpiscore/sampling/reservoir.hpp>
#include <kpiscore/sampling/sample.hpp>
#include <kpiscore/sampling/sample_plan.hpp>

#endif
