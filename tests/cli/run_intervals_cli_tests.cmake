# kpiscore kpis --intervals (and merge --intervals): confidence bounds next to the KPIs, and the
# output without the flag unchanged.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

include(${CMAKE_CURRENT_LIST_DIR}/cli_test_lib.cmake)

run(0 kpis --help)
expect_in("${out}" "--intervals")

# Without the flag: no bound columns at all.
run(0 kpis --input ${DATA}/contacts.csv --by channel --format csv)
set(plain "${out}")
string(FIND "${plain}" "_lo" at)
if(NOT at EQUAL -1)
  message(FATAL_ERROR "bounds without --intervals:\n${plain}")
endif()

run(0 kpis --input ${DATA}/contacts.csv --by channel --format csv --intervals)
expect_in("${out}" "channel,offered,answered,abandoned,handled,asa_s,asa_s_lo,asa_s_hi,aht_s,aht_s_lo,aht_s_hi,")
expect_in("${out}" ",fcr,fcr_lo,fcr_hi,")
expect_in("${out}" ",nps,nps_lo,nps_hi,")

# JSON: every bound brackets its KPI.
run(0 kpis --input ${DATA}/contacts.csv --by channel --format json --intervals)
string(JSON groups LENGTH "${out}")
math(EXPR last "${groups} - 1")
foreach(g RANGE ${last})
  foreach(k asa_s aht_s service_level fcr csat_top_box nps)
    string(JSON v GET "${out}" ${g} ${k})
    string(JSON lo GET "${out}" ${g} ${k}_lo)
    string(JSON hi GET "${out}" ${g} ${k}_hi)
    if(NOT v STREQUAL "null")
      if(lo STREQUAL "null" OR hi STREQUAL "null")
        message(FATAL_ERROR "group ${g}: ${k} = ${v} without bounds")
      endif()
      # if(LESS/GREATER) compares as floating-point numbers.
      if(lo GREATER v OR hi LESS v)
        message(FATAL_ERROR "group ${g}: ${k} = ${v} outside [${lo}, ${hi}]")
      endif()
    endif()
  endforeach()
endforeach()

# The table format shows the bounds like their KPI (ratios as percentages).
run(0 kpis --input ${DATA}/contacts.csv --format table --intervals)
expect_in("${out}" "service_level_lo")

# Interval options come from the options document; bad ones are usage errors with their path.
file(WRITE ${WORK}/beta.json "{\"intervals\": {\"alpha\": 0.1, \"proportion_method\": \"beta\"}}")
run(0 kpis --input ${DATA}/contacts.csv --format csv --intervals --options ${WORK}/beta.json)
set(beta "${out}")
run(0 kpis --input ${DATA}/contacts.csv --format csv --intervals)
if(beta STREQUAL out)
  message(FATAL_ERROR "the options' interval method changed nothing")
endif()
file(WRITE ${WORK}/bad.json "{\"intervals\": {\"alpha\": 0}}")
run(1 kpis --input ${DATA}/contacts.csv --intervals --options ${WORK}/bad.json)
expect_in("${err}" "options /intervals/alpha: expected a number in (0, 1)")

# A saved state prints the same bounds through merge --intervals.
run(0 kpis --input ${DATA}/contacts.csv --by channel --format csv --intervals --state-out ${WORK}/s.bin)
set(direct "${out}")
run(0 merge ${WORK}/s.bin --format csv --intervals)
if(NOT direct STREQUAL out)
  message(FATAL_ERROR "merge --intervals differs:\n${direct}\n---\n${out}")
endif()
