#!/usr/bin/env bash
# A roster imported after `subsidy payment correct` that still lists the
# account the bank refused must not undo the correction: the corrected
# account stays current, the reissue goes to it, the new entitlements get
# it, and the import summary counts those rows. A roster naming a genuinely
# new account still makes it current (docs/roster.md, Bank accounts).
. "$(dirname "$0")/lib.sh"

db="$SCRATCH/c.db"
data="$TESTDATA/subsidy/ops"
M() { "$MINSHENG" "$@" --db "$db"; }
q() { sqlite3 "$db" "$1"; }
hdr='programme,period,id_number,name,village,bank_account,amount_fen'
old=6217000000000010003 # 张伟's account in roster.csv, refused by the bank
fixed=6217000000000010102
new=6217000000000010110

run M subsidy programme import "$data/programmes.csv"
expect_status 0
run M subsidy roster import "$data/roster.csv"
expect_status 0
run M subsidy batch create --programme GL01 --period 202303
expect_status 0
printf 'H,MSRET,1,1\nD,1,FAILED,ACCT_CLOSED,30000,2023-03-15T10:00:00\nT,1,30000\n' >"$SCRATCH/r1.csv"
run M subsidy bankfile import "$SCRATCH/r1.csv"
expect_status 0
run M subsidy payment correct --payment 1 --account $fixed
expect_status 0

# the department's next roster still has the old account, for two periods
# (two rows of the same person: the second goes through the per-person
# shortcut of the import)
printf '%s\nGL01,202305,410102194001101018,张伟,410102001001,%s,30000\nGL01,202306,410102194001101018,张伟,410102001001,%s,30000\n' \
	"$hdr" $old $old >"$SCRATCH/may.csv"
run M subsidy roster import "$SCRATCH/may.csv"
expect_status 0
expect_out "接受 2 行，拒绝 0 行"
expect_out "新增人员 0，新增账户 0"
expect_out "其中 2 行的银行账号已被更正，沿用更正后的账户"
# the corrected account is still the current one; the old one stays closed
run q "SELECT last4 || ':' || source FROM bank_account WHERE beneficiary_id = 1 AND valid_to IS NULL"
expect_out "0102:correction 1"
run q "SELECT COUNT(*) FROM bank_account WHERE beneficiary_id = 1"
expect_out "2"
# the new entitlements are on the corrected account
run q "SELECT group_concat(a.last4) FROM entitlement e JOIN bank_account a ON a.id = e.account_id
	WHERE e.beneficiary_id = 1 AND e.period IN ('202305', '202306')"
expect_out "0102,0102"
# the reissue of payment 1 goes to the corrected account, not the refused one
run M subsidy batch create --programme GL01 --period 202303
expect_status 0
expect_out "重发 1 笔 30000 分"
run q "SELECT y.attempt || ':' || a.last4 FROM payment y JOIN bank_account a ON a.id = y.account_id
	WHERE y.entitlement_id = 1 ORDER BY y.attempt"
expect_out "1:0003
2:0102"
run M subsidy check
expect_status 0

# a roster naming the current account: nothing to say
printf '%s\nGL01,202307,410102194001101018,张伟,410102001001,%s,30000\n' "$hdr" $fixed >"$SCRATCH/jul.csv"
run M subsidy roster import "$SCRATCH/jul.csv"
expect_status 0
expect_out "新增人员 0，新增账户 0"
expect_no_out "已被更正"

# a genuinely new account (never corrected away) becomes current as before
printf '%s\nGL01,202308,410102194001101018,张伟,410102001001,%s,30000\n' "$hdr" $new >"$SCRATCH/aug.csv"
run M subsidy roster import "$SCRATCH/aug.csv"
expect_status 0
expect_out "新增人员 0，新增账户 1"
expect_no_out "已被更正"
run q "SELECT last4 || ':' || source FROM bank_account WHERE beneficiary_id = 1 AND valid_to IS NULL"
expect_out "0110:roster"

# the refused account listed once more, now that a roster account is
# current: still not reopened (the new current account is kept)
printf '%s\nGL01,202309,410102194001101018,张伟,410102001001,%s,30000\n' "$hdr" $old >"$SCRATCH/sep.csv"
run M subsidy roster import "$SCRATCH/sep.csv"
expect_status 0
expect_out "新增账户 0"
expect_out "其中 1 行的银行账号已被更正，沿用更正后的账户"
run q "SELECT a.last4 FROM entitlement e JOIN bank_account a ON a.id = e.account_id
	WHERE e.beneficiary_id = 1 AND e.period = '202309'"
expect_out "0110"

# the account the correction made current, closed by a roster, is not one
# a correction replaced: a roster naming it again reopens it as usual
printf '%s\nGL01,202310,410102194001101018,张伟,410102001001,%s,30000\n' "$hdr" $fixed >"$SCRATCH/oct.csv"
run M subsidy roster import "$SCRATCH/oct.csv"
expect_status 0
expect_out "新增账户 1"
expect_no_out "已被更正"
run q "SELECT last4 || ':' || source FROM bank_account WHERE beneficiary_id = 1 AND valid_to IS NULL"
expect_out "0102:roster"

# another person's rows in the same file are untouched by this
printf '%s\nGL01,202305,410102194102111020,王芳,410102001002,%s,35000\n' "$hdr" $old >"$SCRATCH/other.csv"
run M subsidy roster import "$SCRATCH/other.csv"
expect_status 0
expect_out "新增账户 1"
expect_no_out "已被更正"
run M subsidy check
expect_status 0

finish
