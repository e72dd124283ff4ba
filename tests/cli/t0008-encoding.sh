#!/usr/bin/env bash
# --encoding E on every CSV import (docs/csv.md): subsidy programme, deaths,
# officials and roster import, orgunit, plan and values import. For each:
#   - a GBK file read with --encoding GBK gives the right Chinese text;
#   - --encoding NOPE is a usage error (exit 2) naming the encoding, and
#     writes nothing (not even a new database);
#   - a GBK file that detection gets wrong is read right when the encoding
#     is given. Two such files: a short one whose GBK bytes happen to be
#     valid UTF-8 (谢英 is D0 BB D3 A2, UTF-8 for лӢ: detection cannot tell,
#     and reads it silently as the wrong characters), and one whose first
#     64 KiB are ASCII (detection sees no byte to decide by, reads UTF-8,
#     and the GBK rows after them are invalid_utf8);
#   - --encoding GBK for a file that is plainly UTF-8 is refused
#     (encoding_mismatch, exit 1), nothing written.
# Characters whose GBK form is valid UTF-8 (lead C2-DF, trail 80-BF), used
# below: 谢 英 钱 强 委 员 农 业 叶 庄 平 亩 十 一 石 伟.
. "$(dirname "$0")/lib.sh"

S="$TESTDATA/subsidy/core"
T="$TESTDATA/tracker/core"
gbk() { iconv -f UTF-8 -t GBK; }
n=0
newdb() {
	n=$((n + 1))
	db="$SCRATCH/d$n.db"
}
M() { "$MINSHENG" "$@" --db "$db"; }
q() { sqlite3 "$db" "$1"; }
# $1: what; $2: expected; $3: got
same() { [ "$2" = "$3" ] && _pass || _fail "$1: expected '$2', got '$3'"; }

# Every command refuses an unknown encoding before it opens the database:
# exit 2, the roster's message (the reader's), no database left behind.
# $1: a readable input file; the rest: the command words.
nope() {
	local f=$1
	shift
	newdb
	run "$MINSHENG" "$@" "$f" --encoding NOPE --db "$db"
	expect_status 2
	expect_err "minsheng: $f: 不支持的编码 'NOPE'"
	expect_no_db_files "$db"
}

# A legacy encoding given for a file that is plainly UTF-8 (8 or more
# distinct Chinese characters, no bad byte) is refused (encoding_mismatch,
# exit 1), nothing written: read as GBK, every name would be wrong, silently.
# $1: a UTF-8 file; $2: the table that must stay empty; $3: a database to
# copy (or ""); the rest: the command words.
mismatch() {
	local f=$1 table=$2 from=$3
	shift 3
	newdb
	[ -n "$from" ] && cp "$from" "$db"
	local before
	before=$(sqlite3 "$db" "SELECT COUNT(*) FROM $table" 2>/dev/null || echo 0)
	run "$MINSHENG" "$@" "$f" --encoding GBK --db "$db"
	expect_status 1
	expect_err "minsheng: $f: 文件是 UTF-8 编码，不是指定的 GBK（开头是有效的 UTF-8 中文）；按 GBK 读取会把中文全部读错，请去掉 --encoding 或改用 --encoding UTF-8"
	same "$* wrote nothing" "$before" "$(q "SELECT COUNT(*) FROM $table")"
}

# ---- subsidy programme import ----
H='code,name,department,frequency,standard_fen,min_age,max_age'
gbk <"$S/programmes.csv" >"$SCRATCH/prog-gbk.csv"
newdb
run M subsidy programme import "$SCRATCH/prog-gbk.csv" --encoding GBK
expect_status 0
expect_out "已导入 5 个补贴项目"
same "programme names" "城乡居民最低生活保障金|省民政厅" "$(q "SELECT name || '|' || department FROM programme WHERE code = 'DBJ'")"
nope "$SCRATCH/prog-gbk.csv" subsidy programme import

# GBK that is valid UTF-8: detected as UTF-8, the wrong text; given, right.
printf '%s\n' "$H" 'NY,农业,农委,yearly,1000,,' | gbk >"$SCRATCH/prog-look.csv"
newdb
run M subsidy programme import "$SCRATCH/prog-look.csv"
expect_status 0
same "programme read as UTF-8" "ũҵ|ũί" "$(q "SELECT name || '|' || department FROM programme")"
newdb
run M subsidy programme import "$SCRATCH/prog-look.csv" --encoding GBK
expect_status 0
same "programme read as GBK" "农业|农委" "$(q "SELECT name || '|' || department FROM programme")"

# 64 KiB of ASCII rows, then a GBK row: detected UTF-8, the row refused.
{
	printf '%s\n' "$H"
	for i in $(seq 1000 2999); do printf 'P%s,Programme %s,Dept,monthly,100,,\n' "$i" "$i"; done
	printf 'GLJT,高龄津贴,省民政厅,monthly,10000,80,\n' | gbk
} >"$SCRATCH/prog-big.csv"
newdb
run M subsidy programme import "$SCRATCH/prog-big.csv"
expect_status 1
expect_err "prog-big.csv:2002:2: 不是有效的 UTF-8 编码（字节 0xB8）；如果文件是 GBK 编码，请用 --encoding GBK 指定编码"
run M subsidy programme import "$SCRATCH/prog-big.csv" --encoding GBK
expect_status 0
expect_out "已导入 2001 个补贴项目"
same "programme after 64 KiB" "高龄津贴|省民政厅" "$(q "SELECT name || '|' || department FROM programme WHERE code = 'GLJT'")"

mismatch "$S/programmes.csv" programme "" subsidy programme import

# ---- subsidy officials import ----
H='id_number,name,village,role'
printf '%s\n' "$H" '410102194102111020,王芳,410102001002,村委委员' \
	'410102195204131131,李四,410102001001,村支书' | gbk >"$SCRATCH/off-gbk.csv"
newdb
run M subsidy officials import "$SCRATCH/off-gbk.csv" --encoding GBK
expect_status 0
expect_out "已导入公职人员 2 行：新增 2"
same "officials" "村委委员:王芳 村支书:李四" "$(q "SELECT group_concat(role || ':' || name, ' ') FROM (SELECT * FROM official ORDER BY role)")"
nope "$SCRATCH/off-gbk.csv" subsidy officials import

printf '%s\n' "$H" '410102194102111020,谢英,410102001002,委员' | gbk >"$SCRATCH/off-look.csv"
newdb
run M subsidy officials import "$SCRATCH/off-look.csv"
expect_status 0
same "official read as UTF-8" "лӢ|ίԱ" "$(q "SELECT name || '|' || role FROM official")"
newdb
run M subsidy officials import "$SCRATCH/off-look.csv" --encoding GBK
expect_status 0
same "official read as GBK" "谢英|委员" "$(q "SELECT name || '|' || role FROM official")"

printf '%s\n' "$H" '410102194102111020,王芳,410102001002,村委委员' \
	'410102195204131131,李四,410102001001,村支书' >"$SCRATCH/off-utf8.csv"
mismatch "$SCRATCH/off-utf8.csv" official "" subsidy officials import

# ---- subsidy deaths import ----
# A deaths file has no text column: what the encoding changes is how a bad
# field is quoted back. Valid rows import under GBK as under detection.
printf '%s\n' 'id_number,date_of_death' '410102194003150112,2023-02-10' | gbk >"$SCRATCH/dead-gbk.csv"
newdb
run M subsidy deaths import "$SCRATCH/dead-gbk.csv" --encoding GBK
expect_status 0
expect_out "已导入死亡记录 1 行：新增 1"
same "deaths" "2023-02-10" "$(q "SELECT date(death_day * 86400, 'unixepoch') FROM death")"
nope "$SCRATCH/dead-gbk.csv" subsidy deaths import

printf '%s\n' 'id_number,date_of_death' '410102194003150112,十一' | gbk >"$SCRATCH/dead-look.csv"
newdb
run M subsidy deaths import "$SCRATCH/dead-look.csv"
expect_status 1
expect_err "dead-look.csv:2:2: 死亡日期无效：无效的日期 'ʮһ'"
run M subsidy deaths import "$SCRATCH/dead-look.csv" --encoding GBK
expect_status 1
expect_err "dead-look.csv:2:2: 死亡日期无效：无效的日期 '十一'"
same "refused deaths" "0" "$(q "SELECT COUNT(*) FROM death")"

# ---- subsidy roster import (it had --encoding already; the same checks) ----
gbk <"$S/every-kind.csv" >"$SCRATCH/roster-gbk.csv"
nope "$SCRATCH/roster-gbk.csv" subsidy roster import
rhdr='programme,period,id_number,name,village,bank_account,amount_fen'
printf '%s\n' "$rhdr" 'GLJT,202303,410102194003150112,谢英,410102001001,6217000000000000012,10000' |
	gbk >"$SCRATCH/roster-look.csv"
rtmpl="$SCRATCH/roster-template.db"
"$MINSHENG" orgunit import "$S/orgunits.csv" --db "$rtmpl" >/dev/null
"$MINSHENG" subsidy programme import "$S/programmes.csv" --db "$rtmpl" >/dev/null
for enc in "" GBK; do
	newdb
	cp "$rtmpl" "$db"
	run M subsidy roster import "$SCRATCH/roster-look.csv" ${enc:+--encoding "$enc"}
	expect_status 0
	expect_out "接受 1 行，拒绝 0 行"
	if [ -z "$enc" ]; then
		same "roster read as UTF-8" "лӢ|UTF-8" "$(q "SELECT b.name || '|' || i.encoding FROM beneficiary b, roster_import i")"
	else
		same "roster read as GBK" "谢英|GBK" "$(q "SELECT b.name || '|' || i.encoding FROM beneficiary b, roster_import i")"
	fi
done

mismatch "$S/every-kind.csv" entitlement "$rtmpl" subsidy roster import
same "roster import recorded" "0" "$(q "SELECT COUNT(*) FROM roster_import")"

# ---- orgunit import ----
H='code,name,level,parent_code'
gbk <"$S/orgunits.csv" >"$SCRATCH/ou-gbk.csv"
newdb
run M orgunit import "$SCRATCH/ou-gbk.csv" --encoding GBK
expect_status 0
run M orgunit list --parent 410102001
expect_status 0
expect_out "410102001001	村级	建设社区	410102001"
nope "$SCRATCH/ou-gbk.csv" orgunit import
mismatch "$S/orgunits.csv" orgunit "" orgunit import

# a file whose only Chinese is a look-alike name
printf '%s\n' "$H" '41,Henan,province,' '4101,Zhengzhou,city,41' '410102,Zhongyuan,county,4101' \
	'410102001,Linshanzhai,township,410102' '410102001001,叶庄,village,410102001' | gbk >"$SCRATCH/ou-look.csv"
newdb
run M orgunit import "$SCRATCH/ou-look.csv"
expect_status 0
same "unit read as UTF-8" "Ҷׯ" "$(q "SELECT name FROM orgunit WHERE code = '410102001001'")"
newdb
run M orgunit import "$SCRATCH/ou-look.csv" --encoding GBK
expect_status 0
same "unit read as GBK" "叶庄" "$(q "SELECT name FROM orgunit WHERE code = '410102001001'")"

# 64 KiB of ASCII units, then GBK names.
{
	printf '%s\n' "$H" '41,Henan,province,' '4101,Zhengzhou,city,41' '410102,Zhongyuan,county,4101'
	for t in 001 002; do
		printf '410102%s,Township %s,township,410102\n' "$t" "$t"
		for v in $(seq 100 899); do printf '410102%s%s,Village number %s,village,410102%s\n' "$t" "$v" "$v" "$t"; done
	done
	printf '410102003,林山寨街道,township,410102\n' | gbk
} >"$SCRATCH/ou-big.csv"
newdb
run M orgunit import "$SCRATCH/ou-big.csv"
expect_status 1
expect_err "ou-big.csv:1607:2: 不是有效的 UTF-8 编码"
expect_no_out "已导入"
run M orgunit import "$SCRATCH/ou-big.csv" --encoding GBK
expect_status 0
expect_out "已导入 1606 行：新增 1606 个单位"
same "unit after 64 KiB" "林山寨街道" "$(q "SELECT name FROM orgunit WHERE code = '410102003'")"

# ---- plan import ----
H='year,project_no,project_title,indicator,indicator_name,unit,kind,comparator,target,orgunit,aggregation,numerator,denominator'
# fresh databases copied from templates (a command each costs time)
ttmpl="$SCRATCH/tracker-template.db"
vtmpl="$SCRATCH/values-template.db"
"$MINSHENG" orgunit import "$T/orgunits.csv" --db "$ttmpl" >/dev/null
cp "$ttmpl" "$vtmpl"
"$MINSHENG" plan import "$T/plan.csv" --db "$vtmpl" >/dev/null
tdb() {
	newdb
	cp "$ttmpl" "$db"
}
gbk <"$T/plan.csv" >"$SCRATCH/plan-gbk.csv"
tdb
run M plan import "$SCRATCH/plan-gbk.csv" --encoding GBK
expect_status 0
run M plan list --year 2023 --format csv
expect_status 0
expect_out "稳定和扩大就业,skill_training,职业技能培训,人次"
nope "$SCRATCH/plan-gbk.csv" plan import
mismatch "$T/plan.csv" indicator "$ttmpl" plan import

printf '%s\n' "$H" '2023,1,农业,farm,石伟,亩,count,>=,100,41,sum,,' | gbk >"$SCRATCH/plan-look.csv"
tdb
run M plan import "$SCRATCH/plan-look.csv"
expect_status 0
same "plan read as UTF-8" "ũҵ|ʯΰ|Ķ" "$(q "SELECT p.title || '|' || i.name || '|' || i.unit FROM project p JOIN indicator i ON i.project_id = p.id")"
tdb
run M plan import "$SCRATCH/plan-look.csv" --encoding GBK
expect_status 0
same "plan read as GBK" "农业|石伟|亩" "$(q "SELECT p.title || '|' || i.name || '|' || i.unit FROM project p JOIN indicator i ON i.project_id = p.id")"

# ---- values import ----
H='dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby'
vdb() {
	newdb
	cp "$vtmpl" "$db"
}
printf '%s\n' "$H" 'skill_training,202301,41,,,1,张三' 'skill_training,202302,41,,,2,李四' | gbk >"$SCRATCH/v-gbk.csv"
vdb
run M values import "$SCRATCH/v-gbk.csv" --encoding GBK
expect_status 0
expect_out "导入 2 条"
same "values" "张三 李四" "$(q "SELECT group_concat(storedby, ' ') FROM (SELECT storedby FROM datavalue_meta ORDER BY period)")"
nope "$SCRATCH/v-gbk.csv" values import
printf '%s\n' "$H" 'skill_training,202301,41,,,1,张三李四' 'skill_training,202302,41,,,2,王五赵六' >"$SCRATCH/v-utf8.csv"
mismatch "$SCRATCH/v-utf8.csv" datavalue_meta "$vtmpl" values import

printf '%s\n' "$H" 'skill_training,202301,41,,,1,钱强' | gbk >"$SCRATCH/v-look.csv"
vdb
run M values import "$SCRATCH/v-look.csv"
expect_status 0
same "values read as UTF-8" "Ǯǿ" "$(q "SELECT storedby FROM datavalue_meta")"
vdb
run M values import "$SCRATCH/v-look.csv" --encoding GBK
expect_status 0
same "values read as GBK" "钱强" "$(q "SELECT storedby FROM datavalue_meta")"

# 64 KiB of ASCII (long comments), then a GBK row.
pad=$(printf '%01900d' 0)
{
	printf '%s,lastupdated,comment\n' "$H"
	for p in 01 02 03 04 05 06 07 08 09 10 11 12; do
		for u in 4101 4102 4103; do printf 'skill_training,2023%s,%s,,,1,zz,,%s\n' "$p" "$u" "$pad"; done
	done
	printf 'skill_training,202301,41,,,1,张三,,\n' | gbk
} >"$SCRATCH/v-big.csv"
vdb
run M values import "$SCRATCH/v-big.csv"
expect_status 1
expect_err "v-big.csv:38:7: 不是有效的 UTF-8 编码"
same "refused values" "0" "$(q "SELECT COUNT(*) FROM datavalue_meta")"
run M values import "$SCRATCH/v-big.csv" --encoding GBK
expect_status 0
expect_out "导入 37 条"
same "value after 64 KiB" "张三" "$(q "SELECT storedby FROM datavalue_meta WHERE period = '202301' AND orgunit_id = (SELECT id FROM orgunit WHERE code = '41')")"

finish
