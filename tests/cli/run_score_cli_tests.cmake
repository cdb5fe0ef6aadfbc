# kpiscore score / check as a user runs them: scorecards with QA evaluations, exit codes, errors.
# Invoked by ctest with -DCLI=... -DEXAMPLES=... -DWORK=...
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(DATA ${EXAMPLES}/data)

include(${CMAKE_CURRENT_LIST_DIR}/cli_test_lib.cmake)

# Help and usage errors.
run(0 score --help)
expect_in("${out}" "--evaluations")
expect_in("${out}" "--form FILE")
run(0 check --help)
expect_in("${out}" "kpiscore check --form FORM.json")
run(1 score --input ${DATA}/contacts.csv)
expect_in("${err}" "--spec FILE is required")
run(1 score --spec ${EXAMPLES}/scorecards/default.json --input ${DATA}/contacts.csv --evaluations ${DATA}/evaluations.csv)
expect_in("${err}" "--evaluations needs --form FORM.json")
run(1 score --spec ${EXAMPLES}/scorecards/default.json --input ${DATA}/contacts.csv --trace some)
expect_in("${err}" "--trace: expected all, weakest or none, actual 'some'")
run(1 score --spec ${EXAMPLES}/scorecards/default.json --input ${DATA}/contacts.csv --evaluations ${DATA}/evaluations.csv
  --form ${EXAMPLES}/forms/handbook_form.json --qa-period later)
expect_in("${err}" "--qa-period: expected contact or evaluated, actual 'later'")

# check: the examples are valid; a bad spec and a bad form print every error with its path.
run(0 check ${EXAMPLES}/scorecards/default.json)
expect_in("${out}" "ok: scorecard \"Contact-centre monthly scorecard (manuals' targets)\", 11 indicators in 3 dimensions")
run(0 check ${EXAMPLES}/scorecards/monitoring_table.json)
expect_in("${out}" "8 indicators in 3 dimensions")
run(0 check --form ${EXAMPLES}/forms/handbook_form.json)
expect_in("${out}" "ok: QA form \"Operations handbook QA form\", 15 items in 7 sections, 3 critical items or flags, 2 deductions, 1 bonuses, pass mark 80")
file(WRITE ${WORK}/bad_spec.json [=[{"indicators": [{"kpi": "ash_s", "rule": {"type": "value"}},
  {"kpi": "fcr", "rule": {"type": "deduct", "per": "1%"}}]}]=])
run(1 check ${WORK}/bad_spec.json)
expect_in("${out}" "bad_spec.json: spec /indicators/0/kpi: unknown KPI \"ash_s\" (not a contact KPI; declare other KPIs under \"inputs\")")
expect_in("${out}" "bad_spec.json: spec /indicators/1/rule: missing required key \"points\"")
expect_in("${err}" "2 error(s)")
run(1 score --spec ${WORK}/bad_spec.json --input ${DATA}/contacts.csv)
expect_in("${err}" "2 error(s) in the scorecard spec")
file(WRITE ${WORK}/bad_form.json [=[{"sections": [{"name": "s", "weight": "50%", "items": [{"name": "a", "scale": "1-10"}]}]}]=])
run(1 check --form ${WORK}/bad_form.json)
expect_in("${out}" "bad_form.json: spec /sections/0/items/0/scale: expected \"yes_no\", \"1-5\", \"0-10\" or {\"points\": MAX}, actual \"1-10\"")
run(1 score --spec ${EXAMPLES}/scorecards/default.json --input ${DATA}/contacts.csv --evaluations ${DATA}/evaluations.csv
  --form ${WORK}/bad_form.json)
expect_in("${err}" "error(s) in the QA form")

# The main job: the bundled contacts and evaluations, scored per team.
run(0 score --spec ${EXAMPLES}/scorecards/default.json --input ${DATA}/contacts.csv --evaluations ${DATA}/evaluations.csv
  --form ${EXAMPLES}/forms/handbook_form.json --by team --tz Asia/Shanghai --format table --trace weakest)
expect_in("${out}" "qa_score")
expect_in("${out}" "forbidden_phrases")
expect_in("${out}" "weakest group:")
expect_in("${out}" "qa_mean_score = ")
expect_in("${err}" "2000 rows read, 2000 accepted, 0 rejected")
expect_in("${err}" "evaluations read,")
expect_in("${err}" "calibration (excluded)")
run(0 score --spec ${EXAMPLES}/scorecards/default.json --input ${DATA}/contacts.csv --evaluations ${DATA}/evaluations.csv
  --form ${EXAMPLES}/forms/handbook_form.json --by agent_id,month --tz Asia/Shanghai --qa-period evaluated --format csv)
expect_in("${out}" "A0000,2026-03,")
run(0 score --spec ${EXAMPLES}/scorecards/default.json --input ${DATA}/contacts.csv --by team --format json --no-trace)
expect_in("${out}" "\"spec_fingerprint\"")
expect_in("${out}" "\"na\": \"missing_kpi\"")

# The monitoring indicator table end to end: one agent's 100 contacts (AHT 12 min, FCR 78 %,
# CSAT top box 88 %, NPS 25), 100 evaluations (3 forbidden phrases, 2 process violations) and
# first response online 35 s from an indicator table: the composite is 82.97, not the table's 81.
set(contacts "contact_id,arrived_at,direction,answered,wait_s,talk_s,acw_s,resolved_first_contact,csat,nps,agent_id\n")
set(evals "evaluation_id,contact_id,agent_id,evaluated_at,ok,forbidden_phrases,wrong_answers,process_violations\n")
foreach(i RANGE 0 99)
  if(i LESS 78)
    set(fcr 1)
  else()
    set(fcr 0)
  endif()
  if(i LESS 88)
    set(csat 5)
  else()
    set(csat 2)
  endif()
  if(i LESS 45)
    set(nps 10)
  elseif(i LESS 65)
    set(nps 0)
  else()
    set(nps 8)
  endif()
  if(i LESS 3)
    set(phrases 1)
  else()
    set(phrases 0)
  endif()
  if(i LESS 2)
    set(violations 1)
  else()
    set(violations 0)
  endif()
  string(APPEND contacts "c${i},2026-03-02T10:00:00Z,inbound,1,5,600,120,${fcr},${csat},${nps},A1\n")
  string(APPEND evals "e${i},c${i},A1,2026-03-03,yes,${phrases},0,${violations}\n")
endforeach()
file(WRITE ${WORK}/monitoring_contacts.csv "${contacts}")
file(WRITE ${WORK}/monitoring_evaluations.csv "${evals}")
file(WRITE ${WORK}/monitoring_indicators.csv "agent_id,first_response_s\nA1,35\n")
file(WRITE ${WORK}/one_item_form.json [=[{"sections": [{"name": "s", "items": [{"name": "ok", "scale": "yes_no"}]}]}]=])
run(0 score --spec ${EXAMPLES}/scorecards/monitoring_table.json --input ${WORK}/monitoring_contacts.csv
  --evaluations ${WORK}/monitoring_evaluations.csv --form ${WORK}/one_item_form.json
  --indicators ${WORK}/monitoring_indicators.csv --by agent_id --format table)
expect_in("${out}" "82.97")
expect_in("${out}" "overall 82.97, grade good")
expect_in("${out}" "forbidden_phrases_per_100 = 3, target <= 2")
run(0 score --spec ${EXAMPLES}/scorecards/monitoring_table.json --input ${WORK}/monitoring_contacts.csv
  --evaluations ${WORK}/monitoring_evaluations.csv --form ${WORK}/one_item_form.json
  --indicators ${WORK}/monitoring_indicators.csv --by agent_id --format json)
string(JSON composite GET "${out}" groups 0 score)
if(NOT composite MATCHES "^82\\.9666")
  message(FATAL_ERROR "monitoring composite ${composite}, expected 82.9666...")
endif()

# Bad evaluation records: counted, written to --evaluation-rejects, the rest scored; --strict: exit 2.
file(WRITE ${WORK}/bad_evals.csv "evaluation_id,contact_id,agent_id,evaluated_at,ok,forbidden_phrases\n"
  "e1,c1,A1,2026-03-03,yes,0\n"
  "e2,c2,A1,2026-03-03,perhaps,0\n"
  "e3,c3,A1,not-a-date,yes,0\n"
  "e1,c4,A1,2026-03-03,yes,0\n")
run(0 score --spec ${EXAMPLES}/scorecards/monitoring_table.json --input ${WORK}/monitoring_contacts.csv
  --evaluations ${WORK}/bad_evals.csv --form ${WORK}/one_item_form.json --by agent_id --format csv
  --evaluation-rejects ${WORK}/eval_rejects.csv)
expect_in("${err}" "4 evaluations read, 1 accepted, 3 rejected")
file(READ ${WORK}/eval_rejects.csv rejects)
if(NOT rejects STREQUAL "line,field,reason\n3,ok,\"expected yes, no, 1, 0 or NA\"\n4,evaluated_at,not an ISO-8601 timestamp\n5,evaluation_id,duplicate evaluation_id\n")
  message(FATAL_ERROR "evaluation rejects file:\n${rejects}")
endif()
run(2 score --spec ${EXAMPLES}/scorecards/monitoring_table.json --input ${WORK}/monitoring_contacts.csv
  --evaluations ${WORK}/bad_evals.csv --form ${WORK}/one_item_form.json --by agent_id --strict)
expect_in("${err}" "--strict: evaluations line 3, field ok: expected yes, no, 1, 0 or NA")
run(2 score --spec ${EXAMPLES}/scorecards/default.json --input ${DATA}/contacts.csv --evaluations ${WORK}/missing.csv
  --form ${EXAMPLES}/forms/handbook_form.json)
expect_in("${err}" "cannot open")
file(WRITE ${WORK}/short_evals.csv "evaluation_id,contact_id,agent_id,evaluated_at\n")
run(2 score --spec ${EXAMPLES}/scorecards/default.json --input ${DATA}/contacts.csv --evaluations ${WORK}/short_evals.csv
  --form ${EXAMPLES}/forms/handbook_form.json)
expect_in("${err}" "missing required column 'standard_greeting' (an item of the form)")
message(STATUS "score CLI tests passed")
