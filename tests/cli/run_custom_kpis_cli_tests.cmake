# Custom KPIs from the command line (docs/rules.md, "Custom KPIs"; docs/cli.md): `kpis --rules`,
# saved states that carry them through `merge`, `check`, and scoring with them. Invoked by ctest.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

include(${CMAKE_CURRENT_LIST_DIR}/cli_test_lib.cmake)

set(rules ${EXAMPLES}/rules/custom_kpis.kpi)

# check: a summary of the custom KPIs and their types.
run(0 check ${rules})
set(expected "${rules}: ok: 6 custom KPIs (short_calls number, phone_asa duration, asa_gap_s duration, long_share ratio, complaint_talk_s duration, csat_low_share number), 6 aggregates, cost 18 operations per row\n")
if(NOT out STREQUAL expected)
  message(FATAL_ERROR "check custom_kpis.kpi: expected\n${expected}actual\n${out}")
endif()

# Every error, with position, caret and hint.
file(WRITE ${WORK}/bad.kpi "kpi x = handle_s\nkpi y = count(answered) where wait_s\n")
run(1 check ${WORK}/bad.kpi)
set(expected "${WORK}/bad.kpi:1:9: error[E0109]: record field `handle_s` outside an aggregate function in a `kpi`
  1 | kpi x = handle_s
    |         ^^^^^^^^
    = hint: wrap it in count(), sum() or mean(), or use a group KPI
${WORK}/bad.kpi:2:31: error[E0204]: the `where` filter must be a condition (bool), found duration
  2 | kpi y = count(answered) where wait_s
    |                               ^^^^^^
")
if(NOT out STREQUAL expected)
  message(FATAL_ERROR "check bad.kpi: expected\n${expected}\nactual\n${out}")
endif()
if(NOT err STREQUAL "kpiscore: 2 error(s)\n")
  message(FATAL_ERROR "check bad.kpi: stderr ${err}")
endif()
run(1 kpis --input ${DATA}/contacts.csv --rules ${WORK}/bad.kpi)
expect_in("${err}" "bad.kpi:1:9: error[E0109]")
expect_in("${err}" "kpiscore: ${WORK}/bad.kpi: 2 error(s) in the custom KPIs")

# kpis --rules: the custom columns follow the built-in KPIs in every format.
run(0 kpis --input ${DATA}/contacts.csv --by team --rules ${rules} --format csv)
set(whole "${out}")
expect_in("${whole}" "conversion_rate,short_calls,phone_asa,asa_gap_s,long_share,complaint_talk_s,csat_low_share\n")
# Team-E's phone ASA (tests/dsl/custom_kpi_test.cpp checks the values against an independent
# computation over the same file).
expect_in("${whole}" ",17.121757009345796,")
run(0 kpis --input ${DATA}/contacts.csv --by team --rules ${rules} --format table)
expect_in("${out}" "short_calls  phone_asa  asa_gap_s  long_share")
run(0 kpis --input ${DATA}/contacts.csv --by team --rules ${rules})
expect_in("${out}" "\"phone_asa\": 17.121757009345796")

# Split the records in two, save both states, merge: the same output as one pass.
file(STRINGS ${DATA}/contacts.csv lines ENCODING UTF-8)
list(GET lines 0 header)
list(SUBLIST lines 1 700 part_a)
list(SUBLIST lines 701 -1 part_b)
list(JOIN part_a "\n" a)
list(JOIN part_b "\n" b)
file(WRITE ${WORK}/a.csv "${header}\n${a}\n")
file(WRITE ${WORK}/b.csv "${header}\n${b}\n")
run(0 kpis --input ${WORK}/a.csv --by team --rules ${rules} --state-out ${WORK}/a.state)
run(0 kpis --input ${WORK}/b.csv --by team --rules ${rules} --state-out ${WORK}/b.state)
run(0 merge ${WORK}/b.state ${WORK}/a.state --format csv --state-out ${WORK}/ab.state)
if(NOT out STREQUAL whole)
  message(FATAL_ERROR "merge of the two halves differs from one pass:\n${out}\nvs\n${whole}")
endif()
run(0 merge ${WORK}/ab.state --format csv)
if(NOT out STREQUAL whole)
  message(FATAL_ERROR "the merged state, saved and read again, differs from one pass")
endif()

# States of different rules texts, or with and without custom KPIs, refuse to merge.
file(WRITE ${WORK}/other.kpi "kpi short_calls = count(handle_s < 31s) / handled\n")
run(0 kpis --input ${WORK}/b.csv --by team --rules ${WORK}/other.kpi --state-out ${WORK}/other.state)
run(2 merge ${WORK}/a.state ${WORK}/other.state)
expect_in("${err}" "other.state: kpiscore state merge: custom KPI program fingerprint differs: expected 0x")
expect_in("${err}" " (states from different rules texts do not merge)")
run(0 kpis --input ${WORK}/b.csv --by team --state-out ${WORK}/plain.state)
run(2 merge ${WORK}/a.state ${WORK}/plain.state)
expect_in("${err}" "plain.state: kpiscore state merge: custom KPIs differ: expected program 0x")
expect_in("${err}" ", actual none")
# A version-1 state (no custom KPIs) still reads.
run(0 merge ${FIXTURES}/grouped_kpi_state_v1.bin --format csv)

# Scoring with custom KPIs: a JSON spec and a .kpi scorecard use them as indicators; they are
# declared under "inputs" with their unit unless the spec declares them.
file(WRITE ${WORK}/card.json [=[{"name": "custom", "indicators": [
  {"name": "phone_asa", "kpi": "phone_asa", "weight": 0.5, "direction": "lower", "target": "20s",
   "rule": {"type": "deduct", "points": 10, "per": "1s"}},
  {"name": "long_share", "kpi": "long_share", "weight": 0.5, "direction": "lower", "target": "10%",
   "rule": {"type": "bands", "points": [["10%", 100], ["20%", 0]]}}]}]=])
run(0 score --spec ${WORK}/card.json --input ${DATA}/contacts.csv --by team --rules ${rules} --format csv)
expect_in("${out}" "team,score,grade,bonus,phone_asa,long_share\n")
set(json_scores "${out}")
file(WRITE ${WORK}/card.kpi "scorecard \"custom\"
indicator phone_asa kpi phone_asa weight 50% direction lower {
  target 20s
  rule deduct 10 per 1s
}
indicator long_share kpi long_share weight 50% direction lower {
  target 10%
  rule bands 10% 100, 20% 0
}
")
run(0 score --spec ${WORK}/card.kpi --input ${DATA}/contacts.csv --by team --rules ${rules} --format csv)
if(NOT out STREQUAL json_scores)
  message(FATAL_ERROR "the .kpi scorecard scores differently from its JSON twin:\n${out}\nvs\n${json_scores}")
endif()
# Without --rules the spec names unknown KPIs; with a wrong unit declared, a usage error.
run(1 score --spec ${WORK}/card.json --input ${DATA}/contacts.csv --by team)
expect_in("${err}" "unknown KPI \"phone_asa\"")
file(WRITE ${WORK}/wrong_unit.json [=[{"name": "custom", "inputs": {"long_share": "number"}, "indicators": [
  {"name": "long_share", "kpi": "long_share", "weight": 1, "direction": "lower",
   "rule": {"type": "value"}}]}]=])
run(1 score --spec ${WORK}/wrong_unit.json --input ${DATA}/contacts.csv --by team --rules ${rules})
expect_in("${err}" "kpiscore: --rules: custom KPI `long_share` has the unit \"ratio\", the spec declares it as \"number\" under /inputs\n")
