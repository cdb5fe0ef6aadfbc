#ifndef KPISCORE_TABLE_HPP
#define KPISCORE_TABLE_HPP

#include <kpiscore/table/contact_table.hpp>
#include <kpiscore/table/dictionary_column.hpp>
#include <kpiscore/table/legs.hpp>
#include <kpiscore/table/nulls.hpp>
#include <kpiscore/table/string_column.hpp>
#include <kpiscore/table/time_zone.hpp>

#endif
