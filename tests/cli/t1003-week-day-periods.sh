#!/usr/bin/env bash
# report, bulletin and lagging for a week or a day: as of the last month
# that ended in it (its values and its 序时进度), the same figures as that
# month's report; before the end of January a usage error; weekly and daily
# values are refused by the import. docs/report.md, "Weeks and days".
. "$(dirname "$0")/lib.sh"

D="$TESTDATA/tracker/core"
db="$SCRATCH/w.db"
run "$MINSHENG" orgunit import "$D/orgunits.csv" --db "$db"
expect_status 0
run "$MINSHENG" plan import "$D/plan.csv" --db "$db"
expect_status 0
# values.csv: months at 410102, quarters at 410103, 4102 and 410302, a
# monthly rate for March at the province.
run "$MINSHENG" values import "$D/values.csv" --db "$db"
expect_status 0

# Values for a week or a day are refused: they do not nest with months.
printf 'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\nskill_training,2023W10,410102,,,5\nskill_training,20230315,410102,,,5\n' >"$SCRATCH/wd.csv"
run "$MINSHENG" values import "$SCRATCH/wd.csv" --db "$db"
expect_status 1
expect_err "wd.csv:2:2: 不支持的周期 '2023W10'"
expect_err "wd.csv:3:2: 不支持的周期 '20230315'"

# The JSON of a report without its "period" and "data_period".
strip() { sed -e 's/"period":"[0-9WSQ]*",//' -e 's/"data_period":"[0-9]*",//' "$SCRATCH/.out"; }

# same P M: every command gives for P what it gives for the month (or year) M.
same() {
	local p="$1" m="$2" f
	for f in json csv; do
		run "$MINSHENG" report --year 2023 --period "$m" --by city --format "$f" --db "$db"
		expect_status 0
		if [ "$f" = json ]; then strip >"$SCRATCH/m"; else cut -d, -f2 --complement "$SCRATCH/.out" >"$SCRATCH/m"; fi
		run "$MINSHENG" report --year 2023 --period "$p" --by city --format "$f" --db "$db"
		expect_status 0
		if [ "$f" = json ]; then strip >"$SCRATCH/p"; else cut -d, -f2 --complement "$SCRATCH/.out" >"$SCRATCH/p"; fi
		expect_same "$SCRATCH/m" "$SCRATCH/p"
	done
	run "$MINSHENG" bulletin --year 2023 --period "$m" --db "$db"
	expect_status 0
	out >"$SCRATCH/m"
	run "$MINSHENG" bulletin --year 2023 --period "$p" --db "$db"
	expect_status 0
	out >"$SCRATCH/p"
	expect_same "$SCRATCH/m" "$SCRATCH/p"
	for f in text json; do
		run "$MINSHENG" lagging --year 2023 --indicator skill_training --level county --period "$m" --format "$f" --db "$db"
		expect_status 0
		out >"$SCRATCH/m"
		run "$MINSHENG" lagging --year 2023 --indicator skill_training --level county --period "$p" --format "$f" --db "$db"
		expect_status 0
		out >"$SCRATCH/p"
		expect_same "$SCRATCH/m" "$SCRATCH/p"
	done
}
same 20230131 202301
same 2023W05 202301   # 30 January to 5 February
same 20230315 202302
same 20230330 202302
same 2023W12 202302   # to 26 March
same 20230331 202303
same 2023W13 202303   # 27 March to 2 April
same 20230515 202304
same 20230630 202306
same 20231230 202311
same 20231231 2023
same 2023W52 2023     # to 31 December

# The report says which month it is as of.
run "$MINSHENG" report --year 2023 --period 20230315 --indicator skill_training --format json --db "$db"
expect_status 0
expect_out '{"year":2023,"period":"20230315","data_period":"202302","orgunit":"41","time_progress_pct":16.7,'
run "$MINSHENG" report --year 2023 --period 2023W13 --db "$db"
expect_status 0
expect_out "统计期：2023W13（数据截至3月底，202303）  序时进度：25%"
run "$MINSHENG" report --year 2023 --period 20231231 --db "$db"
expect_status 0
expect_out "统计期：20231231（全年）  序时进度：100%"
# Months and quarters are unchanged: no data_period.
run "$MINSHENG" report --year 2023 --period 2023Q1 --format json --db "$db"
expect_no_out '"data_period"'

# 15 March: 郑州 reports by month, January and February count (220000 of
# 1200000, 18.3%), green against 2月底's 16.7% (by days, 74/365 = 20.3%,
# it used to be yellow); 洛阳 reports by quarter: no value yet.
run "$MINSHENG" report --year 2023 --period 20230315 --indicator skill_training --by city --format json --db "$db"
expect_out '{"orgunit":"4101","name":"郑州市","target":1200000,"actual":220000,"completion_pct":18.3,"diff_pp":null,"met":false,"colour":"green"}'
expect_out '{"orgunit":"4103","name":"洛阳市","target":800000,"actual":null,"completion_pct":null,"diff_pp":null,"met":false,"colour":"grey"}'
# Week 13 holds the whole first quarter: 洛阳's Q1 (170000, 21.3%, yellow).
run "$MINSHENG" report --year 2023 --period 2023W13 --indicator skill_training --by city --format json --db "$db"
expect_out '{"orgunit":"4103","name":"洛阳市","target":800000,"actual":170000,"completion_pct":21.3,"diff_pp":null,"met":false,"colour":"yellow"}'
# The unemployment rate reported for March: not there on 30 March, there on 31 March.
run "$MINSHENG" bulletin --year 2023 --period 20230330 --db "$db"
expect_out "截至2月底，2023年省重点民生实事进展情况如下："
expect_out "城镇调查失业率暂无数据"
run "$MINSHENG" bulletin --year 2023 --period 20230331 --db "$db"
expect_out "截至3月底，2023年省重点民生实事进展情况如下："
expect_out "城镇调查失业率达到5.3%"
# With --orgunit too.
run "$MINSHENG" bulletin --year 2023 --period 20230315 --orgunit 4101 --db "$db"
expect_status 0
expect_out "截至2月底，郑州市2023年省重点民生实事进展情况如下："
expect_out "全市职业技能培训累计22万人次，完成年度目标任务的18.3%"

# Exact: 200000 of 1200000 is exactly 2/12 of the target, on 序时进度 at
# 15 March (green, not behind); 199999 is behind (yellow).
e="$SCRATCH/e.db"
run "$MINSHENG" orgunit import "$D/orgunits.csv" --db "$e"
run "$MINSHENG" plan import "$D/plan.csv" --db "$e"
printf 'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\nskill_training,202301,4101,,,100000\nskill_training,202302,4101,,,100000\n' >"$SCRATCH/e.csv"
run "$MINSHENG" values import "$SCRATCH/e.csv" --db "$e"
expect_status 0
run "$MINSHENG" report --year 2023 --period 20230315 --orgunit 4101 --indicator skill_training --precision 4 --format json --db "$e"
expect_out '"time_progress_pct":16.6667,'
expect_out '"actual":200000,"completion_pct":16.6667,"diff_pp":null,"met":false,"colour":"green"'
run "$MINSHENG" bulletin --year 2023 --period 2023W10 --orgunit 4101 --db "$e"
expect_out "截至2月底，郑州市2023年省重点民生实事进展情况如下："
expect_no_out "落后于序时进度"
printf 'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\nskill_training,202302,4101,,,99999\n' >"$SCRATCH/e2.csv"
run "$MINSHENG" values import "$SCRATCH/e2.csv" --db "$e"
expect_status 0
run "$MINSHENG" report --year 2023 --period 20230315 --orgunit 4101 --indicator skill_training --precision 4 --format json --db "$e"
expect_out '"actual":199999,"completion_pct":16.6666,"diff_pp":null,"met":false,"colour":"yellow"'
run "$MINSHENG" bulletin --year 2023 --period 2023W10 --orgunit 4101 --db "$e"
# 16.66658% prints 16.7% at precision 1, as 序时进度 (16.6667%): both are
# given with the digits that tell them apart
expect_out "落后于序时进度（16.6667%）的指标：职业技能培训（16.6666%）。"

# Before the end of January no month has ended: a usage error (exit 2),
# before the database is even opened, for every command.
for p in 20230101 20230130 2023W01 2023W04; do
	run "$MINSHENG" report --year 2023 --period "$p" --db "$db"
	expect_status 2
	expect_err "minsheng: 周期 '$p' 结束时 2023 年还没有过完一个整月：数据值按月、季、半年和年上报，无从统计；最早可报告 202301（1月底）"
	expect_err "用法：minsheng report "
	if [ -s "$SCRATCH/.out" ]; then _fail "stdout not empty"; else _pass; fi
	run "$MINSHENG" bulletin --year 2023 --period "$p" --db "$db"
	expect_status 2
	expect_err "周期 '$p' 结束时"
	expect_err "用法：minsheng bulletin "
	run "$MINSHENG" lagging --year 2023 --indicator skill_training --period "$p" --db "$db"
	expect_status 2
	expect_err "周期 '$p' 结束时"
	expect_err "用法：minsheng lagging "
done
run "$MINSHENG" report --year 2023 --period 20230115 --db "$SCRATCH/none.db"
expect_status 2
expect_no_db_files "$SCRATCH/none.db"
# Week 1 of 2026 starts on 29 December 2025.
run "$MINSHENG" bulletin --year 2026 --period 2026W01 --db "$db"
expect_status 2
expect_err "周期 '2026W01' 结束时 2026 年还没有过完一个整月"

# A week that ends in the next year is the year end (its year has ended).
run "$MINSHENG" report --year 2020 --period 2020W53 --format json --db "$db"
expect_status 0
expect_out '{"year":2020,"period":"2020W53","data_period":"202012","orgunit":"41","time_progress_pct":100,'

finish
