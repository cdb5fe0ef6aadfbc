# kpiscore sample as a user runs it: the example plan on the bundled contacts, reproducibility
# across row orders, the report, exit codes and pinned error texts.
# Invoked by ctest with -DCLI=... -DDATA=... -DEXAMPLES=... -DWORK=...
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

include(${CMAKE_CURRENT_LIST_DIR}/cli_test_lib.cmake)

set(PLAN ${EXAMPLES}/plans/daily_qa.json)
set(INPUT ${DATA}/contacts.csv)

# The whole standard-error text of a usage or input error.
function(expect_error text)
  if(NOT err STREQUAL "kpiscore: ${text}\n")
    message(FATAL_ERROR "expected the error\n  kpiscore: ${text}\nactual\n  ${err}")
  endif()
endfunction()

function(expect_json json expected)
  string(JSON value GET "${out}" ${json})
  if(NOT value STREQUAL "${expected}")
    message(FATAL_ERROR "JSON ${json}: expected ${expected}, actual ${value}\n${out}")
  endif()
endfunction()

# --- help and usage errors ----------------------------------------------------------------------
run(0 sample --help)
expect_in("${out}" "kpiscore sample --plan PLAN.json --input CONTACTS.csv")
expect_in("${out}" "systematic and reservoir depend on the order of the input")
run(0 --help)
expect_in("${out}" "kpiscore sample --plan PLAN.json")
run(1 sample --input ${INPUT})
expect_error("sample: --plan FILE is required (see kpiscore sample --help)")
run(1 sample --plan ${PLAN})
expect_error("sample: --input FILE is required (see kpiscore sample --help)")
run(1 sample --plan ${PLAN} --input ${INPUT} --format xml)
expect_error("--format: expected csv, json or table, actual 'xml'")
run(1 sample --plan ${PLAN} --input ${INPUT} --tz Mars/Olympus)
expect_error("--tz: unknown time zone 'Mars/Olympus'")
run(1 sample --plan ${WORK}/none.json --input ${INPUT})
expect_error("--plan: cannot open '${WORK}/none.json'")
run(2 sample --plan ${PLAN} --input ${WORK}/none.csv)
expect_error("input: cannot open '${WORK}/none.csv'")

# --- bad plans: exit 1 with the JSON path -------------------------------------------------------
file(WRITE ${WORK}/rate.json [=[{"design": "bernoulli", "seed": 1, "rate": 1.5}]=])
run(1 sample --plan ${WORK}/rate.json --input ${INPUT})
expect_in("${err}" "kpiscore: ${WORK}/rate.json: plan /rate: expected a share in 0..1, actual 1.5\n")
file(WRITE ${WORK}/minmax.json [=[{"design": "pareto", "seed": 1, "rate": 0.1,
  "strata": {"by": ["agent_id"], "min": 9, "max": 3}}]=])
run(1 sample --plan ${WORK}/minmax.json --input ${INPUT})
expect_in("${err}" "kpiscore: ${WORK}/minmax.json: plan /strata/min: expected at most /strata/max (3), actual 9\n")
file(WRITE ${WORK}/dimension.json [=[{"design": "pareto", "seed": 1, "rate": 0.1,
  "strata": {"by": ["agent_id", "region"]}}]=])
run(1 sample --plan ${WORK}/dimension.json --input ${INPUT})
expect_in("${err}" "kpiscore: ${WORK}/dimension.json: plan /strata/by/1: unknown dimension \"region\" (not a column of the input, a time key interval15, interval30, hour, day, week, month, or peak)\n")

# --- the example plan: 15 % of 2000 contacts by agent x peak, at least 2 per stratum -----------
run(0 sample --plan ${PLAN} --input ${INPUT})
set(first "${out}")
expect_in("${err}" "kpiscore: 2000 rows read, 2000 accepted, 0 rejected\n")
expect_in("${err}" "kpiscore: 300 contacts selected (pareto)\n")
string(REGEX MATCHALL "\n" lines "${out}")
list(LENGTH lines count)
if(NOT count EQUAL 301)
  message(FATAL_ERROR "expected a header and 300 contacts, got ${count} lines")
endif()
expect_in("${out}" "contact_id,agent_id,peak,inclusion_probability,design_weight,size_measure,risk,day,evaluator\n")

# The same contacts whatever the row order: reverse the data rows of the input.
file(STRINGS ${INPUT} rows ENCODING UTF-8)
list(GET rows 0 header)
list(REMOVE_AT rows 0)
list(REVERSE rows)
string(JOIN "\n" body ${rows})
file(WRITE ${WORK}/reversed.csv "${header}\n${body}\n")
run(0 sample --plan ${PLAN} --input ${WORK}/reversed.csv)
if(NOT out STREQUAL first)
  message(FATAL_ERROR "a hash-based design selected differently after reversing the rows")
endif()

# The report as JSON: planned against achieved, every agent and slot covered.
run(0 sample --plan ${PLAN} --input ${INPUT} --report --format json)
expect_json("design" "pareto")
expect_json("order_dependent" "OFF")
expect_json("population" "2000")
expect_json("planned" "300")
expect_json("achieved" "300")
expect_json("coverage;0;dimension" "agent_id")
expect_json("coverage;0;values" "20")
expect_json("coverage;0;covered" "20")
expect_json("coverage;1;dimension" "peak")
expect_json("coverage;1;covered" "2")
expect_json("strata;0;key;agent_id" "A0000")
expect_json("strata;0;key;peak" "off_peak")
expect_json("strata;0;population" "20")
expect_json("strata;0;planned" "3")
expect_json("strata;0;achieved" "3")
expect_json("evaluator_days;0;day" "2026-03-01")

# --output writes the contacts; the report goes to standard output as a table.
run(0 sample --plan ${PLAN} --input ${INPUT} --output ${WORK}/sample.csv --report --format table)
expect_in("${out}" "Sample: pareto, seed 20260301; 2000 contacts, 300 planned, expected 300.00, 300 selected\n")
expect_in("${out}" "Coverage\n")
expect_in("${out}" "Evaluators per day\n")
file(READ ${WORK}/sample.csv written)
if(NOT written STREQUAL first)
  message(FATAL_ERROR "--output wrote other contacts than standard output shows")
endif()

# --tz moves the peak boundaries: in UTC the same contacts fall into other slots.
run(0 sample --plan ${PLAN} --input ${INPUT} --tz UTC --report --format json)
string(JSON pop GET "${out}" strata 0 population)
if(pop STREQUAL "20")
  message(FATAL_ERROR "--tz UTC left the Asia/Shanghai peak slots unchanged")
endif()

# An order-dependent design says so, and its selection changes with the row order.
file(WRITE ${WORK}/systematic.json [=[{"design": "systematic", "seed": 5, "size": 100,
  "strata": {"by": ["agent_id"], "min": 2}}]=])
run(0 sample --plan ${WORK}/systematic.json --input ${INPUT})
set(sys_first "${out}")
expect_in("${err}" "kpiscore: 100 contacts selected (systematic, order-dependent)\n")
run(0 sample --plan ${WORK}/systematic.json --input ${WORK}/reversed.csv)
if(out STREQUAL sys_first)
  message(FATAL_ERROR "systematic sampling gave the same sample on reversed rows")
endif()

# Reservoir: a fixed count per stratum; a stratum too small for its minimum is reported.
file(WRITE ${WORK}/reservoir.json [=[{"design": "reservoir", "seed": 5,
  "strata": {"by": ["agent_id", "day"], "allocation": "fixed", "counts": {"default": 2}, "min": 3}}]=])
run(0 sample --plan ${WORK}/reservoir.json --input ${INPUT} --report --format table)
expect_in("${out}" "Sample: reservoir (order-dependent), seed 5; 2000 contacts")
expect_in("${out}" " (short)")
expect_in("${out}" "strata hold fewer contacts than the minimum of 3: all their contacts are taken and the shortfall is reported (below_minimum)")

# The contacts as a table.
run(0 sample --plan ${PLAN} --input ${INPUT} --format table)
expect_in("${out}" "contact_id")
expect_in("${out}" "evaluator")
