# kpiscore check FILE.kpi and kpiscore rules as a user runs them: every error printed with its
# position, caret and hint; firing counts; one group's explanation. Invoked by ctest.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

include(${CMAKE_CURRENT_LIST_DIR}/cli_test_lib.cmake)

file(WRITE ${WORK}/bad.kpi "rule x = asa_s > 30\nrule y = ahts > 1min\n")
run(1 check ${WORK}/bad.kpi)
set(expected "${WORK}/bad.kpi:1:18: error[E0202]: a number without a unit where a duration is expected
  1 | rule x = asa_s > 30
    |                  ^^
    = hint: did you mean `30s`?
${WORK}/bad.kpi:2:10: error[E0102]: unknown name `ahts` in the group scope
  2 | rule y = ahts > 1min
    |          ^^^^
    = hint: did you mean `aht_s`?
")
if(NOT out STREQUAL expected)
  message(FATAL_ERROR "check bad.kpi: expected\n${expected}\nactual\n${out}")
endif()
if(NOT err STREQUAL "kpiscore: 2 error(s)\n")
  message(FATAL_ERROR "check bad.kpi: stderr ${err}")
endif()

file(WRITE ${WORK}/ok.kpi "# agents over the wait target
let slow = asa_s > 30s
rule slow_or_weak = slow or fcr < 85%
rule weak_fcr = fcr < 85%
")
run(0 check ${WORK}/ok.kpi)
expect_in("${out}" "ok.kpi: ok: 2 rules in the group scope")

# Record scope: the same name means the contact's field.
file(WRITE ${WORK}/record.kpi "rule long_phone = handle_s > 10min and channel == \"phone\"\nrule unhappy = csat <= 2\n")
run(0 check ${WORK}/record.kpi --scope record)
run(1 check ${WORK}/record.kpi)
expect_in("${out}" "error[E0102]: unknown name `handle_s` in the group scope")

run(0 rules ${WORK}/record.kpi --scope record --input ${DATA}/contacts.csv)
string(JSON rows GET "${out}" rules 0 rows)
string(JSON fired GET "${out}" rules 0 fired)
string(JSON not_fired GET "${out}" rules 0 not_fired)
string(JSON nulls GET "${out}" rules 0 nulls)
math(EXPR total "${fired} + ${not_fired} + ${nulls}")
if(NOT rows EQUAL 2000 OR NOT total EQUAL 2000 OR fired EQUAL 0)
  message(FATAL_ERROR "rules counts: ${out}")
endif()

run(0 rules ${WORK}/ok.kpi --input ${DATA}/contacts.csv --by agent_id,month --tz Asia/Shanghai
    --group agent_id=A0004,month=2026-03)
string(JSON name GET "${out}" statements 1 name)
string(JSON op GET "${out}" statements 1 tree op)
string(JSON left GET "${out}" statements 1 tree children 0 name)
if(NOT name STREQUAL "slow_or_weak" OR NOT op STREQUAL "or" OR NOT left STREQUAL "slow")
  message(FATAL_ERROR "explain: ${out}")
endif()

run(2 rules ${WORK}/ok.kpi --input ${DATA}/contacts.csv --by agent_id --group agent_id=NOPE)
if(NOT err MATCHES "kpiscore: no group has the keys agent_id=NOPE\n$")
  message(FATAL_ERROR "missing group: ${err}")
endif()
run(1 rules ${WORK}/ok.kpi --input ${DATA}/contacts.csv --scope nowhere)
expect_in("${err}" "--scope: expected record or group, actual 'nowhere'")

# The bundled example of the manuals' targets compiles and runs.
run(0 check ${EXAMPLES}/rules/manual_targets.kpi)
expect_in("${out}" "ok: 11 rules in the group scope")
run(0 rules ${EXAMPLES}/rules/manual_targets.kpi --input ${DATA}/contacts.csv --by agent_id,month --tz Asia/Shanghai)
string(JSON first GET "${out}" rules 0 name)
if(NOT first STREQUAL "slow_answer")
  message(FATAL_ERROR "manual_targets: ${out}")
endif()

# Scorecards in text: default.kpi is default.json written as text; check and score treat both alike.
run(0 check ${EXAMPLES}/scorecards/default.kpi)
set(kpi_check "${out}")
run(0 check ${EXAMPLES}/scorecards/default.json)
string(REPLACE "default.json" "default.kpi" json_check "${out}")
if(NOT kpi_check STREQUAL json_check)
  message(FATAL_ERROR "check default.kpi vs default.json:\n${kpi_check}\n${json_check}")
endif()
foreach(fmt json table csv)
  run(0 score --spec ${EXAMPLES}/scorecards/default.kpi --input ${DATA}/contacts.csv --by agent_id,month --format ${fmt})
  set(from_kpi "${out}")
  run(0 score --spec ${EXAMPLES}/scorecards/default.json --input ${DATA}/contacts.csv --by agent_id,month --format ${fmt})
  if(NOT from_kpi STREQUAL out OR out STREQUAL "")
    message(FATAL_ERROR "score --format ${fmt}: default.kpi and default.json differ")
  endif()
endforeach()

file(WRITE ${WORK}/card_bad.kpi "scorecard x\nindicator fcr {\n  rule band 5% 100, 15% 60\n}\n")
run(1 check ${WORK}/card_bad.kpi)
set(expected "${WORK}/card_bad.kpi:3:8: error[E0501]: unknown rule type `band`; expected `deduct`, `value`, `proportional`, `tiers` or `bands`
  3 |   rule band 5% 100, 15% 60
    |        ^^^^
    = hint: did you mean `bands`?
")
if(NOT out STREQUAL expected OR NOT err STREQUAL "kpiscore: 1 error(s)\n")
  message(FATAL_ERROR "check card_bad.kpi: expected\n${expected}\nactual\n${out}\n${err}")
endif()
run(1 score --spec ${WORK}/card_bad.kpi --input ${DATA}/contacts.csv)
expect_in("${err}" "${expected}")
expect_in("${err}" "card_bad.kpi: 1 error(s) in the scorecard")

# The spec's own checks (units here) report with the JSON path, as for a JSON spec.
file(WRITE ${WORK}/card_unit.kpi "scorecard x\nindicator fcr {\n  target 85\n  rule value\n}\n")
run(1 check ${WORK}/card_unit.kpi)
set(expected "${WORK}/card_unit.kpi:3:10: error[E0510]: spec /indicators/0/target: expected a fraction 0..1 or a percentage such as \"85%\", actual 85
  3 |   target 85
    |          ^^
")
if(NOT out STREQUAL expected)
  message(FATAL_ERROR "check card_unit.kpi: expected\n${expected}\nactual\n${out}")
endif()
run(1 score --spec ${WORK}/card_unit.kpi --input ${DATA}/contacts.csv)
expect_in("${err}" "${expected}")

# The example of docs/rules.md, "Scorecards in text", checks and scores.
file(READ ${EXAMPLES}/../docs/rules.md doc)
string(FIND "${doc}" "## Scorecards in text" at)
string(SUBSTRING "${doc}" ${at} -1 doc)
string(FIND "${doc}" "```\nscorecard" b)
string(SUBSTRING "${doc}" ${b} -1 doc)
string(SUBSTRING "${doc}" 4 -1 doc)
string(FIND "${doc}" "```" e)
string(SUBSTRING "${doc}" 0 ${e} doc)
file(WRITE ${WORK}/doc_card.kpi "${doc}")
run(0 check ${WORK}/doc_card.kpi)
expect_in("${out}" "ok: scorecard \"Monthly\", 3 indicators in 1 dimensions, 2 penalty rules, 2 grades")
run(0 score --spec ${WORK}/doc_card.kpi --input ${DATA}/contacts.csv --by agent_id)
