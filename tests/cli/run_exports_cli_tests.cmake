# kpiscore kpis/score with indicator tables, the max_groups guard, pseudonymisation, --bom and
# --lang (issue 3). Invoked by ctest with -DCLI=... -DEXPORTS=... -DEXAMPLES=... -DWORK=...
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

include(${CMAKE_CURRENT_LIST_DIR}/cli_test_lib.cmake)

function(expect_not_in haystack needle)
  string(FIND "${haystack}" "${needle}" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "did not expect '${needle}' in:\n${haystack}")
  endif()
endfunction()

set(contacts ${EXPORTS}/canonical.csv)

# ---------------------------------------------------------------- indicator tables
file(WRITE ${WORK}/ind.csv "agent_id,month,attendance,cost_per_contact\n"
  "A01,2026-03,0.97,8.5\n"
  "A02,2026-03,,9\n"
  "A09,2026-03,1,\n"
  "A01,2026-3,1,1\n"
  "A01,2026-03,1,1\n"
  "A03,2026-03,x,1\n")
run(0 kpis --input ${contacts} --by agent_id,month --tz Asia/Shanghai --indicators ${WORK}/ind.csv --format csv)
expect_in("${out}" "conversion_rate,attendance,cost_per_contact\n")
expect_in("${out}" "A01,2026-03,2,2,0,2,15.5,213,195.5,10,7.5,1,0,1,1,5,1,,0,,0.97,8.5\n")
expect_in("${out}" "A02,2026-03,1,1,0,2,8,227.5,205,5,17.5,1,0,1,0.5,4,1,,0,,,9\n")
expect_in("${out}" "A09,2026-03,0,0,0,0,,,,,,,,,,,,,,,1,\n") # no contacts: kept, counted
expect_in("${err}" "kpiscore: indicators: 6 rows read, 3 accepted, 3 rejected\n")
expect_in("${err}" "kpiscore: indicators line 5, field month: not a month: expected YYYY-MM\n")
expect_in("${err}" "kpiscore: indicators line 6: duplicate group key\n")
expect_in("${err}" "kpiscore: indicators line 7, field attendance: not a number\n")
expect_in("${err}" "kpiscore: indicators: 2 rows joined to groups of contacts, 1 rows match no group of contacts "
  "(added as groups without contact KPIs), 2 groups of contacts have no indicator row\n")
run(2 kpis --input ${contacts} --by agent_id,month --tz Asia/Shanghai --indicators ${WORK}/ind.csv --strict)
expect_in("${err}" "kpiscore: --strict: indicators line 5, field month: not a month: expected YYYY-MM\n")
run(2 kpis --input ${contacts} --by agent_id --indicators ${WORK}/ind.csv)
expect_in("${err}" "kpiscore: indicators header: column 'month' is a group key but not one of the group keys "
  "(agent_id); key the table by exactly the group keys of the KPIs\n")
run(2 kpis --input ${contacts} --by agent_id --indicators ${WORK}/missing.csv)
expect_in("${err}" "kpiscore: indicators: cannot open '${WORK}/missing.csv'\n")
file(WRITE ${WORK}/ind_clash.csv "agent_id,fcr\nA01,1\n")
run(1 kpis --input ${contacts} --by agent_id --indicators ${WORK}/ind_clash.csv)
expect_in("${err}" "kpiscore: --indicators: join: KPI 'fcr' is already in the table\n")
# The same reader behind score: the monitoring table's first response from an indicator table.
file(WRITE ${WORK}/contacts_a1.csv "contact_id,arrived_at,direction,answered,wait_s,talk_s,agent_id\n"
  "c1,2026-03-02T10:00:00Z,inbound,1,5,600,A1\n")
file(WRITE ${WORK}/ind_a1.csv "agent_id;first_response_s\nA1;35\nA2;20\n")
run(0 score --spec ${EXAMPLES}/scorecards/monitoring_table.json --input ${WORK}/contacts_a1.csv
  --indicators ${WORK}/ind_a1.csv --by agent_id --format csv)
expect_in("${err}" "kpiscore: indicators: 2 rows read, 2 accepted, 0 rejected\n")
expect_in("${err}" "kpiscore: indicators: 1 rows joined to groups of contacts, 1 rows match no group of contacts")

# ---------------------------------------------------------------- max_groups
run(0 kpis --input ${contacts} --by contact_id --format csv)
expect_in("${out}" "C1,1,1,0,1,12,366,331,20,15,1,0,1,1,5,1,,0,\n")
run(2 kpis --input ${contacts} --by agent_id,contact_id --max-groups 5)
expect_in("${err}" "kpiscore: group keys agent_id,contact_id make more than 5 groups (max_groups): group by coarser "
  "keys, or raise max_groups (docs/kpis.md, \"max_groups\")\n")
file(WRITE ${WORK}/max5.json [=[{"max_groups": 5}]=])
run(2 kpis --input ${contacts} --by contact_id --options ${WORK}/max5.json)
expect_in("${err}" "make more than 5 groups (max_groups)")
run(0 kpis --input ${contacts} --by contact_id --options ${WORK}/max5.json --max-groups 8)
run(1 kpis --input ${contacts} --max-groups 0)
expect_in("${err}" "kpiscore: --max-groups: expected a number 1..4294967294, actual '0'\n")
run(2 score --spec ${EXAMPLES}/scorecards/default.json --input ${contacts} --by contact_id --max-groups 3)
expect_in("${err}" "kpiscore: group keys contact_id make more than 3 groups (max_groups)")

# ---------------------------------------------------------------- pseudonymisation
# Pseudonyms: hmac.new(key, id, hashlib.sha256).hexdigest()[:20] in Python.
file(WRITE ${WORK}/key "kpiscore-test-key-0123456789abcdef")
file(WRITE ${WORK}/short.key "0123456789")
run(0 kpis --input ${contacts} --by agent_id --pseudonymise agent_id --key-file ${WORK}/key --format csv
  --state-out ${WORK}/pseudo.state)
expect_in("${out}" "\n2d3a975fa0af66b63f59,1,1,0,2,8,227.5,205,5,17.5,1,0,1,0.5,4,1,,0,\n42f3ba0f1a1651b24a2c,2,2,0,2,")
expect_in("${out}" "\nc23d34fc8f22801b7670,2,2,0,2,15.5,213,")
expect_not_in("${out}" "A01")
file(READ ${WORK}/pseudo.state state HEX)
string(HEX "A01" a01)
string(FIND "${state}" "${a01}" at)
if(NOT at EQUAL -1)
  message(FATAL_ERROR "the saved state holds a raw agent id")
endif()
run(0 merge ${WORK}/pseudo.state --format csv)
expect_in("${out}" "\nc23d34fc8f22801b7670,2,2,0,2,15.5,213,")
run(0 kpis --input ${contacts} --by contact_id --pseudonymise agent_id,contact_id --key-file ${WORK}/key --format csv)
expect_in("${out}" "\nad2705aee472926b01cd,1,1,0,1,12,366,331,20,15,1,0,1,1,5,1,,0,\n") # C1
expect_not_in("${out}" "\nC1,")
# Indicator keys get the same pseudonyms, so they still join.
run(0 kpis --input ${contacts} --by agent_id,month --tz Asia/Shanghai --indicators ${WORK}/ind.csv
  --pseudonymise agent_id --key-file ${WORK}/key --format csv)
expect_in("${out}" "\nc23d34fc8f22801b7670,2026-03,2,2,0,2,15.5,213,195.5,10,7.5,1,0,1,1,5,1,,0,,0.97,8.5\n")
expect_not_in("${out}" "A09")
# score pseudonymises its output after joining and scoring on the raw identifiers.
run(0 score --spec ${EXAMPLES}/scorecards/monitoring_table.json --input ${WORK}/contacts_a1.csv
  --indicators ${WORK}/ind_a1.csv --by agent_id --format csv --pseudonymise agent_id --key-file ${WORK}/key)
expect_in("${out}" "\n6279550a8d0b5c0db5ae,") # A1
expect_not_in("${out}" "A1,")
run(1 kpis --input ${contacts} --by agent_id --pseudonymise agent_id --key-file ${WORK}/short.key)
expect_in("${err}" "kpiscore: --key-file: the key has 10 bytes, at least 32 are required (RFC 2104 section 3: not "
  "shorter than the 32-byte HMAC-SHA256 output)\n")
run(1 kpis --input ${contacts} --by agent_id --pseudonymise agent_id --key-file ${WORK}/absent.key)
expect_in("${err}" "kpiscore: --key-file: cannot open '${WORK}/absent.key'\n")
run(1 kpis --input ${contacts} --by agent_id --pseudonymise agent_id)
expect_in("${err}" "kpiscore: --pseudonymise needs --key-file FILE (a secret of at least 32 bytes)\n")
run(1 kpis --input ${contacts} --by agent_id --key-file ${WORK}/key)
expect_in("${err}" "kpiscore: --key-file is used with --pseudonymise COLUMNS\n")
run(1 kpis --input ${contacts} --by agent_id --pseudonymise agent_id,month --key-file ${WORK}/key)
expect_in("${err}" "kpiscore: --pseudonymise: 'month' is a time key, not an identifier\n")
run(1 kpis --input ${contacts} --by agent_id --pseudonymise agnet_id --key-file ${WORK}/key)
expect_in("${err}" "kpiscore: --pseudonymise: no column 'agnet_id' in the input\n")

# ---------------------------------------------------------------- output for people
run(0 kpis --input ${contacts} --by agent_id --format csv --bom)
string(SUBSTRING "${out}" 0 11 head)
string(HEX "${head}" head_hex)
if(NOT head_hex STREQUAL "efbbbf6167656e745f6964") # BOM + "agent_id"
  message(FATAL_ERROR "--bom: output starts with ${head_hex}")
endif()
run(0 kpis --input ${contacts} --by agent_id --format csv)
string(SUBSTRING "${out}" 0 8 head)
if(NOT head STREQUAL "agent_id")
  message(FATAL_ERROR "without --bom the CSV must start with the header, not '${head}'")
endif()
run(1 kpis --input ${contacts} --bom)
expect_in("${err}" "kpiscore: --bom: only with --format csv\n")
run(0 score --spec ${EXAMPLES}/scorecards/default.json --input ${contacts} --by agent_id --format csv --bom)
string(SUBSTRING "${out}" 0 3 head)
string(HEX "${head}" head_hex)
if(NOT head_hex STREQUAL "efbbbf")
  message(FATAL_ERROR "score --bom: output starts with ${head_hex}")
endif()
run(0 kpis --input ${contacts} --by agent_id,month --tz Asia/Shanghai --format csv --lang zh)
expect_in("${out}" "坐席工号,月份,呼入量,接通量,放弃量,处理量,平均应答时长(秒),平均处理时长(秒),平均通话时长(秒),"
  "平均保持时长(秒),平均话后处理时长(秒),服务水平,放弃率,接通率,一次解决率,满意度均分,满意率,净推荐值,投诉率,转化率\n"
  "A01,2026-03,2,2,0,2,15.5,213,")
run(0 kpis --input ${contacts} --by team --format table --lang zh)
# Chinese group names and labels aligned by display width (two columns per ideograph).
expect_in("${out}" "班组  呼入量  接通量")
expect_in("${out}" "\n一组       2       2       0       2")
run(1 kpis --input ${contacts} --lang zh)
expect_in("${err}" "kpiscore: --lang: JSON keeps the canonical names; use --format csv or table\n")
run(1 kpis --input ${contacts} --lang fr --format csv)
expect_in("${err}" "kpiscore: --lang: expected en or zh, actual 'fr'\n")
run(1 score --spec ${EXAMPLES}/scorecards/default.json --input ${contacts} --format csv --lang zh)
expect_in("${err}" "kpiscore: score: --lang is not available for scorecards yet (kpiscore kpis has it)\n")
