#!/usr/bin/env bash
# values import given rows already stored: a unit with children whose row is
# unchanged keeps its subtree in its ancestors' totals (sum and last); values
# check finds (and --repair rewrites) roll-ups stored wrong by the import
# that did not; a formula rate's own code is refused; blank lines skipped.
. "$(dirname "$0")/lib.sh"

db="$SCRATCH/t.db"
H="dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value"
cat >"$SCRATCH/units.csv" <<'EOF'
code,name,level,parent_code
41,河南省,province,
4101,郑州市,city,41
410102,中原区,county,4101
4102,开封市,city,41
410202,龙亭区,county,4102
EOF
cat >"$SCRATCH/plan.csv" <<'EOF'
year,project_no,project_title,indicator,indicator_name,unit,kind,comparator,target,orgunit,aggregation,numerator,denominator
2023,1,就业,jobs,新增就业,人,count,>=,1000,41,sum,,
2023,1,就业,stock,在岗人数,人,count,>=,1000,41,last,,
2023,2,寄递,courier_rate,寄递覆盖率,%,rate,>=,75,41,last,vwc,villages
EOF
run "$MINSHENG" orgunit import "$SCRATCH/units.csv" --db "$db"
expect_status 0
run "$MINSHENG" plan import "$SCRATCH/plan.csv" --db "$db"
expect_status 0

# 4101 (with children) reports February; 410102 below it January.
printf '%s\njobs,202301,410102,,,100\njobs,202302,4101,,,50\nstock,202301,410102,,,100\nstock,202302,4101,,,50\n' "$H" >"$SCRATCH/v1.csv"
# 4101's rows again, unchanged, and a new value under the other city.
printf '%s\njobs,202302,4101,,,50\njobs,202301,410202,,,7\nstock,202302,4101,,,50\nstock,202301,410202,,,7\n' "$H" >"$SCRATCH/v2.csv"
run "$MINSHENG" values import "$SCRATCH/v1.csv" --db "$db"
expect_status 0
run "$MINSHENG" values import "$SCRATCH/v2.csv" --db "$db"
expect_status 0
expect_out "导入 2 条，替换 0 条，拒绝 0 条（另有 2 条与已有数值相同，未改动）"

# sum: 100 + 50 + 7 = 157 by February (15.7%, yellow), not 57 (red).
run "$MINSHENG" report --year 2023 --period 202302 --orgunit 41 --format csv --db "$db"
expect_status 0
expect_out "2023,202302,41,河南省,1,,1,就业,jobs,新增就业,人,count,>=,1000,157,15.7,,false,yellow,"
# last: January is 410102's 100 (4101 has no January of its own) + 7.
run "$MINSHENG" report --year 2023 --period 202301 --orgunit 41 --format csv --db "$db"
expect_status 0
expect_out ",stock,在岗人数,人,count,>=,1000,107,10.7,"
run "$MINSHENG" report --year 2023 --period 202302 --orgunit 41 --format csv --db "$db"
expect_out ",stock,在岗人数,人,count,>=,1000,57,5.7,"

# Every stored roll-up agrees with the values.
run "$MINSHENG" values check --db "$db"
expect_status 0
expect_out "核对通过："

# A database written by the old import: 41's totals without 4101's subtree
# (what it stored for this file pair). check lists it and fails; --repair
# rewrites it; the report is right again.
run sqlite3 "$db" "UPDATE datavalue_rollup SET y = 570000, s1 = 570000, q1 = 570000, m1 = 70000, last1 = 70000 WHERE orgunit_id = (SELECT id FROM orgunit WHERE code = '41') AND de_id IN (SELECT id FROM dataelement WHERE code IN ('jobs', 'stock'))"
expect_status 0
run "$MINSHENG" report --year 2023 --period 202302 --orgunit 41 --format csv --db "$db"
expect_out ",jobs,新增就业,人,count,>=,1000,57,5.7,"
run "$MINSHENG" values check --db "$db"
expect_status 1
expect_out "汇总不符：数据元 'jobs'，单位 '41'，2023 年，2023 合计：存为 57，应为 157"
expect_out "汇总不符：数据元 'stock'，单位 '41'，2023 年，2023 合计：存为 57，应为 157"
expect_out "核对未通过：2 个汇总与其下的数据值不符"
run "$MINSHENG" report --year 2023 --period 202302 --orgunit 41 --format csv --db "$db"
expect_out ",jobs,新增就业,人,count,>=,1000,57,5.7," # check alone writes nothing
run "$MINSHENG" values check --repair --db "$db"
expect_status 0
expect_out "（已修复）"
expect_out "已修复 2 个汇总"
run "$MINSHENG" values check --db "$db"
expect_status 0
run "$MINSHENG" report --year 2023 --period 202302 --orgunit 41 --format csv --db "$db"
expect_out ",jobs,新增就业,人,count,>=,1000,157,15.7,"
run "$MINSHENG" report --year 2023 --period 202301 --orgunit 41 --format csv --db "$db"
expect_out ",stock,在岗人数,人,count,>=,1000,107,10.7,"
# Only the last figure wrong: named as such.
run sqlite3 "$db" "UPDATE datavalue_rollup SET last1 = 70000 WHERE orgunit_id = (SELECT id FROM orgunit WHERE code = '41') AND de_id = (SELECT id FROM dataelement WHERE code = 'stock')"
run "$MINSHENG" values check --db "$db"
expect_status 1
expect_out "汇总不符：数据元 'stock'，单位 '41'，2023 年，截至 202301 的最新值：存为 7，应为 107"
run "$MINSHENG" values check --repair --db "$db"
expect_status 0

# check's usage errors; a database that does not exist is not created.
run "$MINSHENG" values check extra --db "$db"
expect_status 2
run "$MINSHENG" values check --nosuch --db "$db"
expect_status 2
run "$MINSHENG" values check --db "$SCRATCH/none.db"
expect_status 3
expect_no_db_files "$SCRATCH/none.db"

# A value for the formula rate's own code is never read: a row error.
printf '%s\nvillages,202301,410202,,,50\ncourier_rate,202303,410202,,,64.4\n' "$H" >"$SCRATCH/f.csv"
run "$MINSHENG" values import "$SCRATCH/f.csv" --db "$db"
expect_status 1
expect_err "f.csv:3:1: 指标 'courier_rate' 由分子 'vwc' 和分母 'villages' 计算，请上报分子和分母"
expect_err "共 1 行有错误，未导入任何数据"
run "$MINSHENG" values import "$SCRATCH/f.csv" --partial --rejects "$SCRATCH/rej.csv" --db "$db"
expect_status 0
expect_out "导入 1 条，替换 0 条，拒绝 1 条"
printf 'line,column,code,message\n3,1,formula_indicator,指标 '"'"'courier_rate'"'"' 由分子 '"'"'vwc'"'"' 和分母 '"'"'villages'"'"' 计算，请上报分子和分母\n' >"$SCRATCH/rej.expected"
expect_same "$SCRATCH/rej.expected" "$SCRATCH/rej.csv"
run sqlite3 "$db" "SELECT count(*) FROM datavalue WHERE de_id = (SELECT id FROM dataelement WHERE code = 'courier_rate')"
[ "$(out)" = "0" ] && _pass || _fail "a formula rate's own value was stored"

# Blank lines (also at the end, also several) hold no value: skipped.
printf '%s\n\njobs,202303,410102,,,5\n\n\njobs,202304,410102,,,6\n\n' "$H" >"$SCRATCH/b.csv"
run "$MINSHENG" values import "$SCRATCH/b.csv" --db "$db"
expect_status 0
expect_out "导入 2 条，替换 0 条，拒绝 0 条"
# A line of one field that is not empty is still a bad row.
printf '%s\n\nx\n' "$H" >"$SCRATCH/x.csv"
run "$MINSHENG" values import "$SCRATCH/x.csv" --db "$db"
expect_status 1
expect_err "x.csv:3:2: 有 1 个字段，应为 6 个"


# A root without children: a year its report could not sum is refused at
# import (both modes, nothing written), not left to fail every report.
rdb="$SCRATCH/root.db"
printf 'code,name,level,parent_code\n41,河南省,province,\n' >"$SCRATCH/root-units.csv"
run "$MINSHENG" orgunit import "$SCRATCH/root-units.csv" --db "$rdb"
expect_status 0
run "$MINSHENG" plan import "$SCRATCH/plan.csv" --db "$rdb"
expect_status 0
printf '%s\njobs,202303,41,,,922337203685477.5807\njobs,202304,41,,,922337203685477.5807\n' "$H" >"$SCRATCH/big.csv"
for mode in "" --partial; do
	run "$MINSHENG" values import "$SCRATCH/big.csv" $mode --db "$rdb"
	expect_status 1
	expect_err "big.csv: 数据元 'jobs' 在单位 '41' 的 2023 年汇总超出数值范围"
done
run "$MINSHENG" report --year 2023 --format csv --db "$rdb"
expect_status 0
expect_out ",jobs,新增就业,人,count,>=,1000,,,,false,grey,"

finish
