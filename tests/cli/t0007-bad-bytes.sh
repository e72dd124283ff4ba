#!/usr/bin/env bash
# One bad byte in a data row (invalid UTF-8, a NUL, a byte GB18030 cannot
# convert) rejects that row only: roster and values imports read the rows
# after it (imported with --partial, checked and listed without), the counts
# add up to the file's rows, and a UTF-8 file with a bad byte is still read as
# UTF-8, so no name is garbled. A bad byte in the header refuses the file.
. "$(dirname "$0")/lib.sh"

S="$TESTDATA/subsidy/core"
T="$TESTDATA/tracker/core"
n=0

# A fresh roster database: org units and programmes.
newdb() {
	n=$((n + 1))
	db="$SCRATCH/r$n.db"
	"$MINSHENG" orgunit import "$S/orgunits.csv" --db "$db" >/dev/null
	"$MINSHENG" subsidy programme import "$S/programmes.csv" --db "$db" >/dev/null
}
q() { sqlite3 "$db" "$1"; }
names() { q "SELECT group_concat(e.line || ':' || b.name, ' ') FROM (SELECT * FROM entitlement ORDER BY line) e JOIN beneficiary b ON b.id = e.beneficiary_id"; }

hdr='programme,period,id_number,name,village,bank_account,amount_fen'
# Five data rows (lines 2-6); $1 is the name on line 4 (printf escapes).
roster() {
	printf '%s\n' "$hdr"
	printf 'GLJT,202303,410102194003150112,张三,410102001001,6217000000000000012,10000\n'
	printf 'DBJ,202303,410102194003150112,张三,410102001001,6217000000000000012,80000\n'
	printf "CJBT,2023Q1,411624197512010222,$1,411624100201,6217000000000000020,24000\n"
	printf 'GDBH,2023,411624196207090313,王建国,411624100201,6217000000000000038,123456\n'
	printf 'JYBZ,2023,411624200501010424,欧阳小明,411624100201,6217000000000000046,200000\n'
}
good='2:张三 3:张三 5:王建国 6:欧阳小明'

# 1. UTF-8, a 0xFF inside a name (the byte GB18030 detection used to take
#    the whole file for). All or nothing: listed, nothing written.
roster '李\377英' >"$SCRATCH/ff.csv"
newdb
run "$MINSHENG" subsidy roster import "$SCRATCH/ff.csv" --rejects "$SCRATCH/rej-ff1.csv" --db "$db"
expect_status 1
expect_out "接受 4 行，拒绝 1 行"
expect_out "未写入任何数据"
expect_err "ff.csv:4:4: 不是有效的 UTF-8 编码（字节 0xFF）"
[ "$(q 'SELECT COUNT(*) FROM entitlement')" = 0 ] && _pass || _fail "all or nothing wrote entitlements"
[ "$(tail -n +2 "$SCRATCH/rej-ff1.csv" | cut -d, -f1-3)" = "4,4,invalid_utf8" ] && _pass || _fail "reject file: $(cat "$SCRATCH/rej-ff1.csv")"

# --partial: the rows after the bad one are imported, names intact.
run "$MINSHENG" subsidy roster import "$SCRATCH/ff.csv" --partial --rejects "$SCRATCH/rej-ff2.csv" --db "$db"
expect_status 1
expect_out "接受 4 行，拒绝 1 行"
expect_out "  invalid_utf8	1"
[ "$(names)" = "$good" ] && _pass || _fail "rows or names: $(names)"
[ "$(tail -n +2 "$SCRATCH/rej-ff2.csv" | cut -d, -f1-3)" = "4,4,invalid_utf8" ] && _pass || _fail "reject file: $(cat "$SCRATCH/rej-ff2.csv")"
[ "$(q 'SELECT encoding FROM roster_import')" = "UTF-8" ] && _pass || _fail "encoding recorded: $(q 'SELECT encoding FROM roster_import')"
run "$MINSHENG" subsidy check --db "$db"
expect_status 0

# 2. A sequence cut short by the comma after it: the comma still separates
#    (the row has 7 fields, so the reason is the byte, not the field count).
roster '李\345' >"$SCRATCH/cut.csv"
newdb
run "$MINSHENG" subsidy roster import "$SCRATCH/cut.csv" --partial --rejects "$SCRATCH/rej-cut.csv" --db "$db"
expect_status 1
expect_out "接受 4 行，拒绝 1 行"
expect_err "cut.csv:4:4: 不是有效的 UTF-8 编码（字节 0xE5）"
[ "$(names)" = "$good" ] && _pass || _fail "rows or names: $(names)"

# 3. A NUL byte, UTF-8 given.
roster '李\000英' >"$SCRATCH/nul.csv"
newdb
run "$MINSHENG" subsidy roster import "$SCRATCH/nul.csv" --encoding UTF-8 --partial --rejects "$SCRATCH/rej-nul.csv" --db "$db"
expect_status 1
expect_out "接受 4 行，拒绝 1 行"
expect_out "  nul_byte	1"
expect_err "nul.csv:4:4: 含有 NUL 字节"
[ "$(names)" = "$good" ] && _pass || _fail "rows or names: $(names)"

# 4. GBK (detected), a byte GB18030 cannot convert in line 4.
# (iconv would stop at the 0xFF: the file is built from converted pieces)
{
	roster 'X' | sed -n '1,3p' | iconv -f UTF-8 -t GBK
	printf 'CJBT,2023Q1,411624197512010222,'
	printf '李' | iconv -f UTF-8 -t GBK
	printf '\377'
	printf '英' | iconv -f UTF-8 -t GBK
	printf ',411624100201,6217000000000000020,24000\n'
	roster 'X' | sed -n '5,6p' | iconv -f UTF-8 -t GBK
} >"$SCRATCH/gbk.csv"
newdb
run "$MINSHENG" subsidy roster import "$SCRATCH/gbk.csv" --partial --rejects "$SCRATCH/rej-gbk.csv" --db "$db"
expect_status 1
expect_out "接受 4 行，拒绝 1 行"
expect_out "  bad_encoding	1"
expect_err "gbk.csv:4:4: 无法按 GB18030 编码转换的字节（FF）"
[ "$(names)" = "$good" ] && _pass || _fail "rows or names: $(names)"
[ "$(q 'SELECT encoding FROM roster_import')" = "GB18030" ] && _pass || _fail "encoding recorded: $(q 'SELECT encoding FROM roster_import')"

# 5. Several bad rows: every one reported, every good one imported, and
#    accepted + rejected = the file's data rows.
{
	roster '李\377英'
	printf 'GLJT,202304,410102194003150112,\000张三,410102001001,6217000000000000012,10000\n'
	printf 'GLJT,202305,410102194003150112,张三,410102001001,6217000000000000012,10000\n'
	printf 'GLJT,202306,410102194003150112,张\200三,410102001001,6217000000000000012,10000\n'
	printf 'GLJT,202307,410102194003150112,张三,410102001001,6217000000000000012,10000\n'
} >"$SCRATCH/many.csv"
newdb
run "$MINSHENG" subsidy roster import "$SCRATCH/many.csv" --partial --rejects "$SCRATCH/rej-many.csv" --db "$db"
expect_status 1
expect_out "接受 6 行，拒绝 3 行"
[ "$(tail -n +2 "$SCRATCH/rej-many.csv" | cut -d, -f1-3 | tr '\n' ' ')" = "4,4,invalid_utf8 7,4,nul_byte 9,4,invalid_utf8 " ] && _pass || _fail "rejects: $(cat "$SCRATCH/rej-many.csv")"
[ "$(names)" = "$good 8:张三 10:张三" ] && _pass || _fail "rows or names: $(names)"

# 6. A bad byte in the header: the file is refused whole, no reject file.
{
	printf 'program\377me,period,id_number,name,village,bank_account,amount_fen\n'
	roster '李英' | tail -n +2
} >"$SCRATCH/badhdr.csv"
newdb
run "$MINSHENG" subsidy roster import "$SCRATCH/badhdr.csv" --partial --rejects "$SCRATCH/rej-hdr.csv" --db "$db"
expect_status 1
expect_err "badhdr.csv:1:1:"
[ ! -e "$SCRATCH/rej-hdr.csv" ] && _pass || _fail "a reject file was written for a refused file"
[ "$(q 'SELECT COUNT(*) FROM entitlement')" = 0 ] && _pass || _fail "rows of a refused file written"

# 7. values import: the same rules.
vdb="$SCRATCH/v.db"
"$MINSHENG" orgunit import "$T/orgunits.csv" --db "$vdb" >/dev/null
"$MINSHENG" plan import "$T/plan.csv" --db "$vdb" >/dev/null
vq() { sqlite3 "$vdb" "$1"; }
{
	printf 'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby\n'
	printf 'new_jobs,202301,41,,,1,张三\n'
	printf 'new_jobs,202302,41,,,2,李\377四\n'
	printf 'new_jobs,202303,41,,,3,王五\n'
	printf 'new_jobs,202304,41,,,4,赵\000六\n'
	printf 'new_jobs,202305,41,,,5,钱七\n'
} >"$SCRATCH/v.csv"
run "$MINSHENG" values import "$SCRATCH/v.csv" --db "$vdb"
expect_status 1
expect_err "v.csv:3:7: 不是有效的 UTF-8 编码（字节 0xFF）"
expect_err "v.csv:5:7: 含有 NUL 字节"
expect_err "共 2 行有错误，未导入任何数据"
[ "$(vq 'SELECT COUNT(*) FROM datavalue')" = 0 ] && _pass || _fail "all or nothing wrote values"
run "$MINSHENG" values import "$SCRATCH/v.csv" --partial --rejects "$SCRATCH/vrej.csv" --db "$vdb"
expect_status 0
expect_out "导入 3 条，替换 0 条，拒绝 2 条"
[ "$(tail -n +2 "$SCRATCH/vrej.csv" | cut -d, -f1-3 | tr '\n' ' ')" = "3,7,invalid_utf8 5,7,nul_byte " ] && _pass || _fail "values rejects: $(cat "$SCRATCH/vrej.csv")"
[ "$(vq "SELECT group_concat(storedby, ' ') FROM (SELECT storedby FROM datavalue_meta ORDER BY period)")" = "张三 王五 钱七" ] && _pass || _fail "values rows or names: $(vq 'SELECT period, storedby FROM datavalue_meta')"
# a bad byte in the values header refuses the file
printf 'data\377element,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\nnew_jobs,202306,41,,,6\n' >"$SCRATCH/vh.csv"
run "$MINSHENG" values import "$SCRATCH/vh.csv" --partial --rejects "$SCRATCH/vhrej.csv" --db "$vdb"
expect_status 1
[ ! -e "$SCRATCH/vhrej.csv" ] && _pass || _fail "a rejects file was written for a refused values file"
[ "$(vq 'SELECT COUNT(*) FROM datavalue_meta')" = 3 ] && _pass || _fail "a refused values file wrote rows"

# all-or-nothing imports with their own row checks (deaths, programmes) list
# every bad row: a bad byte is one of them, the rows after it are still checked
ddb="$SCRATCH/d.db"
"$MINSHENG" orgunit import "$S/orgunits.csv" --db "$ddb" >/dev/null
{
	printf 'id_number,date_of_death\n'
	printf '410102194003150112,2023-0\3772-01\n'
	printf '410102194003150113,2023-02-01\n'
} >"$SCRATCH/deaths.csv"
run "$MINSHENG" subsidy deaths import "$SCRATCH/deaths.csv" --db "$ddb"
expect_status 1
expect_err "deaths.csv:2:2: "
expect_err "deaths.csv:3:1: 身份证号码校验码错误"
expect_err "有 2 行错误，未导入任何记录"
{
	printf 'code,name,department,frequency,standard_fen,min_age,max_age\n'
	printf 'A1,低保\377,民政厅,monthly,,,\n'
	printf 'A2,,民政厅,monthly,,,\n'
} >"$SCRATCH/progs.csv"
run "$MINSHENG" subsidy programme import "$SCRATCH/progs.csv" --db "$ddb"
expect_status 1
expect_err "progs.csv:2:2: 不是有效的 UTF-8 编码（字节 0xFF）"
expect_err "progs.csv:3:2: 项目名称 '' 为空"
expect_err "2 行有错误，未导入任何项目"
# a row with a bad byte whose quote never closes: both listed, one row counted
printf 'id_number,name,village,role\n410102194003150112,张三,410102001001,村主任\n410102194003150113,李\377,"410102001001,村主任\n' >"$SCRATCH/oq.csv"
run "$MINSHENG" subsidy officials import "$SCRATCH/oq.csv" --db "$ddb"
expect_status 1
expect_err "oq.csv:3:2: 不是有效的 UTF-8 编码（字节 0xFF）"
expect_err "oq.csv:3:3: 引号未闭合"
expect_err "有 1 行错误，未导入任何记录"
printf 'code,name,department,frequency,standard_fen,min_age,max_age\nA1,低保\377,"民政厅,monthly,,,\n' >"$SCRATCH/pq.csv"
run "$MINSHENG" subsidy programme import "$SCRATCH/pq.csv" --db "$ddb"
expect_status 1
expect_err "pq.csv:2:3: 引号未闭合"
expect_err "1 行有错误，未导入任何项目"

finish
