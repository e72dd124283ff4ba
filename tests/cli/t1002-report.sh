#!/usr/bin/env bash
# report: JSON, CSV and text compared exactly with the expected files; the
# option errors; a new value visible in the next report.
. "$(dirname "$0")/lib.sh"

D="$TESTDATA/tracker/core"
db="$SCRATCH/r.db"
run "$MINSHENG" orgunit import "$D/orgunits.csv" --db "$db"
expect_status 0
run "$MINSHENG" plan import "$D/plan.csv" --db "$db"
expect_status 0
run "$MINSHENG" values import "$D/values.csv" --db "$db"
expect_status 0

check() { # expected-file args...
	local exp="$1"
	shift
	run "$MINSHENG" report "$@" --db "$db"
	expect_status 0
	out >"$SCRATCH/got"
	expect_same "$D/$exp" "$SCRATCH/got"
}
check report-2023Q1.json --year 2023 --period 2023Q1 --format json
check report-2023Q1-by-city.json --year 2023 --period 2023Q1 --by city --format json
check report-2023-by-city.csv --year 2023 --by 2 --format csv
check report-2023Q1-by-county.txt --year 2023 --period 2023Q1 --by county

# Precision and a unit below the root.
run "$MINSHENG" report --year 2023 --period 2023Q1 --orgunit 4103 --precision 2 --format json --db "$db"
expect_status 0
expect_out '"orgunit":"4103"'
expect_out '"actual":170000,"completion_pct":21.25,'
run "$MINSHENG" report --year 2023 --period 2023Q1 --orgunit 4103 --precision 0 --format json --db "$db"
expect_out '"completion_pct":21,'
# Thresholds: 21.25% is 3.75 behind 25%: yellow by default, red with 3.
run "$MINSHENG" report --year 2023 --period 2023Q1 --orgunit 4103 --yellow-pp 3 --format json --db "$db"
expect_out '"completion_pct":21.3,"diff_pp":null,"met":false,"colour":"red"'

# Usage and input errors.
run "$MINSHENG" report --db "$db"
expect_status 2
expect_err "需要 --year"
run "$MINSHENG" report --year 2023 --by town --db "$db"
expect_status 2
run "$MINSHENG" report --year 2023 --precision 5 --db "$db"
expect_status 2
run "$MINSHENG" report --year 2023 --period 2024Q1 --db "$db"
expect_status 2
run "$MINSHENG" report --year 2023 --period 2023Q5 --db "$db"
expect_status 2
run "$MINSHENG" report --year 2023 --format xml --db "$db"
expect_status 2
run "$MINSHENG" report --year 2023 --orgunit 4199 --db "$db"
expect_status 1
expect_err "未知的单位代码 '4199'"
run "$MINSHENG" report --year 2023 --orgunit 4101 --by city --db "$db"
expect_status 1

# A new value shows in the next report, no rebuild step.
printf 'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\nskill_training,202301,410102001001,,,30000\n' >"$SCRATCH/one.csv"
run "$MINSHENG" values import "$SCRATCH/one.csv" --db "$db"
expect_status 0
# 410102 reports months itself, so its village's January does not add there;
# 410102's own January (100000) stands for the county.
run "$MINSHENG" report --year 2023 --period 2023Q1 --indicator skill_training --format json --db "$db"
expect_out '"actual":1070000,'
run "$MINSHENG" report --year 2023 --period 2023Q1 --orgunit 410102001 --indicator skill_training --format json --db "$db"
expect_out '"actual":30000,'
printf 'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\nskill_training,202302,410103,,,5000\n' >"$SCRATCH/two.csv"
run "$MINSHENG" values import "$SCRATCH/two.csv" --db "$db"
# 410103's own February lies inside its own Q1: the quarter stands.
run "$MINSHENG" report --year 2023 --period 2023Q1 --indicator skill_training --format json --db "$db"
expect_out '"actual":1070000,'
run "$MINSHENG" report --year 2023 --period 202302 --indicator skill_training --format json --db "$db"
expect_out '"actual":1224999,'

# A rate 0.04 points under its target: the diff rounds to 0.0 at precision 1;
# the table shows it without a "+", the year-end bulletin does not call it
# reached but gives the difference with the digits it needs.
db2="$SCRATCH/near.db"
run "$MINSHENG" orgunit import "$D/orgunits.csv" --db "$db2"
expect_status 0
printf '%s\n' "year,project_no,project_title,indicator,indicator_name,unit,kind,comparator,target,orgunit,aggregation,numerator,denominator" \
	"2023,1,筛查,screening,两病筛查率,%,rate,>=,95,41,,," >"$SCRATCH/near-plan.csv"
printf '%s\n' "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value" \
	"screening,2023,41,,,94.96" >"$SCRATCH/near-values.csv"
run "$MINSHENG" plan import "$SCRATCH/near-plan.csv" --db "$db2"
expect_status 0
run "$MINSHENG" values import "$SCRATCH/near-values.csv" --db "$db2"
expect_status 0
run "$MINSHENG" report --year 2023 --db "$db2"
expect_status 0
expect_out " 0.0个百分点  否"
expect_no_out "+0.0个百分点"
run "$MINSHENG" bulletin --year 2023 --db "$db2"
expect_status 0
expect_out "全省两病筛查率达到94.96%，低于年度目标任务0.04个百分点。"
expect_out "未完成的指标：两病筛查率。"


# CSV: a name, title or unit a spreadsheet would run as a formula (= + - @)
# is written with a leading single quote (the subsidy outputs' guard,
# mask_csv_text); numbers are not touched.
db3="$SCRATCH/formula.db"
printf 'code,name,level,parent_code\n41,=HYPERLINK(1),province,\n4101,-郑州,city,41\n' >"$SCRATCH/f-units.csv"
printf '%s\n%s\n%s\n' "year,project_no,project_title,indicator,indicator_name,unit,kind,comparator,target,orgunit,aggregation,numerator,denominator" \
	"2023,1,@SUM(1),jobs,+新增,-人,count,>=,1000,41,sum,," \
	"2023,1,@SUM(1),jobs,+新增,-人,count,>=,1000,4101,sum,," >"$SCRATCH/f-plan.csv"
printf 'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\njobs,202301,4101,,,5\n' >"$SCRATCH/f-values.csv"
run "$MINSHENG" orgunit import "$SCRATCH/f-units.csv" --db "$db3"
expect_status 0
run "$MINSHENG" plan import "$SCRATCH/f-plan.csv" --db "$db3"
expect_status 0
run "$MINSHENG" values import "$SCRATCH/f-values.csv" --db "$db3"
expect_status 0
run "$MINSHENG" report --year 2023 --by 2 --format csv --db "$db3"
expect_status 0
expect_out "2023,2023,41,'=HYPERLINK(1),1,,1,'@SUM(1),jobs,'+新增,'-人,count,>=,1000,5,0.5,,false,red,"
expect_out "2023,2023,4101,'-郑州,2,41,1,'@SUM(1),jobs,'+新增,'-人,count,>=,1000,5,0.5,,false,red,1"
# JSON and text are not spreadsheets: the names as they are.
run "$MINSHENG" report --year 2023 --format json --db "$db3"
expect_out '"project_title":"@SUM(1)","indicator":"jobs","name":"+新增","unit":"-人"'

finish
