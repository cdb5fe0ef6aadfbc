#ifndef KPISCORE_IO_HPP
#define KPISCORE_IO_HPP

#include <kpiscore/io/csv_reader.hpp>
#include <kpiscore/io/encoding.hpp>
#include <kpiscore/io/labels.hpp>
#include <kpiscore/io/mapping.hpp>
#include <kpiscore/io/reject.hpp>
#include <kpiscore/io/pseudonymise.hpp>
#include <kpiscore/io/report.hpp>
#include <kpiscore/io/timestamp.hpp>

#endif
