#!/usr/bin/env bash
# More of what sibling commands must do alike (after t0002): roster import
# checks its options and input like the other imports; writers that need
# existing records do not create a missing database; bulletin --precision;
# org unit codes given as options; --help after other options; the bank
# return import's messages name the file.
. "$(dirname "$0")/lib.sh"

S="$TESTDATA/subsidy/ops"

missing="$SCRATCH/typo.db"
db="$SCRATCH/s.db"
M() { "$MINSHENG" "$@" --db "$db"; }

run M subsidy programme import "$S/programmes.csv"
expect_status 0
run M subsidy roster import "$S/roster.csv"
expect_status 0
[ -s "$db.key" ] && _pass || _fail "roster import made no key"

# ---- 1. subsidy roster import ----

# (a) --rejects naming the database, its -wal/-shm or its key would
# overwrite it: a usage error, nothing written.
cp "$db" "$SCRATCH/before.db"
cp "$db.key" "$SCRATCH/before.key"
for out in "$db" "$SCRATCH/./s.db" "$db.key"; do
	run M subsidy roster import "$S/roster.csv" --partial --rejects "$out"
	expect_status 2
	case $out in
	*.key) expect_err "minsheng: 输出文件 '$out' 就是密钥文件 '" ;;
	*) expect_err "minsheng: 输出文件 '$out' 就是数据库文件 '" ;;
	esac
	expect_err "用法：minsheng subsidy roster import FILE "
	expect_same "$SCRATCH/before.db" "$db"
	expect_same "$SCRATCH/before.key" "$db.key"
done
# a -wal or -shm file that is there (as while another process has the
# database open) is refused too
for sfx in -wal -shm; do
	cp "$db" "$SCRATCH/w.db"
	: >"$SCRATCH/w.db$sfx"
	run "$MINSHENG" subsidy roster import "$S/roster.csv" --rejects "$SCRATCH/w.db$sfx" --db "$SCRATCH/w.db"
	expect_status 2
	expect_err "就是数据库文件 '$SCRATCH/w.db$sfx'"
	rm -f "$SCRATCH/w.db" "$SCRATCH/w.db$sfx"
done
# a database (or key) that does not exist yet: the same name is refused
# too, before the command would create the one and truncate it as the other
for out in "$SCRATCH/nn.db" "$SCRATCH/./nn.db.key"; do
	run "$MINSHENG" subsidy roster import "$S/roster.csv" --partial --rejects "$out" --db "$SCRATCH/nn.db"
	expect_status 2
	case $out in
	*.key) expect_err "minsheng: 输出文件 '$out' 就是密钥文件 '$SCRATCH/nn.db.key'" ;;
	*) expect_err "minsheng: 输出文件 '$out' 就是数据库文件 '$SCRATCH/nn.db'" ;;
	esac
	expect_no_db_files "$SCRATCH/nn.db"
done
(cd "$SCRATCH" && "$MINSHENG" values import "$TESTDATA/tracker/core/values.csv" --partial --rejects nn.db --db "$SCRATCH/nn.db" >/dev/null 2>&1)
[ $? -eq 2 ] && _pass || _fail "values import --rejects naming the new database (relative) was not refused"
expect_no_db_files "$SCRATCH/nn.db"
# a key given with --key (or $MINSHENG_KEY) is the key file too
k2="$SCRATCH/k2.key"
run "$MINSHENG" subsidy programme import "$S/programmes.csv" --db "$SCRATCH/k.db"
expect_status 0
run "$MINSHENG" subsidy roster import "$S/roster.csv" --key "$k2" --db "$SCRATCH/k.db"
expect_status 0
cp "$k2" "$SCRATCH/k2.before"
run "$MINSHENG" subsidy roster import "$S/roster.csv" --key "$k2" --rejects "$k2" --db "$SCRATCH/k.db"
expect_status 2
expect_err "minsheng: 输出文件 '$k2' 就是密钥文件 '$k2'"
expect_same "$SCRATCH/k2.before" "$k2"
run env MINSHENG_KEY="$k2" "$MINSHENG" subsidy roster import "$S/roster.csv" --rejects "$k2" --db "$SCRATCH/k.db"
expect_status 2
expect_err "就是密钥文件 '$k2'"
expect_same "$SCRATCH/k2.before" "$k2"
# the same for bankfile export --out (the other output of a command with --key)
run "$MINSHENG" subsidy bankfile export 1 --out "$k2" --key "$k2" --db "$SCRATCH/k.db"
expect_status 2
expect_err "minsheng: 输出文件 '$k2' 就是密钥文件 '$k2'"
expect_err "用法：minsheng subsidy bankfile export "
expect_same "$SCRATCH/k2.before" "$k2"
# --rejects naming the roster itself: a usage error with the usage line,
# found before the database is opened (none is created)
cp "$S/roster.csv" "$SCRATCH/r.csv"
run "$MINSHENG" subsidy roster import "$SCRATCH/r.csv" --partial --rejects "$SCRATCH/./r.csv" --db "$missing"
expect_status 2
expect_err "minsheng: 拒绝文件 '$SCRATCH/./r.csv' 就是名册文件本身"
expect_err "用法：minsheng subsidy roster import "
expect_same "$S/roster.csv" "$SCRATCH/r.csv"
expect_no_db_files "$missing"
# a reject file elsewhere still works
run "$MINSHENG" subsidy programme import "$S/programmes.csv" --db "$SCRATCH/rj.db"
expect_status 0
run "$MINSHENG" subsidy roster import "$S/roster.csv" --partial --rejects "$SCRATCH/rej.csv" --db "$SCRATCH/rj.db"
expect_status 0
expect_out "接受 40 行，拒绝 0 行"
run head -1 "$SCRATCH/rej.csv"
expect_out "line,column,code,message"

# (b) an empty --key is a usage error, as in every command taking --key
run "$MINSHENG" subsidy roster import "$S/roster.csv" --key "" --db "$missing"
expect_status 2
expect_err "minsheng: 选项 --key 的值为空"
expect_err "用法：minsheng subsidy roster import "
expect_no_db_files "$missing"

# (c) a roster that cannot be opened fails before the database is created
run "$MINSHENG" subsidy roster import "$SCRATCH/nosuch.csv" --db "$missing"
expect_status 3
expect_err "minsheng: $SCRATCH/nosuch.csv: 无法打开 '$SCRATCH/nosuch.csv'"
expect_no_db_files "$missing"
# a roster that can be opened still creates it (an import of new data)
run "$MINSHENG" subsidy roster import "$S/roster.csv" --db "$SCRATCH/fresh.db"
expect_status 1
expect_err "未知的补贴项目"
[ -s "$SCRATCH/fresh.db" ] && _pass || _fail "roster import did not create the database"

# (d) the usage line names every option it takes
run "$MINSHENG" subsidy roster import --bogus
expect_status 2
expect_err "用法：minsheng subsidy roster import FILE [--partial] [--rejects FILE] [--encoding E] [--key PATH] [--threads 1|2] [--db PATH]"
run "$MINSHENG" subsidy roster --help
expect_status 0
run "$MINSHENG" subsidy roster import --help
expect_status 0
expect_out "[--threads 1|2]"

# ---- 2. writers that need existing records do not create a database ----

printf 'H,MSRET,1,1\nT,0,0\n' >"$SCRATCH/ret.csv"
needs_records=(
	"subsidy batch create --programme GL01 --period 202303"
	"subsidy batch create --programme GL01 --period 202303 --county 410102"
	"subsidy budget set --programme GL01 --year 2023 --county 410102 --amount-fen 100"
	"subsidy payment correct --payment 1 --account 6217000000000010004"
	"subsidy hold release --entitlement 1"
	"subsidy hold cancel --entitlement 1"
	"subsidy bankfile import $SCRATCH/ret.csv"
	"subsidy stats --year 2023 --as-values"
)
for cmd in "${needs_records[@]}"; do
	# shellcheck disable=SC2086 # the words are split on purpose
	run "$MINSHENG" $cmd --db "$missing"
	expect_status 3
	expect_err "minsheng: 数据库 '$missing' 不存在（先导入数据，或用 --db 指定已有的数据库）"
	expect_no_db_files "$missing"
done
# Imports of new data and demo still create it (t0002 covers the rest).
for cmd in "subsidy programme import $S/programmes.csv" "subsidy deaths import $S/deaths.csv" \
	"subsidy officials import $S/officials.csv" "orgunit import $S/orgunits.csv"; do
	rm -f "$SCRATCH/c.db" "$SCRATCH/c.db.key"
	# shellcheck disable=SC2086
	run "$MINSHENG" $cmd --db "$SCRATCH/c.db"
	expect_status 0
	[ -s "$SCRATCH/c.db" ] && _pass || _fail "'$cmd' did not create the database"
done

# ---- 4. org unit codes given as options ----

# A malformed code is a usage error, found before the database is opened.
while IFS='|' read -r cmd msg; do
	# shellcheck disable=SC2086
	run "$MINSHENG" $cmd --db "$missing"
	expect_status 2
	expect_err "minsheng: $msg"
	expect_err "用法：minsheng $(echo "$cmd" | sed 's/ --.*//') "
	expect_no_db_files "$missing"
done <<'EOF'
subsidy batch create --programme GL01 --period 202303 --county 4101|选项 --county 的值 '4101' 无效（县级单位代码应为6位数字）
subsidy batch create --programme GL01 --period 202303 --county 41010x|选项 --county 的值 '41010x' 无效（县级单位代码应为6位数字）
subsidy budget set --programme GL01 --year 2023 --county 4101020 --amount-fen 1|选项 --county 的值 '4101020' 无效（县级单位代码应为6位数字）
subsidy disclose --programme GL01 --period 202303 --village 410102001|选项 --village 的值 '410102001' 无效（村级单位代码应为12位数字）
subsidy stats --year 2023 --orgunit a/b|选项 --orgunit 的值 'a/b' 无效（单位代码应为1到32个字母、数字或 _.-）
EOF

# No org units loaded: any well-formed code is taken (nothing to check
# against), as roster import does for villages.
run M subsidy budget set --programme GL01 --year 2023 --county 410199 --amount-fen 100
expect_status 0
run M subsidy disclose --programme GL01 --period 202303 --village 410199001001
expect_status 0
expect_out "合计 0 人"
run M subsidy batch create --programme GL01 --period 202303 --county 410199
expect_status 0
expect_out "没有待发放的应发记录"

# Units loaded: an unknown code is refused (exit 1), as is one of another level.
cat >"$SCRATCH/units.csv" <<'EOF'
code,name,level,parent_code
41,河南省,province,
4101,郑州市,city,41
410102,中原区,county,4101
410105,金水区,county,4101
410102001,某街道,township,410102
410102001001,甲村,village,410102001
410102001002,乙村,village,410102001
410105001,某镇,township,410105
410105001001,丙村,village,410105001
410105001002,丁村,village,410105001
410105000000,某社区,township,410105
EOF
run M orgunit import "$SCRATCH/units.csv"
expect_status 0
run M subsidy batch create --programme GL01 --period 202303 --county 410199
expect_status 1
expect_err "minsheng: 未知的单位代码 '410199'（组织机构中没有这个单位）"
run M subsidy budget set --programme GL01 --year 2023 --county 410198 --amount-fen 100
expect_status 1
expect_err "未知的单位代码 '410198'"
run M subsidy disclose --programme GL01 --period 202303 --village 410199001001
expect_status 1
expect_err "未知的单位代码 '410199001001'"
expect_no_out "合计"
run M subsidy disclose --programme GL01 --period 202303 --village 410105000000
expect_status 1
expect_err "minsheng: 单位 '410105000000'（某社区）是乡级单位，不是村级单位"
run M subsidy stats --year 2023 --orgunit 4199
expect_status 1
expect_err "未知的单位代码 '4199'"
# nothing was written by the refused commands
run sqlite3 "$db" "SELECT COUNT(*) FROM budget WHERE county_code = '410198'; SELECT COUNT(*) FROM batch;"
expect_out "0
0"
# known codes work
run M subsidy budget set --programme GL01 --year 2023 --county 410102 --amount-fen 100000000
expect_status 0
run M subsidy batch create --programme GL01 --period 202303 --county 410105
expect_status 0
expect_out "批次 1：8 笔"
run M subsidy disclose --programme GL01 --period 202303 --village 410105001002
expect_status 0
run M subsidy stats --year 2023 --orgunit 4101
expect_status 0

# The writers above work on an existing database (not refused as missing).
run M subsidy hold release --entitlement 999999
expect_status 1
run M subsidy payment correct --payment 999999 --account 6217000000000010003
expect_status 1
expect_err "不存在"

# ---- 5. --help after other options ----

for cmd in "report --year 2023" "bulletin --year 2022 --precision 0" \
	"subsidy batch create --programme GL01" "subsidy roster import x.csv --partial" \
	"orgunit list --level county"; do
	name=$(echo "$cmd" | sed 's/ [^a-z].*//; s/ --.*//; s/ x\.csv//')
	for h in --help -h; do
		# shellcheck disable=SC2086
		run "$MINSHENG" $cmd $h --db "$missing"
		expect_status 0
		expect_out "用法：minsheng $name "
		expect_no_db_files "$missing"
	done
done
# after "--" it is an operand, not a request for help
run "$MINSHENG" subsidy roster import -- --help --db "$missing"
expect_status 2
expect_no_db_files "$missing"

# ---- 6. bankfile import: the file's errors name it ----

mkdir -p "$SCRATCH/adir"
run M subsidy bankfile import "$SCRATCH/adir"
expect_status 1
expect_err "minsheng: $SCRATCH/adir: '$SCRATCH/adir' 不是普通文件"
printf 'H,MSRET,1,77\nT,0,0\n' >"$SCRATCH/nobatch.csv"
run M subsidy bankfile import "$SCRATCH/nobatch.csv"
expect_status 1
expect_err "minsheng: $SCRATCH/nobatch.csv:1:4: 批次 77 不存在"

# ---- 3. bulletin --precision ----

demo="$SCRATCH/demo.db"
run "$MINSHENG" demo --db "$demo"
expect_status 0
run "$MINSHENG" bulletin --year 2022 --db "$demo"
expect_status 0
expect_out "分别完成年度目标任务的144.1%、168%、176%。"
run "$MINSHENG" bulletin --year 2022 --precision 0 --db "$demo"
expect_status 0
# as the province published it in 2022
expect_out "分别完成年度目标任务的144%、168%、176%。"
expect_no_out "144.1%"
# 5699 of 4000 is 142.475%: 142% at precision 0 (not 143% from 142.5)
expect_out "分别完成年度目标任务的108%、142%。"
run "$MINSHENG" bulletin --year 2022 --precision 2 --db "$demo"
expect_status 0
expect_out "分别完成年度目标任务的144.1%、168%、176%。"
expect_out "分别完成年度目标任务的115.38%、105.3%。"
run "$MINSHENG" bulletin --year 2022 --precision 1 --db "$demo"
expect_status 0
out >"$SCRATCH/p1.txt"
run "$MINSHENG" bulletin --year 2022 --db "$demo"
out >"$SCRATCH/pdef.txt"
expect_same "$SCRATCH/p1.txt" "$SCRATCH/pdef.txt"
for p in 5 x -1 "" 1.5; do
	run "$MINSHENG" bulletin --year 2022 --precision "$p" --db "$demo"
	expect_status 2
	expect_err "minsheng: 选项 --precision 的值 '$p' 无效（应为 0 到 4 的整数）"
	expect_err "用法：minsheng bulletin --year Y [--period P] [--orgunit CODE] [--precision N] [--db PATH]"
done
run "$MINSHENG" bulletin --year 2022 --precision 5 --db "$missing"
expect_status 2
expect_no_db_files "$missing"

# A rate that misses its target by less than half the last printed digit
# is still worded as a miss, with the digits it needs, at any precision; a
# formula rate is then printed with those digits too (94.7%, not 95%, which
# would read as its target).
pdb="$SCRATCH/p.db"
cat >"$SCRATCH/p-plan.csv" <<'EOF'
year,project_no,project_title,indicator,indicator_name,unit,kind,comparator,target,orgunit,aggregation,numerator,denominator
2024,1,筛查,screen,筛查率,%,rate,>=,95,41,last,,
2024,1,筛查,cover,覆盖率,%,rate,>=,95,41,last,cover_num,cover_den
EOF
cat >"$SCRATCH/p-values.csv" <<'EOF'
dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value
screen,2024,41,,,94.7
cover_num,2024,41,,,1894
cover_den,2024,41,,,2000
EOF
run "$MINSHENG" orgunit import "$S/orgunits.csv" --db "$pdb"
expect_status 0
run "$MINSHENG" plan import "$SCRATCH/p-plan.csv" --db "$pdb"
expect_status 0
run "$MINSHENG" values import "$SCRATCH/p-values.csv" --db "$pdb"
expect_status 0
run "$MINSHENG" bulletin --year 2024 --precision 0 --db "$pdb"
expect_status 0
expect_out "全省筛查率达到94.7%，低于年度目标任务0.3个百分点；覆盖率达到94.7%，低于年度目标任务0.3个百分点。"
expect_out "未完成的指标：筛查率、覆盖率。"
expect_no_out "达到年度目标任务"
run "$MINSHENG" bulletin --year 2024 --db "$pdb"
expect_status 0
expect_out "覆盖率达到94.7%，低于年度目标任务0.3个百分点。"

# ---- an input that is a directory: refused before the database is created ----

mkdir -p "$SCRATCH/indir"
for cmd in "orgunit import" "plan import" "values import" "subsidy programme import" \
	"subsidy roster import" "subsidy deaths import" "subsidy officials import"; do
	# shellcheck disable=SC2086
	run "$MINSHENG" $cmd "$SCRATCH/indir" --db "$missing"
	expect_status 1
	expect_err "minsheng: $SCRATCH/indir: '$SCRATCH/indir' 不是普通文件"
	expect_no_db_files "$missing"
done
# a pipe is read like a file
run "$MINSHENG" orgunit import /dev/stdin --db "$SCRATCH/pipe.db" <"$TESTDATA/tracker/core/orgunits.csv"
expect_status 0

# ---- a header of the wrong width is a bad header, as in roster import ----

printf 'code,name,department,frequency,standard_fen,min_age\nX1,a,b,monthly,1,\n' >"$SCRATCH/p6.csv"
run "$MINSHENG" subsidy programme import "$SCRATCH/p6.csv" --db "$SCRATCH/hdr.db"
expect_status 1
expect_err "p6.csv:1:7: 表头不对，应为：code,name,department,frequency,standard_fen,min_age,max_age"
printf 'id_number,date_of_death,extra\n' >"$SCRATCH/d3.csv"
run "$MINSHENG" subsidy deaths import "$SCRATCH/d3.csv" --db "$SCRATCH/hdr.db"
expect_status 1
expect_err "d3.csv:1:3: 表头不对，应为：id_number,date_of_death"
# a data row of the wrong width is still field_count
printf 'code,name,department,frequency,standard_fen,min_age,max_age\nX1,a,b,monthly,1,\n' >"$SCRATCH/p7.csv"
run "$MINSHENG" subsidy programme import "$SCRATCH/p7.csv" --db "$SCRATCH/hdr.db"
expect_status 1
expect_err "p7.csv:2:7: 有 6 个字段，应为 7 个 [field_count]"

finish
