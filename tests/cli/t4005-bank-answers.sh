#!/usr/bin/env bash
# Bank answers (docs/bankfile.md, "Reconciliation"): the set of answers the
# bank gave decides a payment, whatever files they came in and in whatever
# order; a SUCCESS the import cannot apply is never lost (payment correct
# refuses, `subsidy anomalies` lists bank_success_conflict); a reissue goes
# to the person's current account. `subsidy check` passes after every
# scenario.
. "$(dirname "$0")/lib.sh"

data="$TESTDATA/subsidy/ops"
db=""
M() { "$MINSHENG" "$@" --db "$db"; }
q() { sqlite3 "$db" "$1"; }

# A fresh database with the ops roster and the March batch (payments 1..20:
# 1 30000, 2 35000, 3 40000, 4 30000, ... fen).
fresh() {
	db="$SCRATCH/$1.db"
	rm -f "$db" "$db.key"
	M subsidy programme import "$data/programmes.csv" >/dev/null || _fail "programme import"
	M subsidy roster import "$data/roster.csv" >/dev/null || _fail "roster import"
	M subsidy batch create --programme GL01 --period 202303 >/dev/null || _fail "batch create"
}

# ret FILE BATCH LINE...: a return file of these D lines (without the
# leading "D,"), with the trailer computed.
ret() {
	local f=$1 b=$2 n=0 sum=0 l
	shift 2
	printf 'H,MSRET,1,%s\n' "$b" >"$f"
	for l in "$@"; do
		printf 'D,%s\n' "$l" >>"$f"
		n=$((n + 1))
		sum=$((sum + $(echo "$l" | cut -d, -f4)))
	done
	printf 'T,%s,%s\n' "$n" "$sum" >>"$f"
}

checked() {
	run M subsidy check
	expect_status 0
	expect_out "核对通过"
	# nobody paid twice, at most one live payment per entitlement
	run q "SELECT COUNT(*) FROM (SELECT entitlement_id FROM payment
		WHERE status IN ('pending', 'paid') GROUP BY entitlement_id HAVING COUNT(*) > 1)"
	expect_out "0"
}

# A valid 19-digit account (Luhn) from a number.
account() {
	local s sum=0 i d
	s=$(printf '622848%012d' "$1")
	for ((i = 0; i < 18; i++)); do
		d=${s:17-i:1}
		if ((i % 2 == 0)); then d=$((d * 2)); ((d > 9)) && d=$((d - 9)); fi
		sum=$((sum + d))
	done
	echo "$s$(((10 - sum % 10) % 10))"
}

# 1. FAILED 09:00 then SUCCESS 10:00 (a retry that worked), in one file:
# paid; it cannot be corrected, nothing is reissued.
fresh s1
ret "$SCRATCH/r.csv" 1 "1,FAILED,ACCT_FROZEN,30000,2023-03-15T09:00:00" \
	"1,SUCCESS,,30000,2023-03-15T10:00:00"
run M subsidy bankfile import "$SCRATCH/r.csv"
expect_status 0
expect_out "发放成功 1 笔，金额 30000 分"
expect_out "矛盾 0 行"
run q "SELECT status || '|' || bank_time FROM payment WHERE id = 1"
expect_out "paid|2023-03-15T10:00:00"
run M subsidy payment correct --payment 1 --account "$(account 1)"
expect_status 1
expect_err "状态是已发"
run M subsidy batch create --programme GL01 --period 202303
expect_status 0
expect_out "未生成批次"
checked

# The same two answers in two files, in both orders: the same end.
for order in fs sf; do
	fresh "s1$order"
	ret "$SCRATCH/f.csv" 1 "1,FAILED,ACCT_FROZEN,30000,2023-03-15T09:00:00"
	ret "$SCRATCH/s.csv" 1 "1,SUCCESS,,30000,2023-03-15T10:00:00"
	if [ $order = fs ]; then
		run M subsidy bankfile import "$SCRATCH/f.csv"
		expect_out "发放失败 1 笔"
		run M subsidy bankfile import "$SCRATCH/s.csv"
		expect_status 0
		# the failed payment becomes paid, and the operator is told
		expect_out "此前回盘为失败"
		expect_out "发放成功 1 笔，金额 30000 分"
		expect_out "其中失败后又报成功（改为已发） 1 笔，金额 30000 分"
	else
		run M subsidy bankfile import "$SCRATCH/s.csv"
		run M subsidy bankfile import "$SCRATCH/f.csv"
		expect_status 0
		expect_out "已处理过（无变化） 1 行"
	fi
	run q "SELECT status || '|' || COALESCE(reason, '') || '|' || bank_time FROM payment WHERE id = 1"
	expect_out "paid||2023-03-15T10:00:00"
	# the ledger moved the money from failed to paid (or never to failed)
	run M subsidy check
	expect_out "失败 0.00"
	checked
done

# 2. A SUCCESS for a payment already reissued: a contradiction that stays
# listed by `subsidy anomalies`; the old payment cannot be corrected again.
fresh s2
ret "$SCRATCH/r1.csv" 1 "1,FAILED,ACCT_FROZEN,30000,2023-03-15T09:00:00"
run M subsidy bankfile import "$SCRATCH/r1.csv"
expect_out "发放失败 1 笔"
run M subsidy payment correct --payment 1 --account "$(account 1)"
expect_status 0
run M subsidy batch create --programme GL01 --period 202303
expect_status 0
expect_out "重发 1 笔"
reissue=$(q "SELECT id FROM payment WHERE attempt = 2")
ret "$SCRATCH/r2.csv" 2 "$reissue,SUCCESS,,30000,2023-03-20T10:00:00"
run M subsidy bankfile import "$SCRATCH/r2.csv"
expect_out "发放成功 1 笔"
ret "$SCRATCH/r3.csv" 1 "1,SUCCESS,,30000,2023-03-21T10:00:00"
run M subsidy bankfile import "$SCRATCH/r3.csv"
expect_status 0
expect_out "矛盾：第 2 行 发放编号 1："
expect_out "已重发"
run M subsidy payment correct --payment 1 --account "$(account 2)"
expect_status 1
run M subsidy anomalies
expect_status 0
expect_out "[银行报成功但记录为失败/已重发（可能重复发放）] 项目 GL01 期间 202303 应发 1 发放 1 "
expect_out "回盘导入记录 3 第 2 行（银行时间 2023-03-21T10:00:00）报成功"
expect_out "应发已重发（第 2 次，已发）：可能重复发放"
expect_out "银行报成功但记录为失败/已重发（可能重复发放） 1"
run M subsidy anomalies --format json
expect_out '"rule": "bank_success_conflict"'
expect_out '"import_id": 3'
expect_out '"bank_time": "2023-03-21T10:00:00"'
expect_out '"bank_success_conflict": 1'
checked

# 3. A failed payment with a SUCCESS of another amount: reported as a
# mismatch, and then payment correct refuses it (the money may be there).
fresh s3
ret "$SCRATCH/r1.csv" 1 "2,FAILED,ACCT_CLOSED,35000,2023-03-15T09:00:00"
run M subsidy bankfile import "$SCRATCH/r1.csv"
ret "$SCRATCH/r2.csv" 1 "2,SUCCESS,,35001,2023-03-15T10:00:00"
run M subsidy bankfile import "$SCRATCH/r2.csv"
expect_out "金额不符 1 行"
run M subsidy payment correct --payment 2 --account "$(account 3)"
expect_status 1
expect_err "发放记录 2 银行曾回盘成功（导入记录 2 第 2 行，银行时间 2023-03-15T10:00:00，金额 35001 分），款项可能已到账，不能更正重发"
run q "SELECT COUNT(*) FROM payment_correction"
expect_out "0"
run M subsidy anomalies
expect_out "应发 2 发放 2 "
expect_out "金额 35001 分与发放金额不符"
checked
# Corrected first, then the bank's success (another amount) arrives: not reissued.
ret "$SCRATCH/r3.csv" 1 "4,FAILED,ACCT_CLOSED,30000,2023-03-15T09:00:00"
run M subsidy bankfile import "$SCRATCH/r3.csv"
run M subsidy payment correct --payment 4 --account "$(account 5)"
expect_status 0
ret "$SCRATCH/r4.csv" 1 "4,SUCCESS,,30001,2023-03-15T10:00:00"
run M subsidy bankfile import "$SCRATCH/r4.csv"
expect_out "金额不符 1 行"
run M subsidy batch create --programme GL01 --period 202303
expect_status 0
expect_out "未生成批次"
expect_out "另有 1 笔已更正的失败发放未重发：银行曾报成功"
run M subsidy anomalies
expect_out "应发 4 发放 4 "
checked

# 4. Answers sent again in another file (a BOM, so other bytes): nothing is
# a contradiction, nothing changes.
fresh s4
ret "$SCRATCH/a.csv" 1 "1,SUCCESS,,30000,2023-03-15T10:00:00" \
	"1,REVERSED,ACCT_CLOSED,30000,2023-03-16T10:00:00"
run M subsidy bankfile import "$SCRATCH/a.csv"
expect_out "冲正 1 笔，金额 30000 分"
before=$(q "SELECT status || reason || bank_time FROM payment WHERE id = 1")
{ printf '\357\273\277'; cat "$SCRATCH/a.csv"; } >"$SCRATCH/a-bom.csv"
run M subsidy bankfile import "$SCRATCH/a-bom.csv"
expect_status 0
expect_out "矛盾 0 行"
expect_out "已处理过（无变化） 2 行"
expect_no_out "矛盾："
after=$(q "SELECT status || reason || bank_time FROM payment WHERE id = 1")
[ "$before" = "$after" ] && _pass || _fail "re-sent answers changed payment 1: $before -> $after"
# the reversed payment can be corrected: the success was undone by the reversal
run M subsidy payment correct --payment 1 --account "$(account 4)"
expect_status 0
# a reversal dated before the stored success is not applied
ret "$SCRATCH/s3.csv" 1 "3,SUCCESS,,40000,2023-03-15T10:00:00"
ret "$SCRATCH/v3.csv" 1 "3,REVERSED,ACCT_CLOSED,40000,2023-03-14T09:00:00"
run M subsidy bankfile import "$SCRATCH/s3.csv"
run M subsidy bankfile import "$SCRATCH/v3.csv"
expect_out "冲正时间不晚于成功时间 2023-03-15T10:00:00"
run q "SELECT status FROM payment WHERE id = 3"
expect_out "paid"
checked

# 5. One set of answers for payments 3..9, in one file and split over two
# files in both orders: the same payments, the same ledger.
A=("3,SUCCESS,,40000,2023-03-15T10:00:00"        # p3: reversal older than the success
	"4,SUCCESS,,30000,2023-03-15T10:00:00"   # p4: success, then reversal
	"5,FAILED,ACCT_FROZEN,35000,2023-03-15T09:00:00" # p5: failure, then success
	"6,SUCCESS,,40000,2023-03-15T10:00:00"   # p6: success, then failure (contradiction)
	"7,REVERSED,ACCT_CLOSED,30000,2023-03-15T11:00:00" # p7: the reversal arrives first
	"8,FAILED,ACCT_FROZEN,35000,2023-03-15T09:00:00" # p8: two failures
	"9,SUCCESS,,40000,2023-03-15T10:00:00")  # p9: two successes
B=("3,REVERSED,ACCT_CLOSED,40000,2023-03-14T09:00:00"
	"4,REVERSED,ACCT_CLOSED,30000,2023-03-16T10:00:00"
	"5,SUCCESS,,35000,2023-03-15T10:00:00"
	"6,FAILED,ACCT_FROZEN,40000,2023-03-15T11:00:00"
	"7,SUCCESS,,30000,2023-03-15T10:00:00"
	"8,FAILED,NAME_MISMATCH,35000,2023-03-15T08:00:00"
	"9,SUCCESS,,40000,2023-03-15T09:00:00")
amounts=$(sqlite3 "$SCRATCH/s1.db" "SELECT group_concat(amount_fen) FROM payment WHERE id BETWEEN 3 AND 9")
[ "$amounts" = "40000,30000,35000,40000,30000,35000,40000" ] && _pass || _fail "fixture amounts: $amounts"
states=""
for how in one ab ba; do
	fresh "s5$how"
	ret "$SCRATCH/a.csv" 1 "${A[@]}"
	ret "$SCRATCH/b.csv" 1 "${B[@]}"
	ret "$SCRATCH/ab.csv" 1 "${A[@]}" "${B[@]}"
	case $how in
	one) run M subsidy bankfile import "$SCRATCH/ab.csv"; expect_status 0 ;;
	ab) M subsidy bankfile import "$SCRATCH/a.csv" >/dev/null
	    run M subsidy bankfile import "$SCRATCH/b.csv"; expect_status 0
	    # p5 failed in a, paid by b: said apart in the summary
	    expect_out "其中失败后又报成功（改为已发） 1 笔，金额 35000 分" ;;
	ba) M subsidy bankfile import "$SCRATCH/b.csv" >/dev/null
	    run M subsidy bankfile import "$SCRATCH/a.csv"; expect_status 0
	    # p7's reversal came first; a's success makes it count
	    expect_out "此前回盘文件的冲正因本文件的成功记录生效 1 笔，金额 30000 分" ;;
	esac
	checked
	q "SELECT id || '|' || status || '|' || COALESCE(reason, '') || '|' || bank_time
		FROM payment WHERE id BETWEEN 3 AND 9 ORDER BY id" >"$SCRATCH/state-$how"
	M subsidy check | tail -n 1 >>"$SCRATCH/state-$how"
	states="$states $how"
done
expect_same "$SCRATCH/state-one" "$SCRATCH/state-ab"
expect_same "$SCRATCH/state-one" "$SCRATCH/state-ba"
cat >"$SCRATCH/state-want" <<'EOF'
3|paid||2023-03-15T10:00:00
4|failed|REVERSED:ACCT_CLOSED|2023-03-16T10:00:00
5|paid||2023-03-15T10:00:00
6|paid||2023-03-15T10:00:00
7|failed|REVERSED:ACCT_CLOSED|2023-03-15T11:00:00
8|failed|NAME_MISMATCH|2023-03-15T08:00:00
9|paid||2023-03-15T09:00:00
EOF
head -n 7 "$SCRATCH/state-one" >"$SCRATCH/state-got"
expect_same "$SCRATCH/state-want" "$SCRATCH/state-got"

# 6. Two corrections of one person (March and April payments): the March
# reissue goes to the account of the later correction, the current one.
fresh s6
run M subsidy batch create --programme GL01 --period 202304
expect_status 0
p_apr=$(q "SELECT y.id FROM payment y JOIN entitlement e ON e.id = y.entitlement_id
	WHERE e.period = '202304' AND e.beneficiary_id =
	(SELECT beneficiary_id FROM entitlement WHERE id = (SELECT entitlement_id FROM payment WHERE id = 1))")
[ -n "$p_apr" ] && _pass || _fail "no April payment for the person of payment 1"
ret "$SCRATCH/m.csv" 1 "1,FAILED,ACCT_CLOSED,30000,2023-03-15T09:00:00"
ret "$SCRATCH/a.csv" 2 "$p_apr,FAILED,ACCT_CLOSED,30000,2023-04-15T09:00:00"
M subsidy bankfile import "$SCRATCH/m.csv" >/dev/null
M subsidy bankfile import "$SCRATCH/a.csv" >/dev/null
first=$(account 61)
second=$(account 62)
run M subsidy payment correct --payment 1 --account "$first"
expect_status 0
run M subsidy payment correct --payment "$p_apr" --account "$second"
expect_status 0
for period in 202303 202304; do
	run M subsidy batch create --programme GL01 --period $period
	expect_status 0
	expect_out "重发 1 笔"
	b=$(q "SELECT MAX(id) FROM batch")
	run M subsidy bankfile export "$b" --out "$SCRATCH/pay-$period.csv"
	expect_status 0
	if grep -q "$second" "$SCRATCH/pay-$period.csv" && ! grep -q "$first" "$SCRATCH/pay-$period.csv"; then
		_pass
	else
		_fail "the $period reissue does not go to the current account: $(cat "$SCRATCH/pay-$period.csv")"
	fi
done
run q "SELECT COUNT(*) FROM payment y JOIN bank_account a ON a.id = y.account_id
	WHERE y.attempt = 2 AND a.valid_to IS NULL"
expect_out "2"
# every unpaid entitlement of the person follows to the current account
run q "SELECT COUNT(*) FROM entitlement e JOIN bank_account a ON a.id = e.account_id
	WHERE e.beneficiary_id = (SELECT beneficiary_id FROM entitlement WHERE id =
	(SELECT entitlement_id FROM payment WHERE id = 1)) AND a.valid_to IS NOT NULL"
expect_out "0"
checked

# 7. A SUCCESS for the first attempt after its reissue also stops a second
# reissue: the reissue fails, its correction is refused and nothing is
# reissued (the first attempt's money may be in the account).
fresh s7
ret "$SCRATCH/a.csv" 1 "1,FAILED,ACCT_FROZEN,30000,2023-03-15T09:00:00"
M subsidy bankfile import "$SCRATCH/a.csv" >/dev/null
M subsidy payment correct --payment 1 --account "$(account 1)" >/dev/null
run M subsidy batch create --programme GL01 --period 202303
expect_out "重发 1 笔"
ret "$SCRATCH/b.csv" 1 "1,SUCCESS,,30000,2023-03-15T10:00:00"
run M subsidy bankfile import "$SCRATCH/b.csv"
expect_out "矛盾 1 行"
re=$(q "SELECT MAX(id) FROM payment")
ret "$SCRATCH/c.csv" 2 "$re,FAILED,ACCT_CLOSED,30000,2023-03-20T09:00:00"
M subsidy bankfile import "$SCRATCH/c.csv" >/dev/null
run M subsidy payment correct --payment "$re" --account "$(account 2)"
expect_status 1
expect_err "发放记录 $re 银行曾回盘成功（同一应发的第 1 号发放记录）"
run M subsidy batch create --programme GL01 --period 202303
expect_status 0
expect_out "未生成批次"
run q "SELECT COUNT(*) FROM payment WHERE entitlement_id = (SELECT entitlement_id FROM payment WHERE id = 1)"
expect_out "2"
# a correction made before the first attempt's success arrived is not
# reissued either (the second attempt's correction, made by hand here)
q "INSERT INTO payment_correction(payment_id, account_id, corrected_at)
	SELECT $re, account_id, '2023-03-21T00:00:00Z' FROM payment WHERE id = $re"
run M subsidy batch create --programme GL01 --period 202303
expect_out "另有 1 笔已更正的失败发放未重发：银行曾报成功"
run q "SELECT COUNT(*) FROM payment WHERE entitlement_id = (SELECT entitlement_id FROM payment WHERE id = 1)"
expect_out "2"
# the bank takes the stray success back: the finding closes, and the
# reissue may be corrected again
run M subsidy anomalies
expect_out "发放 1 张"
ret "$SCRATCH/d.csv" 1 "1,REVERSED,DUPLICATE,30000,2023-03-22T10:00:00"
run M subsidy bankfile import "$SCRATCH/d.csv"
expect_status 0
run M subsidy anomalies
expect_no_out "发放 1 张"
run M subsidy batch create --programme GL01 --period 202303
expect_out "重发 1 笔"
checked

# 8. The bank files a SUCCESS for payment 1 (batch 1, failed) in batch 2's
# return file. The import does not apply it (wrong file) but says whose the
# payment is; it counts as a standing SUCCESS all the same: correct and
# cancel refuse, a correction is not reissued, anomalies lists it. A
# REVERSED in the wrong file takes nothing back; one in batch 1's file does.
fresh s8
run M subsidy batch create --programme GL01 --period 202304
expect_out "批次 2"
ret "$SCRATCH/a.csv" 1 "1,FAILED,ACCT_FROZEN,30000,2023-03-15T09:00:00"
M subsidy bankfile import "$SCRATCH/a.csv" >/dev/null
ret "$SCRATCH/b.csv" 2 "1,SUCCESS,,30000,2023-03-16T10:00:00" "2,SUCCESS,,35000,2023-03-16T10:00:00" \
	"99999,SUCCESS,,30000,2023-03-16T10:00:00"
run M subsidy bankfile import "$SCRATCH/b.csv"
expect_status 0
expect_out "发放编号 1 属于批次 1，不在批次 2 中"
expect_out "发放编号 2 属于批次 1，不在批次 2 中"
expect_out "批次 2 中没有发放编号 99999"
expect_out "未知发放编号 3 行"
run q "SELECT status FROM payment WHERE id = 1"
expect_out "failed"
run M subsidy payment correct --payment 1 --account "$(account 8)"
expect_status 1
expect_err "发放记录 1 银行曾回盘成功（导入记录 2 第 2 行"
# payment 2 is still at the bank (pending): it cannot be intercepted
run M subsidy payment cancel --payment 2 --reason 核查
expect_status 1
expect_err "发放记录 2 银行曾回盘成功（导入记录 2 第 3 行"
run q "SELECT status FROM payment WHERE id = 2"
expect_out "pending"
run M subsidy anomalies
expect_out "发放 1 张"
expect_out "在批次 2 的回盘文件中（发放属于批次 1）"
# a correction made before the misfiled success arrived (by hand here) is
# not reissued
q "INSERT INTO payment_correction(payment_id, account_id, corrected_at)
	SELECT 1, account_id, '2023-03-15T12:00:00Z' FROM payment WHERE id = 1"
run M subsidy batch create --programme GL01 --period 202303
expect_out "另有 1 笔已更正的失败发放未重发：银行曾报成功"
run q "SELECT COUNT(*) FROM payment WHERE entitlement_id = (SELECT entitlement_id FROM payment WHERE id = 1)"
expect_out "1"
# a reversal in the wrong file does not take the success back
ret "$SCRATCH/c.csv" 2 "1,REVERSED,DUPLICATE,30000,2023-03-17T10:00:00"
run M subsidy bankfile import "$SCRATCH/c.csv"
expect_out "发放编号 1 属于批次 1，不在批次 2 中"
run M subsidy anomalies
expect_out "在批次 2 的回盘文件中（发放属于批次 1）"
run M subsidy batch create --programme GL01 --period 202303
expect_out "另有 1 笔已更正的失败发放未重发：银行曾报成功"
# in batch 1's own file it does: the finding closes, the reissue goes out
ret "$SCRATCH/d.csv" 1 "1,REVERSED,DUPLICATE,30000,2023-03-17T10:00:00"
run M subsidy bankfile import "$SCRATCH/d.csv"
expect_status 0
run M subsidy anomalies
expect_no_out "发放 1 张"
run M subsidy batch create --programme GL01 --period 202303
expect_out "重发 1 笔"
checked

# 9. The notes describe changes: an import that fails before its commit
# (here a trigger refuses the import row, exit 3) prints none of them.
fresh s9
ret "$SCRATCH/a.csv" 1 "1,SUCCESS,,30000,2023-03-15T10:00:00" "99999,SUCCESS,,30000,2023-03-15T10:00:00"
q "CREATE TRIGGER refuse_import BEFORE INSERT ON bank_import BEGIN SELECT RAISE(ABORT, 'refused'); END;"
run M subsidy bankfile import "$SCRATCH/a.csv"
expect_status 3
expect_no_out "没有发放编号 99999"
expect_no_out "发放成功"
run q "SELECT COUNT(*) FROM bank_return_line"
expect_out "0"
q "DROP TRIGGER refuse_import"
run M subsidy bankfile import "$SCRATCH/a.csv"
expect_status 0
expect_out "未知发放编号：第 3 行 发放编号 99999：批次 1 中没有发放编号 99999"
expect_out "发放成功 1 笔"
checked

finish
