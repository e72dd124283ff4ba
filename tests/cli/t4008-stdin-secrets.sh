#!/usr/bin/env bash
# Full account and ID numbers off the command line: `subsidy payment correct
# --account -` and `subsidy lookup --id -` read the value from the first
# line of standard input; what is refused and how.
. "$(dirname "$0")/lib.sh"

data="$TESTDATA/subsidy/ops"
db="$SCRATCH/s.db"
M() { "$MINSHENG" "$@" --db "$db"; }
q() { sqlite3 "$db" "$1"; }
# feed TEXT CMD...: run CMD with standard input the bytes of TEXT (printf %b).
feed() {
	local text=$1
	shift
	printf '%b' "$text" >"$SCRATCH/stdin"
	_last="$* < $text"
	"$@" <"$SCRATCH/stdin" >"$SCRATCH/.out" 2>"$SCRATCH/.err"
	_status=$?
}
ACCT=6228480000000001230

run M subsidy programme import "$data/programmes.csv"
expect_status 0
run M subsidy roster import "$data/roster.csv"
expect_status 0
run M subsidy batch create --programme GL01 --period 202303
expect_status 0
# Payments 1 to 4 fail (ACCT_FROZEN).
{
	echo "H,MSRET,1,1"
	for p in 1 2 3 4; do
		echo "D,$p,FAILED,ACCT_FROZEN,$(q "SELECT amount_fen FROM payment WHERE id = $p"),2023-03-15T10:00:0$p"
	done
	echo "T,4,$(q "SELECT SUM(amount_fen) FROM payment WHERE id <= 4")"
} >"$SCRATCH/ret.csv"
run M subsidy bankfile import "$SCRATCH/ret.csv"
expect_status 0
expect_out "发放失败 4 笔"
corrections() { q "SELECT COUNT(*) FROM payment_correction"; }

# --- payment correct --account -
# Refused before anything is read from the database: exit 2.
feed "" M subsidy payment correct --payment 1 --account -
expect_status 2
expect_err "选项 --account 的值为 '-'，但标准输入没有内容（应在第一行给出）"
expect_err "用法：minsheng subsidy payment correct --payment ID --account ACCOUNT|- [--not-sscard] [--key PATH] [--db PATH]"
feed "\n" M subsidy payment correct --payment 1 --account -
expect_status 2
expect_err "选项 --account 的值为 '-'，但标准输入的第一行为空"
feed "\r\n$ACCT\n" M subsidy payment correct --payment 1 --account -
expect_status 2
expect_err "标准输入的第一行为空"
feed "$(head -c 65 /dev/zero | tr '\0' 1)\n" M subsidy payment correct --payment 1 --account -
expect_status 2
expect_err "选项 --account 的值为 '-'，但标准输入的第一行超过 64 字节"
feed "$(head -c 100000 /dev/zero | tr '\0' 1)" M subsidy payment correct --payment 1 --account -
expect_status 2
expect_err "超过 64 字节"
feed "6228\\0000480000000001230\n" M subsidy payment correct --payment 1 --account -
expect_status 2
expect_err "选项 --account 的值为 '-'，但标准输入的第一行含 NUL 字节"
run M subsidy payment correct --payment 1 --account - </dev/null
expect_status 2
expect_err "标准输入没有内容"
# Standard input closed: cannot be read (exit 3).
run M subsidy payment correct --payment 1 --account - <&-
expect_status 3
expect_err "无法读取标准输入（选项 --account 的值）："
expect_no_err() { if grep -qF -- "$1" "$SCRATCH/.err"; then _fail "stderr has '$1'"; else _pass; fi; }
expect_no_err "Bad file descriptor"
run corrections
expect_out "0"
# 64 bytes are read, and then checked as an account (exit 1).
feed "$(head -c 64 /dev/zero | tr '\0' 1)\n" M subsidy payment correct --payment 1 --account -
expect_status 1
expect_err "银行账号无效"
# Two CRs: only one is taken off, the other is part of the value.
feed "$ACCT\r\r\n" M subsidy payment correct --payment 1 --account -
expect_status 1
expect_err "银行账号无效"
feed "6228480000000001231\n" M subsidy payment correct --payment 1 --account -
expect_status 1
expect_err "银行账号无效"
run corrections
expect_out "0"

# Accepted: LF, CR LF, no line end, only the first line.
feed "$ACCT\n" M subsidy payment correct --payment 1 --account -
expect_status 0
expect_out "发放记录 1 已更正账户（尾号 1230），将在该项目期间的下一批次重发"
feed "$ACCT\r\n" M subsidy payment correct --payment 2 --account -
expect_status 0
expect_out "发放记录 2 已更正账户（尾号 1230）"
feed "6217000000000010029" M subsidy payment correct --payment 3 --account -
expect_status 0
expect_out "发放记录 3 已更正账户（尾号 0029）"
feed "$ACCT\n6217000000000010029\n" M subsidy payment correct --payment 4 --account - --not-sscard
expect_status 0
expect_out "发放记录 4 已更正账户（尾号 1230）"
run q "SELECT b.name || '|' || a.last4 || '|' || a.is_sscard FROM payment_correction c
	JOIN bank_account a ON a.id = c.account_id JOIN beneficiary b ON b.id = a.beneficiary_id
	ORDER BY c.payment_id"
expect_out "|1230|1"
expect_out "|0029|1"
expect_out "|1230|0"
run corrections
expect_out "4"
# The stored account is the one read (the batch reissues to it).
run M subsidy batch create --programme GL01 --period 202303
expect_status 0
expect_out "重发 4 笔"
run M subsidy bankfile export 2 --out "$SCRATCH/pay2.csv"
expect_status 0
run grep -c ",$ACCT," "$SCRATCH/pay2.csv"
expect_out "3"
run grep -c ",6217000000000010029," "$SCRATCH/pay2.csv"
expect_out "1"
# A literal account still works on the command line.
run M subsidy check
expect_status 0

# --- lookup --id -
feed "410102194102111020\n" M subsidy lookup --id - --name 王芳
expect_status 0
expect_out "202303	GL01	高龄津贴	350.00"
feed "410102194102111020\r\n" M subsidy lookup --id - --name 王芳
expect_status 0
expect_out "202303	GL01	高龄津贴	350.00"
feed "410102194102111020" M subsidy lookup --id - --name 王芳
expect_status 0
expect_out "高龄津贴"
feed "" M subsidy lookup --id - --name 王芳
expect_status 2
expect_err "选项 --id 的值为 '-'，但标准输入没有内容"
expect_err "用法：minsheng subsidy lookup --id ID|- --name NAME [--key PATH] [--db PATH]"
feed "\n410102194102111020\n" M subsidy lookup --id - --name 王芳
expect_status 2
expect_err "选项 --id 的值为 '-'，但标准输入的第一行为空"
feed "$(head -c 65 /dev/zero | tr '\0' 1)\n" M subsidy lookup --id - --name 王芳
expect_status 2
expect_err "选项 --id 的值为 '-'，但标准输入的第一行超过 64 字节"
feed "4101\\0000194102111020\n" M subsidy lookup --id - --name 王芳
expect_status 2
expect_err "含 NUL 字节"
# A malformed or unknown number read from stdin: the lookup's one answer.
feed "410102194102111021\n" M subsidy lookup --id - --name 王芳
expect_status 1
expect_err "未查询到该身份证号和姓名的补贴发放记录"
expect_no_out "期间"
# A database that does not exist is still refused (after the value is read).
feed "410102194102111020\n" "$MINSHENG" subsidy lookup --id - --name 王芳 --db "$SCRATCH/none.db"
expect_status 3
expect_no_db_files "$SCRATCH/none.db"

finish
