#!/usr/bin/env bash
# The full 一卡通 cycle: roster -> batch -> payment file -> return file with
# failures -> correct -> reissue -> reconcile, through fake-bank rounds that
# drop, duplicate, reorder, reverse and contradict lines. After every round
# `subsidy check` passes, amounts are conserved and nobody is paid twice.
. "$(dirname "$0")/lib.sh"

db="$SCRATCH/c.db"
data="$TESTDATA/subsidy/ops"
fb="$BUILDDIR/tests/tools/fakebank"
M() { "$MINSHENG" "$@" --db "$db"; }
q() { sqlite3 "$db" "$1"; }

# A valid 19-digit account (Luhn) from a number.
account() {
	local s n sum=0 i d
	s=$(printf '622848%012d' "$1")
	for ((i = 0; i < 18; i++)); do
		d=${s:17-i:1}
		if ((i % 2 == 0)); then d=$((d * 2)); ((d > 9)) && d=$((d - 9)); fi
		sum=$((sum + d))
	done
	echo "$s$(((10 - sum % 10) % 10))"
}

# Invariants that must hold after every step.
invariants() {
	run M subsidy check
	expect_status 0
	expect_out "核对通过"
	# nobody paid twice: at most one paid payment per entitlement
	run q "SELECT COUNT(*) FROM (SELECT entitlement_id FROM payment WHERE status = 'paid'
		GROUP BY entitlement_id HAVING COUNT(*) > 1)"
	expect_out "0"
	# at most one live payment per entitlement
	run q "SELECT COUNT(*) FROM (SELECT entitlement_id FROM payment
		WHERE status IN ('pending', 'paid') GROUP BY entitlement_id HAVING COUNT(*) > 1)"
	expect_out "0"
	# conserved: entitled 202303 = paid + pending + failed + unpaid, from the rows
	run q "SELECT (SELECT SUM(amount_fen) FROM entitlement WHERE period = '202303') =
		COALESCE((SELECT SUM(e.amount_fen) FROM entitlement e WHERE e.period = '202303'
		AND (NOT EXISTS (SELECT 1 FROM payment y WHERE y.entitlement_id = e.id)
		OR EXISTS (SELECT 1 FROM payment y WHERE y.entitlement_id = e.id
		AND y.attempt = (SELECT MAX(attempt) FROM payment z WHERE z.entitlement_id = e.id)
		AND y.status IN ('pending', 'paid', 'failed')))), -1)"
	expect_out "1"
}

run M subsidy programme import "$data/programmes.csv"
expect_status 0
run M subsidy roster import "$data/roster.csv"
expect_status 0
expect_out "接受 40 行"

# Batch of March: 20 payments.
run M subsidy batch create --programme GL01 --period 202303
expect_status 0
expect_out "批次 1：20 笔"
invariants

# The payment file: 0600, header and trailer agree, full names and accounts.
umask 022
run M subsidy bankfile export 1 --out "$SCRATCH/pay1.csv"
expect_status 0
expect_out "20 笔"
run stat -c %a "$SCRATCH/pay1.csv"
expect_out "600"
run head -1 "$SCRATCH/pay1.csv"
expect_out "H,MSPAY,1,1,20,"
run grep -c "^D," "$SCRATCH/pay1.csv"
expect_out "20"
run grep -F "张伟,6217000000000010003,30000" "$SCRATCH/pay1.csv"
expect_status 0
# No temporary file is left behind.
run ls "$SCRATCH"
expect_no_out "pay1.csv.tmp"

# Round 1: failures (payments 2 and 3 always fail), drops, duplicates,
# reordering, a wrong amount and an unknown id.
run "$fb" "$SCRATCH/pay1.csv" "$SCRATCH/ret1.csv" --seed 7 --fail 0.1 --fail-ids 2,3 \
	--drop 0.15 --duplicate 0.3 --reorder --unknown 1
expect_status 0
run M subsidy bankfile import "$SCRATCH/ret1.csv"
expect_status 0
expect_out "未知发放编号 1 行"
expect_out "未知发放编号：第"
invariants
run q "SELECT status FROM payment WHERE id IN (2, 3)"
expect_out "failed"
expect_no_out "paid"
paid1=$(q "SELECT COUNT(*) FROM payment WHERE status = 'paid'")
dup1=$(q "SELECT COUNT(*) FROM bank_return_line WHERE outcome = 'duplicate'")
[ "$dup1" -gt 0 ] && _pass || _fail "round 1 had no duplicates ($dup1)"

run M subsidy batch list --format json
expect_status 0
expect_out '"id":1,"programme":"GL01","period":"202303","county":null'

# The same file again changes nothing.
before=$(q "SELECT COUNT(*) || '/' || (SELECT COUNT(*) FROM ledger_txn) FROM bank_return_line")
run M subsidy bankfile import "$SCRATCH/ret1.csv"
expect_status 0
expect_out "本次未作任何更改"
after=$(q "SELECT COUNT(*) || '/' || (SELECT COUNT(*) FROM ledger_txn) FROM bank_return_line")
[ "$before" = "$after" ] && _pass || _fail "re-import changed rows: $before -> $after"
invariants

# The same answers in a different file (reordered differently) change no payment.
run "$fb" "$SCRATCH/pay1.csv" "$SCRATCH/ret1b.csv" --seed 7 --fail 0.1 --fail-ids 2,3 \
	--drop 0.15 --duplicate 0.3 --unknown 1
expect_status 0
run M subsidy bankfile import "$SCRATCH/ret1b.csv"
expect_status 0
expect_out "发放成功 0 笔"
expect_out "发放失败 0 笔"
invariants

# A wrong amount is reported and not applied.
printf 'H,MSRET,1,1\nD,1,SUCCESS,,1,2023-03-15T11:00:00\nT,1,1\n' >"$SCRATCH/wrong.csv"
run M subsidy bankfile import "$SCRATCH/wrong.csv"
expect_status 0
expect_out "金额不符 1 行"
invariants

# Round 2: the payments still pending (dropped in round 1) are exported
# again; the bank pays them, reverses some and contradicts others.
pending=$(q "SELECT COUNT(*) FROM payment WHERE status = 'pending'")
run M subsidy bankfile export 1 --out "$SCRATCH/pay1b.csv"
if [ "$pending" -gt 0 ]; then
	expect_status 0
	expect_out "$pending 笔"
	run "$fb" "$SCRATCH/pay1b.csv" "$SCRATCH/ret2.csv" --seed 3 --reverse 0.5 --contradict 0.5
	expect_status 0
	run M subsidy bankfile import "$SCRATCH/ret2.csv"
	expect_status 0
	invariants
else
	expect_status 1
fi

# A reversal of a paid payment: it becomes failed (冲正), once.
paid_id=$(q "SELECT MIN(id) FROM payment WHERE status = 'paid'")
amt=$(q "SELECT amount_fen FROM payment WHERE id = $paid_id")
printf 'H,MSRET,1,1\nD,%s,REVERSED,ACCT_CLOSED,%s,2023-03-20T09:00:00\nT,1,%s\n' \
	"$paid_id" "$amt" "$amt" >"$SCRATCH/rev.csv"
run M subsidy bankfile import "$SCRATCH/rev.csv"
expect_status 0
expect_out "冲正 1 笔"
run q "SELECT status || ' ' || reason FROM payment WHERE id = $paid_id"
expect_out "failed REVERSED:ACCT_CLOSED"
invariants
# A FAILED after SUCCESS (not a reversal) is a contradiction, not applied.
other=$(q "SELECT MIN(id) FROM payment WHERE status = 'paid'")
amt=$(q "SELECT amount_fen FROM payment WHERE id = $other")
printf 'H,MSRET,1,1\nD,%s,FAILED,ACCT_CLOSED,%s,2023-03-21T09:00:00\nT,1,%s\n' \
	"$other" "$amt" "$amt" >"$SCRATCH/contra.csv"
run M subsidy bankfile import "$SCRATCH/contra.csv"
expect_status 0
expect_out "矛盾 1 行"
run q "SELECT status FROM payment WHERE id = $other"
expect_out "paid"
invariants

# A failed payment cannot be reissued before it is corrected.
run M subsidy batch create --programme GL01 --period 202303
expect_status 0
expect_out "未生成批次"

# Correct every failed payment and reissue until everyone is paid.
n=1
for round in 1 2 3 4 5 6; do
	failed=$(q "SELECT y.id FROM payment y WHERE y.status = 'failed' AND y.attempt =
		(SELECT MAX(attempt) FROM payment z WHERE z.entitlement_id = y.entitlement_id)")
	[ -z "$failed" ] && break
	for id in $failed; do
		n=$((n + 1))
		# The first correction goes to an ordinary bank account, the others to social-security cards.
		other=""
		[ "$n" -eq 2 ] && other=--not-sscard
		run M subsidy payment correct --payment "$id" --account "$(account $((round * 100 + n)))" $other
		expect_status 0
		# correcting twice is refused
		run M subsidy payment correct --payment "$id" --account "$(account 7)"
		expect_status 1
		expect_err "已更正过"
	done
	run M subsidy batch create --programme GL01 --period 202303
	expect_status 0
	expect_out "重发"
	batch=$(q "SELECT MAX(id) FROM batch")
	run M subsidy bankfile export "$batch" --out "$SCRATCH/pay-r$round.csv"
	expect_status 0
	# the reissue goes to the corrected account, attempt + 1
	run q "SELECT COUNT(*) FROM payment y JOIN payment_correction c ON c.account_id = y.account_id
		WHERE y.batch_id = $batch AND y.attempt > 1"
	expect_out "$(q "SELECT COUNT(*) FROM payment WHERE batch_id = $batch")"
	# in the first round the first reissue fails again (a third attempt follows)
	first=$(q "SELECT MIN(id) FROM payment WHERE batch_id = $batch")
	extra=""
	[ "$round" = 1 ] && extra="--fail-ids $first"
	run "$fb" "$SCRATCH/pay-r$round.csv" "$SCRATCH/ret-r$round.csv" --seed "$round" \
		--fail 0.2 --duplicate 0.5 --reorder $extra
	expect_status 0
	run M subsidy bankfile import "$SCRATCH/ret-r$round.csv"
	expect_status 0
	invariants
done

# Some entitlement needed a third attempt.
run q "SELECT MAX(attempt) FROM payment"
expect_out "3"
# Pending payments of round 2 were all answered; now everyone of March is paid once.
run q "SELECT COUNT(DISTINCT entitlement_id) FROM payment WHERE status = 'paid'"
expect_out "20"
run q "SELECT (SELECT SUM(amount_fen) FROM payment WHERE status = 'paid') =
	(SELECT SUM(amount_fen) FROM entitlement WHERE period = '202303')"
expect_out "1"
# The ledger agrees: paid = entitled for March.
run M subsidy check
expect_status 0

# Usage and input errors.
run M subsidy bankfile export 999 --out "$SCRATCH/x.csv"
expect_status 1
expect_err "批次 999 不存在"
run M subsidy bankfile export 1
expect_status 2
run M subsidy bankfile export 1x --out "$SCRATCH/x.csv"
expect_status 2
expect_err "批次号 '1x' 无效（应为正整数）"
printf 'H,MSRET,1,1\nD,1,SUCCESS,,30000,2023-02-29T10:00:00\nT,1,30000\n' >"$SCRATCH/bad.csv"
run M subsidy bankfile import "$SCRATCH/bad.csv"
expect_status 1
expect_err "bad.csv:2:6:"
printf 'H,MSRET,1,77\nT,0,0\n' >"$SCRATCH/nobatch.csv"
run M subsidy bankfile import "$SCRATCH/nobatch.csv"
expect_status 1
expect_err "批次 77 不存在"
run M subsidy payment correct --payment 1 --account 6217000000000010004
expect_status 1
run M subsidy payment correct --payment 99999 --account "$(account 5)"
expect_status 1
expect_err "不存在"
# Exactly one account in the history is not a social-security card: the --not-sscard correction.
nonss=$(q "SELECT COUNT(*) FROM bank_account WHERE is_sscard = 0")
if [ "$nonss" = 1 ]; then _pass; else _fail "accounts not on a social-security card: '$nonss', expected 1"; fi
run M subsidy batch create --programme NOPE --period 202303
expect_status 1
expect_err "未知的补贴项目 'NOPE'"
run M subsidy batch create --programme GL01 --period 2023-03
expect_status 2
run M subsidy batch create --programme GL01
expect_status 2
# an operand too many is named
run M subsidy bankfile import "$SCRATCH/bad.csv" "$SCRATCH/other.csv"
expect_status 2
expect_err "多余的参数 '$SCRATCH/other.csv'"
run M subsidy payment correct --payment 1 --account 6217000000000010003 extra
expect_status 2
expect_err "多余的参数 'extra'"
# one Chinese message for a bad option, none of getopt's own
run M subsidy bankfile import "$SCRATCH/bad.csv" --bogus
expect_status 2
expect_err "未知选项 '--bogus'"
expect_no_err() { if grep -qF -- "$1" "$SCRATCH/.err"; then _fail "stderr has '$1'"; else _pass; fi; }
expect_no_err "unrecognized"
run "$MINSHENG" subsidy payment correct --payment
expect_status 2
expect_err "需要参数"
invariants

finish
