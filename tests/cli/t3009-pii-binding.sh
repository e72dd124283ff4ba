#!/usr/bin/env bash
# Encrypted personal data is bound to its row (docs/personal-data.md,
# "Binding to the row"): someone who can write the database file but has no
# key copies one person's encrypted account onto another, re-points an
# account row or a payment to another person; every command that decrypts
# (beneficiary list, lookup, bankfile export, anomalies) stops with exit 3 naming the
# row and prints or exports nothing of it; subsidy check reports a payment
# whose account is another person's (payment_account_owner). A database
# from before the binding (no 'pii_ad' marker) keeps working the old way.
. "$(dirname "$0")/lib.sh"

data="$TESTDATA/subsidy/ops"
db=""
M() { "$MINSHENG" "$@" --db "$db"; }
q() { sqlite3 "$db" "$1"; }

# Person 1 张伟 410102194001101018 (account 1: 6217000000000010003),
# person 2 王芳 (account 2: 6217000000000010011); payment 1 is 张伟's.
acct1=6217000000000010003
acct2=6217000000000010011

# A fresh database with the roster and batch 1; $1 the name.
fresh() {
	db="$SCRATCH/$1.db"
	rm -f "$db" "$db.key"
	M subsidy programme import "$data/programmes.csv" >/dev/null || _fail "programme import"
	M subsidy roster import "$data/roster.csv" >/dev/null || _fail "roster import"
	M subsidy batch create --programme GL01 --period 202303 >/dev/null || _fail "batch create"
}

# Every decrypting command works on an untouched database.
untouched() {
	run M subsidy beneficiary list --unmask
	expect_status 0
	expect_out "$acct1"
	expect_out "$acct2"
	run M subsidy lookup --id 410102194001101018 --name 张伟
	expect_status 0
	expect_out "0003"
	run M subsidy bankfile export 1 --out "$SCRATCH/ok.csv"
	expect_status 0
	run grep -c "^D," "$SCRATCH/ok.csv"
	expect_out "20"
	run M subsidy check
	expect_status 0
	expect_out "核对通过"
}

# Payment 1 fails at the bank and is corrected to a new account: the new
# account row is written in the database's format and reads back.
corrected() {
	printf 'H,MSRET,1,1\nD,1,FAILED,ACCT_CLOSED,30000,2023-03-15T10:00:00\nT,1,30000\n' \
		>"$SCRATCH/fail1.csv"
	run M subsidy bankfile import "$SCRATCH/fail1.csv"
	expect_status 0
	run M subsidy payment correct --payment 1 --account 6228480000000000059
	expect_status 0
	run M subsidy beneficiary list --unmask
	expect_status 0
	expect_out "6228480000000000059"
	run M subsidy batch create --programme GL01 --period 202303
	expect_status 0
	run M subsidy bankfile export 2 --out "$SCRATCH/reissue.csv"
	expect_status 0
	run cat "$SCRATCH/reissue.csv"
	expect_out ",张伟,6228480000000000059,30000"
}

# --- a new database records the format ---
fresh new
run q "SELECT value FROM subsidy_meta WHERE name = 'pii_ad'"
expect_out "2"
untouched
cp "$db" "$SCRATCH/clean.db"
corrected
cp "$SCRATCH/clean.db" "$db"

# --- 1. 王芳's encrypted account (with its hash) copied onto 张伟's row ---
q "UPDATE bank_account SET acct_hash = (SELECT acct_hash FROM bank_account WHERE id = 2),
	acct_enc = (SELECT acct_enc FROM bank_account WHERE id = 2),
	last4 = (SELECT last4 FROM bank_account WHERE id = 2) WHERE id = 1"
run M subsidy beneficiary list --unmask
expect_status 3
expect_err "账户记录 1 与其所属人员不符（数据可能被篡改）"
expect_no_out "$acct2"
expect_no_out "张伟"
# masked, with the key: refused as well
run M subsidy beneficiary list
expect_status 3
expect_err "账户记录 1 与其所属人员不符"
run M subsidy lookup --id 410102194001101018 --name 张伟
expect_status 3
expect_err "账户记录 1 与其所属人员不符（数据可能被篡改）"
expect_no_out "0011"
rm -f "$SCRATCH/pay1.csv"
run M subsidy bankfile export 1 --out "$SCRATCH/pay1.csv"
expect_status 3
expect_err "发放记录 1 的账户记录 1 与其所属人员不符（数据可能被篡改）"
run ls "$SCRATCH"
expect_no_out "pay1.csv"
# 王芳 herself is untouched: her lookup still works
run M subsidy lookup --id 410102194102111020 --name 王芳
expect_status 0

# --- 2. 王芳's whole account row re-pointed to 张伟 (his own closed) ---
cp "$SCRATCH/clean.db" "$db"
q "UPDATE bank_account SET valid_to = '2026-01-01T00:00:00Z' WHERE id = 1;
	UPDATE bank_account SET beneficiary_id = 1 WHERE id = 2"
run M subsidy beneficiary list --unmask
expect_status 3
expect_err "账户记录 2 与其所属人员不符（数据可能被篡改）"
expect_no_out "$acct2"
# 王芳's payment now goes to an account of someone else: refused by the
# export's query, reported by check
run M subsidy bankfile export 1 --out "$SCRATCH/pay2.csv"
expect_status 3
expect_err "发放记录 2 的账户记录 2 不属于其应发记录的人员（数据可能被篡改）"
run ls "$SCRATCH"
expect_no_out "pay2.csv"
run M subsidy check
expect_status 1
expect_out "违规 [payment_account_owner]：发放记录 2 的账户记录 2 属于人员 1，不是其应发记录 2 的人员 2"

# --- 3. 张伟's payment re-pointed to 王芳's account ---
cp "$SCRATCH/clean.db" "$db"
q "UPDATE payment SET account_id = 2 WHERE id = 1"
run M subsidy bankfile export 1 --out "$SCRATCH/pay3.csv"
expect_status 3
expect_err "发放记录 1 的账户记录 2 不属于其应发记录的人员（数据可能被篡改）"
run ls "$SCRATCH"
expect_no_out "pay3.csv"
run M subsidy check
expect_status 1
expect_out "违规 [payment_account_owner]：发放记录 1 的账户记录 2 属于人员 2，不是其应发记录 1 的人员 1"
run M subsidy lookup --id 410102194001101018 --name 张伟
expect_status 3
expect_err "账户记录 2 与其所属人员不符"
expect_no_out "0011"

# --- 3b. subsidy anomalies: 王芳's encrypted ID number copied onto 张伟's
# row stops it (exit 3, naming the row), never stars in its place ---
cp "$SCRATCH/clean.db" "$db"
run M subsidy deaths import "$data/deaths.csv"
expect_status 0
run M subsidy anomalies
expect_status 0
expect_out "发放 1 张* 410102********1018"
q "UPDATE beneficiary SET id_enc = (SELECT id_enc FROM beneficiary WHERE id = 2) WHERE id = 1"
run M subsidy anomalies
expect_status 3
expect_err "人员记录 1 的身份证号与该记录不符（数据可能被篡改）"
expect_no_out "******************"
expect_no_out "发放 1 张*"
run M subsidy anomalies --format json
expect_status 3
expect_err "人员记录 1 的身份证号与该记录不符（数据可能被篡改）"

# --- 4. the marker deleted from a bound database: refused before anything
# decrypts (the key's fingerprint names the format; t3010 has the details) ---
cp "$SCRATCH/clean.db" "$db"
q "DELETE FROM subsidy_meta WHERE name = 'pii_ad'"
run M subsidy beneficiary list --unmask
expect_status 3
expect_err "个人数据格式标记（subsidy_meta 中的 pii_ad）已被删除或改动"
expect_no_out "410102194001101018"
run M subsidy bankfile export 1 --out "$SCRATCH/pay4.csv"
expect_status 3
run ls "$SCRATCH"
expect_no_out "pay4.csv"

# --- an older database (no marker): read and written the old way; the one
# t3010 uses, written by the version before the binding ---
db="$SCRATCH/old.db"
rm -f "$db" "$db.key"
sqlite3 "$db" <"$SRCDIR/tests/cli/t3010-old-format.sql" || _fail "old database"
cp "$SRCDIR/tests/cli/t3010-old-format.key" "$db.key"
chmod 600 "$db.key"
run q "SELECT COUNT(*) FROM subsidy_meta WHERE name = 'pii_ad'"
expect_out "0"
untouched
cp "$db" "$SCRATCH/old-clean.db"
# the query-level check holds for older databases too
q "UPDATE payment SET account_id = 2 WHERE id = 1"
run M subsidy bankfile export 1 --out "$SCRATCH/pay5.csv"
expect_status 3
expect_err "发放记录 1 的账户记录 2 不属于其应发记录的人员"
run M subsidy check
expect_status 1
expect_out "[payment_account_owner]"
# its limit (docs/personal-data.md): a copied ciphertext is not detected
cp "$SCRATCH/old-clean.db" "$db"
q "UPDATE bank_account SET acct_hash = (SELECT acct_hash FROM bank_account WHERE id = 2),
	acct_enc = (SELECT acct_enc FROM bank_account WHERE id = 2) WHERE id = 1"
run M subsidy beneficiary list --unmask
expect_status 0
# a corrected account is written in the old format and reads back
cp "$SCRATCH/old-clean.db" "$db"
corrected
run q "SELECT COUNT(*) FROM subsidy_meta WHERE name = 'pii_ad'"
expect_out "0"
finish
