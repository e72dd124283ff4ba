#!/usr/bin/env bash
# What sibling commands must do alike: a read-only command refuses a
# missing database (and leaves no file behind) while a writing one creates
# it; --period outside --year is a usage error wherever both are taken;
# a missing --year is worded the same; a count value carries no minus sign.
. "$(dirname "$0")/lib.sh"

D="$TESTDATA/tracker/core"

# ---- 1. read-only commands on a database that does not exist ----

missing="$SCRATCH/typo.db"
read_only=(
	"orgunit list"
	"plan list --year 2023"
	"values export --year 2023"
	"report --year 2023"
	"report --year 2023 --period 2023Q1 --by city --format json"
	"lagging --year 2023 --indicator skill_training"
	"bulletin --year 2023"
	"subsidy programme list"
	"subsidy check"
	"subsidy beneficiary list"
	"subsidy beneficiary list --unmask"
	"subsidy batch list"
	"subsidy anomalies"
	"subsidy disclose --programme GL01 --period 202303"
	"subsidy lookup --id 410102199001011234 --name 张三"
	"subsidy stats --year 2023"
	"subsidy stats --year 2023 --values-out $SCRATCH/stats-values.csv"
	"subsidy bankfile export 1 --out $SCRATCH/pay.csv"
)
for cmd in "${read_only[@]}"; do
	# shellcheck disable=SC2086 # the words are split on purpose
	run "$MINSHENG" $cmd --db "$missing"
	expect_status 3
	expect_err "minsheng: 数据库 '$missing' 不存在（先导入数据，或用 --db 指定已有的数据库）"
	expect_no_db_files "$missing"
done
# Nothing else was written either (no payment file, no values file).
[ ! -e "$SCRATCH/pay.csv" ] && [ ! -e "$SCRATCH/stats-values.csv" ] && _pass ||
	_fail "an output file was written without a database"

# The same through $MINSHENG_DB and the default ./minsheng.db.
run env MINSHENG_DB="$missing" "$MINSHENG" orgunit list
expect_status 3
expect_err "数据库 '$missing' 不存在"
expect_no_db_files "$missing"
mkdir -p "$SCRATCH/empty"
run sh -c 'cd "$1" && "$2" subsidy check' sh "$SCRATCH/empty" "$MINSHENG"
expect_status 3
expect_err "数据库 'minsheng.db' 不存在"
[ -z "$(ls -A "$SCRATCH/empty")" ] && _pass || _fail "files left in $SCRATCH/empty: $(ls -A "$SCRATCH/empty")"

# A missing directory is a missing database too, and is not created.
run "$MINSHENG" report --year 2023 --db "$SCRATCH/nodir/x.db"
expect_status 3
expect_err "数据库 '$SCRATCH/nodir/x.db' 不存在"
[ ! -e "$SCRATCH/nodir" ] && _pass || _fail "directory created"

# A path that is there but is no database is an open error, not "missing".
mkdir -p "$SCRATCH/adir"
run "$MINSHENG" orgunit list --db "$SCRATCH/adir"
expect_status 3
expect_err "无法打开数据库 '$SCRATCH/adir'"

# Usage errors still come first (exit 2, nothing opened).
run "$MINSHENG" plan list --db "$missing"
expect_status 2
expect_no_db_files "$missing"

# An import whose input file cannot be read fails before it would create
# the database (a mistyped file name leaves no empty database behind).
for words in "orgunit import" "plan import" "values import" "subsidy programme import" \
	"subsidy bankfile import" "subsidy deaths import" "subsidy officials import"; do
	# shellcheck disable=SC2086
	run "$MINSHENG" $words "$SCRATCH/nosuch.csv" --db "$missing"
	expect_status 3
	expect_err "minsheng: $SCRATCH/nosuch.csv: 无法打开 '$SCRATCH/nosuch.csv'"
	expect_no_db_files "$missing"
done

# An empty --db (an unset variable) is a usage error, not ./minsheng.db,
# for writing and reading commands and demo alike.
for cmd in "orgunit import $D/orgunits.csv" "orgunit list" "demo"; do
	# shellcheck disable=SC2086
	run sh -c 'cd "$1" && shift && "$@" --db ""' sh "$SCRATCH/empty" "$MINSHENG" $cmd
	expect_status 2
	expect_err "选项 --db 的值为空"
	expect_err "用法：minsheng ${cmd%% [-/]*} "
done
[ -z "$(ls -A "$SCRATCH/empty")" ] && _pass || _fail "files left in $SCRATCH/empty: $(ls -A "$SCRATCH/empty")"
# The same for an empty --key (it would silently mean the default key).
for cmd in "subsidy disclose --programme GL01 --period 202303" "subsidy anomalies" \
	"subsidy beneficiary list" "subsidy deaths import $D/orgunits.csv" \
	"subsidy bankfile export 1 --out $SCRATCH/pay.csv"; do
	# shellcheck disable=SC2086
	run "$MINSHENG" $cmd --key "" --db "$missing"
	expect_status 2
	expect_err "minsheng: 选项 --key 的值为空"
	expect_err "用法：minsheng ${cmd%% [-/0-9]*} "
	expect_no_db_files "$missing"
done

# Commands that write still create the database.
db="$SCRATCH/new.db"
run "$MINSHENG" orgunit import "$D/orgunits.csv" --db "$db"
expect_status 0
[ -s "$db" ] && _pass || _fail "orgunit import did not create $db"
run "$MINSHENG" plan import "$D/plan.csv" --db "$db"
expect_status 0
run "$MINSHENG" orgunit list --db "$db"
expect_status 0
expect_out "410102"
# (stats --as-values needs a plan's data elements: it does not create one,
# t0003-cli-consistency-2.sh)
stats_db="$SCRATCH/stats.db"
run "$MINSHENG" subsidy stats --year 2023 --as-values --db "$stats_db"
expect_status 3
expect_no_db_files "$stats_db"

# An existing file of an older schema (here: an empty SQLite file, schema
# version 0) is migrated by a read-only command, as before, so it can read.
old="$SCRATCH/old.db"
sqlite3 "$old" "CREATE TABLE unrelated(x INTEGER);"
run "$MINSHENG" orgunit list --db "$old"
expect_status 0
run sqlite3 "$old" "SELECT module FROM schema_version ORDER BY module;"
expect_out "subsidy"
expect_out "tracker"

# ---- 2. --period outside --year: exit 2 with the usage line, everywhere ----

for words in "report" "lagging --indicator skill_training" "bulletin" "subsidy stats"; do
	name=${words%% --*}
	# shellcheck disable=SC2086
	run "$MINSHENG" $words --year 2023 --period 2022Q1 --db "$db"
	expect_status 2
	expect_err "minsheng: 周期 '2022Q1' 不在 2023 年内"
	expect_err "用法：minsheng $name "
	# the order of the options does not matter
	# shellcheck disable=SC2086
	run "$MINSHENG" $words --period 2024 --year 2023 --db "$db"
	expect_status 2
	expect_err "周期 '2024' 不在 2023 年内"
	# a malformed period is a usage error too
	# shellcheck disable=SC2086
	run "$MINSHENG" $words --year 2023 --period 2023Q5 --db "$db"
	expect_status 2
	expect_err "用法：minsheng $name "
	# and a usage error is found before a missing database
	# shellcheck disable=SC2086
	run "$MINSHENG" $words --year 2023 --period 2022Q1 --db "$missing"
	expect_status 2
	expect_no_db_files "$missing"
done
# A period in the year still works.
run "$MINSHENG" bulletin --year 2023 --period 2023Q1 --db "$db"
expect_status 0
run "$MINSHENG" lagging --year 2023 --indicator skill_training --period 2023Q1 --db "$db"
expect_status 0

# A malformed --period is a usage error in the subsidy commands too (batch
# create, disclose), found before the database is opened; a well-formed one
# of the wrong kind stays the data's error (docs/batches.md).
for words in "subsidy batch create --programme GL01" "subsidy disclose --programme GL01"; do
	name=${words%% --*}
	# shellcheck disable=SC2086
	run "$MINSHENG" $words --period 2023Q5 --db "$missing"
	expect_status 2
	expect_err "minsheng: 无效的期间 '2023Q5'"
	expect_err "用法：minsheng $name "
	expect_no_db_files "$missing"
done

# A LEVEL is a name or its number, in every command that takes one, with
# one message naming what that command allows.
run "$MINSHENG" orgunit list --level 3 --parent 4101 --db "$db"
expect_status 0
expect_out "410102"
run "$MINSHENG" lagging --year 2023 --indicator skill_training --level 3 --db "$db"
expect_status 0
run "$MINSHENG" report --year 2023 --by 2 --db "$db"
expect_status 0
run "$MINSHENG" orgunit list --level district --db "$db"
expect_status 2
expect_err "minsheng: 层级 'district' 无效（应为 province、city、county、township、village 或 1-5）"
expect_err "用法：minsheng orgunit list "
run "$MINSHENG" report --year 2023 --by 6 --db "$db"
expect_status 2
expect_err "minsheng: 层级 '6' 无效（应为 province、city、county、township、village 或 1-5）"
run "$MINSHENG" lagging --year 2023 --indicator skill_training --level province --db "$db"
expect_status 2
expect_err "minsheng: 层级 'province' 无效（应为 city、county、township、village 或 2-5）"
expect_err "用法：minsheng lagging "

# ---- 3. missing --year: the same words in every command ----

for words in "plan list" "values export" "report" "bulletin" "subsidy stats"; do
	# shellcheck disable=SC2086
	run "$MINSHENG" $words --db "$db"
	expect_status 2
	expect_err "minsheng: 需要 --year"
	expect_err "用法：minsheng $words "
done
run "$MINSHENG" lagging --indicator skill_training --db "$db"
expect_status 2
expect_err "需要 --year 和 --indicator"

# ---- 3b. every usage error ends with the usage line, whichever helper found it ----

run "$MINSHENG" report --year 2023 --format xml --db "$db"
expect_status 2
expect_err "minsheng: 不支持的输出格式 'xml'（应为 text|json|csv）"
expect_err "用法：minsheng report "
run "$MINSHENG" subsidy batch list --format csv --db "$db"
expect_status 2
expect_err "不支持的输出格式 'csv'（应为 text|json）"
expect_err "用法：minsheng subsidy batch list "
run "$MINSHENG" plan list --year 20x3 --db "$db"
expect_status 2
expect_err "minsheng: 选项 --year 的值 '20x3' 无效（应为 1900 到 9999 的整数）"
expect_err "用法：minsheng plan list "
run "$MINSHENG" subsidy hold release --entitlement 0 --db "$db"
expect_status 2
expect_err "选项 --entitlement 的值 '0' 无效"
expect_err "用法：minsheng subsidy hold release "
run "$MINSHENG" subsidy budget set --programme P --year 2023 --county 410102 --amount-fen -1 --db "$db"
expect_status 2
expect_err "minsheng: 选项 --amount-fen 的值 '-1' 无效"
expect_err "用法：minsheng subsidy budget set "

# ---- 3c. an output file is never the database itself ----

cp "$db" "$SCRATCH/before.db"
for cmd in "subsidy stats --year 2023 --values-out $db" \
	"subsidy bankfile export 1 --out $db" \
	"values import $D/values.csv --partial --rejects $db"; do
	name=$(echo "$cmd" | sed 's/ [^a-z].*//; s/ --.*//')
	# shellcheck disable=SC2086
	run "$MINSHENG" $cmd --db "$db"
	expect_status 2
	expect_err "输出文件 '$db' 就是数据库文件 '$db'"
	expect_err "用法：minsheng $name "
	expect_same "$SCRATCH/before.db" "$db"
done
# the same file under another name is recognised
run "$MINSHENG" subsidy stats --year 2023 --values-out "$SCRATCH/./new.db" --db "$db"
expect_status 2
expect_same "$SCRATCH/before.db" "$db"

# ---- 4. a count value carries no minus sign, not even on zero ----

cat >"$SCRATCH/signs.csv" <<'EOF'
dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value
skill_training,202301,410102,,,-0
skill_training,202302,410102,,,-0.0
skill_training,202303,410102,,,-5
skill_training,202304,410102,,,+5
skill_training,202305,410102,,,+0
unemployment,202301,41,,,-0
EOF
run "$MINSHENG" values import "$SCRATCH/signs.csv" --db "$db"
expect_status 1
expect_err "signs.csv:2:6: 计数指标的数值不能为负 '-0'"
expect_err "signs.csv:3:6: 计数指标的数值不能为负 '-0.0'"
expect_err "signs.csv:4:6: 计数指标的数值不能为负 '-5'"
expect_err "共 3 行有错误，未导入任何数据"
run "$MINSHENG" values import "$SCRATCH/signs.csv" --partial --rejects "$SCRATCH/signs.rej" --db "$db"
expect_status 0
expect_out "导入 3 条，替换 0 条，拒绝 3 条"
run grep -c ",6,negative_count," "$SCRATCH/signs.rej"
expect_out "3"
# --rejects naming the input itself is refused (as in roster import): the
# input is not truncated and nothing is imported.
cp "$SCRATCH/signs.csv" "$SCRATCH/signs-copy.csv"
run "$MINSHENG" values import "$SCRATCH/signs-copy.csv" --partial --rejects "$SCRATCH/./signs-copy.csv" --db "$db"
expect_status 2
expect_err "拒绝文件 '$SCRATCH/./signs-copy.csv' 就是导入文件本身"
expect_err "用法：minsheng values import "
expect_same "$SCRATCH/signs.csv" "$SCRATCH/signs-copy.csv"
# '+5' is documented (docs/numbers.md) and kept without its sign; '-0' is
# fine where negative values are (a rate).
run "$MINSHENG" values export --year 2023 --db "$db"
expect_status 0
expect_out "skill_training,202304,410102,,,5,"
expect_out "skill_training,202305,410102,,,0,"
expect_out "unemployment,202301,41,,,0,"
expect_no_out "-0"

finish
