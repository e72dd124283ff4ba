#!/usr/bin/env bash
# subsidy payment settle: a payment intercepted (or reversed) whose SUCCESS
# the bank confirms is booked as paid; every refusal; a reversal after the
# settlement; subsidy check passes on every path.
. "$(dirname "$0")/lib.sh"

data="$TESTDATA/subsidy/ops"
fb="$BUILDDIR/tests/tools/fakebank"
db="$SCRATCH/s.db"
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
# ret NAME BATCH LINE...: a return file NAME.csv of the D lines given
# ("pid,STATUS,REASON,amount,time"), with its trailer.
ret() {
	local name=$1 batch=$2 n=0 sum=0 l
	shift 2
	{
		echo "H,MSRET,1,$batch"
		for l in "$@"; do
			echo "D,$l"
			n=$((n + 1))
			sum=$((sum + $(echo "$l" | cut -d, -f4)))
		done
		echo "T,$n,$sum"
	} >"$SCRATCH/$name.csv"
}
zhang_wei_march() {
	q "SELECT y.id FROM payment y JOIN entitlement e ON e.id = y.entitlement_id
	JOIN beneficiary b ON b.id = e.beneficiary_id WHERE b.name = '张伟' AND e.period = '202303'"
}
REASON="银行确认已入账，无法追回"

# --- The full flow: roster, batch, export, intercept, the bank pays anyway.
fresh a
expect_status 0
run M subsidy bankfile export 1 --out "$SCRATCH/pay1.csv"
expect_status 0
pid=$(zhang_wei_march)
eid=$(q "SELECT entitlement_id FROM payment WHERE id = $pid")
run M subsidy deaths import "$data/deaths.csv"
expect_status 0
run M subsidy payment cancel --payment "$pid" --reason "死亡后期间，民政局通知"
expect_status 0
run M subsidy stats --year 2023 --format json
expect_out '"amount_fen": 0'
# Nothing to settle yet: the bank has not answered.
run M subsidy payment settle --payment "$pid" --reason "$REASON"
expect_status 1
expect_err "发放记录 $pid 没有有效的银行成功回盘"
run "$fb" "$SCRATCH/pay1.csv" "$SCRATCH/ret1.csv"
expect_status 0
run M subsidy bankfile import "$SCRATCH/ret1.csv"
expect_status 0
expect_out "矛盾 1 行"
line=$(q "SELECT line FROM bank_return_line WHERE payment_id = $pid AND status = 'SUCCESS'")
btime=$(q "SELECT bank_time FROM bank_return_line WHERE payment_id = $pid AND status = 'SUCCESS'")
run M subsidy anomalies
expect_out "发放 $pid 张* 410102********1018"
expect_out "但发放记录已取消：款项可能已到账，请与银行核实；银行确认已到账的，用 subsidy payment settle --payment $pid --reason"
expect_out "死亡后发放 0"
run M subsidy anomalies --format json
expect_out '"bank_success_conflict": 1'
check_passes
expect_out "已发 6650.00 + 在途 0.00"
expect_out "已取消 300.00 元"
run M subsidy stats --year 2023 --format json
expect_out '"amount_fen": 665000'
expect_out '"people": 19'
before_txn=$(q "SELECT COUNT(*) FROM ledger_txn")

# Usage errors (exit 2) change nothing.
run M subsidy payment settle --payment "$pid"
expect_status 2
expect_err "需要 --payment 和 --reason"
expect_err "用法：minsheng subsidy payment settle --payment ID --reason TEXT [--db PATH]"
run M subsidy payment settle --reason "$REASON"
expect_status 2
run M subsidy payment settle --payment 0 --reason "$REASON"
expect_status 2
run M subsidy payment settle --payment x --reason "$REASON"
expect_status 2
run M subsidy payment settle --payment "$pid" --reason "$REASON" extra
expect_status 2
expect_err "多余的参数"
run M subsidy payment settle --payment "$pid" --reason "$REASON" --bogus
expect_status 2
run M subsidy payment settle --payment "$pid" --reason ""
expect_status 2
expect_err "选项 --reason 的值无效"
run M subsidy payment settle --payment "$pid" --reason "$(printf 'a\nb')"
expect_status 2
expect_err "选项 --reason 的值无效"
run M subsidy payment settle --payment "$pid" --reason "$(head -c 201 /dev/zero | tr '\0' x)"
expect_status 2
expect_err "选项 --reason 的值无效"
# Not UTF-8 (GBK bytes of 银行): refused before the database is read.
run M subsidy payment settle --payment "$pid" --reason "$(printf '\322\370\320\320')"
expect_status 2
expect_err "选项 --reason 的值无效"
# A C1 control character (U+009B, CSI) is a control character too.
run M subsidy payment settle --payment "$pid" --reason "$(printf 'x\302\2332Jy')"
expect_status 2
expect_err "选项 --reason 的值无效"
run M subsidy payment cancel --payment "$pid" --reason "$(printf 'x\302\2332Jy')"
expect_status 2
expect_err "选项 --reason 的值无效"
run M subsidy payment settle --payment "$pid" --reason
expect_status 2
run "$MINSHENG" subsidy payment settle --payment "$pid" --reason "$REASON" --db "$SCRATCH/none.db"
expect_status 3
expect_err "不存在"
expect_no_db_files "$SCRATCH/none.db"
# Refused payments (exit 1): unknown, pending, paid.
run M subsidy payment settle --payment 99999 --reason "$REASON"
expect_status 1
expect_err "发放记录 99999 不存在"
paid=$(q "SELECT MIN(id) FROM payment WHERE status = 'paid'")
run M subsidy payment settle --payment "$paid" --reason "$REASON"
expect_status 1
expect_err "发放记录 $paid 的状态是已发，无需核实入账"
run q "SELECT COUNT(*) FROM ledger_txn"
expect_out "$before_txn"
run q "SELECT status || '|' || reason FROM payment WHERE id = $pid"
expect_out "cancelled|CANCELLED: 死亡后期间，民政局通知"

# Settle: exactly 200 bytes of reason are allowed.
run M subsidy payment settle --payment "$pid" --reason "$REASON"
expect_status 0
expect_out "发放记录 $pid 已按已发入账（项目 GL01 期间 202303 金额 300.00 元，批次 1，应发 $eid）：原为已取消，依据回盘导入记录 1 第 $line 行（银行时间 $btime）报成功"
expect_out "原因：$REASON"
run q "SELECT y.status || '|' || y.reason || '|' || y.bank_time || '|' || e.status FROM payment y
	JOIN entitlement e ON e.id = y.entitlement_id WHERE y.id = $pid"
expect_out "paid|SETTLED: $REASON|$btime|approved"
run q "SELECT payment_id || '|' || import_id || '|' || line || '|' || bank_time || '|' || amount_fen
	|| '|' || previous_status || '|' || previous_reason || '|' || previous_entitlement_status
	|| '|' || reason FROM payment_settlement"
expect_out "$pid|1|$line|$btime|30000|cancelled|CANCELLED: 死亡后期间，民政局通知|cancelled|$REASON"
run q "SELECT t.kind, t.ref, x.account, x.amount_fen FROM ledger_txn t
	JOIN ledger_entry x ON x.txn_id = t.id WHERE t.ref = 'payment settle $pid' ORDER BY x.amount_fen"
expect_out "settle|payment settle $pid|cancelled|-30000"
expect_out "settle|payment settle $pid|paid|30000"
check_passes
expect_out "已发 6950.00 + 在途 0.00"
expect_out "已取消 0.00 元"
# No longer a conflict; a payment after the death now.
run M subsidy anomalies --format json
expect_out '"bank_success_conflict": 0'
expect_out '"paid_after_death": 1'
run M subsidy anomalies
expect_out "仍已发放（银行时间 $btime）；银行报成功时发放已取消或失败，已核实按已发入账"
expect_no_out "银行报成功，但发放记录已取消"
# lookup, stats, batch list count it paid.
run M subsidy lookup --id 410102194001101018 --name 张伟
expect_status 0
expect_out "202303	GL01	高龄津贴	300.00	已发	$btime"
run M subsidy stats --year 2023 --format json
expect_out '"amount_fen": 695000'
expect_out '"people": 20'
run M subsidy batch list
expect_out "20	6950.00	0	20	0	0"
# Not twice.
run M subsidy payment settle --payment "$pid" --reason "$REASON"
expect_status 1
expect_err "发放记录 $pid 已于 $(q "SELECT settled_at FROM payment_settlement") 核实入账，状态是已发，无需再次核实入账"
run q "SELECT COUNT(*) FROM payment_settlement"
expect_out "1"
# The settlement row cannot be changed or deleted.
run q "UPDATE payment_settlement SET reason = 'x'"
expect_err "核实入账记录不可修改"
run q "DELETE FROM payment_settlement"
expect_err "核实入账记录不可删除"
# The same answer again changes nothing.
ret again 1 "$pid,SUCCESS,,30000,$btime"
run M subsidy bankfile import "$SCRATCH/again.csv"
expect_status 0
expect_out "已处理过（无变化） 1 行"
check_passes

# A REVERSED after the settlement: the bank took the money back, and the
# operator had stopped this payment (the person died): it is cancelled
# again, with its entitlement (paid -> cancelled in the ledger), never
# failed, so payment correct and the next batch cannot pay it.
ret rev 1 "$pid,REVERSED,REVERSAL,30000,2023-03-20T10:00:00"
run M subsidy bankfile import "$SCRATCH/rev.csv"
expect_status 0
expect_out "冲正 1 笔，金额 30000 分"
# The summary says it is cancelled again (not failed, not reissued).
expect_out "其中冲正后恢复为已取消（拦截后按已发入账的发放；不是失败，不会重发） 1 笔，金额 30000 分"
run q "SELECT y.status || '|' || y.reason || '|' || y.bank_time || '|' || e.status FROM payment y
	JOIN entitlement e ON e.id = y.entitlement_id WHERE y.id = $pid"
expect_out "cancelled|REVERSED:REVERSAL|2023-03-20T10:00:00|cancelled"
run q "SELECT t.kind, x.account, x.amount_fen FROM ledger_txn t JOIN ledger_entry x ON x.txn_id = t.id
	WHERE t.kind = 'reversed_cancelled' ORDER BY x.amount_fen"
expect_out "reversed_cancelled|paid|-30000"
expect_out "reversed_cancelled|cancelled|30000"
check_passes
expect_out "已发 6650.00 + 在途 0.00 + 待发 6950.00 + 失败 0.00 + 已取消 300.00"
run M subsidy anomalies --format json
expect_out '"bank_success_conflict": 0'
expect_out '"paid_after_death": 0'
run M subsidy lookup --id 410102194001101018 --name 张伟
expect_out "202303	GL01	高龄津贴	300.00	已取消"
# The success used is closed by that reversal: nothing to settle.
run M subsidy payment settle --payment "$pid" --reason "$REASON"
expect_status 1
expect_err "没有有效的银行成功回盘"
# Not correctable, not reissued.
run M subsidy payment correct --payment "$pid" --account 6228480000000001230
expect_status 1
expect_err "发放记录 $pid 的状态是已取消，只有失败的发放可以更正"
run M subsidy batch create --programme GL01 --period 202303
expect_status 0
expect_out "没有待发放的应发记录"
check_passes
# An earlier reversal, and the same one again: already processed; a later
# one only moves the reversal time (as for a reversed payment).
ret rev2 1 "$pid,REVERSED,REVERSAL,30000,2023-03-19T10:00:00" "$pid,SUCCESS,,30000,2023-03-19T09:00:00"
run M subsidy bankfile import "$SCRATCH/rev2.csv"
expect_status 0
expect_out "矛盾 0 行"
expect_out "已处理过（无变化） 2 行"
ret rev3 1 "$pid,REVERSED,REVERSAL,30000,2023-03-21T10:00:00"
run M subsidy bankfile import "$SCRATCH/rev3.csv"
expect_status 0
expect_no_out "冲正后恢复为已取消"
run q "SELECT y.status || '|' || y.reason || '|' || y.bank_time || '|' || e.status FROM payment y
	JOIN entitlement e ON e.id = y.entitlement_id WHERE y.id = $pid"
expect_out "cancelled|REVERSED:REVERSAL|2023-03-21T10:00:00|cancelled"
check_passes
expect_out "已取消 300.00 元"
# A SUCCESS after the reversal: a contradiction anomalies lists; it can be
# settled again (the settlement's previous status is cancelled again).
ret rev4 1 "$pid,SUCCESS,,30000,2023-03-22T10:00:00"
run M subsidy bankfile import "$SCRATCH/rev4.csv"
expect_status 0
expect_out "矛盾 1 行"
run M subsidy anomalies --format json
expect_out '"bank_success_conflict": 1'
run M subsidy payment settle --payment "$pid" --reason "$REASON"
expect_status 0
run q "SELECT group_concat(previous_status, ',') FROM payment_settlement WHERE payment_id = $pid"
expect_out "cancelled,cancelled"
run q "SELECT status || '|' || bank_time FROM payment WHERE id = $pid"
expect_out "paid|2023-03-22T10:00:00"
check_passes
expect_out "已取消 0.00 元"

# --- A SUCCESS, then a REVERSED, both while the payment was cancelled: no
# success stands.
fresh b
pid=$(zhang_wei_march)
run M subsidy payment cancel --payment "$pid"
expect_status 0
ret b1 1 "$pid,SUCCESS,,30000,2023-03-15T10:00:00" "$pid,REVERSED,REVERSAL,30000,2023-03-16T10:00:00"
run M subsidy bankfile import "$SCRATCH/b1.csv"
expect_status 0
expect_out "矛盾 2 行"
run M subsidy payment settle --payment "$pid" --reason "$REASON"
expect_status 1
expect_err "发放记录 $pid 没有有效的银行成功回盘（没有报成功，或成功已被冲正），不能按已发入账"
run q "SELECT status FROM payment WHERE id = $pid"
expect_out "cancelled"
# A later SUCCESS (after that reversal) stands: it is the line used.
ret b2 1 "$pid,SUCCESS,,30000,2023-03-17T10:00:00"
run M subsidy bankfile import "$SCRATCH/b2.csv"
expect_status 0
run M subsidy payment settle --payment "$pid" --reason "$REASON"
expect_status 0
expect_out "依据回盘导入记录 2 第 2 行（银行时间 2023-03-17T10:00:00）报成功"
check_passes
# The earlier conflicting reversal, dated before the success used, does not
# undo it when the next file of the batch repeats that success.
other=$(q "SELECT MIN(id) FROM payment WHERE status = 'pending'")
ret b3 1 "$other,SUCCESS,,$(q "SELECT amount_fen FROM payment WHERE id = $other"),2023-03-18T10:00:00" \
	"$pid,SUCCESS,,30000,2023-03-17T10:00:00"
run M subsidy bankfile import "$SCRATCH/b3.csv"
expect_status 0
expect_out "已处理过（无变化） 1 行"
run q "SELECT status || '|' || bank_time FROM payment WHERE id = $pid"
expect_out "paid|2023-03-17T10:00:00"
check_passes
# A file repeating the first success (dated before the settled one): the
# settlement is the operator's decision on the answers known then, and the
# reversal that undid that success came before it; already processed, the
# payment's row (status, bank_time, the SETTLED: reason) is not touched.
before=$(q "SELECT status || '|' || bank_time || '|' || reason FROM payment WHERE id = $pid")
ret b4 1 "$pid,SUCCESS,,30000,2023-03-15T10:00:00"
run M subsidy bankfile import "$SCRATCH/b4.csv"
expect_status 0
expect_out "已处理过（无变化） 1 行"
expect_out "冲正 0 笔"
run q "SELECT status || '|' || bank_time || '|' || reason FROM payment WHERE id = $pid"
expect_out "paid|2023-03-17T10:00:00|SETTLED: $REASON"
[ "$(out)" = "$before" ] && _pass || _fail "settled row changed: $(out) (was $before)"
check_passes
run M subsidy anomalies --format json
expect_out '"bank_success_conflict": 0'
run M subsidy payment settle --payment "$pid" --reason "$REASON"
expect_status 1
expect_err "已于"
run q "SELECT COUNT(*) || '|' || group_concat(previous_status, ',') FROM payment_settlement WHERE payment_id = $pid"
expect_out "1|cancelled"
# The first reversal again (dated before the settled success): already
# processed too.
ret b5 1 "$pid,REVERSED,REVERSAL,30000,2023-03-16T10:00:00"
run M subsidy bankfile import "$SCRATCH/b5.csv"
expect_status 0
expect_out "已处理过（无变化） 1 行"
expect_out "矛盾 0 行"
run q "SELECT status || '|' || bank_time || '|' || reason FROM payment WHERE id = $pid"
expect_out "paid|2023-03-17T10:00:00|SETTLED: $REASON"
check_passes

# --- A SUCCESS of another amount: a manual decision, not this command's.
fresh c
pid=$(zhang_wei_march)
run M subsidy payment cancel --payment "$pid"
ret c1 1 "$pid,SUCCESS,,30001,2023-03-15T10:00:00"
run M subsidy bankfile import "$SCRATCH/c1.csv"
expect_out "金额不符 1 行"
run M subsidy anomalies
expect_out "金额 30001 分与发放金额不符"
expect_no_out "subsidy payment settle --payment $pid"
run M subsidy payment settle --payment "$pid" --reason "$REASON"
expect_status 1
expect_err "发放记录 $pid 的银行成功回盘（导入记录 1 第 2 行，银行时间 2023-03-15T10:00:00）金额 30001 分与发放金额 30000 分不符，不能按已发入账，请人工处理"
run q "SELECT status FROM payment WHERE id = $pid"
expect_out "cancelled"
# A line of another batch's file (unknown id there, not applied by the
# import) counts all the same, as in every use of the standing-SUCCESS rule
# (batch.h): one of the payment's amount can be settled on.
run M subsidy batch create --programme GL01 --period 202304
expect_status 0
ret c2 2 "$pid,SUCCESS,,30000,2023-03-15T10:00:00"
run M subsidy bankfile import "$SCRATCH/c2.csv"
expect_out "未知发放编号 1 行"
expect_out "发放编号 $pid 属于批次 1，不在批次 2 中"
run M subsidy payment settle --payment "$pid" --reason "$REASON"
expect_status 0
run q "SELECT import_id || '|' || line || '|' || amount_fen FROM payment_settlement WHERE payment_id = $pid"
expect_out "2|2|30000"
check_passes

# --- A reversed payment the bank then answered SUCCESS again (after the
# reversal): failed -> paid.
fresh d
pid=$(zhang_wei_march)
ret d1 1 "$pid,SUCCESS,,30000,2023-03-15T10:00:00" "$pid,REVERSED,ACCT_CLOSED,30000,2023-03-16T10:00:00"
run M subsidy bankfile import "$SCRATCH/d1.csv"
expect_status 0
run q "SELECT status || '|' || reason FROM payment WHERE id = $pid"
expect_out "failed|REVERSED:ACCT_CLOSED"
# The success the reversal undid does not count.
run M subsidy payment settle --payment "$pid" --reason "$REASON"
expect_status 1
expect_err "没有有效的银行成功回盘"
ret d2 1 "$pid,SUCCESS,,30000,2023-03-17T10:00:00"
run M subsidy bankfile import "$SCRATCH/d2.csv"
expect_out "矛盾 1 行"
run M subsidy anomalies
expect_out "冲正后又报成功，款项可能已到账；银行确认已到账的，用 subsidy payment settle --payment $pid"
run M subsidy payment settle --payment "$pid" --reason "$REASON"
expect_status 0
expect_out "原为失败，依据回盘导入记录 2 第 2 行（银行时间 2023-03-17T10:00:00）报成功"
run q "SELECT t.kind, x.account, x.amount_fen FROM ledger_txn t
	JOIN ledger_entry x ON x.txn_id = t.id WHERE t.ref = 'payment settle $pid' ORDER BY x.amount_fen"
expect_out "settle|failed|-30000"
expect_out "settle|paid|30000"
run q "SELECT previous_status || '|' || previous_reason || '|' || previous_entitlement_status FROM payment_settlement"
expect_out "failed|REVERSED:ACCT_CLOSED|approved"
run M subsidy anomalies --format json
expect_out '"bank_success_conflict": 0'
check_passes
expect_out "失败 0.00"

# --- An earlier attempt: failed, corrected and reissued; the bank then
# says the first attempt was paid. Not supported (a later attempt exists).
fresh e
pid=$(zhang_wei_march)
ret e1 1 "$pid,FAILED,ACCT_FROZEN,30000,2023-03-15T09:00:00"
run M subsidy bankfile import "$SCRATCH/e1.csv"
run M subsidy payment correct --payment "$pid" --account 6228480000000001230
expect_status 0
run M subsidy batch create --programme GL01 --period 202303
expect_out "重发 1 笔 30000 分"
new=$(q "SELECT MAX(id) FROM payment")
ret e2 1 "$pid,SUCCESS,,30000,2023-03-15T10:00:00"
run M subsidy bankfile import "$SCRATCH/e2.csv"
expect_out "矛盾 1 行"
run M subsidy anomalies
expect_out "可能重复发放"
expect_no_out "subsidy payment settle --payment $pid"
run M subsidy payment settle --payment "$pid" --reason "$REASON"
expect_status 1
expect_err "发放记录 $pid 不是其应发的最近一次发放：已有更新的发放 $new（在途），不支持对较早的发放核实入账，请人工处理"
run q "SELECT status FROM payment WHERE id = $pid"
expect_out "failed"
check_passes

finish
