#!/usr/bin/env bash
# Names in a lagging list identify their units: two units of the list's
# scope that would read the same (city short name + own name: 新乡城关镇
# twice) are named with their county, villages also with their township;
# names already unique keep their short form; what is still the same after
# that gets its code.
. "$(dirname "$0")/lib.sh"

db="$SCRATCH/n.db"
HEADER=year,project_no,project_title,indicator,indicator_name,unit,kind,comparator,target,orgunit,aggregation,numerator,denominator

run "$MINSHENG" orgunit import "$SRCDIR/data/henan-divisions-2022.csv" --db "$db"
expect_status 0
printf '%s\n2024,1,测试,tt,测试指标,个,count,>=,10,41,sum,,\n2024,1,测试,t2,测试指标二,个,count,>=,10,41,sum,,\n' "$HEADER" >"$SCRATCH/tt.csv"
run "$MINSHENG" plan import "$SCRATCH/tt.csv" --db "$db"
expect_status 0

# values FILE INDICATOR PARENT LEVEL EXCEPT...: value 1 of INDICATOR for
# every unit of LEVEL under PARENT except those listed.
values() {
	local file=$1 ind=$2 parent=$3 level=$4
	shift 4
	"$MINSHENG" orgunit list --level "$level" --parent "$parent" --format csv --db "$db" |
		awk -F, -v skip=" $* " -v ind="$ind" 'BEGIN { print "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value" }
			NR > 1 && index(skip, " " $1 " ") == 0 { print ind ",2024," $1 ",,,1" }' >"$file"
}

# The reviewer's case: the two 城关镇 of 新乡 (获嘉县 410724, 封丘县 410727).
values "$SCRATCH/v1.csv" tt 4107 township 410724100 410727100
run "$MINSHENG" values import "$SCRATCH/v1.csv" --db "$db"
expect_status 0
run "$MINSHENG" lagging --year 2024 --indicator tt --level township --orgunit 4107 --db "$db"
expect_status 0
expect_out "除新乡获嘉县城关镇、新乡封丘县城关镇外，其余168个乡级单位均已完成"
run "$MINSHENG" lagging --year 2024 --indicator tt --level township --orgunit 4107 --format json --db "$db"
expect_status 0
expect_out '"lagging":[{"orgunit":"410724100","name":"新乡获嘉县城关镇"},{"orgunit":"410727100","name":"新乡封丘县城关镇"}]'

# The scope decides, not who lags: one 城关镇 lagging is still named with
# its county, since the other one is in the list too (done); a unique
# name (照镜镇) keeps its short form.
values "$SCRATCH/v2.csv" t2 4107 township 410724101
run "$MINSHENG" values import "$SCRATCH/v2.csv" --db "$db"
expect_status 0
run "$MINSHENG" lagging --year 2024 --indicator t2 --level township --orgunit 4107 --db "$db"
expect_status 0
expect_out "除新乡照镜镇外，其余169个乡级单位均已完成"
# In 获嘉县 alone there is one 城关镇: short.
run "$MINSHENG" lagging --year 2024 --indicator tt --level township --orgunit 410724 --db "$db"
expect_status 0
expect_out "除新乡城关镇外，其余14个乡级单位均已完成"

# Province wide: more than half lag, so the done ones are listed; the two
# 城关镇 of 新乡 are long, every other 新乡 township short.
run "$MINSHENG" lagging --year 2024 --indicator t2 --level township --db "$db"
expect_status 0
expect_out "仅新乡"
expect_out "、新乡获嘉县城关镇、"
expect_out "、新乡封丘县城关镇、"
expect_out "、新乡城关乡、"
expect_out "、新乡黄堤镇、"
expect_no_out "、新乡城关镇、"
expect_no_out "照镜镇"

# Counties: the published names, unchanged (18 cities' short names).
run "$MINSHENG" lagging --year 2024 --indicator tt --level county --orgunit 4108 --format json --db "$db"
expect_status 0
expect_out '{"orgunit":"410822","name":"焦作博爱县"}'
expect_out '{"orgunit":"410811","name":"焦作山阳区"}'

# A small tree with villages and same-named counties.
sdb="$SCRATCH/s.db"
cat >"$SCRATCH/units.csv" <<'EOF'
code,name,level,parent_code
41,河南省,province,
4107,新乡市,city,41
4190,省直辖县级行政区划,city,41
410724,获嘉县,county,4107
410727,封丘县,county,4107
410781,新区,county,4107
410782,新区,county,4107
419001,济源市,county,4190
410724100,城关镇,township,410724
410724101,照镜镇,township,410724
410727100,城关镇,township,410727
410781100,城关镇,township,410781
410782100,城关镇,township,410782
419001100,济源市克井镇,township,419001
419001101,济源市克井镇,township,419001
410724100201,刘营村,village,410724100
410724100202,张庄村,village,410724100
410724101201,刘营村,village,410724101
410727100201,刘营村,village,410727100
410727100202,李庄村,village,410727100
EOF
run "$MINSHENG" orgunit import "$SCRATCH/units.csv" --db "$sdb"
expect_status 0
run "$MINSHENG" plan import "$SCRATCH/tt.csv" --db "$sdb"
expect_status 0
printf 'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\ntt,2024,410727100202,,,1\n' >"$SCRATCH/v3.csv"
run "$MINSHENG" values import "$SCRATCH/v3.csv" --db "$sdb"
expect_status 0
# Villages: the three 刘营村 (two in 获嘉县, in different townships) name
# their county and township; 张庄村 stays short.
run "$MINSHENG" lagging --year 2024 --indicator tt --level village --db "$sdb"
expect_status 0
expect_out "仅新乡李庄村已完成，其余4个村级单位尚未完成"
run "$MINSHENG" lagging --year 2024 --indicator tt --level village --format json --db "$sdb"
expect_status 0
expect_out '{"orgunit":"410724100201","name":"新乡获嘉县城关镇刘营村"},{"orgunit":"410724100202","name":"新乡张庄村"},{"orgunit":"410724101201","name":"新乡获嘉县照镜镇刘营村"},{"orgunit":"410727100201","name":"新乡封丘县城关镇刘营村"}'
# Under one township only one 刘营村: short. The scope word is what the
# township is (城关镇: 全镇), not its level's (全乡).
run "$MINSHENG" lagging --year 2024 --indicator tt --level village --orgunit 410724100 --db "$sdb"
expect_status 0
expect_out "全镇2个村级单位均未完成"
# Townships: the two 新区 counties read the same, so their 城关镇 get the
# code; 获嘉县's and 封丘县's get their county; the two 克井镇 of 济源 (济源市
# is the county and already begins their names) get the code.
run "$MINSHENG" lagging --year 2024 --indicator tt --level township --format json --db "$sdb"
expect_status 0
expect_out '{"orgunit":"410724100","name":"新乡获嘉县城关镇"}'
expect_out '{"orgunit":"410724101","name":"新乡照镜镇"}'
expect_out '"text":"仅新乡封丘县城关镇已完成，其余6个乡级单位尚未完成"'
expect_out '{"orgunit":"410781100","name":"新乡新区城关镇（410781100）"}'
expect_out '{"orgunit":"410782100","name":"新乡新区城关镇（410782100）"}'
expect_out '{"orgunit":"419001100","name":"济源市克井镇（419001100）"}'
expect_out '{"orgunit":"419001101","name":"济源市克井镇（419001101）"}'
# Counties of the same name: the code.
run "$MINSHENG" lagging --year 2024 --indicator tt --level county --format json --db "$sdb"
expect_status 0
expect_out '"lagging":[{"orgunit":"410724","name":"新乡获嘉县"},{"orgunit":"410781","name":"新乡新区（410781）"},{"orgunit":"410782","name":"新乡新区（410782）"},{"orgunit":"419001","name":"济源"}]'
finish
