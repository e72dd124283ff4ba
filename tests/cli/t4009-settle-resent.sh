#!/usr/bin/env bash
# A settled payment and the bank's answers sent again: a settlement is a
# decision the bank's older answers cannot undo (no second payment through
# the next batch); batch create keeps back what the bank said it paid (the
# rule of payment correct, cancel, settle and anomalies); settle warns of an
# earlier attempt also answered SUCCESS; a settled payment that had been
# corrected and is then reversed is reissued on that correction (docs).
# subsidy check passes after every step.
. "$(dirname "$0")/lib.sh"

data="$TESTDATA/subsidy/ops"
db="$SCRATCH/s.db"
M() { "$MINSHENG" "$@" --db "$db"; }
q() { sqlite3 "$db" "$1"; }
check_passes() {
	run M subsidy check
	expect_status 0
	expect_out "核对通过"
}
# step CMD...: run a minsheng subcommand on the database, expect exit 0,
# then subsidy check must pass.
step() {
	run M "$@"
	expect_status 0
	local keep
	keep=$(cat "$SCRATCH/.out")
	check_passes
	printf '%s\n' "$keep" >"$SCRATCH/.out"
}
fresh() {
	db="$SCRATCH/$1.db"
	step subsidy programme import "$data/programmes.csv"
	step subsidy roster import "$data/roster.csv"
	step subsidy batch create --programme GL01 --period 202303
}
# ret NAME LINE...: a return file of batch 1 with these D lines.
ret() {
	local name=$1 n=0 sum=0 l
	shift
	{
		echo "H,MSRET,1,1"
		for l in "$@"; do
			echo "D,$l"
			n=$((n + 1))
			sum=$((sum + $(echo "$l" | cut -d, -f4)))
		done
		echo "T,$n,$sum"
	} >"$SCRATCH/$name.csv"
}
# bom NAME: the same answers in other bytes (a BOM in front) as NAME-bom.csv.
bom() { { printf '\357\273\277'; cat "$SCRATCH/$1.csv"; } >"$SCRATCH/$1-bom.csv"; }
row() { q "SELECT status || '|' || COALESCE(reason, '') || '|' || bank_time FROM payment WHERE id = $1"; }
REASON="银行确认已入账"

# --- The reviewer's case: failed, corrected, paid twice by the bank (the
# second SUCCESS stored as already), reversed, settled on the later SUCCESS;
# then the bank sends the two files again.
fresh a
pid=1
ret a1 "$pid,FAILED,ACCT_FROZEN,30000,2023-03-15T09:00:00"
ret a2 "$pid,SUCCESS,,30000,2023-03-15T10:00:00" "$pid,SUCCESS,,30000,2023-03-17T10:00:00"
ret a3 "$pid,REVERSED,ACCT_CLOSED,30000,2023-03-16T10:00:00"
step subsidy bankfile import "$SCRATCH/a1.csv"
step subsidy payment correct --payment $pid --account 6228480000000001230
step subsidy bankfile import "$SCRATCH/a2.csv"
step subsidy bankfile import "$SCRATCH/a3.csv"
expect_out "冲正 1 笔，金额 30000 分"
run q "SELECT outcome FROM bank_return_line WHERE bank_time = '2023-03-17T10:00:00'"
expect_out "already"
# Finding 2: the SUCCESS of 03-17 (stored as already) stands after the
# reversal of 03-16: anomalies lists it, payment correct refuses, and batch
# create must not reissue it either (it did: "重发 1 笔").
run M subsidy anomalies
expect_out "回盘导入记录 2 第 3 行（银行时间 2023-03-17T10:00:00）报成功，晚于冲正"
run M subsidy payment correct --payment $pid --account 6228480000000001248
expect_status 1
step subsidy batch create --programme GL01 --period 202303
expect_out "没有待发放的应发记录"
expect_out "另有 1 笔已更正的失败发放未重发：银行曾报成功"
run q "SELECT COUNT(*) FROM payment WHERE entitlement_id = (SELECT entitlement_id FROM payment WHERE id = $pid)"
expect_out "1"
step subsidy payment settle --payment $pid --reason "$REASON"
expect_out "依据回盘导入记录 2 第 3 行（银行时间 2023-03-17T10:00:00）报成功"
expect_no_out "注意"
settled=$(row $pid)
run echo "$settled"
expect_out "paid|SETTLED: $REASON|2023-03-17T10:00:00"
ledger=$(q "SELECT COUNT(*) FROM ledger_txn")
# Finding 1 and 3: the same answers again, in other bytes.
bom a2
step subsidy bankfile import "$SCRATCH/a2-bom.csv"
expect_out "已处理过（无变化） 2 行"
run row $pid
expect_out "$settled"
bom a3
step subsidy bankfile import "$SCRATCH/a3-bom.csv"
expect_out "冲正 0 笔"
expect_out "已处理过（无变化） 1 行"
expect_out "矛盾 0 行"
run row $pid
expect_out "$settled"
bom a1
step subsidy bankfile import "$SCRATCH/a1-bom.csv"
run row $pid
expect_out "$settled"
run q "SELECT COUNT(*) FROM ledger_txn"
expect_out "$ledger"
# No second payment.
step subsidy batch create --programme GL01 --period 202303
expect_out "没有待发放的应发记录"
run q "SELECT COUNT(*) FROM payment WHERE entitlement_id = (SELECT entitlement_id FROM payment WHERE id = $pid)"
expect_out "1"
run M subsidy anomalies --format json
expect_out '"bank_success_conflict": 0'
# A reversal dated after the settled success still reverses it; the
# correction recorded before the settlement then reissues it (finding 5,
# docs/batches.md): the bank took the money back.
ret a4 "$pid,REVERSED,ACCT_CLOSED,30000,2023-03-18T10:00:00"
step subsidy bankfile import "$SCRATCH/a4.csv"
expect_out "冲正 1 笔，金额 30000 分"
# failed before the settlement: failed again, not said to be cancelled
expect_no_out "冲正后恢复为已取消"
run row $pid
expect_out "failed|REVERSED:ACCT_CLOSED|2023-03-18T10:00:00"
step subsidy batch create --programme GL01 --period 202303
expect_out "重发 1 笔 30000 分"

# --- The same answers after a settlement, split over files either way
# round: the same payment and ledger (the settlement is final against the
# older answers whatever the order).
for order in 1 2; do
	fresh "o$order"
	pid=1
	ret o1 "$pid,SUCCESS,,30000,2023-03-15T10:00:00" "$pid,REVERSED,ACCT_CLOSED,30000,2023-03-16T10:00:00"
	ret o2 "$pid,SUCCESS,,30000,2023-03-17T10:00:00"
	step subsidy bankfile import "$SCRATCH/o1.csv"
	step subsidy bankfile import "$SCRATCH/o2.csv"
	expect_out "矛盾 1 行"
	step subsidy payment settle --payment $pid --reason "$REASON"
	# later: the first answers again with a later reversal
	ret "x$order" "$pid,SUCCESS,,30000,2023-03-14T10:00:00" "$pid,REVERSED,ACCT_CLOSED,30000,2023-03-16T11:00:00"
	ret "y$order" "$pid,REVERSED,REVERSAL,30000,2023-03-19T10:00:00" "$pid,SUCCESS,,30000,2023-03-15T10:00:00"
	if [ $order = 1 ]; then
		step subsidy bankfile import "$SCRATCH/x$order.csv"
		run row $pid
		expect_out "paid|SETTLED: $REASON|2023-03-17T10:00:00"
		step subsidy bankfile import "$SCRATCH/y$order.csv"
	else
		step subsidy bankfile import "$SCRATCH/y$order.csv"
		step subsidy bankfile import "$SCRATCH/x$order.csv"
	fi
	q "SELECT id, status, reason, bank_time FROM payment ORDER BY id" >"$SCRATCH/pay$order"
	q "SELECT account, SUM(amount_fen) FROM ledger_entry GROUP BY account ORDER BY account" >"$SCRATCH/led$order"
done
expect_same "$SCRATCH/pay1" "$SCRATCH/pay2"
expect_same "$SCRATCH/led1" "$SCRATCH/led2"
run grep "^1|" "$SCRATCH/pay1"
expect_out "1|failed|REVERSED:REVERSAL|2023-03-19T10:00:00"

# --- Reversed, SUCCESS after the reversal, settled; the first file again
# (the reviewer's s5): nothing changes.
fresh c
pid=1
ret c1 "$pid,SUCCESS,,30000,2023-03-15T10:00:00" "$pid,REVERSED,ACCT_CLOSED,30000,2023-03-16T10:00:00"
ret c2 "$pid,SUCCESS,,30000,2023-03-17T10:00:00"
step subsidy bankfile import "$SCRATCH/c1.csv"
step subsidy bankfile import "$SCRATCH/c2.csv"
step subsidy payment settle --payment $pid --reason "$REASON"
settled=$(row $pid)
bom c1
step subsidy bankfile import "$SCRATCH/c1-bom.csv"
expect_out "冲正 0 笔"
run row $pid
expect_out "$settled"
step subsidy batch create --programme GL01 --period 202303
expect_out "没有待发放的应发记录"

# --- Cancelled, SUCCESS, settled; an earlier SUCCESS (the reviewer's s6):
# reported unchanged, and unchanged indeed (the SETTLED: reason stays).
fresh d
pid=1
step subsidy payment cancel --payment $pid --reason 民政局通知
ret d1 "$pid,SUCCESS,,30000,2023-03-17T10:00:00"
step subsidy bankfile import "$SCRATCH/d1.csv"
step subsidy payment settle --payment $pid --reason "$REASON"
ret d2 "$pid,SUCCESS,,30000,2023-03-16T10:00:00"
step subsidy bankfile import "$SCRATCH/d2.csv"
expect_out "已处理过（无变化） 1 行"
run row $pid
expect_out "paid|SETTLED: $REASON|2023-03-17T10:00:00"

# --- Finding 4: an earlier attempt also has a standing SUCCESS; settle
# says so (the reviewer's s2).
fresh e
pid=1
ret e1 "$pid,FAILED,ACCT_FROZEN,30000,2023-03-15T09:00:00"
step subsidy bankfile import "$SCRATCH/e1.csv"
step subsidy payment correct --payment $pid --account 6228480000000001230
step subsidy batch create --programme GL01 --period 202303
expect_out "重发 1 笔 30000 分"
new=$(q "SELECT MAX(id) FROM payment")
ret e2 "$pid,SUCCESS,,30000,2023-03-15T10:00:00"
step subsidy bankfile import "$SCRATCH/e2.csv"
expect_out "矛盾 1 行"
step subsidy payment cancel --payment "$new" --reason 核实中
{
	echo "H,MSRET,1,2"
	echo "D,$new,SUCCESS,,30000,2023-03-20T10:00:00"
	echo "T,1,30000"
} >"$SCRATCH/e3.csv"
step subsidy bankfile import "$SCRATCH/e3.csv"
step subsidy payment settle --payment "$new" --reason "$REASON"
expect_out "注意：同一应发的较早发放 $pid 也有银行成功回盘（导入记录 2 第 2 行，银行时间 2023-03-15T10:00:00），银行可能已重复发放"
run M subsidy anomalies
expect_out "发放 $pid "
expect_out "可能重复发放"

# --- A REVERSED of another amount (stored as mismatch, which the import
# ignores) takes nothing back: the SUCCESS it does not match still stands
# for batch create, anomalies, payment correct, cancel and settle.
# retb NAME BATCH LINE...: a return file of batch BATCH.
retb() {
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
# Failed, corrected, reissued; the reissue failed and was corrected; the
# bank then says the first attempt was paid after all, and sends a
# REVERSED of 1 fen for it.
fresh m
pid=1
retb m1 1 "$pid,FAILED,ACCT_FROZEN,30000,2023-03-15T09:00:00"
step subsidy bankfile import "$SCRATCH/m1.csv"
step subsidy payment correct --payment $pid --account 6228480000000001230
step subsidy batch create --programme GL01 --period 202303
expect_out "重发 1 笔 30000 分"
re=$(q "SELECT MAX(id) FROM payment")
retb m2 2 "$re,FAILED,ACCT_FROZEN,30000,2023-03-16T09:00:00"
step subsidy bankfile import "$SCRATCH/m2.csv"
step subsidy payment correct --payment "$re" --account 6228480000000001248
retb m3 1 "$pid,SUCCESS,,30000,2023-03-17T10:00:00"
step subsidy bankfile import "$SCRATCH/m3.csv"
expect_out "矛盾 1 行"
step subsidy batch create --programme GL01 --period 202303
expect_out "没有待发放的应发记录"
expect_out "另有 1 笔已更正的失败发放未重发：银行曾报成功"
retb m4 1 "$pid,REVERSED,ACCT_CLOSED,1,2023-03-18T10:00:00"
step subsidy bankfile import "$SCRATCH/m4.csv"
expect_out "金额不符 1 行"
run q "SELECT outcome FROM bank_return_line WHERE bank_time = '2023-03-18T10:00:00'"
expect_out "mismatch"
run M subsidy anomalies
expect_status 0
expect_out "发放 $pid "
expect_out "回盘导入记录 3 第 2 行（银行时间 2023-03-17T10:00:00）报成功，但发放记录为失败"
expect_out "可能重复发放"
run M subsidy anomalies --format json
expect_no_out '"bank_success_conflict": 0'
step subsidy batch create --programme GL01 --period 202303
expect_out "没有待发放的应发记录"
expect_out "另有 1 笔已更正的失败发放未重发：银行曾报成功"
expect_no_out "重发 1 笔"
run q "SELECT COUNT(*) FROM payment WHERE entitlement_id = (SELECT entitlement_id FROM payment WHERE id = $pid)"
expect_out "2"
run M subsidy payment correct --payment "$re" --account 6228480000000001255
expect_status 1
check_passes
# A REVERSED of the payment's amount does take it back (the import counts
# it): the reissue goes out.
retb m5 1 "$pid,REVERSED,ACCT_CLOSED,30000,2023-03-19T10:00:00"
step subsidy bankfile import "$SCRATCH/m5.csv"
step subsidy batch create --programme GL01 --period 202303
expect_out "重发 1 笔 30000 分"
run M subsidy anomalies --format json
expect_out '"bank_success_conflict": 0'

# Cancelled, the bank answers SUCCESS, then a REVERSED of 100 fen: the
# conflict stays listed and the payment can be settled on that SUCCESS.
fresh n
pid=1
step subsidy payment cancel --payment $pid --reason 死亡后期间
retb n1 1 "$pid,SUCCESS,,30000,2023-03-15T10:00:00"
step subsidy bankfile import "$SCRATCH/n1.csv"
expect_out "矛盾 1 行"
retb n2 1 "$pid,REVERSED,ACCT_CLOSED,100,2023-03-16T10:00:00"
step subsidy bankfile import "$SCRATCH/n2.csv"
expect_out "金额不符 1 行"
run M subsidy anomalies
expect_status 0
expect_out "回盘导入记录 1 第 2 行（银行时间 2023-03-15T10:00:00）报成功，但发放记录已取消"
run M subsidy anomalies --format json
expect_no_out '"bank_success_conflict": 0'
step subsidy payment settle --payment $pid --reason "$REASON"
expect_out "依据回盘导入记录 1 第 2 行（银行时间 2023-03-15T10:00:00）报成功"
run row $pid
expect_out "paid|SETTLED: $REASON|2023-03-15T10:00:00"
run M subsidy anomalies --format json
expect_out '"bank_success_conflict": 0'
# The correct amount reverses it afterwards as usual.
retb n3 1 "$pid,REVERSED,ACCT_CLOSED,30000,2023-03-17T10:00:00"
step subsidy bankfile import "$SCRATCH/n3.csv"
expect_out "冲正 1 笔，金额 30000 分"

finish
