#!/usr/bin/env bash
# orgunit import / list: the Henan divisions, idempotent re-import, each bad
# input with file, line and column, nothing half-imported, list formats.
. "$(dirname "$0")/lib.sh"

db="$SCRATCH/o.db"
div="$SRCDIR/data/henan-divisions-2022.csv"

run "$MINSHENG" orgunit import "$div" --db "$db"
expect_status 0
expect_out "新增 2786 个单位"

# The same file again: accepted, nothing added.
run "$MINSHENG" orgunit import "$div" --db "$db"
expect_status 0
expect_out "新增 0 个单位，2786 个已存在且相同"

run "$MINSHENG" orgunit list --level city --db "$db"
expect_status 0
expect_out "4108	市级	焦作市	41"
[ "$(wc -l <"$SCRATCH/.out")" -eq 18 ] && _pass || _fail "18 cities expected"

run "$MINSHENG" orgunit list --parent 4190 --level county --format json --db "$db"
expect_status 0
expect_out '{"code":"419001","name":"济源市","level":"county","parent":"4190"}'

# CSV output is the import format: a round trip gives the same file.
run "$MINSHENG" orgunit list --format csv --db "$db"
expect_status 0
sort "$SCRATCH/.out" >"$SCRATCH/a"; sort "$div" >"$SCRATCH/b"
expect_same "$SCRATCH/a" "$SCRATCH/b"

run "$MINSHENG" orgunit list --parent 9999 --db "$db"
expect_status 1
expect_err "未知的单位代码 '9999'"
run "$MINSHENG" orgunit list --level district --db "$db"
expect_status 2

bad() { # name, content, expected message
	printf 'code,name,level,parent_code\n%b' "$2" >"$SCRATCH/$1.csv"
	run "$MINSHENG" orgunit import "$SCRATCH/$1.csv" --db "$db"
	expect_status 1
	expect_err "$3"
}
bad unknown-parent '410899,某区,county,4199\n' "unknown-parent.csv:2:4: 未知的上级单位代码 '4199'"
bad duplicate '410899,某区,county,4108\n410899,某区,county,4108\n' "duplicate.csv:3:1: 单位代码 '410899' 重复（第2行已有）"
bad renamed '410822,博爱区,county,4108\n' "renamed.csv:2:1: 单位代码 '410822' 已存在"
bad cycle '5001,甲,city,5002\n5002,乙,city,5001\n' "的上级关系形成循环"
bad level '410899,某区,district,4108\n' "level.csv:2:3: 未知的层级 'district'"
bad step '410899001,某街道,township,4108\n' "step.csv:2:3: 层级 'township' 与上级 '4108'（city）不衔接"
printf 'code,name,level\n41,河南省,province\n' >"$SCRATCH/header.csv"
run "$MINSHENG" orgunit import "$SCRATCH/header.csv" --db "$db"
expect_status 1
expect_err "header.csv:1"

# A file with one good and one bad row writes nothing.
printf 'code,name,level,parent_code\n410899,某区,county,4108\n410898,另区,county,4198\n' >"$SCRATCH/half.csv"
run "$MINSHENG" orgunit import "$SCRATCH/half.csv" --db "$db"
expect_status 1
run "$MINSHENG" orgunit list --parent 4108 --level county --db "$db"
expect_no_out "410899"

run "$MINSHENG" orgunit import --db "$db"
expect_status 2
run "$MINSHENG" orgunit import "$SCRATCH/nosuch.csv" --db "$db"
expect_status 3

# Bad options and operands: a Chinese usage error (no getopt text of its own), exit 2.
for cmd in "orgunit import" "orgunit list" "plan import" "plan list" "values import" \
	"report" "lagging" "bulletin" "demo"; do
	run "$MINSHENG" $cmd --bogus --db "$db"
	expect_status 2
	expect_err "未知选项 '--bogus'"
	if grep -q "unrecognized" "$SCRATCH/.err"; then _fail "$cmd: getopt printed its own message"; else _pass; fi
done
run "$MINSHENG" report -xy --year 2023 --db "$db"
expect_status 2
expect_err "未知选项 '-x'"
run "$MINSHENG" orgunit import --db
expect_status 2
expect_err "选项 --db 需要参数"
run "$MINSHENG" orgunit import --db "$db"
expect_status 2
expect_err "缺少文件"
run "$MINSHENG" plan import a.csv b.csv --db "$db"
expect_status 2
expect_err "多余的参数 'b.csv'"

finish
