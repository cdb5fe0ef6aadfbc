#include "test_util.hpp"

#include <contact_generator.hpp>
#include <kpiscore/io/array_input.hpp>

#include <cmath>

using namespace kpiscore;

namespace {

// Views of a ContactTable's own columns as arrays, as a binding would pass them.
struct Views {
  std::vector<std::int64_t> id_offsets;
  std::string id_bytes;
  std::vector<std::vector<std::uint8_t>> masks;
  std::vector<std::vector<std::string_view>> dictionaries;
  std::vector<std::vector<std::int32_t>> codes;
  std::vector<std::int64_t> talk_ms;
};

ContactArrays arrays_of(const ContactTable& t, Views& v) {
  ContactArrays a;
  a.rows = t.size();
  v.id_offsets.push_back(0);
  for (std::size_t r = 0; r < t.size(); ++r) {
    v.id_bytes += t.contact_id[r];
    v.id_offsets.push_back(static_cast<std::int64_t>(v.id_bytes.size()));
  }
  a.contact_id = {v.id_offsets, v.id_bytes, {}};
  a.arrived_at.values = std::span<const std::int64_t>(t.arrived_at_ms);
  a.inbound.values = std::span<const std::uint8_t>(t.inbound);
  a.answered.values = std::span<const std::uint8_t>(t.answered);
  a.wait = {{std::span<const std::int64_t>(t.wait_ms), {}}, DurationUnit::milliseconds};
  // Durations and scores with nulls: the table's null markers become validity masks.
  v.masks.reserve(8);
  for (std::size_t f = 0; f < t.durations.size(); ++f) {
    if (t.durations[f].empty()) continue;
    auto& mask = v.masks.emplace_back();
    for (auto x : t.durations[f])
      mask.push_back(x != null_duration);
    a.durations[f] = {{std::span<const std::int64_t>(t.durations[f]), mask},
                      DurationUnit::milliseconds};
  }
  for (std::size_t f = 0; f < t.smalls.size(); ++f) {
    if (t.smalls[f].empty()) continue;
    auto& mask = v.masks.emplace_back();
    for (auto x : t.smalls[f])
      mask.push_back(x != null_small);
    a.smalls[f] = {std::span<const std::int8_t>(t.smalls[f]), mask};
  }
  v.dictionaries.reserve(t.dimensions.size());
  v.codes.reserve(t.dimensions.size());
  for (const auto& d : t.dimensions) {
    auto& dict = v.dictionaries.emplace_back();
    for (const auto& s : d.dictionary())
      dict.push_back(s);
    auto& codes = v.codes.emplace_back();
    for (auto c : d.codes())
      codes.push_back(c == null_code ? -1 : static_cast<std::int32_t>(c));
    DictionaryArray da;
    da.codes = std::span<const std::int32_t>(codes);
    da.dictionary = dict;
    a.dimensions.emplace_back(d.name(), std::move(da));
  }
  return a;
}

ContactArrays minimal(std::size_t rows, const std::vector<std::int64_t>& times,
                      const std::vector<std::uint8_t>& ones, const std::vector<double>& waits) {
  ContactArrays a;
  a.rows = rows;
  a.arrived_at.values = std::span<const std::int64_t>(times);
  a.inbound.values = std::span<const std::uint8_t>(ones);
  a.answered.values = std::span<const std::uint8_t>(ones);
  a.wait = {{std::span<const double>(waits), {}}, DurationUnit::seconds};
  return a;
}

} // namespace

TEST(ArrayInput, GeneratedTableRoundTripsToTheSameKpis) {
  examples::GeneratorConfig config;
  config.rows = 5000;
  const ContactTable t = examples::ContactGenerator::table(config);
  Views v;
  const ReadResult r = read_contact_arrays(arrays_of(t, v), KpiOptions{});
  ASSERT_TRUE(r.rejects.empty()) << r.rejects[0].field << ": " << r.rejects[0].reason;
  EXPECT_EQ(r.rows_read, t.size());
  ASSERT_EQ(r.table.contact_id.size(), t.size());
  for (std::size_t k = 0; k < t.size(); ++k)
    ASSERT_EQ(r.table.contact_id[k], t.contact_id[k]) << k;
  EXPECT_EQ(r.table.arrived_at_ms, t.arrived_at_ms);
  EXPECT_EQ(r.table.wait_ms, t.wait_ms);
  EXPECT_EQ(r.table.durations, t.durations);
  EXPECT_EQ(r.table.smalls, t.smalls);
  // int64 milliseconds and uint8 flags are borrowed, not copied; optional columns with nulls
  // are borrowed with their validity masks.
  EXPECT_TRUE(r.table.wait_ms.borrowed());
  EXPECT_EQ(std::as_const(r.table.wait_ms).data(), t.wait_ms.data());
  EXPECT_TRUE(r.table.arrived_at_ms.borrowed());
  EXPECT_TRUE(r.table.answered.borrowed());
  EXPECT_TRUE(r.table.column(DurationField::talk).masked());
  EXPECT_EQ(r.table.column(DurationField::talk).values(), t.column(DurationField::talk).data());
  EXPECT_TRUE(r.table.column(SmallField::csat).masked());
  const std::vector<std::string> by{"agent_id", "channel", "day"};
  EXPECT_EQ(aggregate(r.table, by, KpiOptions{}), aggregate(t, by, KpiOptions{}));
}

TEST(ArrayInput, FloatSecondsRoundToTheNearestMillisecondHalfAwayFromZero) {
  const std::vector<std::int64_t> times(5, 1'772'442'000'000);
  const std::vector<std::uint8_t> ones(5, 1);
  const std::vector<double> waits{0.0004, 0.0005, 1.2345, -0.0, NAN};
  const ReadResult r = read_contact_arrays(minimal(5, times, ones, waits), KpiOptions{});
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects[0], (Reject{4, "wait_s", "missing required value"}));
  EXPECT_EQ(r.table.wait_ms, (std::vector<std::int64_t>{0, 1, 1235, 0}));
}

TEST(ArrayInput, RejectsNameRowFieldAndReasonInColumnOrder) {
  const std::vector<std::int64_t> times{1'772'442'000'000, -2'208'988'800'001, 1'772'442'000'000,
                                        1'772'442'000'000};
  const std::vector<std::uint8_t> ones(4, 1);
  const std::vector<double> waits{1, 1, -1, INFINITY};
  ContactArrays a = minimal(4, times, ones, waits);
  const std::vector<std::int8_t> csat{9, 9, 9, 3};
  a.smalls[static_cast<std::size_t>(SmallField::csat)].values = std::span<const std::int8_t>(csat);
  const ReadResult r = read_contact_arrays(a, KpiOptions{});
  ASSERT_EQ(r.rejects.size(), 4u);
  EXPECT_EQ(r.rejects[0], (Reject{0, "csat", "csat outside 1..5"}));
  EXPECT_EQ(r.rejects[1], (Reject{1, "arrived_at", "timestamp before 1900"}));
  EXPECT_EQ(r.rejects[2], (Reject{2, "wait_s", "negative duration"}));
  EXPECT_EQ(r.rejects[3], (Reject{3, "wait_s", "duration too large"}));
  EXPECT_EQ(r.accepted(), 0u);
}

TEST(ArrayInput, RejectedRowsAreDroppedFromBorrowedColumnsWithoutTouchingTheSource) {
  const std::vector<std::int64_t> times{1'772'442'000'000, 1'772'442'001'000, 1'772'442'002'000};
  const std::vector<std::uint8_t> ones(3, 1);
  const std::vector<std::uint8_t> answered{1, 2, 0};
  const std::vector<std::int64_t> waits{100, 200, 300};
  ContactArrays a;
  a.rows = 3;
  a.arrived_at.values = std::span<const std::int64_t>(times);
  a.inbound.values = std::span<const std::uint8_t>(ones);
  a.answered.values = std::span<const std::uint8_t>(answered);
  a.wait = {{std::span<const std::int64_t>(waits), {}}, DurationUnit::milliseconds};
  const ReadResult r = read_contact_arrays(a, KpiOptions{});
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects[0], (Reject{1, "answered", "expected 0 or 1"}));
  EXPECT_EQ(r.table.wait_ms, (std::vector<std::int64_t>{100, 300}));
  EXPECT_EQ(r.table.arrived_at_ms,
            (std::vector<std::int64_t>{1'772'442'000'000, 1'772'442'002'000}));
  EXPECT_EQ(waits, (std::vector<std::int64_t>{100, 200, 300}));
}

TEST(ArrayInput, NaiveLocalTimesUseTheZoneAndRejectDstGaps) {
  // 2026-03-29 02:30 does not exist in Paris; 03:30 local is 01:30Z.
  const std::vector<std::int64_t> local{1'774'751'400'000, 1'774'755'000'000};
  const std::vector<std::uint8_t> ones(2, 1);
  const std::vector<double> waits{1, 1};
  ContactArrays a = minimal(2, local, ones, waits);
  a.arrived_at_is_local = true;
  KpiOptions o;
  o.timezone = "Europe/Paris";
  const ReadResult r = read_contact_arrays(a, o);
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects[0],
            (Reject{0, "arrived_at", "local time does not exist in Europe/Paris (DST gap)"}));
  EXPECT_EQ(r.table.arrived_at_ms, (std::vector<std::int64_t>{1'774'755'000'000 - 7'200'000}));
}

TEST(ArrayInput, StructuralErrorsNameTheColumn) {
  const std::vector<std::int64_t> times(3, 0);
  const std::vector<std::uint8_t> ones(2, 1);
  const std::vector<double> waits{1, 1, 1};
  ContactArrays a = minimal(3, times, ones, waits);
  try {
    read_contact_arrays(a, KpiOptions{});
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "column inbound: expected 3 rows, actual 2");
  }
  ContactArrays b = minimal(3, times, std::vector<std::uint8_t>(3, 1), waits);
  b.answered = {};
  EXPECT_THROW(
      {
        try {
          read_contact_arrays(b, KpiOptions{});
        } catch (const std::invalid_argument& e) {
          EXPECT_STREQ(e.what(), "column answered: required");
          throw;
        }
      },
      std::invalid_argument);
}

TEST(ArrayInput, DictionaryCodesBecomeFirstSeenCodesAndEmptyIsNull) {
  const std::vector<std::int64_t> times(4, 1'772'442'000'000);
  const std::vector<std::uint8_t> ones(4, 1);
  const std::vector<double> waits(4, 1.0);
  ContactArrays a = minimal(4, times, ones, waits);
  const std::vector<std::int16_t> codes{2, -1, 0, 3};
  DictionaryArray team;
  team.codes = std::span<const std::int16_t>(codes);
  team.dictionary = {"alpha", "unused", "gamma", ""};
  a.dimensions.emplace_back("team", team);
  const ReadResult r = read_contact_arrays(a, KpiOptions{});
  const DictionaryColumn* d = r.table.dimension("team");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->dictionary(), (std::vector<std::string>{"gamma", "alpha"}));
  EXPECT_EQ(d->codes(), (std::vector<std::uint32_t>{0, null_code, 1, null_code}));
}

// Masked optional columns: the values under a null are arbitrary (pandas and Arrow leave
// whatever was there), and neither validation nor any KPI may look at them.
TEST(ArrayInput, ValuesUnderANullMaskAreNeverReadOrValidated) {
  examples::GeneratorConfig config;
  config.rows = 6000;
  const ContactTable t = examples::ContactGenerator::table(config);
  Views v;
  ContactArrays a = arrays_of(t, v);
  // Garbage under every null: negative, huge, out-of-range scores.
  std::vector<std::vector<std::int64_t>> durations;
  std::vector<std::vector<std::int8_t>> smalls;
  durations.reserve(3);
  smalls.reserve(5);
  for (std::size_t f = 0; f < t.durations.size(); ++f) {
    if (t.durations[f].empty()) continue;
    auto& d = durations.emplace_back(t.durations[f].begin(), t.durations[f].end());
    for (std::size_t r = 0; r < d.size(); ++r)
      if (d[r] == null_duration) d[r] = r % 2 ? -5 : std::int64_t{1} << 62;
    a.durations[f].values.values = std::span<const std::int64_t>(d);
  }
  for (std::size_t f = 0; f < t.smalls.size(); ++f) {
    if (t.smalls[f].empty()) continue;
    auto& s = smalls.emplace_back(t.smalls[f].begin(), t.smalls[f].end());
    for (std::size_t r = 0; r < s.size(); ++r)
      if (s[r] == null_small)
        s[r] = static_cast<std::int8_t>(r % 3 == 0 ? 1 : r % 3 == 1 ? 10 : -100);
    a.smalls[f].values = std::span<const std::int8_t>(s);
  }
  const ReadResult r = read_contact_arrays(a, KpiOptions{});
  ASSERT_TRUE(r.rejects.empty()) << r.rejects[0].field << ": " << r.rejects[0].reason;
  for (std::size_t f = 0; f < t.durations.size(); ++f) {
    if (!t.durations[f].empty()) {
      EXPECT_TRUE(r.table.durations[f].masked()) << f;
    }
  }
  EXPECT_EQ(r.table.durations, t.durations); // read as the sentinel layout
  EXPECT_EQ(r.table.smalls, t.smalls);
  for (const bool quantiles : {false, true}) // the coded kernel and the row kernel
    for (const auto& by :
         {std::vector<std::string>{"agent_id", "day"}, std::vector<std::string>{"contact_id"}}) {
      KpiOptions o;
      o.quantiles = quantiles;
      o.threads = 2;
      // A fresh read each time, so the kernels see masked columns not yet materialised.
      const ReadResult fresh = read_contact_arrays(a, o);
      EXPECT_EQ(aggregate(fresh.table, by, o), aggregate(t, by, o)) << quantiles << " " << by[0];
    }
  // The same masks inverted, passed as null masks (pandas' sense): the same table.
  std::vector<std::vector<std::uint8_t>> null_masks;
  null_masks.reserve(8);
  auto invert = [&](NumericArray& x) {
    auto& m = null_masks.emplace_back(x.valid.begin(), x.valid.end());
    for (auto& b : m)
      b = b ? 0 : 7; // any nonzero byte marks a null
    x.valid = m;
    x.valid_marks_nulls = true;
  };
  for (auto& d : a.durations)
    if (d.values.present()) invert(d.values);
  for (auto& x : a.smalls)
    if (x.present()) invert(x);
  const ReadResult inverted = read_contact_arrays(a, KpiOptions{});
  ASSERT_TRUE(inverted.rejects.empty());
  EXPECT_TRUE(inverted.table.column(SmallField::csat).mask_marks_nulls());
  const std::vector<std::string> by{"agent_id", "day"};
  EXPECT_EQ(aggregate(inverted.table, by, KpiOptions{}), aggregate(t, by, KpiOptions{}));
  EXPECT_EQ(inverted.table.durations, t.durations);
  EXPECT_EQ(inverted.table.smalls, t.smalls);
}

TEST(ArrayInput, AnOutOfRangeValidValueOfAMaskedColumnIsRejected) {
  const std::vector<std::int64_t> times(3, 1'772'442'000'000);
  const std::vector<std::uint8_t> ones(3, 1);
  const std::vector<double> waits(3, 1.0);
  ContactArrays a = minimal(3, times, ones, waits);
  const std::vector<std::int8_t> csat{4, 99, 9};
  const std::vector<std::uint8_t> valid{1, 0, 1};
  a.smalls[static_cast<std::size_t>(SmallField::csat)] = {std::span<const std::int8_t>(csat),
                                                          valid};
  const ReadResult r = read_contact_arrays(a, KpiOptions{});
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects[0], (Reject{2, "csat", "csat outside 1..5"}));
  EXPECT_EQ(r.table.column(SmallField::csat), (std::vector<std::int8_t>{4, null_small}));
}
