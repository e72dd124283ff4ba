#!/usr/bin/env bash
# A once-programme (frequency once, 一次性发放) is paid to a person at most
# once, whatever the period: roster import rejects a second one as
# once_already (against the database and against earlier rows of the same
# file, all-or-nothing and --partial), the same period stays a duplicate,
# monthly programmes are untouched, and subsidy check names a database that
# holds two (once_repeated).
. "$(dirname "$0")/lib.sh"
D="$TESTDATA/subsidy/core"
db="$SCRATCH/o.db"
count() { sqlite3 "$db" "$1"; }
H=programme,period,id_number,name,village,bank_account,amount_fen
OY=411624200501010424,欧阳小明,411624100201,6217000000000000046 # in the database (JYBZ 2023)
ZS=410102194003150112,张三,410102001001,6217000000000000012      # in the database (DBJ)
SA=411624200803150430,刘小军,411624100201,6217000000000000707    # new in the second file
SB=410102201007010523,陈小芳,410102001001,6217000000000000889    # new in the second file
SC=411624200309090612,王小刚,411624100201,6217000000000000962    # new, one grant only

"$MINSHENG" orgunit import "$D/orgunits.csv" --db "$db" >/dev/null
"$MINSHENG" subsidy programme import "$D/programmes.csv" --db "$db" >/dev/null

# 2023: 欧阳小明 gets the student grant (JYBZ, once), 张三 the monthly DBJ.
printf '%s\n' "$H" "JYBZ,2023,$OY,200000" "DBJ,202303,$ZS,80000" >"$SCRATCH/y2023.csv"
run "$MINSHENG" subsidy roster import "$SCRATCH/y2023.csv" --db "$db"
expect_status 0
expect_out "接受 2 行，拒绝 0 行"

# 2024. Lines:
#  2  欧阳小明 JYBZ 2024, first row of a known person: once_already (database)
#  3  张三 DBJ 202304: another month of a monthly programme, fine
#  4  刘小军 JYBZ 2024: new person, fine
#  5  刘小军 JYBZ 2025, next row: once_already (line 4 of this file)
#  6  刘小军 JYBZ 2024 again: the same period stays duplicate_in_file
#  7  欧阳小明 JYBZ 2023: the same period as the database: duplicate_in_db
#  8  陈小芳 JYBZ 2024: new person, fine
#  9  张三 DBJ 202305: fine
# 10  陈小芳 JYBZ 2022, not next to line 8: once_already (line 8)
# 11  欧阳小明 GDBH 2024: a yearly programme, fine
# 12  欧阳小明 JYBZ 2025, right after: once_already (database)
# 13  王小刚 JYBZ 2024: fine
# 14  张三 DBJ 202306: fine
printf '%s\n' "$H" \
	"JYBZ,2024,$OY,200000" \
	"DBJ,202304,$ZS,80000" \
	"JYBZ,2024,$SA,200000" \
	"JYBZ,2025,$SA,100000" \
	"JYBZ,2024,$SA,200000" \
	"JYBZ,2023,$OY,200000" \
	"JYBZ,2024,$SB,150000" \
	"DBJ,202305,$ZS,80000" \
	"JYBZ,2022,$SB,150000" \
	"GDBH,2024,$OY,5000" \
	"JYBZ,2025,$OY,200000" \
	"JYBZ,2024,$SC,200000" \
	"DBJ,202306,$ZS,80000" >"$SCRATCH/y2024.csv"
cat >"$SCRATCH/y2024.rejects" <<'EOF'
line,column,code,message
2,3,once_already,一次性项目 'JYBZ' 此人已有 2023 期间的应发记录（第 1 次导入第 2 行）
5,3,once_already,一次性项目 'JYBZ' 此人已有 2024 期间的应发记录（本文件第 4 行）
6,3,duplicate_in_file,与第 4 行重复（同一项目、期间和身份证号）
7,3,duplicate_in_db,项目 'JYBZ' 期间 2023 已有此人的应发记录（第 1 次导入第 2 行）
10,3,once_already,一次性项目 'JYBZ' 此人已有 2024 期间的应发记录（本文件第 8 行）
12,3,once_already,一次性项目 'JYBZ' 此人已有 2023 期间的应发记录（第 1 次导入第 2 行）
EOF

# All or nothing: exit 1, nothing written, the rejects exactly as above.
before=$(sqlite3 "$db" .dump | md5sum)
for threads in 1 2; do
	run "$MINSHENG" subsidy roster import "$SCRATCH/y2024.csv" --threads $threads \
		--rejects "$SCRATCH/rej$threads.csv" --db "$db"
	expect_status 1
	expect_out "接受 7 行，拒绝 6 行"
	expect_out "  duplicate_in_file	1"
	expect_out "  duplicate_in_db	1"
	expect_out "  once_already	4"
	expect_out "未写入任何数据"
	expect_same "$SCRATCH/y2024.rejects" "$SCRATCH/rej$threads.csv"
done
expect_err "y2024.csv:2:3: 一次性项目 'JYBZ' 此人已有 2023 期间的应发记录（第 1 次导入第 2 行） [once_already]"
expect_err "y2024.csv:5:3: 一次性项目 'JYBZ' 此人已有 2024 期间的应发记录（本文件第 4 行） [once_already]"
after=$(sqlite3 "$db" .dump | md5sum)
[ "$before" = "$after" ] && _pass || _fail "a refused import changed the database"
# the messages never carry an ID or account number
grep -qE '[0-9]{15}' "$SCRATCH/rej1.csv" && _fail "an ID or account number in the reject file" || _pass

# --partial: the seven other rows are written, the rejects the same.
run "$MINSHENG" subsidy roster import "$SCRATCH/y2024.csv" --partial --rejects "$SCRATCH/rej3.csv" --db "$db"
expect_status 1
expect_out "接受 7 行，拒绝 6 行"
expect_out "  once_already	4"
expect_out "已写入：导入编号 2，新增人员 3，新增账户 3"
expect_same "$SCRATCH/y2024.rejects" "$SCRATCH/rej3.csv"
got=$(count "SELECT group_concat(line) FROM (SELECT line FROM entitlement WHERE import_id = 2 ORDER BY line)")
[ "$got" = "3,4,8,9,11,13,14" ] && _pass || _fail "rows written: $got, expected 3,4,8,9,11,13,14"
# every person has at most one JYBZ entitlement
[ "$(count "SELECT COUNT(*) FROM entitlement n JOIN programme p ON p.id = n.programme_id WHERE p.code = 'JYBZ'")" = 4 ] &&
	_pass || _fail "JYBZ entitlements: 4 expected (欧阳小明 2023, 刘小军, 陈小芳, 王小刚 2024)"
[ "$(count "SELECT COUNT(*) FROM entitlement n JOIN programme p ON p.id = n.programme_id WHERE p.code = 'DBJ'")" = 4 ] &&
	_pass || _fail "DBJ entitlements: 4 months of 张三 expected"
run "$MINSHENG" subsidy check --db "$db"
expect_status 0

# Re-importing the 2024 file: the rows now in the database are duplicates
# (same period); the once_already rows stay once_already.
run "$MINSHENG" subsidy roster import "$SCRATCH/y2024.csv" --partial --rejects "$SCRATCH/rej4.csv" --db "$db"
expect_status 1
expect_out "接受 0 行，拒绝 13 行"
expect_out "  duplicate_in_db	9"
expect_out "  once_already	4"
grep -q "^10,3,once_already,一次性项目 'JYBZ' 此人已有 2024 期间的应发记录（第 2 次导入第 8 行）" "$SCRATCH/rej4.csv" &&
	_pass || _fail "line 10 should name import 2 line 8"

# subsidy check: a database with two entitlements of a once-programme for
# one person (written behind the import's back, with a balanced posting so
# that only this invariant is broken) fails with once_repeated.
t="$SCRATCH/t.db"
cp "$db" "$t"
cp "$db.key" "$t.key"
sqlite3 "$t" "INSERT INTO entitlement(programme_id, period, beneficiary_id, amount_fen, county_code,
   village_code, account_id, import_id, line)
 SELECT programme_id, '2022', beneficiary_id, amount_fen, county_code, village_code, account_id,
   import_id, 99 FROM entitlement WHERE import_id = 1 AND line = 2;
 INSERT INTO ledger_txn(kind, ref, created_at) VALUES('entitled', 'forged', '2024-01-01T00:00:00Z');
 INSERT INTO ledger_entry(txn_id, account, programme_id, period, amount_fen)
 SELECT (SELECT MAX(id) FROM ledger_txn), 'entitled', id, '2022', -200000 FROM programme WHERE code = 'JYBZ';
 INSERT INTO ledger_entry(txn_id, account, programme_id, period, amount_fen)
 SELECT (SELECT MAX(id) FROM ledger_txn), 'unpaid', id, '2022', 200000 FROM programme WHERE code = 'JYBZ';"
ben=$(sqlite3 "$t" "SELECT beneficiary_id FROM entitlement WHERE import_id = 1 AND line = 2")
run "$MINSHENG" subsidy check --db "$t"
expect_status 1
expect_out "违规 [once_repeated]：一次性项目 JYBZ 人员 $ben 有 2 条应发记录（期间 2022 至 2023），每人只能发放一次"
expect_out "核对未通过：1 处违规"
# and the import now names the earliest of them
printf '%s\n' "$H" "JYBZ,2026,$OY,200000" >"$SCRATCH/y2026.csv"
run "$MINSHENG" subsidy roster import "$SCRATCH/y2026.csv" --db "$t"
expect_status 1
expect_err "y2026.csv:2:3: 一次性项目 'JYBZ' 此人已有 2022 期间的应发记录（第 1 次导入第 99 行） [once_already]"
finish
