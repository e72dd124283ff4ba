#!/usr/bin/env bash
# THE regression test: the 2022 plan (targets derived from the published
# results) and the 2022 results, loaded through `plan import` and `values
# import`, must reproduce every 2022 percentage printed in the newspaper
# report (reference/000_37496bca6940a2f4.txt, Henan, 2023-02) at the
# precision it was printed with: "144%" at precision 0, "107.6%" at 1,
# "高于…4.4个百分点" at 1.
. "$(dirname "$0")/lib.sh"

db="$SCRATCH/r.db"
D="$SRCDIR/data"

run "$MINSHENG" orgunit import "$D/henan-divisions-2022.csv" --db "$db"
expect_status 0
run "$MINSHENG" plan import "$D/henan-2022-plan.csv" --db "$db"
expect_status 0
run "$MINSHENG" values import "$D/henan-2022-results.csv" --db "$db"
expect_status 0

run "$MINSHENG" report --year 2022 --precision 0 --format json --db "$db"
expect_status 0
cp "$SCRATCH/.out" "$SCRATCH/p0.json"
run "$MINSHENG" report --year 2022 --precision 1 --format json --db "$db"
expect_status 0
cp "$SCRATCH/.out" "$SCRATCH/p1.json"

# indicator, field, printed figure, precision: as printed in the report.
checks="
skill_training completion_pct 144 0
skilled_talent_new completion_pct 168 0
high_skilled_talent_new completion_pct 176 0
yushiban_users completion_pct 107.6 1
yushiban_items completion_pct 142.5 1
manhole_renovation completion_pct 115.4 1
old_community_renovation completion_pct 105.3 1
rural_road_km completion_pct 195.8 1
bus_route_villages completion_pct 107 0
courier_station_coverage diff_pp 4.4 1
kindergarten_new completion_pct 126.5 1
kindergarten_expand completion_pct 135.3 1
kindergarten_places completion_pct 151.7 1
smart_elderly_users completion_pct 171.8 1
cervical_screening completion_pct 105.3 1
breast_screening completion_pct 107.5 1
prenatal_screening_rate diff_pp 13.5 1
newborn_disease_screening_rate diff_pp 0.9 1
newborn_hearing_screening_rate diff_pp 0.7 1
disabled_child_rehab completion_pct 151 0
youth_activities completion_pct 169.3 1
youth_counselling completion_pct 141.3 1
youth_homes completion_pct 113.5 1
"
# _pass/_fail are called from functions (lib.sh looks two frames up).
check_figure() { # indicator field figure precision
	local ind=$1 field=$2 fig=$3 prec=$4
	# Items hold no nested objects without --by, so [^}]* stays inside one.
	if grep -qE "\"indicator\":\"$ind\",[^}]*\"$field\":$fig," "$SCRATCH/p$prec.json" &&
	   grep -qE "\"indicator\":\"$ind\",[^}]*\"met\":true,\"colour\":\"green\"" "$SCRATCH/p$prec.json"; then
		_pass
	else
		_fail "$ind: $field $fig at precision $prec not reproduced: $(grep -oE "\"indicator\":\"$ind\",[^}]*" "$SCRATCH/p$prec.json")"
	fi
}
check_true() { # message command...
	local msg=$1
	shift
	if "$@"; then _pass; else _fail "$msg"; fi
}
n=0
while read -r ind field fig prec; do
	[ -n "$ind" ] || continue
	n=$((n + 1))
	check_figure "$ind" "$field" "$fig" "$prec"
done <<<"$checks"
check_true "23 printed figures expected, checked $n" test "$n" -eq 23

# Every published figure is in the derivation file, with the same figure,
# and every derived target there is the one in the plan.
check_derivation() { # indicator printed precision target
	local fig=${2#+}
	if grep -qE "^$1 [a-z_]+ $fig $3\$" <<<"$checks" &&
	   grep -qE "^2022,[0-9]+,[^,]*,$1,[^,]*,[^,]*,[a-z]+,>=,$4,41," "$D/henan-2022-plan.csv"; then
		_pass
	else
		_fail "derivation row for $1 ($2 at $3, target $4) disagrees"
	fi
}
while IFS=, read -r year ind unit actual printed prec as target basis; do
	[ "$year" = year ] && continue
	[ "$basis" = derived ] || continue
	check_derivation "$ind" "$printed" "$prec" "$target"
done <"$D/henan-2022-derivation.csv"

# All 25 indicators met, as the province reported.
check_true "summary: 25 indicators, 25 met" grep -q '"summary":{"indicators":25,"met":25}' "$SCRATCH/p1.json"

finish
