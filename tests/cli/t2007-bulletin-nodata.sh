#!/usr/bin/env bash
# Bulletins and reports where data is missing or at the imports' limits:
#  1. an indicator without data is never on schedule: a progress bulletin
#     names the indicators without data (N项指标暂无数据：…) and says
#     各项指标均达到序时进度 only when every indicator has data (and a target)
#     and none is behind; with some missing and the rest on schedule it
#     says 其余指标均达到序时进度; a year-end bulletin does not list
#     indicators without data as 未完成;
#  2. a value near the import's limit (about 9.2×10^14) against any target
#     the plan import accepts never fails report, bulletin or lagging: the
#     colours are judged exactly at every kind of period, and a figure too
#     large for a decimal is left out (null, 超出数值范围).
# docs/bulletin.md, docs/report.md.
. "$(dirname "$0")/lib.sh"

D="$SRCDIR/data"
VH='dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value'
PH='year,project_no,project_title,indicator,indicator_name,unit,kind,comparator,target,orgunit,aggregation,numerator,denominator'

# ---- 1a. the 2022 regression data (year-end values only) in June ----
r="$SCRATCH/r.db"
run "$MINSHENG" orgunit import "$D/henan-divisions-2022.csv" --db "$r"
expect_status 0
run "$MINSHENG" plan import "$D/henan-2022-plan.csv" --db "$r"
expect_status 0
run "$MINSHENG" values import "$D/henan-2022-results.csv" --db "$r"
expect_status 0
run "$MINSHENG" bulletin --year 2022 --period 202206 --db "$r"
expect_status 0
expect_out "截至6月底，2022年省重点民生实事进展情况如下："
expect_out "25项指标暂无数据：职业技能培训、新增技能人才、"
expect_out "“豫事办”注册用户数、“豫事办”上线事项。"
expect_no_out "达到序时进度"
expect_no_out "落后于序时进度"
expect_out "25项指标任务已完成0项。"
# Year end: every indicator has data, nothing changes.
run "$MINSHENG" bulletin --year 2022 --db "$r"
expect_status 0
expect_no_out "暂无数据"
expect_no_out "未设本级目标"
expect_out "25项指标任务已完成25项。"

# ---- 1b. the demo with one value in 2023Q1 ----
d="$SCRATCH/d.db"
run "$MINSHENG" demo --db "$d"
expect_status 0
printf '%s\nskill_training,2023Q1,41,,,800000\n' "$VH" >"$SCRATCH/q.csv"
run "$MINSHENG" values import "$SCRATCH/q.csv" --db "$d"
expect_status 0
run "$MINSHENG" report --year 2023 --period 2023Q1 --format json --indicator skill_training --db "$d"
expect_status 0
expect_out '"colour":"green"'
run "$MINSHENG" bulletin --year 2023 --period 2023Q1 --db "$d"
expect_status 0
expect_out "24项指标暂无数据：新增技能人才、"
expect_out "其余指标均达到序时进度。"
expect_no_out "各项指标均达到序时进度"
expect_out "25项指标任务已完成0项。"
run "$MINSHENG" bulletin --year 2023 --db "$d"
expect_status 0
expect_out "未完成的指标：职业技能培训。"
expect_out "24项指标暂无数据：新增技能人才、"
expect_no_out "达到序时进度"

# ---- 1c. every indicator with data and on schedule; 1d. no target here ----
s="$SCRATCH/s.db"
cat >"$SCRATCH/ou.csv" <<'EOF'
code,name,level,parent_code
41,河南省,province,
4101,郑州市,city,41
410102,中原区,county,4101
EOF
run "$MINSHENG" orgunit import "$SCRATCH/ou.csv" --db "$s"
expect_status 0
cat >"$SCRATCH/plan.csv" <<EOF
$PH
2025,1,计数,a,甲,个,count,>=,1000,41,sum,,
2025,1,计数,b,乙,起,count,<=,1000,41,sum,,
2025,2,比率,c,丙率,%,rate,>=,60,41,last,,
EOF
run "$MINSHENG" plan import "$SCRATCH/plan.csv" --db "$s"
expect_status 0
cat >"$SCRATCH/v.csv" <<EOF
$VH
a,2025Q1,41,,,250
b,2025Q1,41,,,250
c,202503,41,,,61
EOF
run "$MINSHENG" values import "$SCRATCH/v.csv" --db "$s"
expect_status 0
run "$MINSHENG" bulletin --year 2025 --period 2025Q1 --db "$s"
expect_status 0
expect_out "各项指标均达到序时进度。"
expect_no_out "暂无数据"
expect_no_out "其余"
expect_out "3项指标任务已完成2项。"
# One more indicator whose only target is a city's: the province rolls up
# its data but has nothing to judge it against.
cat >"$SCRATCH/plan2.csv" <<EOF
$PH
2025,3,分解,z,子,个,count,>=,10,4101,sum,,
EOF
run "$MINSHENG" plan import "$SCRATCH/plan2.csv" --db "$s"
expect_status 0
printf '%s\nz,2025Q1,4101,,,9\n' "$VH" >"$SCRATCH/v2.csv"
run "$MINSHENG" values import "$SCRATCH/v2.csv" --db "$s"
expect_status 0
run "$MINSHENG" bulletin --year 2025 --period 2025Q1 --db "$s"
expect_status 0
expect_out "全省子累计9个。"
expect_out "1项指标未设本级目标：子。"
expect_out "其余指标均达到序时进度。"
expect_no_out "各项指标均达到序时进度"

# ---- 2. values and targets at the limits ----
l="$SCRATCH/l.db"
run "$MINSHENG" orgunit import "$SCRATCH/ou.csv" --db "$l"
expect_status 0
# The reviewer's case: 800000000000.1234 of 10^12 in January, 3×10^14 of
# 10^15 in week 6 of 2025.
cat >"$SCRATCH/pl.csv" <<EOF
$PH
2023,1,大额,amt,资金拨付,元,count,>=,1000000000000,41,sum,,
2023,1,大额,ok,其他,人,count,>=,100,41,sum,,
2025,1,X,w,大额,元,count,>=,1000000000000000,41,sum,,
2024,1,极值,maxv,最大值,元,count,>=,9223372036854775807,41,sum,,
2024,1,极值,maxv,最大值,元,count,>=,9223372036854775807,410102,sum,,
2024,1,极值,edge,黄色边界,元,count,>=,6000000000000000,41,sum,,
2024,1,极值,below,黄色边界下,元,count,>=,6000000000000000,41,sum,,
2024,1,极值,tiny,极小目标,元,count,>=,0.000000000000000001,41,sum,,
2024,1,极值,capx,上限,起,count,<=,0.000000000000000001,41,sum,,
2024,2,比率,fmax,极值比率,%,rate,>=,100,41,last,fmax_n,fmax_d
2024,2,比率,fy,黄色比率,%,rate,>=,99.9999999999999999,41,last,fy_n,fy_d
2024,2,比率,fr,红色比率,%,rate,>=,100,41,last,fr_n,fr_d
EOF
run "$MINSHENG" plan import "$SCRATCH/pl.csv" --db "$l"
expect_status 0
cat >"$SCRATCH/vl.csv" <<EOF
$VH
amt,202301,41,,,800000000000.1234
ok,202301,41,,,10
w,202501,41,,,300000000000000
maxv,202401,410102,,,922337203685477.5807
edge,2024Q1,41,,,900000000000000
below,2024Q1,41,,,899999999999999.9999
tiny,202401,41,,,922337203685477.5807
capx,202401,41,,,0.0001
fmax_n,202401,41,,,922337203685477.5807
fmax_d,202401,41,,,0.0001
fy_n,202401,41,,,882000000000000
fy_d,202401,41,,,900000000000000
fr_n,202401,41,,,881999999999999.9999
fr_d,202401,41,,,900000000000000
EOF
run "$MINSHENG" values import "$SCRATCH/vl.csv" --db "$l"
expect_status 0
run "$MINSHENG" report --year 2023 --period 202301 --format json --indicator amt --db "$l"
expect_status 0
expect_out '"completion_pct":80.0,"diff_pp":null,"met":false,"colour":"green"'
run "$MINSHENG" report --year 2023 --period 202301 --db "$l"
expect_status 0
run "$MINSHENG" bulletin --year 2023 --period 202301 --db "$l"
expect_status 0
expect_out "分别完成年度目标任务的80%、10%。"
run "$MINSHENG" report --year 2025 --period 2025W06 --format json --db "$l"
expect_status 0
expect_out '"completion_pct":30.0,"diff_pp":null,"met":false,"colour":"green"'
run "$MINSHENG" bulletin --year 2025 --period 2025W06 --db "$l"
expect_status 0
expect_out "完成年度目标任务的30%"

# colour of an indicator at a period, from the CSV report (column 19)
colour() {
	run "$MINSHENG" report --year 2024 --period "$1" --precision 4 --format csv --db "$l"
	expect_status 0
	local got
	got=$(awk -F, -v i="$2" '$9 == i { print $19 }' "$SCRATCH/.out")
	if [ "$got" = "$3" ]; then _pass; else _fail "$2 at $1: colour '$got', expected '$3'"; fi
}
# 9×10^14 of 6×10^15 is exactly 15%: at 2024Q1 and 202403 (25%) exactly at
# the yellow edge 25 − 10; 0.0001 less is red. 31 March and week 13 (which
# ends on 31 March) are reported as of the end of March, as 202403 (25%,
# docs/report.md, Weeks and days); in the first half (50%) both red.
for p in 2024Q1 202403; do
	colour "$p" edge yellow
	colour "$p" below red
done
colour 20240331 edge yellow
colour 20240331 below red
colour 2024W13 below red
colour 2024S1 edge red
# The largest value against the largest target is 0.01%: yellow in January
# (8.33% − 10 < 0; 31 January and week 5, to 4 February, are as of the end
# of January), red from February on (29 February, week 9), green nowhere.
# A day or a week holds the months that ended in it (docs/report.md).
colour 202401 maxv yellow
colour 20240131 maxv yellow
colour 2024W05 maxv yellow
colour 20240229 maxv red
colour 2024W09 maxv red
colour 2024Q2 maxv red
colour 2024 maxv red
# The smallest target: met (green) and capped (red) at every period.
for p in 20240131 2024W05 202401 2024Q1 2024S1 2024; do
	colour "$p" tiny green
	colour "$p" capx red
done
# Formula rates: exactly 98% is yellow against 100 and against
# 99.9999999999999999 (2 points is the edge); 0.0001 less is red.
colour 202403 fy yellow
colour 202403 fr red
colour 202403 fmax green

run "$MINSHENG" report --year 2024 --period 2024Q1 --precision 4 --format json --indicator fmax --db "$l"
expect_status 0
expect_out '"actual":null,"completion_pct":null,"diff_pp":null,"met":true,"colour":"green"'
run "$MINSHENG" report --year 2024 --period 2024Q1 --precision 4 --format json --indicator tiny --db "$l"
expect_status 0
expect_out '"actual":922337203685477.5807,"completion_pct":null,"diff_pp":null,"met":true,"colour":"green"'
run "$MINSHENG" report --year 2024 --period 2024Q1 --precision 4 --db "$l"
expect_status 0
expect_out "超出数值范围"
run "$MINSHENG" report --year 2024 --period 2024Q1 --by county --format csv --db "$l"
expect_status 0
for p in 20240315 2024W11 202403 2024Q1 2024S1 2024; do
	for n in 0 4; do
		run "$MINSHENG" bulletin --year 2024 --period "$p" --precision "$n" --db "$l"
		expect_status 0
	done
done
run "$MINSHENG" bulletin --year 2024 --period 2024Q1 --db "$l"
expect_out "极小目标累计9223372.04亿元，完成率超出数值范围"
expect_out "全省极值比率超出数值范围，达到年度目标任务"
expect_out "落后于序时进度（25%）的指标：最大值（0%）、黄色边界（15%）、黄色边界下（15%）、黄色比率（98%）、红色比率（98%）。"
run "$MINSHENG" lagging --year 2024 --indicator maxv --period 2024W06 --db "$l"
expect_status 0
expect_out "全省1个县级单位均未完成"
run "$MINSHENG" lagging --year 2024 --indicator tiny --db "$l"
expect_status 0

finish
