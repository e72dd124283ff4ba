#!/usr/bin/env bash
# Intercepting a payment already at the bank (subsidy payment cancel) for a
# person who died before its period, the bank files around it, and what
# subsidy hold release promises for an entitlement whose payment failed.
# Every path ends with subsidy check passing.
. "$(dirname "$0")/lib.sh"

data="$TESTDATA/subsidy/ops"
fb="$BUILDDIR/tests/tools/fakebank"
db="$SCRATCH/i.db"
M() { "$MINSHENG" "$@" --db "$db"; }
q() { sqlite3 "$db" "$1"; }
check_passes() {
	run M subsidy check
	expect_status 0
	expect_out "核对通过"
}
# fresh NAME: a new database NAME.db with the ops roster and March's batch 1.
fresh() {
	db="$SCRATCH/$1.db"
	run M subsidy programme import "$data/programmes.csv"
	run M subsidy roster import "$data/roster.csv"
	run M subsidy batch create --programme GL01 --period 202303
}
# 张伟's March payment (he is in the death register, dated February).
zhang_wei_march() {
	q "SELECT y.id FROM payment y JOIN entitlement e ON e.id = y.entitlement_id
	JOIN beneficiary b ON b.id = e.beneficiary_id WHERE b.name = '张伟' AND e.period = '202303'"
}

run M subsidy programme import "$data/programmes.csv"
expect_status 0
run M subsidy roster import "$data/roster.csv"
expect_status 0

# March: 20 orders in batch 1, exported (the file may be at the bank).
run M subsidy batch create --programme GL01 --period 202303
expect_status 0
expect_out "20 笔"
run M subsidy bankfile export 1 --out "$SCRATCH/pay1.csv"
expect_status 0
pid=$(zhang_wei_march)
eid=$(q "SELECT entitlement_id FROM payment WHERE id = $pid")

# The death (2023-02-10, before March) comes in while the order is out: it
# cannot be held, and the import says so.
run M subsidy deaths import "$data/deaths.csv"
expect_status 0
expect_out "新暂停发放应发记录 1 条"
expect_out "另有 1 笔在途发放属于死亡后期间，请用 subsidy payment cancel 拦截"
run M subsidy anomalies
expect_out "发放仍在途，应立即拦截（subsidy payment cancel --payment "
expect_out "死亡后发放 1"
# hold cancel is not the way (it is not on hold).
run M subsidy hold cancel --entitlement "$eid"
expect_status 1
expect_err "应发记录 $eid 没有暂停发放：其发放 $pid 在途（已在批次中），如需拦截请用 subsidy payment cancel --payment $pid"

# Usage errors: exit 2, nothing changed.
run M subsidy payment cancel
expect_status 2
expect_err "需要 --payment"
expect_err "用法：minsheng subsidy payment cancel --payment ID [--reason TEXT] [--db PATH]"
run M subsidy payment cancel --payment abc
expect_status 2
run M subsidy payment cancel --payment 0
expect_status 2
run M subsidy payment cancel --payment "$pid" extra
expect_status 2
expect_err "多余的参数"
run M subsidy payment cancel --payment "$pid" --bogus
expect_status 2
run M subsidy payment cancel --payment "$pid" --reason ""
expect_status 2
expect_err "选项 --reason 的值无效"
run M subsidy payment cancel --payment "$pid" --reason "$(printf 'a\tb')"
expect_status 2
expect_err "选项 --reason 的值无效"
run M subsidy payment cancel --payment "$pid" --reason "$(head -c 201 /dev/zero | tr '\0' x)"
expect_status 2
expect_err "选项 --reason 的值无效"
# Not UTF-8 (GBK bytes of 死亡; a lone continuation byte): refused.
run M subsidy payment cancel --payment "$pid" --reason "$(printf '\313\300\315\366')"
expect_status 2
expect_err "选项 --reason 的值无效"
run M subsidy payment cancel --payment "$pid" --reason "$(printf 'a\200b')"
expect_status 2
expect_err "选项 --reason 的值无效"
run M subsidy payment cancel --payment "$pid" --reason
expect_status 2
run q "SELECT status FROM payment WHERE id = $pid"
expect_out "pending"
# A database that does not exist is refused, not created.
run "$MINSHENG" subsidy payment cancel --payment 1 --db "$SCRATCH/none.db"
expect_status 3
expect_err "不存在"
expect_no_db_files "$SCRATCH/none.db"
# A payment that does not exist.
run M subsidy payment cancel --payment 99999
expect_status 1
expect_err "发放记录 99999 不存在"

# Intercept it: payment and entitlement cancelled, pending -> cancelled.
run M subsidy payment cancel --payment "$pid" --reason "死亡后期间，民政局通知"
expect_status 0
expect_out "发放记录 $pid 已拦截（项目 GL01 期间 202303 金额 300.00 元，批次 1，应发 $eid）"
expect_out "原因：死亡后期间，民政局通知"
expect_out "请通知银行撤回这一笔"
run q "SELECT y.status || '|' || y.reason || '|' || e.status FROM payment y
	JOIN entitlement e ON e.id = y.entitlement_id WHERE y.id = $pid"
expect_out "cancelled|CANCELLED: 死亡后期间，民政局通知|cancelled"
run q "SELECT t.kind, t.ref, x.account, x.amount_fen FROM ledger_txn t
	JOIN ledger_entry x ON x.txn_id = t.id WHERE t.ref = 'payment cancel $pid' ORDER BY x.amount_fen"
expect_out "cancel|payment cancel $pid|pending|-30000"
expect_out "cancel|payment cancel $pid|cancelled|30000"
check_passes
expect_out "在途 6650.00"
expect_out "已取消 300.00 元"
# Not twice; nothing moves.
run M subsidy payment cancel --payment "$pid"
expect_status 1
expect_err "发放记录 $pid 的状态是已取消，只有在途的发放可以拦截"
run q "SELECT COUNT(*) FROM ledger_txn WHERE ref = 'payment cancel $pid'"
expect_out "1"
run M subsidy anomalies
expect_out "死亡后发放 0"
run M subsidy batch list
expect_out "20	6950.00	19	0	0	1"
# A later deaths import no longer counts it.
run M subsidy deaths import "$data/deaths.csv"
expect_status 0
expect_no_out "在途发放属于死亡后期间"

# Exported after the cancel: 19 lines; the header and trailer count them.
run M subsidy bankfile export 1 --out "$SCRATCH/pay2.csv"
expect_status 0
expect_out "19 笔，合计 6650.00 元（665000 分）"
run head -n 1 "$SCRATCH/pay2.csv"
expect_out "H,MSPAY,1,1,19,665000"
run tail -n 1 "$SCRATCH/pay2.csv"
expect_out "T,19,665000"
run grep -c "^D," "$SCRATCH/pay2.csv"
expect_out "19"
run grep -c "^D,$pid," "$SCRATCH/pay2.csv"
expect_out "0"
run sh -c "grep -c '^D,$pid,' '$SCRATCH/pay1.csv'"
expect_out "1"
# The bank pays the 19: the batch is settled, the ledger balances.
run "$fb" "$SCRATCH/pay2.csv" "$SCRATCH/ret2.csv"
expect_status 0
run M subsidy bankfile import "$SCRATCH/ret2.csv"
expect_status 0
expect_out "发放成功 19 笔"
expect_out "未回盘（仍在途） 0 笔"
check_passes
expect_out "已发 6650.00 + 在途 0.00"

# The bank had the first file after all and paid the intercepted one too:
# that SUCCESS is not applied (a conflict for the operator), the payment
# stays cancelled, the ledger still balances.
run "$fb" "$SCRATCH/pay1.csv" "$SCRATCH/ret1.csv"
expect_status 0
run M subsidy bankfile import "$SCRATCH/ret1.csv"
expect_out "已取消"
run q "SELECT status FROM payment WHERE id = $pid"
expect_out "cancelled"
run q "SELECT outcome FROM bank_return_line WHERE payment_id = $pid"
expect_out "conflict"
# ...and is listed for the operator to settle with the bank.
run M subsidy anomalies --format json
expect_status 0
expect_out '"bank_success_conflict": 1'
check_passes
expect_out "已取消 300.00 元"

# Only pending payments can be intercepted: a paid one is refused.
paid=$(q "SELECT MIN(id) FROM payment WHERE status = 'paid'")
run M subsidy payment cancel --payment "$paid"
expect_status 1
expect_err "的状态是已发，只有在途的发放可以拦截（银行已付款，需另行追回）"
run q "SELECT status FROM payment WHERE id = $paid"
expect_out "paid"

# April: the dead person's entitlement is held by the batch; the batch is
# exported, two payments fail; a failed one cannot be intercepted.
run M subsidy batch create --programme GL01 --period 202304
expect_status 0
expect_out "暂停发放（跳过） 1 条"
run M subsidy bankfile export 2 --out "$SCRATCH/pay3.csv"
expect_status 0
f1=$(q "SELECT MIN(id) FROM payment WHERE batch_id = 2")
f2=$(q "SELECT MIN(id) FROM payment WHERE batch_id = 2 AND id > $f1")
run "$fb" "$SCRATCH/pay3.csv" "$SCRATCH/ret3.csv" --fail-ids "$f1"
expect_status 0
run M subsidy bankfile import "$SCRATCH/ret3.csv"
expect_status 0
run M subsidy payment cancel --payment "$f1"
expect_status 1
expect_err "的状态是失败，只有在途的发放可以拦截"
check_passes

# Without --reason, the death that justifies it is recorded; an entitlement
# of someone alive may be intercepted too ("CANCELLED").
fresh j
expect_status 0
run M subsidy deaths import "$data/deaths.csv"
expect_out "另有 1 笔在途发放属于死亡后期间"
pid=$(zhang_wei_march)
alive=$(q "SELECT MIN(id) FROM payment WHERE id <> $pid")
run M subsidy payment cancel --payment "$pid"
expect_status 0
expect_out "原因：death 2023-02-10"
run M subsidy payment cancel --payment "$alive"
expect_status 0
expect_out "原因：未注明"
run q "SELECT '[' || reason || ']' FROM payment WHERE id = $pid"
expect_out "[CANCELLED: death 2023-02-10]"
run q "SELECT '[' || reason || ']' FROM payment WHERE id = $alive"
expect_out "[CANCELLED]"
check_passes
expect_out "已取消 650.00 元"
# Never reissued: a new batch of the period finds nothing.
run M subsidy batch create --programme GL01 --period 202303
expect_status 0
expect_out "没有待发放的应发记录"
# Every order of the batch intercepted: there is nothing to export.
for p in $(q "SELECT id FROM payment WHERE status = 'pending'"); do
	M subsidy payment cancel --payment "$p" >/dev/null || echo "cancel $p failed"
done
run M subsidy bankfile export 1 --out "$SCRATCH/empty.csv"
expect_status 1
expect_err "没有在途"
check_passes
expect_out "在途 0.00"

# hold release says what will happen. The dead person's March payment
# failed and was not corrected; the death record holds it.
fresh k
run M subsidy bankfile export 1 --out "$SCRATCH/k-pay.csv"
pid=$(zhang_wei_march)
eid=$(q "SELECT entitlement_id FROM payment WHERE id = $pid")
run "$fb" "$SCRATCH/k-pay.csv" "$SCRATCH/k-ret.csv" --fail-ids "$pid"
run M subsidy bankfile import "$SCRATCH/k-ret.csv"
expect_status 0
expect_out "失败 1 笔"
run M subsidy deaths import "$data/deaths.csv"
expect_status 0
expect_out "新暂停发放应发记录 2 条"
expect_no_out "在途发放"
run M subsidy hold release --entitlement "$eid"
expect_status 0
expect_out "已解除暂停；其最近一次发放 $pid 失败且未更正账户，须先用 subsidy payment correct --payment $pid 更正"
expect_no_out "将在该项目期间的下一批次发放"
run M subsidy batch create --programme GL01 --period 202303
expect_status 0
expect_out "没有待发放的应发记录"
run M subsidy payment correct --payment "$pid" --account 6228480000000001230
expect_status 0
run M subsidy batch create --programme GL01 --period 202303
expect_status 0
expect_out "重发 1 笔 30000 分"
check_passes
# An April entitlement never paid: the next batch pays it.
e04=$(q "SELECT id FROM entitlement WHERE status = 'on_hold' AND period = '202304'")
run M subsidy hold release --entitlement "$e04"
expect_status 0
expect_out "已解除暂停，将在该项目期间的下一批次发放"
run M subsidy batch create --programme GL01 --period 202304
expect_status 0
expect_out "暂停发放（跳过） 0 条"
check_passes

# Corrected before the hold: released, the next batch reissues it.
fresh l
run M subsidy bankfile export 1 --out "$SCRATCH/l-pay.csv"
pid=$(zhang_wei_march)
eid=$(q "SELECT entitlement_id FROM payment WHERE id = $pid")
run "$fb" "$SCRATCH/l-pay.csv" "$SCRATCH/l-ret.csv" --fail-ids "$pid"
run M subsidy bankfile import "$SCRATCH/l-ret.csv"
run M subsidy payment correct --payment "$pid" --account 6228480000000001230
expect_status 0
run M subsidy deaths import "$data/deaths.csv"
expect_status 0
run q "SELECT status FROM entitlement WHERE id = $eid"
expect_out "on_hold"
run M subsidy hold release --entitlement "$eid"
expect_status 0
expect_out "已解除暂停，将在该项目期间的下一批次发放"
run M subsidy batch create --programme GL01 --period 202303
expect_status 0
expect_out "重发 1 笔 30000 分"
check_passes

# A pending payment the bank answered SUCCESS for (another amount: the
# import did not apply it) is not intercepted: the money may be there.
fresh m
printf 'H,MSRET,1,1\nD,2,SUCCESS,,35001,2023-03-15T10:00:00\nT,1,35001\n' >"$SCRATCH/m-ret.csv"
run M subsidy bankfile import "$SCRATCH/m-ret.csv"
expect_out "金额不符 1 行"
run M subsidy payment cancel --payment 2
expect_status 1
expect_err "发放记录 2 银行曾回盘成功（导入记录 1 第 2 行，银行时间 2023-03-15T10:00:00，金额 35001 分），款项可能已到账，不能拦截"
run q "SELECT status FROM payment WHERE id = 2"
expect_out "pending"
check_passes

# A failed payment held after a death, then the bank's SUCCESS (a retry
# that worked): paid, and the hold has nothing left to stop - the
# entitlement is an ordinary paid one, listed as paid after the death.
fresh n
pid=$(zhang_wei_march)
eid=$(q "SELECT entitlement_id FROM payment WHERE id = $pid")
printf 'H,MSRET,1,1\nD,%s,FAILED,ACCT_FROZEN,30000,2023-03-15T09:00:00\nT,1,30000\n' "$pid" >"$SCRATCH/n1.csv"
run M subsidy bankfile import "$SCRATCH/n1.csv"
run M subsidy deaths import "$data/deaths.csv"
run q "SELECT status FROM entitlement WHERE id = $eid"
expect_out "on_hold"
printf 'H,MSRET,1,1\nD,%s,SUCCESS,,30000,2023-03-15T10:00:00\nT,1,30000\n' "$pid" >"$SCRATCH/n2.csv"
run M subsidy bankfile import "$SCRATCH/n2.csv"
expect_out "其中失败后又报成功（改为已发） 1 笔"
run q "SELECT e.status || '|' || y.status FROM entitlement e JOIN payment y ON y.entitlement_id = e.id WHERE e.id = $eid"
expect_out "approved|paid"
run M subsidy anomalies
expect_out "应发 $eid 发放 $pid"
expect_out "仍已发放（银行时间 2023-03-15T10:00:00）"
expect_no_out "应发 $eid 张"
check_passes

# Corrected, then a SUCCESS of another amount, then held by a death record:
# released, hold release does not promise a reissue the batch will not make.
fresh o
pid=$(zhang_wei_march)
eid=$(q "SELECT entitlement_id FROM payment WHERE id = $pid")
printf 'H,MSRET,1,1\nD,%s,FAILED,ACCT_FROZEN,30000,2023-03-15T09:00:00\nT,1,30000\n' "$pid" >"$SCRATCH/o1.csv"
run M subsidy bankfile import "$SCRATCH/o1.csv"
run M subsidy payment correct --payment "$pid" --account 6228480000000001230
expect_status 0
printf 'H,MSRET,1,1\nD,%s,SUCCESS,,30001,2023-03-15T10:00:00\nT,1,30001\n' "$pid" >"$SCRATCH/o2.csv"
run M subsidy bankfile import "$SCRATCH/o2.csv"
expect_out "金额不符 1 行"
run M subsidy deaths import "$data/deaths.csv"
run q "SELECT status FROM entitlement WHERE id = $eid"
expect_out "on_hold"
run M subsidy hold release --entitlement "$eid"
expect_status 0
expect_out "已解除暂停；但银行曾报其发放成功，款项可能已到账，批次不会重发更正后的发放 $pid"
expect_no_out "将在该项目期间的下一批次发放"
run M subsidy batch create --programme GL01 --period 202303
expect_out "另有 1 笔已更正的失败发放未重发：银行曾报成功"
check_passes

finish
