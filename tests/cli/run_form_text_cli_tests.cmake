# QA forms in text (docs/rules.md, "QA forms in text") as a user runs them: `check` and `score`
# take examples/forms/handbook_form.kpi exactly as its JSON twin. Invoked by ctest.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

include(${CMAKE_CURRENT_LIST_DIR}/cli_test_lib.cmake)

set(forms ${EXAMPLES}/forms)
run(0 check --form ${forms}/handbook_form.json)
string(REGEX MATCH "fingerprint [0-9a-f]+" json_fingerprint "${out}")
run(0 check ${forms}/handbook_form.kpi)
expect_in("${out}" "handbook_form.kpi: ok: QA form \"Operations handbook QA form\", 15 items in 7 sections")
expect_in("${out}" "${json_fingerprint}\n")
run(0 check --form ${forms}/handbook_form.kpi)
expect_in("${out}" "${json_fingerprint}\n")

set(score_args score --spec ${EXAMPLES}/scorecards/default.json --input ${DATA}/contacts.csv
    --evaluations ${DATA}/evaluations.csv --by agent_id --tz Asia/Shanghai --format csv)
run(0 ${score_args} --form ${forms}/handbook_form.json)
set(from_json "${out}")
run(0 ${score_args} --form ${forms}/handbook_form.kpi)
if(NOT out STREQUAL from_json)
  message(FATAL_ERROR "score with the .kpi form differs from the JSON form:\n${out}\nvs\n${from_json}")
endif()

# A form error of the spec's own checks is shown at the text that wrote it.
file(WRITE ${WORK}/bad_form.kpi "form \"F\"\nsection s {\n  item a scale 1-7\n}\n")
run(1 check ${WORK}/bad_form.kpi)
expect_in("${out}" "${WORK}/bad_form.kpi:3:16: error[E0510]: spec /sections/0/items/0/scale: ")
expect_in("${out}" "  3 |   item a scale 1-7\n    |                ^^^\n")
