#!/usr/bin/env bash
# subsidy roster import: every kind of bad row, all-or-nothing and --partial,
# GBK input, duplicates in the file and in the database, re-import, account
# history, and a generated roster split exactly as the generator expects.
. "$(dirname "$0")/lib.sh"
D="$TESTDATA/subsidy/core"
db="$SCRATCH/r.db"
count() { sqlite3 "$db" "$1"; }

"$MINSHENG" orgunit import "$D/orgunits.csv" --db "$db" >/dev/null
"$MINSHENG" subsidy programme import "$D/programmes.csv" --db "$db" >/dev/null

# All or nothing: every bad row has its own reason; nothing is written.
run "$MINSHENG" subsidy roster import "$D/every-kind.csv" --rejects "$SCRATCH/rej1.csv" --db "$db"
expect_status 1
expect_same "$D/every-kind.rejects.csv" "$SCRATCH/rej1.csv"
expect_out "接受 6 行，拒绝 24 行"
expect_out "  id_checksum	1"
expect_out "  bad_amount	2"
expect_out "未写入任何数据"
expect_err "every-kind.csv:26:3: 与第 4 行重复（同一项目、期间和身份证号） [duplicate_in_file]"
[ "$(count 'SELECT COUNT(*) FROM entitlement')" = 0 ] && _pass || _fail "entitlements written in all-or-nothing mode"
[ "$(count 'SELECT COUNT(*) FROM beneficiary')" = 0 ] && _pass || _fail "people written in all-or-nothing mode"
[ "$(count 'SELECT COUNT(*) FROM ledger_entry')" = 0 ] && _pass || _fail "postings written in all-or-nothing mode"

# The same roster in GB18030 (detected, and forced) gives the same rejects.
run "$MINSHENG" subsidy roster import "$D/every-kind-gbk.csv" --rejects "$SCRATCH/rej2.csv" --db "$db"
expect_status 1
expect_same "$D/every-kind.rejects.csv" "$SCRATCH/rej2.csv"
run "$MINSHENG" subsidy roster import "$D/every-kind-gbk.csv" --encoding GBK --rejects "$SCRATCH/rej3.csv" --db "$db"
expect_status 1
expect_same "$D/every-kind.rejects.csv" "$SCRATCH/rej3.csv"

# --partial: the valid rows are committed, the rejects written.
run "$MINSHENG" subsidy roster import "$D/every-kind-gbk.csv" --partial --rejects "$SCRATCH/rej4.csv" --db "$db"
expect_status 1
expect_same "$D/every-kind.rejects.csv" "$SCRATCH/rej4.csv"
expect_out "接受 6 行，拒绝 24 行"
expect_out "已写入：导入编号 1，新增人员 5，新增账户 5，应发金额 4424.56 元"
[ "$(count 'SELECT COUNT(*) FROM entitlement')" = 6 ] && _pass || _fail "partial import: 6 entitlements expected"
[ "$(count "SELECT group_concat(line) FROM (SELECT line FROM entitlement ORDER BY line)")" = "2,3,4,5,6,31" ] && _pass || _fail "wrong rows accepted"
[ "$(count "SELECT name FROM beneficiary WHERE name = '欧阳小明'")" = "欧阳小明" ] && _pass || _fail "GB18030 name not decoded"
run "$MINSHENG" subsidy check --db "$db"
expect_status 0
expect_out "核对通过：6 个项目期间，6 条应发记录"
expect_out "应发 4424.56 元"

# Re-importing the same file changes nothing: the valid rows are now in the database.
before=$(sqlite3 "$db" .dump | md5sum)
run "$MINSHENG" subsidy roster import "$D/every-kind.csv" --partial --rejects "$SCRATCH/rej5.csv" --db "$db"
expect_status 1
expect_out "接受 0 行，拒绝 30 行"
expect_out "  duplicate_in_db	7"
expect_no_out "duplicate_in_file"
expect_err "every-kind.csv:2:3: 项目 'GLJT' 期间 202303 已有此人的应发记录（第 1 次导入第 2 行） [duplicate_in_db]"
expect_err "every-kind.csv:26:3: 项目 'CJBT' 期间 2023Q1 已有此人的应发记录（第 1 次导入第 4 行） [duplicate_in_db]"
grep -q '^31,3,duplicate_in_db,' "$SCRATCH/rej5.csv" && _pass || _fail "line 31 not duplicate_in_db"
after=$(sqlite3 "$db" .dump | md5sum)
[ "$before" = "$after" ] && _pass || _fail "re-import changed the database"

# A later roster: a new account for a known person becomes history; the
# identity already paid for is duplicate_in_db. All or nothing first.
run "$MINSHENG" subsidy roster import "$D/second.csv" --db "$db"
expect_status 1
expect_err "second.csv:3:3: 项目 'GLJT' 期间 202303 已有此人的应发记录（第 1 次导入第 2 行）"
[ "$(count 'SELECT COUNT(*) FROM bank_account')" = 5 ] && _pass || _fail "account written by a refused import"
run "$MINSHENG" subsidy roster import "$D/second.csv" --partial --db "$db"
expect_status 1
expect_out "接受 1 行，拒绝 1 行"
expect_out "新增人员 0，新增账户 1"
[ "$(count 'SELECT COUNT(*) FROM bank_account')" = 6 ] && _pass || _fail "new account not added"
[ "$(count 'SELECT COUNT(*) FROM bank_account WHERE valid_to IS NOT NULL')" = 1 ] && _pass || _fail "old account not closed"
[ "$(count "SELECT a.last4 FROM bank_account a JOIN beneficiary b ON b.id = a.beneficiary_id WHERE b.name = '张三' AND a.valid_to IS NULL")" = "0301" ] && _pass || _fail "current account of 张三 is not the new one"
run "$MINSHENG" subsidy check --db "$db"
expect_status 0

# Header and file problems.
printf 'programme,period,id,name,village,bank_account,amount_fen\n' >"$SCRATCH/h.csv"
run "$MINSHENG" subsidy roster import "$SCRATCH/h.csv" --db "$db"
expect_status 1
expect_err "h.csv:1"
: >"$SCRATCH/empty.csv"
run "$MINSHENG" subsidy roster import "$SCRATCH/empty.csv" --db "$db"
expect_status 1
expect_err "文件为空"
head -1 "$D/every-kind.csv" >"$SCRATCH/header-only.csv"
run "$MINSHENG" subsidy roster import "$SCRATCH/header-only.csv" --db "$db"
expect_status 0
expect_out "接受 0 行，拒绝 0 行"
run "$MINSHENG" subsidy roster import "$SCRATCH/missing.csv" --db "$db"
expect_status 3
run "$MINSHENG" subsidy roster import --db "$db"
expect_status 2
run "$MINSHENG" subsidy roster import "$D/every-kind.csv" --threads 3 --db "$db"
expect_status 2

# Encoding and quoting errors are reject rows too (an unterminated quote ends the reading).
hdr=$(head -1 "$D/every-kind.csv")
row=$(sed -n 31p "$D/every-kind.csv")
printf '%s\n%s\nDBJ,202305,\377\376,x,410102001001,6217000000000000012,1\n' "$hdr" "$(echo "$row" | sed 's/202304/202306/')" >"$SCRATCH/badutf8.csv"
run "$MINSHENG" subsidy roster import "$SCRATCH/badutf8.csv" --encoding UTF-8 --partial --rejects "$SCRATCH/rej7.csv" --db "$db"
expect_status 1
expect_out "接受 1 行，拒绝 1 行"
expect_out "  invalid_utf8	1"
grep -q '^3,3,invalid_utf8,' "$SCRATCH/rej7.csv" && _pass || _fail "invalid_utf8 not at line 3 column 3"
printf '%s\n%s\nDBJ,202308,"unterminated\n' "$hdr" "$(echo "$row" | sed 's/202304/202307/')" >"$SCRATCH/quote.csv"
run "$MINSHENG" subsidy roster import "$SCRATCH/quote.csv" --partial --rejects "$SCRATCH/rej8.csv" --db "$db"
expect_status 1
expect_out "接受 1 行，拒绝 1 行"
expect_out "  unterminated_quote	1"
grep -q '^3,3,unterminated_quote,' "$SCRATCH/rej8.csv" && _pass || _fail "unterminated_quote not reported at line 3"

# Without org units loaded the village check is skipped (only the format is checked).
db2="$SCRATCH/novillage.db"
"$MINSHENG" subsidy programme import "$D/programmes.csv" --db "$db2" >/dev/null
run "$MINSHENG" subsidy roster import "$D/every-kind.csv" --partial --rejects "$SCRATCH/rej6.csv" --db "$db2"
expect_status 1
expect_out "接受 7 行，拒绝 23 行"
grep -v '^19,' "$D/every-kind.rejects.csv" >"$SCRATCH/rej6.expected"
expect_same "$SCRATCH/rej6.expected" "$SCRATCH/rej6.csv"

# A generated roster with every kind of bad row, single- and two-threaded:
# the reject file holds exactly the lines and reasons the generator expects.
GEN="$BUILDDIR/bench/gen_roster"
for threads in 1 2; do
	g="$SCRATCH/gen$threads.db"
	"$GEN" 3000 --bad 0.1 --seed 7 --programmes-out "$SCRATCH/gp.csv" \
		--villages-out "$SCRATCH/gv.csv" --expect-out "$SCRATCH/gexp.csv" >"$SCRATCH/g.csv"
	"$MINSHENG" orgunit import "$SCRATCH/gv.csv" --db "$g" >/dev/null
	"$MINSHENG" subsidy programme import "$SCRATCH/gp.csv" --db "$g" >/dev/null
	run "$MINSHENG" subsidy roster import "$SCRATCH/g.csv" --partial --threads $threads --rejects "$SCRATCH/grej.csv" --db "$g"
	expect_status 1
	expect_out "接受 2700 行，拒绝 300 行"
	cut -d, -f1,3 "$SCRATCH/grej.csv" | sed 's/^line,code$/line,code/' >"$SCRATCH/grej.cut"
	expect_same "$SCRATCH/gexp.csv" "$SCRATCH/grej.cut"
	run "$MINSHENG" subsidy check --db "$g"
	expect_status 0
	expect_out "2700 条应发记录"
done

# A reject file that cannot be written (disk full): exit 3 and nothing
# committed, so no row is written whose rejects were lost.
if [ -w /dev/full ]; then
	db3="$SCRATCH/full.db"
	"$MINSHENG" subsidy programme import "$D/programmes.csv" --db "$db3" >/dev/null
	run "$MINSHENG" subsidy roster import "$D/every-kind.csv" --partial --rejects /dev/full --db "$db3"
	expect_status 3
	expect_err "无法写入拒绝文件 '/dev/full'"
	[ "$(sqlite3 "$db3" "SELECT COUNT(*) FROM entitlement")" = 0 ] && _pass ||
		_fail "rows committed although the reject file could not be written"
fi

# --rejects naming the roster itself is refused before the roster is truncated.
cp "$D/every-kind.csv" "$SCRATCH/self.csv"
run "$MINSHENG" subsidy roster import "$SCRATCH/self.csv" --partial --rejects "$SCRATCH/self.csv" --db "$SCRATCH/self.db"
expect_status 2
expect_err "就是名册文件本身"
expect_same "$D/every-kind.csv" "$SCRATCH/self.csv"
finish
