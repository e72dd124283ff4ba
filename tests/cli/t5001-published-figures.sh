#!/usr/bin/env bash
# Published Henan figures from years other than 2022, year-end and in-year
# (2021 Q1 and year end, 2023 Q1 / first half / year end, 2024 first half
# and first three quarters), loaded through `orgunit import`, `plan import`
# and `values import` into a fresh database per dataset, must come out of
# `report --format json` with every printed percentage reproduced at the
# precision it was printed with. The data, the figures and their sources are
# in tests/data/tracker/published/ (README.md there says where each number
# comes from and which targets are derived).
#
# tests/data/tracker/published/figures.csv has one row per printed figure:
#   dataset,period,precision,indicator,field,printed,source
# field is completion_pct (counts) or diff_pp (rates, percentage points).
# No python or jq: the JSON is searched with grep, one indicator object at a
# time (report items hold no nested objects without --by).
. "$(dirname "$0")/lib.sh"

P="$TESTDATA/tracker/published"
DIV="$SRCDIR/data/henan-divisions-2022.csv"

check_true() { # message command...
	local msg=$1
	shift
	if "$@"; then _pass; else _fail "$msg"; fi
}

# load DATASET: fresh database with the divisions, the plan and the values.
load() {
	local ds=$1 db="$SCRATCH/$1.db"
	run "$MINSHENG" orgunit import "$DIV" --db "$db"
	expect_status 0
	run "$MINSHENG" plan import "$P/$ds-plan.csv" --db "$db"
	expect_status 0
	local nvalues
	nvalues=$(($(wc -l <"$P/$ds-values.csv") - 1))
	run "$MINSHENG" values import "$P/$ds-values.csv" --db "$db"
	expect_status 0
	# Every value taken, none rejected.
	expect_out "导入 $nvalues 条"
	expect_out "拒绝 0 条"
}

# report DATASET PERIOD PRECISION: the JSON report, kept in a file.
report_json() {
	local ds=$1 period=$2 prec=$3 year=${2:0:4}
	local f="$SCRATCH/$ds-$period-p$prec.json"
	if [ ! -s "$f" ]; then
		run "$MINSHENG" report --year "$year" --period "$period" \
			--precision "$prec" --format json --db "$SCRATCH/$ds.db"
		expect_status 0
		expect_out "\"period\":\"$period\""
		cp "$SCRATCH/.out" "$f"
	fi
}

check_figure() { # dataset period precision indicator field printed source
	local ds=$1 period=$2 prec=$3 ind=$4 field=$5 fig=$6 src=$7
	local f="$SCRATCH/$ds-$period-p$prec.json" item
	item=$(grep -oE "\"indicator\":\"$ind\",[^}]*" "$f")
	if [ -z "$item" ]; then
		_fail "$ds $period: indicator $ind missing from the report (source $src)"
	elif grep -qF "\"$field\":$fig," <<<"$item"; then
		_pass
	else
		_fail "$ds $period: $ind $field should be $fig at precision $prec (source $src), report has: $item"
	fi
}

loaded=" "
n=0
while IFS=, read -r ds period prec ind field fig src; do
	[ "$ds" = dataset ] && continue
	case "$loaded" in
	*" $ds "*) ;;
	*)
		load "$ds"
		loaded="$loaded$ds "
		;;
	esac
	report_json "$ds" "$period" "$prec"
	check_figure "$ds" "$period" "$prec" "$ind" "$field" "$fig" "$src"
	n=$((n + 1))
done <"$P/figures.csv"
check_true "80 printed figures expected, checked $n" test "$n" -eq 80
check_true "4 datasets expected, loaded:$loaded" test "$loaded" = " 2021-Q1 2021-year 2023-year 2024-Q3 "

# Year to date: in-year values are increments, each counted once. The 2023
# first-half actuals are the cumulative figures printed for end of June, the
# year-end ones those printed for the year.
f="$SCRATCH/2023-year-2023S1-p1.json"
check_true "2023S1 skill_training actual is 2522000" \
	grep -qE '"indicator":"skill_training",[^}]*"actual":2522000,' "$f"
f="$SCRATCH/2023-year-2023-p1.json"
check_true "2023 skill_training actual is 4287000" \
	grep -qE '"indicator":"skill_training",[^}]*"actual":4287000,' "$f"
# Rates take the latest month in the range: June for 2023S1, December for 2023.
check_true "2023S1 prenatal_screening_rate actual is 84.65" \
	grep -qE '"indicator":"prenatal_screening_rate",[^}]*"actual":84.65,' "$SCRATCH/2023-year-2023S1-p2.json"
check_true "2023 prenatal_screening_rate actual is 86.05" \
	grep -qE '"indicator":"prenatal_screening_rate",[^}]*"actual":86.05,' "$SCRATCH/2023-year-2023-p2.json"

# Printed rates without a printed difference: 2023 Q1 courier stations at
# 65% of villages (source S5), a plain rate here (see the README).
check_true "2023Q1 courier_station_coverage actual is 65" \
	grep -qE '"indicator":"courier_station_coverage",[^}]*"actual":65,' "$SCRATCH/2023-year-2023Q1-p1.json"

# 序时进度 of the in-year reports.
check_true "2023Q1 time progress 25" grep -qF '"time_progress_pct":25,' "$SCRATCH/2023-year-2023Q1-p1.json"
check_true "2024Q3 time progress 75" grep -qF '"time_progress_pct":75,' "$SCRATCH/2024-Q3-2024Q3-p2.json"

# Year end: the province reported every indicator with a printed figure as
# met; 2021's plan holds only such indicators and the disabled children one
# (31,657 against 19,000, reported as exceeded).
check_true "2021 year end: 11 indicators, 11 met" \
	grep -qF '"summary":{"indicators":11,"met":11}' "$SCRATCH/2021-year-2021-p2.json"

finish
