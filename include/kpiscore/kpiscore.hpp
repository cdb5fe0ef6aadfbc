#ifndef KPISCORE_KPISCORE_HPP
#define KPISCORE_KPISCORE_HPP

// Umbrella header: the whole public API of kpiscore.
#include <kpiscore/dsl.hpp>
#include <kpiscore/engine.hpp>
#include <kpiscore/io.hpp>
#include <kpiscore/metrics.hpp>
#include <kpiscore/sampling.hpp>
#include <kpiscore/scoring.hpp>
#include <kpiscore/staffing.hpp>
#include <kpiscore/stats.hpp>
#include <kpiscore/table.hpp>
#include <kpiscore/version.hpp>

#endif
