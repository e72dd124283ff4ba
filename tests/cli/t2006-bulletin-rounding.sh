#!/usr/bin/env bash
# The bulletin judges on exact figures and only rounds when printing, and a
# printed figure never reads as the opposite of the judgement:
#  1. a count that is not met is never printed as 100% (99.5%, 99.95%,
#     100.4% under a cap), at any precision;
#  2. 序时进度 is compared exactly (24.6% printed 25% is behind 25%), and a
#     count listed as behind or over it is printed with the digits that set
#     it apart (24.6%, 8.3% against 8.33% in January);
#  3. a formula rate's difference is (100·n − target·d) / d rounded once, never
#     the rounded rate minus the target;
#  4. a rate's difference has at least as many decimals as the rate printed
#     (73.5% is 高于…13.5个百分点 at precision 0, not 14).
# docs/bulletin.md, "Percentages".
. "$(dirname "$0")/lib.sh"

db="$SCRATCH/r.db"
B() { "$MINSHENG" bulletin "$@" --db "$db"; }

cat >"$SCRATCH/ou.csv" <<'EOF'
code,name,level,parent_code
41,河南省,province,
EOF
cat >"$SCRATCH/plan.csv" <<'EOF'
year,project_no,project_title,indicator,indicator_name,unit,kind,comparator,target,orgunit,aggregation,numerator,denominator
2025,1,计数,c995,甲,个,count,>=,1000,41,sum,,
2025,1,计数,c9995,乙,个,count,>=,1000,41,sum,,
2025,1,计数,cap,丙,起,count,<=,1000,41,sum,,
2025,1,计数,exact,丁,个,count,>=,1000,41,sum,,
2025,1,计数,eq,戊,个,count,=,1000,41,sum,,
2025,2,进度,q1,己,个,count,>=,1000,41,sum,,
2025,2,进度,q2,庚,个,count,>=,1000,41,sum,,
2025,2,进度,q3,辛,个,count,>=,1000,41,sum,,
2025,2,进度,cap2,壬,起,count,<=,1000,41,sum,,
2025,2,进度,cap3,癸,起,count,<=,1000,41,sum,,
2025,3,比率,fr,甲率,%,rate,>=,95.248,41,last,fr_n,fr_d
2025,3,比率,half,乙率,%,rate,>=,95,41,last,half_n,half_d
2025,3,比率,pr,丙率,%,rate,>=,60,41,last,,
2025,3,比率,pr2,丁率,%,rate,>=,98,41,last,,
EOF
# Q1 values for the counts (their year end is the same sum), year values
# for the rates.
cat >"$SCRATCH/values.csv" <<'EOF'
dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value
c995,2025Q1,41,,,995
c9995,2025Q1,41,,,999.5
cap,2025Q1,41,,,1004
exact,2025Q1,41,,,1000
eq,2025Q1,41,,,1000.4
q1,2025Q1,41,,,246
q2,2025Q1,41,,,249.6
q3,2025Q1,41,,,250
cap2,2025Q1,41,,,251
cap3,2025Q1,41,,,249
fr_n,2025,41,,,95246
fr_d,2025,41,,,100000
half_n,2025,41,,,1890
half_d,2025,41,,,2000
pr,2025,41,,,73.5
pr2,2025,41,,,98.95
EOF
# mkdb DB PLAN VALUES: a fresh database with the province, the plan, the values.
mkdb() {
	run "$MINSHENG" orgunit import "$SCRATCH/ou.csv" --db "$1"
	expect_status 0
	run "$MINSHENG" plan import "$2" --db "$1"
	expect_status 0
	run "$MINSHENG" values import "$3" --db "$1"
	expect_status 0
	expect_out "拒绝 0 条"
}
mkdb "$db" "$SCRATCH/plan.csv" "$SCRATCH/values.csv"

# ---- 1. a count not met is never 100% ----

# 995, 999.5 and 1004 (over a cap) of 1000 are not met; 1000 is exactly
# met (100%); 1000.4 against "= 1000" is not met and not 100% either.
for p in 0 1 2; do
	run B --year 2025 --precision "$p"
	expect_status 0
	expect_out "全省甲累计995个，乙累计999.5个、丙累计1004起、丁累计1000个、戊累计1000.4个，分别完成年度目标任务的99.5%、99.95%、100.4%、100%、100.04%。"
	expect_out "未完成的指标：甲、乙、丙、戊、己、庚、辛、甲率、乙率。"
	expect_out "14项指标任务已完成5项。"
done
# At precision 3 every figure is already apart from 100%.
run B --year 2025 --precision 3
expect_status 0
expect_out "分别完成年度目标任务的99.5%、99.95%、100.4%、100%、100.04%。"
# A count that is met may read 100%: 999.6 under a cap of 1000 at precision 0.
cat >"$SCRATCH/v2.csv" <<'EOF'
dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value
cap,2025Q1,41,,,999.6
EOF
tail -n +2 "$SCRATCH/values.csv" | grep -v '^cap,' >>"$SCRATCH/v2.csv"
mkdb "$SCRATCH/r2.db" "$SCRATCH/plan.csv" "$SCRATCH/v2.csv"
run "$MINSHENG" bulletin --year 2025 --precision 0 --db "$SCRATCH/r2.db"
expect_status 0
expect_out "丙累计999.6起"
expect_out "分别完成年度目标任务的99.5%、99.95%、100%、100%、100.04%。"
expect_out "未完成的指标：甲、乙、戊、"

# ---- 2. 序时进度 judged exactly ----

# 2025Q1: 序时进度 25%. 246 and 249.6 of 1000 are behind it (24.6%,
# 24.96%), 250 is on it; 251 under a cap is over it, 249 is not (and 1004
# under a cap, over the whole year's, is over it too).
run B --year 2025 --period 2025Q1 --precision 0
expect_status 0
expect_out "截至3月底，2025年省重点民生实事进展情况如下："
expect_out "全省己累计246个，庚累计249.6个、辛累计250个、壬累计251起、癸累计249起，分别完成年度目标任务的24.6%、24.96%、25%、25.1%、25%。"
expect_out "落后于序时进度（25%）的指标：己（24.6%）、庚（24.96%）。"
expect_out "超出序时进度（25%）的指标：丙（100.4%）、壬（25.1%）。"
expect_no_out "各项指标均达到序时进度"
# In the year a count that is not met is not printed as 100% either.
expect_out "分别完成年度目标任务的99.5%、99.95%、100.4%、100%、100.04%。"
run B --year 2025 --period 2025Q1
expect_status 0
expect_out "落后于序时进度（25%）的指标：己（24.6%）、庚（24.96%）。"
expect_out "超出序时进度（25%）的指标：丙（100.4%）、壬（25.1%）。"
run B --year 2025 --period 2025Q1 --precision 2
expect_status 0
expect_out "落后于序时进度（25%）的指标：己（24.6%）、庚（24.96%）。"

# With only counts on schedule, exactly: 250 of 1000 at 25%, 249 under a
# cap, and nothing behind.
db3="$SCRATCH/r3.db"
cat >"$SCRATCH/plan3.csv" <<'EOF'
year,project_no,project_title,indicator,indicator_name,unit,kind,comparator,target,orgunit,aggregation,numerator,denominator
2025,1,进度,q3,辛,个,count,>=,1000,41,sum,,
2025,1,进度,cap3,癸,起,count,<=,1000,41,sum,,
EOF
grep -E '^(dataelement|q3|cap3),' "$SCRATCH/values.csv" >"$SCRATCH/values3.csv"
mkdb "$db3" "$SCRATCH/plan3.csv" "$SCRATCH/values3.csv"
run "$MINSHENG" bulletin --year 2025 --period 2025Q1 --precision 0 --db "$db3"
expect_status 0
expect_out "各项指标均达到序时进度。"
expect_no_out "落后于序时进度"
expect_no_out "超出序时进度"
# In January: 序时进度 of 202501 is 1/12 = 8.333…%, printed
# 8.3%; 83 of 1000 (8.3%) is behind it and listed against 8.33%.
cat >"$SCRATCH/plan4.csv" <<'EOF'
year,project_no,project_title,indicator,indicator_name,unit,kind,comparator,target,orgunit,aggregation,numerator,denominator
2025,1,进度,jan,子,个,count,>=,1000,41,sum,,
2025,1,进度,jan2,丑,个,count,>=,1000,41,sum,,
2025,1,进度,jan3,寅,起,count,<=,1000,41,sum,,
EOF
cat >"$SCRATCH/values4.csv" <<'EOF'
dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value
jan,202501,41,,,83
jan2,202501,41,,,84
jan3,202501,41,,,90
EOF
db4="$SCRATCH/r4.db"
mkdb "$db4" "$SCRATCH/plan4.csv" "$SCRATCH/values4.csv"
run "$MINSHENG" bulletin --year 2025 --period 202501 --db "$db4"
expect_status 0
expect_out "全省子累计83个，丑累计84个、寅累计90起，分别完成年度目标任务的8.3%、8.4%、9%。"
expect_out "落后于序时进度（8.33%）的指标：子（8.3%）。"
run "$MINSHENG" bulletin --year 2025 --period 202501 --precision 0 --db "$db4"
expect_status 0
# 83 would read 8% as 序时进度 does: both are printed with the digits that
# set them apart; 84 (8.4%) is ahead and stays 8%.
# 90 under a cap (9%) is over it; both lines print 序时进度 alike.
expect_out "分别完成年度目标任务的8.3%、8%、9%。"
expect_out "落后于序时进度（8.33%）的指标：子（8.3%）。"
expect_out "超出序时进度（8.33%）的指标：寅（9%）。"

# ---- 3. a formula rate's difference is rounded once ----

# 95246 / 100000 = 95.246% against 95.248: 0.002 points below, at every
# precision (not 高于…0.002 from 95.25 − 95.248, not 低于…0.048 from 95.2).
for p in 0 1 2 3 4; do
	run B --year 2025 --precision "$p"
	expect_status 0
	expect_out "甲率达到95.246%，低于年度目标任务0.002个百分点"
	expect_no_out "0.048"
	expect_no_out "高于年度目标任务0.002"
done
# 1890 / 2000 = 94.5% against 95: at precision 0 the rate rounds to 95%,
# the target itself, so both are printed with one more digit.
run B --year 2025 --precision 0
expect_out "乙率达到94.5%，低于年度目标任务0.5个百分点"
expect_no_out "乙率达到95%"
run B --year 2025 --precision 1
expect_out "乙率达到94.5%，低于年度目标任务0.5个百分点"

# ---- 4. a rate's difference has the decimals of the rate ----

run B --year 2025 --precision 0
expect_out "丙率达到73.5%，高于年度目标任务13.5个百分点"
expect_out "丁率达到98.95%，高于年度目标任务0.95个百分点"
expect_no_out "高于年度目标任务14个百分点"
run B --year 2025 --precision 1
expect_out "丙率达到73.5%，高于年度目标任务13.5个百分点"
expect_out "丁率达到98.95%，高于年度目标任务0.95个百分点"
run B --year 2025 --precision 3
expect_out "丙率达到73.5%，高于年度目标任务13.5个百分点"
expect_out "丁率达到98.95%，高于年度目标任务0.95个百分点"

finish
