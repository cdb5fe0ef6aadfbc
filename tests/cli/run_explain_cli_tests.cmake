# kpiscore explain as a user runs it on examples/data: the arithmetic of one group's score with
# decision tables (examples/scorecards/manual.kpi), JSON form, penalty conditions part by part,
# and the usage errors for a group or key that does not exist. Invoked by ctest.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

include(${CMAKE_CURRENT_LIST_DIR}/cli_test_lib.cmake)

run(0 --version)
string(REGEX REPLACE "^kpiscore ([^\n]*)\n$" "\\1" version "${out}")

# The whole explanation, pinned (the library version substituted).
run(0 explain --spec ${EXAMPLES}/scorecards/manual.kpi --input ${DATA}/contacts.csv --by team --group team=Team-G)
file(READ ${FIXTURES}/explain_manual_team_g.txt expected)
string(REPLACE "@VERSION@" "${version}" expected "${expected}")
if(NOT out STREQUAL expected)
  message(FATAL_ERROR "explain manual.kpi team=Team-G: expected\n${expected}\nactual\n${out}")
endif()
if(NOT err STREQUAL "kpiscore: 2000 rows read, 2000 accepted, 0 rejected\n")
  message(FATAL_ERROR "explain: stderr ${err}")
endif()

# JSON: the group's entry of score's JSON, with the grade table's rule and every penalty rule.
run(0 explain --spec ${EXAMPLES}/scorecards/manual.kpi --input ${DATA}/contacts.csv --by team --group team=Team-G
    --format json)
string(JSON rule GET "${out}" trace grade_table rule)
if(NOT rule STREQUAL "rule 2: [80..90) | - | - => B | 100%")
  message(FATAL_ERROR "explain --format json: grade table rule ${rule}")
endif()
string(JSON target GET "${out}" trace indicators 0 target_in_force)
if(NOT target STREQUAL "rule 2: - => 30s")
  message(FATAL_ERROR "explain --format json: target_in_force ${target}")
endif()
string(JSON numerator GET "${out}" trace indicators 0 numerator)
if(NOT numerator MATCHES "^4198\\.30(6|59999)")
  message(FATAL_ERROR "explain --format json: numerator ${numerator}")
endif()

# Penalty rules of default.kpi: each part's truth and value, fired or not.
run(0 explain --spec ${EXAMPLES}/scorecards/default.kpi --input ${DATA}/contacts.csv
    --evaluations ${DATA}/evaluations.csv --form ${EXAMPLES}/forms/handbook_form.json
    --by agent_id,month --tz Asia/Shanghai --group agent_id=A0004,month=2026-03)
expect_in("${out}" "group agent_id=A0004 month=2026-03\noverall 88.78, grade B, bonus 100%")
expect_in("${out}" "    = quality 39.07 + 20.00 + 15.28 + 6.83 + 10.00 = 91.19\n")
expect_in("${out}" "penalty rules:
  complaint_rate_red_line: did not fire; when complaint_rate > 15% [no: 2.752293578%]
  qa_red_line: did not fire; when qa_critical_fail_rate > 5% [no: 0%]
")
run(0 explain --spec ${EXAMPLES}/scorecards/default.kpi --input ${DATA}/contacts.csv --by team --group team=Team-G
    --format json)
string(JSON truth GET "${out}" penalty_rules 1 when truth)
if(NOT truth STREQUAL "unknown") # no evaluations: the QA aggregate is null
  message(FATAL_ERROR "explain --format json: qa_red_line truth ${truth}")
endif()

# Usage errors (exit 1) name the keys, never guess.
run(1 explain --spec ${EXAMPLES}/scorecards/manual.kpi --input ${DATA}/contacts.csv --by agent_id,month
    --group agent_id=A9,month=2026-03)
expect_in("${err}" "kpiscore: explain: no group has agent_id=A9,month=2026-03 (the keys: agent_id, month; 23 groups)\n")
run(1 explain --spec ${EXAMPLES}/scorecards/manual.kpi --input ${DATA}/contacts.csv --by agent_id,month
    --group team=Team-G)
expect_in("${err}" "kpiscore: --group: 'team' is not a key of --by (the keys: agent_id, month)\n")
run(1 explain --spec ${EXAMPLES}/scorecards/manual.kpi --input ${DATA}/contacts.csv --by agent_id,month
    --group agent_id=A0000)
expect_in("${err}" "kpiscore: explain: 2 groups match agent_id=A0000; give a value for every key (agent_id, month)\n")
run(1 explain --spec ${EXAMPLES}/scorecards/manual.kpi --input ${DATA}/contacts.csv --by team)
expect_in("${err}" "kpiscore: explain: --group KEY=VALUE,... is required (see kpiscore explain --help)\n")

# A decision table with a gap: kpiscore check shows it at the table, with its code.
file(WRITE ${WORK}/gap.kpi "scorecard \"gap\"
indicator asa kpi asa_s {
  target table unique {
    channel  => target
    \"phone\"  => 15s
    \"chat\"   => 30s
  }
  rule deduct 10 per 10s
}
")
run(1 check ${WORK}/gap.kpi)
set(expected "${WORK}/gap.kpi:3:3: error[E0605]: spec /indicators/0/target/table: the table has a gap: no rule matches channel = (any other value) (add a rule, a last rule with `-`, or set allow_gaps)
  3 |   target table unique {
    |   ^^^^^^
")
if(NOT out STREQUAL expected)
  message(FATAL_ERROR "check gap.kpi: expected\n${expected}\nactual\n${out}")
endif()
run(0 check ${EXAMPLES}/scorecards/manual.kpi)
expect_in("${out}" "manual.kpi: ok: scorecard \"The manuals' monthly scorecard\", 10 indicators in 3 dimensions, 0 penalty rules, 4 grades, a grade table (priority, 6 rules), 2 target tables, fingerprint ")
