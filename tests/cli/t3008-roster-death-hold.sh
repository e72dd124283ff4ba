#!/usr/bin/env bash
# Roster rows for people already in the death register are put on hold by
# the roster import itself (docs/roster.md, docs/anomalies.md "Holds"): an
# entitlement whose period began after the recorded death is on hold as soon
# as the import commits, not only at the next batch create. A death during
# the period does not hold that period; a roster that writes nothing holds
# nothing; with --partial only accepted rows count.
. "$(dirname "$0")/lib.sh"

data="$TESTDATA/subsidy/ops"
db="$SCRATCH/h.db"
M() { "$MINSHENG" "$@" --db "$db"; }
q() { sqlite3 "$db" "$1"; }

run M subsidy programme import "$data/programmes.csv"
expect_status 0
# 张伟 died before March, 王芳 during March, 李娜 is alive, and someone who is
# in no roster.
cat >"$SCRATCH/deaths.csv" <<'D'
id_number,date_of_death
410102194001101018,2023-02-10
410102194102111020,2023-03-20
110101194001010012,2022-01-01
D
run M subsidy deaths import "$SCRATCH/deaths.csv"
expect_status 0
expect_out "已导入死亡记录 3 行"
expect_out "新暂停发放应发记录 0 条"

cat >"$SCRATCH/r1.csv" <<'R'
programme,period,id_number,name,village,bank_account,amount_fen
GL01,202303,410102194001101018,张伟,410102001001,6217000000000010003,30000
GL01,202304,410102194001101018,张伟,410102001001,6217000000000010003,30000
GL01,202303,410102194102111020,王芳,410102001002,6217000000000010011,35000
GL01,202304,410102194102111020,王芳,410102001002,6217000000000010011,35000
GL01,202303,410102194203121033,李娜,410102001001,6217000000000010029,40000
GL01,202304,410102194203121033,李娜,410102001001,6217000000000010029,40000
R

# A roster refused as a whole (one bad row, no --partial) writes and holds
# nothing, and says nothing about holds.
{ cat "$SCRATCH/r1.csv"; echo "GL01,202305,410102194203121033,李娜,410102001001,6217000000000010029,x"; } >"$SCRATCH/bad.csv"
run M subsidy roster import "$SCRATCH/bad.csv"
expect_status 1
expect_no_out "暂停发放"
run q "SELECT COUNT(*) FROM entitlement"
expect_out "0"

# The import holds 张伟's March and April and 王芳's April (she was alive
# when March began): three, said in the summary, at once in the database.
run M subsidy roster import "$SCRATCH/r1.csv"
expect_status 0
expect_out "接受 6 行"
expect_out "其中 3 条因死亡记录暂停发放（见 subsidy anomalies）"
run q "SELECT b.name || '|' || e.period || '|' || e.status || '|' || COALESCE(e.hold_reason, '')
	FROM entitlement e JOIN beneficiary b ON b.id = e.beneficiary_id ORDER BY e.id"
expect_out "张伟|202303|on_hold|death 2023-02-10"
expect_out "张伟|202304|on_hold|death 2023-02-10"
expect_out "王芳|202303|approved|"
expect_out "王芳|202304|on_hold|death 2023-03-20"
expect_out "李娜|202303|approved|"
expect_out "李娜|202304|approved|"
run q "SELECT COUNT(*) FROM entitlement WHERE status = 'on_hold'"
expect_out "3"
# Listed as holds before any batch is made.
run M subsidy anomalies
expect_status 0
expect_out "暂停发放 3，"
expect_out "期间 202304 应发 4 王* 410102********1020"
run q "SELECT COUNT(*) FROM batch"
expect_out "0"
run M subsidy check
expect_status 0
expect_out "核对通过"

# The batch finds nothing more to hold and pays only the two alive in March.
run M subsidy batch create --programme GL01 --period 202303
expect_status 0
run q "SELECT COUNT(*) || '|' || SUM(amount_fen) FROM payment"
expect_out "2|75000"
run q "SELECT COUNT(*) FROM entitlement WHERE status = 'on_hold'"
expect_out "3"

# --partial: only accepted rows are written and counted; a rejected row of
# a dead person is not held (it is not there).
cat >"$SCRATCH/r2.csv" <<'R'
programme,period,id_number,name,village,bank_account,amount_fen
GL01,202305,410102194001101018,张伟,410102001001,6217000000000010003,30000
GL01,202306,410102194001101018,张伟,410102001001,6217000000000010003,x
GL01,202305,410102194203121033,李娜,410102001001,6217000000000010029,40000
R
run M subsidy roster import "$SCRATCH/r2.csv" --partial
expect_status 1
expect_out "接受 2 行，拒绝 1 行"
expect_out "其中 1 条因死亡记录暂停发放"
run q "SELECT COUNT(*) FROM entitlement WHERE status = 'on_hold'"
expect_out "4"
run q "SELECT COUNT(*) FROM entitlement WHERE period = '202306'"
expect_out "0"

# No dead person in the roster: no line about holds.
cat >"$SCRATCH/r3.csv" <<'R'
programme,period,id_number,name,village,bank_account,amount_fen
GL01,202306,410102194203121033,李娜,410102001001,6217000000000010029,40000
R
run M subsidy roster import "$SCRATCH/r3.csv"
expect_status 0
expect_no_out "暂停发放"
run q "SELECT status FROM entitlement WHERE period = '202306'"
expect_out "approved"

# A death recorded after the roster (deaths import) holds as before.
run M subsidy check
expect_status 0
expect_out "核对通过"
finish
