#!/usr/bin/env bash
# subsidy check, ledger immutability, and tampering that check must catch.
. "$(dirname "$0")/lib.sh"
D="$TESTDATA/subsidy/core"
base="$SCRATCH/base.db"

"$MINSHENG" orgunit import "$D/orgunits.csv" --db "$base" >/dev/null
"$MINSHENG" subsidy programme import "$D/programmes.csv" --db "$base" >/dev/null
"$MINSHENG" subsidy roster import "$D/every-kind.csv" --partial --db "$base" >/dev/null 2>&1
run "$MINSHENG" subsidy check --db "$base"
expect_status 0
expect_out "核对通过：6 个项目期间，6 条应发记录，0 笔发放，6 张凭证"
expect_out "借贷平衡"
# a fresh copy for each tampering (the WAL is checkpointed on close)
fresh() { rm -f "$SCRATCH/t.db"*; cp "$base" "$SCRATCH/t.db"; echo "$SCRATCH/t.db"; }

# Postings are immutable: UPDATE and DELETE fail.
db=$(fresh)
run sqlite3 "$db" "UPDATE ledger_entry SET amount_fen = amount_fen + 1 WHERE id = 1"
[ "$_status" -ne 0 ] && _pass || _fail "UPDATE on a posting succeeded"
expect_err "账务分录不可修改"
run sqlite3 "$db" "DELETE FROM ledger_entry WHERE id = 1"
[ "$_status" -ne 0 ] && _pass || _fail "DELETE on a posting succeeded"
expect_err "账务分录不可删除"
run sqlite3 "$db" "UPDATE ledger_txn SET kind = 'x'"
[ "$_status" -ne 0 ] && _pass || _fail "UPDATE on a transaction succeeded"
run sqlite3 "$db" "UPDATE entitlement SET amount_fen = 1 WHERE line = 2"
[ "$_status" -ne 0 ] && _pass || _fail "UPDATE of an entitlement's amount succeeded"
expect_err "应发记录的项目、期间、人员和金额不可修改"
run sqlite3 "$db" "DELETE FROM entitlement WHERE line = 2"
[ "$_status" -ne 0 ] && _pass || _fail "DELETE of an entitlement succeeded"
run "$MINSHENG" subsidy check --db "$db"
expect_status 0

# A tampered entitlement amount (triggers dropped first) is named.
db=$(fresh)
sqlite3 "$db" "DROP TRIGGER entitlement_fixed; UPDATE entitlement SET amount_fen = 99999 WHERE line = 3"
run "$MINSHENG" subsidy check --db "$db"
expect_status 1
expect_out "违规 [entitled_rows]：项目 DBJ 期间 202303 账上应发 80000 分，应发记录合计 99999 分，不符"
expect_out "违规 [account_rows]：项目 DBJ 期间 202303 账上待发 80000 分，按应发和发放记录为 99999 分，不符"
expect_out "核对未通过：2 处违规"

# A deleted entitlement (money entitled but no row).
db=$(fresh)
sqlite3 "$db" "DROP TRIGGER entitlement_keep; DELETE FROM entitlement WHERE line = 5"
run "$MINSHENG" subsidy check --db "$db"
expect_status 1
expect_out "项目 GDBH 期间 2023 账上应发 123456 分，应发记录合计 0 分，不符"

# An unbalanced posting slipped in (inserts are allowed; check sees it).
db=$(fresh)
sqlite3 "$db" "INSERT INTO ledger_txn(kind, ref, created_at) VALUES('paid', 'forged', '2023-01-01T00:00:00Z');
 INSERT INTO ledger_entry(txn_id, account, programme_id, period, amount_fen)
 SELECT MAX(id), 'paid', (SELECT id FROM programme WHERE code = 'DBJ'), '202303', 500 FROM ledger_txn;"
run "$MINSHENG" subsidy check --db "$db"
expect_status 1
expect_out "违规 [unbalanced_txn]：账务凭证 7（paid，forged）在项目 DBJ 期间 202303 借贷不平衡：差额 500 分"
expect_out "违规 [not_conserved]：项目 DBJ 期间 202303 应发 80000 分不等于 已发 500 + 在途 0 + 待发 80000 + 失败 0 + 已取消 0 分"

# A status change without its posting (an entitlement cancelled behind the ledger's back).
db=$(fresh)
sqlite3 "$db" "UPDATE entitlement SET status = 'cancelled' WHERE line = 4"
run "$MINSHENG" subsidy check --db "$db"
expect_status 1
expect_out "项目 CJBT 期间 2023Q1 账上已取消 0 分，按应发和发放记录为 24000 分，不符"

# Paying twice is impossible by construction; with the index dropped, check names it.
db=$(fresh)
sqlite3 "$db" "INSERT INTO batch(programme_id, period, created_at) SELECT programme_id, period, 'x' FROM entitlement WHERE line = 2;
 INSERT INTO payment(entitlement_id, batch_id, attempt, account_id, amount_fen) SELECT id, 1, 1, account_id, amount_fen FROM entitlement WHERE line = 2;"
run sqlite3 "$db" "INSERT INTO payment(entitlement_id, batch_id, attempt, account_id, amount_fen) SELECT id, 1, 2, account_id, amount_fen FROM entitlement WHERE line = 2"
[ "$_status" -ne 0 ] && _pass || _fail "a second live payment for one entitlement was accepted"
expect_err "UNIQUE constraint failed"
sqlite3 "$db" "DROP INDEX payment_live; INSERT INTO payment(entitlement_id, batch_id, attempt, account_id, amount_fen, status) SELECT id, 1, 2, account_id, amount_fen, 'paid' FROM entitlement WHERE line = 2"
run "$MINSHENG" subsidy check --db "$db"
expect_status 1
expect_out "违规 [double_payment]：应发记录 1（项目 GLJT 期间 202303）有 2 笔在途或已发的发放（重复发放）"
expect_out "账上已发 0 分，按应发和发放记录为 10000 分，不符"

# A payment whose amount differs from its entitlement's.
db=$(fresh)
sqlite3 "$db" "INSERT INTO batch(programme_id, period, created_at) SELECT programme_id, period, 'x' FROM entitlement WHERE line = 2;
 INSERT INTO payment(entitlement_id, batch_id, attempt, account_id, amount_fen) SELECT id, 1, 1, account_id, 20000 FROM entitlement WHERE line = 2;"
run "$MINSHENG" subsidy check --db "$db"
expect_status 1
expect_out "违规 [payment_amount]：发放记录 1 金额 20000 分与应发记录 1 的 10000 分不符"

# An earlier attempt turned paid by hand while its reissue failed (the
# reviewer's case): only the latest attempt counts in the accounts, so
# check must name the stale one; before, it passed and stats published it.
O="$TESTDATA/subsidy/ops"
db="$SCRATCH/stale.db"
M() { "$MINSHENG" "$@" --db "$db"; }
M subsidy programme import "$O/programmes.csv" >/dev/null
M subsidy roster import "$O/roster.csv" >/dev/null
M subsidy batch create --programme GL01 --period 202303 >/dev/null
printf 'H,MSRET,1,1\nD,1,FAILED,ACCT_CLOSED,30000,2023-03-15T10:00:00\nT,1,30000\n' >"$SCRATCH/r1.csv"
M subsidy bankfile import "$SCRATCH/r1.csv" >/dev/null
M subsidy payment correct --payment 1 --account 6217000000000010102 >/dev/null
M subsidy batch create --programme GL01 --period 202303 >/dev/null
printf 'H,MSRET,1,2\nD,21,FAILED,ACCT_FROZEN,30000,2023-03-20T10:00:00\nT,1,30000\n' >"$SCRATCH/r2.csv"
M subsidy bankfile import "$SCRATCH/r2.csv" >/dev/null
run "$MINSHENG" subsidy check --db "$db"
expect_status 0
sqlite3 "$db" "UPDATE payment SET status = 'paid', reason = NULL WHERE id = 1"
run "$MINSHENG" subsidy check --db "$db"
expect_status 1
expect_out "违规 [stale_live_payment]：发放记录 1（第 1 次发放）是应发记录 1（项目 GL01 期间 202303）的旧发放，状态却为已发；该应发记录最新的是第 2 次发放"
expect_out "核对未通过：1 处违规"
sqlite3 "$db" "UPDATE payment SET status = 'pending' WHERE id = 1"
run "$MINSHENG" subsidy check --db "$db"
expect_status 1
expect_out "状态却为在途"

run "$MINSHENG" subsidy check --db "$db" extra
expect_status 2
finish
