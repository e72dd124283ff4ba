#!/usr/bin/env bash
# The security review of the row binding (docs/personal-data.md, "Binding to
# the row"), its three reproductions as tests. The attacker can write the
# database file (here: the sqlite3 shell) but has no key.
#
# 1. Two people sharing one account had two ciphertexts under one nonce
#    with different associated data (Poly1305 key solvable, any account
#    forgeable). Now the nonce covers the owner: their encrypted bytes
#    differ, also between an older database and a new one sharing a key
#    file. (The forgery itself needs big-number arithmetic; test_pii.c
#    checks that what it would produce - a valid ciphertext of another
#    number under the row's hash - is refused.)
# 2. Deleting the pii_ad marker switched writers back to unbound
#    ciphertexts. Now the fingerprint names the format: a deleted, changed
#    or added marker, or deleted fingerprints, stop every command with
#    exit 3 and nothing is written. An older database (its fixture below,
#    made by the version before the binding) keeps working.
# 3. A whole identity swapped with its accounts is a consistent row (the
#    documented limit); a part of it swapped is not; a death or official
#    ciphertext is bound to its table.
# 4. (Second review, B1.) One key file serving an older and a new database:
#    a writer without the key copied the older database's fingerprint and
#    unbound ciphertexts into the new one and deleted the marker, or deleted
#    key_check2 and the marker and planted an old-format first row for the
#    upgrade probe; the new database was then read (and written) unbound and
#    paid 王芳's account for 张伟. Now the key file says the format: an older
#    key file (minsheng-key 1) is not bound to a new database, a new one
#    (minsheng-key 2) opens only bound databases.
# 5. (Second review, B2.) Death and official ciphertexts are never decrypted:
#    a death row with random bytes holds a payment (documented limit).
. "$(dirname "$0")/lib.sh"

data="$TESTDATA/subsidy/ops"
db=""
M() { "$MINSHENG" "$@" --db "$db"; }
q() { sqlite3 "$db" "$1"; }

# A new database with the programmes; $1 its name.
fresh() {
	db="$SCRATCH/$1.db"
	rm -f "$db" "$db.key"
	M subsidy programme import "$data/programmes.csv" >/dev/null || _fail "programme import"
}

# The older database: ops roster and batch 1 of 202303, written by the
# version before the binding (no marker, old fingerprints, old format),
# with its key; $1 its name.
old_db() {
	db="$SCRATCH/$1.db"
	rm -f "$db" "$db.key"
	sqlite3 "$db" <"$SRCDIR/tests/cli/t3010-old-format.sql" || _fail "old database"
	cp "$SRCDIR/tests/cli/t3010-old-format.key" "$db.key"
	chmod 600 "$db.key"
}

# the encrypted bytes (after the 16-byte tag) of account row $1, in hex
body() { q "SELECT hex(substr(acct_enc, 17)) FROM bank_account WHERE id = $1"; }

# --- 1. a shared account: one nonce per owner ---
fresh shared
cat >"$SCRATCH/r.csv" <<'R'
programme,period,id_number,name,village,bank_account,amount_fen
GL01,202305,410102194505051237,甲一,410102001001,6217000000000099006,30000
GL01,202305,410102194606062349,乙二,410102001001,6217000000000099006,30000
GL01,202305,410102194707073450,丙三,410102001001,6217000000000099014,50000
R
run M subsidy roster import "$SCRATCH/r.csv"
expect_status 0
run q "SELECT value FROM subsidy_meta WHERE name = 'pii_ad'"
expect_out "2"
run q "SELECT a.id, b.name FROM bank_account a JOIN beneficiary b ON b.id = a.beneficiary_id
	WHERE a.acct_hash = (SELECT acct_hash FROM bank_account WHERE id = 1) ORDER BY a.id"
expect_out "1|甲一"
expect_out "2|乙二"
# the same account, same hash, two people: different tags and bytes
[ "$(q "SELECT a.acct_hash = b.acct_hash FROM bank_account a, bank_account b
	WHERE a.id = 1 AND b.id = 2")" = 1 ] && _pass || _fail "rows 1 and 2 are not one account"
[ "$(body 1)" != "$(body 2)" ] && _pass || _fail "one account of two people encrypted alike"
run q "SELECT substr(a.acct_enc, 1, 16) = substr(b.acct_enc, 1, 16) FROM bank_account a,
	bank_account b WHERE a.id = 1 AND b.id = 2"
expect_out "0"
# the ops roster: 6 people on one account, 6 different encryptions
fresh shared6
run M subsidy roster import "$data/roster.csv"
expect_status 0
run q "SELECT COUNT(*), COUNT(DISTINCT hex(substr(acct_enc, 17))) FROM bank_account
	WHERE acct_hash = (SELECT acct_hash FROM bank_account GROUP BY acct_hash
	ORDER BY COUNT(*) DESC LIMIT 1)"
expect_out "6|6"
# the reviewer's flow, untouched: each paid to their own account, check passes
db="$SCRATCH/shared.db"
run M subsidy batch create --programme GL01 --period 202305
expect_status 0
run M subsidy bankfile export 1 --out "$SCRATCH/pay1.csv"
expect_status 0
run cat "$SCRATCH/pay1.csv"
expect_out ",丙三,6217000000000099014,50000"
expect_out ",甲一,6217000000000099006,30000"
expect_out ",乙二,6217000000000099006,30000"
run M subsidy check
expect_status 0
expect_out "核对通过"
# 丙三's row given 甲一's ciphertext (the forger's starting point): refused
q "UPDATE bank_account SET acct_hash = (SELECT acct_hash FROM bank_account WHERE id = 1),
	acct_enc = (SELECT acct_enc FROM bank_account WHERE id = 1) WHERE id = 3"
rm -f "$SCRATCH/pay1b.csv"
run M subsidy bankfile export 1 --out "$SCRATCH/pay1b.csv"
expect_status 3
expect_err "账户记录 3 与其所属人员不符（数据可能被篡改）"
[ ! -e "$SCRATCH/pay1b.csv" ] && _pass || _fail "export written"

# one key file serving an older and a new database: see 4 below

# --- 2. the marker deleted, changed or added; fingerprints deleted ---
fresh marker
run M subsidy roster import "$data/roster.csv"
expect_status 0
cp "$db" "$SCRATCH/marker-clean.db"
q "DELETE FROM subsidy_meta WHERE name = 'pii_ad'"
cat >"$SCRATCH/r3.csv" <<'R'
programme,period,id_number,name,village,bank_account,amount_fen
GL01,202305,410102194505051237,甲一,410102001001,6217000000000099006,30000
GL01,202305,410102194606062349,乙二,410102001001,6217000000000099014,30000
R
people=$(q "SELECT COUNT(*) FROM beneficiary")
accounts=$(q "SELECT COUNT(*) FROM bank_account")
msg="个人数据格式标记（subsidy_meta 中的 pii_ad）已被删除或改动"
# the operator's import is refused, nothing written (was: accepted unbound)
run M subsidy roster import "$SCRATCH/r3.csv"
expect_status 3
expect_err "$msg"
run q "SELECT COUNT(*) FROM beneficiary"
expect_out "$people"
run q "SELECT COUNT(*) FROM bank_account"
expect_out "$accounts"
run q "SELECT COUNT(*) FROM subsidy_meta WHERE name = 'pii_ad'"
expect_out "0"
printf 'id_number,date_of_death\n410102194001101018,2023-02-10\n' >"$SCRATCH/deaths.csv"
run M subsidy deaths import "$SCRATCH/deaths.csv"
expect_status 3
expect_err "$msg"
run q "SELECT COUNT(*) FROM death"
expect_out "0"
run M subsidy officials import "$data/officials.csv"
expect_status 3
expect_err "$msg"
run M subsidy beneficiary list --unmask
expect_status 3
expect_err "$msg"
expect_no_out "410102194001101018"
run M subsidy lookup --id 410102194001101018 --name 张伟
expect_status 3
expect_err "$msg"
# a corrected account (payment correct) is not written either
cp "$SCRATCH/marker-clean.db" "$db"
M subsidy batch create --programme GL01 --period 202303 >/dev/null || _fail "batch create"
printf 'H,MSRET,1,1\nD,1,FAILED,ACCT_CLOSED,30000,2023-03-15T10:00:00\nT,1,30000\n' \
	>"$SCRATCH/fail1.csv"
run M subsidy bankfile import "$SCRATCH/fail1.csv"
expect_status 0
cp "$db" "$SCRATCH/marker-failed.db"
q "DELETE FROM subsidy_meta WHERE name = 'pii_ad'"
accounts=$(q "SELECT COUNT(*) FROM bank_account")
run M subsidy payment correct --payment 1 --account 6228480000000000059
expect_status 3
expect_err "$msg"
run q "SELECT COUNT(*) FROM bank_account"
expect_out "$accounts"
rm -f "$SCRATCH/pay2.csv"
run M subsidy bankfile export 1 --out "$SCRATCH/pay2.csv"
expect_status 3
[ ! -e "$SCRATCH/pay2.csv" ] && _pass || _fail "export written"
# changed to 0, to text, to the development format 1
for v in 0 "'2'" "'x'"; do
	cp "$SCRATCH/marker-failed.db" "$db"
	q "UPDATE subsidy_meta SET value = $v WHERE name = 'pii_ad'"
	run M subsidy payment correct --payment 1 --account 6228480000000000059
	expect_status 3
	expect_err "$msg"
done
cp "$SCRATCH/marker-failed.db" "$db"
q "UPDATE subsidy_meta SET value = 1 WHERE name = 'pii_ad'"
run M subsidy beneficiary list --unmask
expect_status 3
expect_err "开发版本的格式（pii_ad = 1）"
# restored: works again, the corrected account written bound and read back
q "UPDATE subsidy_meta SET value = 2 WHERE name = 'pii_ad'"
run M subsidy payment correct --payment 1 --account 6228480000000000059
expect_status 0
run M subsidy beneficiary list --unmask
expect_status 0
expect_out "6228480000000000059"
# key_check2 and the marker deleted: the old fingerprint alone, which a
# format-2 key's database never has
cp "$SCRATCH/marker-clean.db" "$db"
q "DELETE FROM subsidy_meta WHERE name IN ('key_check2', 'pii_ad')"
run M subsidy roster import "$SCRATCH/r3.csv"
expect_status 3
expect_err "是第 2 版密钥（minsheng-key 2），只用于绑定格式的数据库"
run q "SELECT COUNT(*) FROM subsidy_meta WHERE name = 'key_check2'"
expect_out "0"
# every fingerprint and the marker deleted: not any key for reading, nor
# new fingerprints for a writer
cp "$SCRATCH/marker-clean.db" "$db"
q "DELETE FROM subsidy_meta WHERE name IN ('key_check', 'key_check2', 'pii_ad')"
run M subsidy beneficiary list --unmask
expect_status 3
expect_err "中有加密的个人数据，却没有密钥指纹"
run M subsidy roster import "$SCRATCH/r3.csv" --key "$SCRATCH/attacker.key"
expect_status 3
expect_err "没有密钥指纹"
[ ! -e "$SCRATCH/attacker.key" ] && _pass || _fail "a key was created"
run q "SELECT COUNT(*) FROM subsidy_meta"
expect_out "0"

# an older database: read and written the old way, a marker added refused
old_db old
run q "SELECT COUNT(*) FROM subsidy_meta WHERE name = 'pii_ad'"
expect_out "0"
run M subsidy beneficiary list --unmask
expect_status 0
expect_out "6217000000000010003"
run M subsidy lookup --id 410102194001101018 --name 张伟
expect_status 0
expect_out "0003"
run M subsidy bankfile export 1 --out "$SCRATCH/old.csv"
expect_status 0
run grep -c "^D," "$SCRATCH/old.csv"
expect_out "20"
run M subsidy roster import "$SCRATCH/r3.csv"
expect_status 0
run M subsidy beneficiary list --unmask
expect_status 0
expect_out "410102194606062349"
run q "SELECT COUNT(*) FROM subsidy_meta WHERE name = 'pii_ad'"
expect_out "0"
cp "$db" "$SCRATCH/old-clean.db"
q "INSERT INTO subsidy_meta(name, value) VALUES('pii_ad', 2)"
run M subsidy beneficiary list --unmask
expect_status 3
expect_err "$msg"
run M subsidy roster import "$SCRATCH/r3.csv"
expect_status 3
expect_err "$msg"
# the older database's own limit stays: a copied account still decrypts
cp "$SCRATCH/old-clean.db" "$db"
q "UPDATE bank_account SET acct_hash = (SELECT acct_hash FROM bank_account WHERE id = 2),
	acct_enc = (SELECT acct_enc FROM bank_account WHERE id = 2) WHERE id = 1"
run M subsidy beneficiary list --unmask
expect_status 0

# --- 3. identities swapped; table binding ---
fresh swap
M subsidy roster import "$data/roster.csv" >/dev/null || _fail "roster import"
M subsidy batch create --programme GL01 --period 202303 >/dev/null || _fail "batch create"
cp "$db" "$SCRATCH/swap-clean.db"
# the reviewer's swap of people 1/2 with the contents of their accounts:
# consistent rows, which the binding does not detect (docs/personal-data.md,
# "What the binding does not cover"): 张伟's payment now goes to 王芳 -
# her real ID and her real account, no new number introduced
swap_ids="CREATE TEMP TABLE b AS SELECT * FROM beneficiary WHERE id IN (1, 2);
UPDATE beneficiary SET id_hash = randomblob(16) WHERE id = 1;
UPDATE beneficiary SET (id_hash, id_enc, name, birth_day, female) = (SELECT id_hash, id_enc,
	name, birth_day, female FROM b WHERE id = 1) WHERE id = 2;
UPDATE beneficiary SET (id_hash, id_enc, name, birth_day, female) = (SELECT id_hash, id_enc,
	name, birth_day, female FROM b WHERE id = 2) WHERE id = 1;"
swap_accts="CREATE TEMP TABLE a AS SELECT * FROM bank_account WHERE id IN (1, 2);
UPDATE bank_account SET (acct_hash, acct_enc, last4) = (SELECT acct_hash, acct_enc, last4
	FROM a WHERE id = 1) WHERE id = 2;
UPDATE bank_account SET (acct_hash, acct_enc, last4) = (SELECT acct_hash, acct_enc, last4
	FROM a WHERE id = 2) WHERE id = 1;"
q "$swap_ids $swap_accts"
run M subsidy bankfile export 1 --out "$SCRATCH/swap.csv"
expect_status 0
run cat "$SCRATCH/swap.csv"
expect_out ",王芳,6217000000000010011,30000"
# half of it is not consistent: the identities alone ...
cp "$SCRATCH/swap-clean.db" "$db"
q "$swap_ids"
run M subsidy bankfile export 1 --out "$SCRATCH/swap2.csv"
expect_status 3
expect_err "与其所属人员不符（数据可能被篡改）"
# ... or the accounts alone
cp "$SCRATCH/swap-clean.db" "$db"
q "$swap_accts"
run M subsidy lookup --id 410102194001101018 --name 张伟
expect_status 3
expect_err "账户记录 1 与其所属人员不符"
# a death record's and an official's ciphertext are bound to their tables:
# not the person's bytes, and not readable in the person's row
cp "$SCRATCH/swap-clean.db" "$db"
printf 'id_number,date_of_death\n410102194102111020,2023-02-10\n' >"$SCRATCH/d2.csv"
run M subsidy deaths import "$SCRATCH/d2.csv"
expect_status 0
run M subsidy officials import "$data/officials.csv"
expect_status 0
run q "SELECT (SELECT id_enc FROM death) = id_enc, (SELECT id_enc FROM official) = id_enc,
	(SELECT id_enc FROM death) = (SELECT id_enc FROM official) FROM beneficiary WHERE id = 2"
expect_out "0|0|0"
q "UPDATE beneficiary SET id_enc = (SELECT id_enc FROM death) WHERE id = 2"
run M subsidy beneficiary list --unmask
expect_status 3
expect_err "人员记录 2 的身份证号与该记录不符（数据可能被篡改）"

# --- 4. one key file, an older and a new database (review 2, B1) ---
old_db mixed-old
oldkey="$SCRATCH/mixed-old.db.key"
old_body=$(body 1)
head -1 "$oldkey" | grep -qx 'minsheng-key 1' && _pass || _fail "the old key is not version 1"
# the older key file is not bound to a new database: nothing imported
fresh mixed-new
run M subsidy roster import "$data/roster.csv" --key "$oldkey"
expect_status 1
expect_err "是旧版（minsheng-key 1），只用于旧格式的数据库；新数据库"
expect_err "要有自己的新密钥"
run q "SELECT COUNT(*) FROM beneficiary"
expect_out "0"
run q "SELECT COUNT(*) FROM subsidy_meta"
expect_out "0"
printf 'id_number,date_of_death\n410102194001101018,2023-02-10\n' >"$SCRATCH/d4.csv"
run M subsidy deaths import "$SCRATCH/d4.csv" --key "$oldkey"
expect_status 1
expect_err "要有自己的新密钥"
# the same through MINSHENG_KEY, as in the review
run env MINSHENG_KEY="$oldkey" "$MINSHENG" subsidy roster import "$data/roster.csv" --db "$db"
expect_status 1
expect_err "要有自己的新密钥"
# the older key file at the default path (DB.key): move it away, it says
cp "$oldkey" "$db.key"
run M subsidy roster import "$data/roster.csv"
expect_status 1
expect_err "默认密钥文件 '$db.key' 是旧版（minsheng-key 1）"
expect_err "请把 '$db.key' 移走"
run q "SELECT COUNT(*) FROM subsidy_meta"
expect_out "0"
rm -f "$db.key"
# its own new key (a path with no file yet): bound, version 2
run M subsidy roster import "$data/roster.csv" --key "$SCRATCH/mixed-new.key"
expect_status 0
head -1 "$SCRATCH/mixed-new.key" | grep -qx 'minsheng-key 2' && _pass || _fail "new key not version 2"
run q "SELECT value FROM subsidy_meta WHERE name = 'pii_ad'"
expect_out "2"

# The worst case: the operator turned the older key file into a version-2
# one (the same keys) although it still serves the older database, and
# made the new database with it. A writer without the key attacks the new
# database with the older one's contents; nothing decides the format but
# the key file, so every attack is refused.
sed '1s/.*/minsheng-key 2/' "$oldkey" >"$SCRATCH/mixed-v2.key"
chmod 600 "$SCRATCH/mixed-v2.key"
fresh mixed-v2
export MINSHENG_KEY="$SCRATCH/mixed-v2.key"
run M subsidy roster import "$data/roster.csv"
expect_status 0
run q "SELECT value FROM subsidy_meta WHERE name = 'pii_ad'"
expect_out "2"
# the same account of the same person is not encrypted alike in the two
[ -n "$old_body" ] && [ "$old_body" != "$(body 1)" ] && _pass ||
	_fail "one key, two databases: account 1 encrypted alike ($old_body)"
M subsidy batch create --programme GL01 --period 202303 >/dev/null || _fail "batch create"
run M subsidy bankfile export 1 --out "$SCRATCH/mix-before.csv"
expect_status 0
run grep "^D,1," "$SCRATCH/mix-before.csv"
expect_out "D,1,张伟,6217000000000010003,30000"
cp "$db" "$SCRATCH/mixed-v2-clean.db"
old_rows="ATTACH '$SCRATCH/mixed-old.db' AS o;
UPDATE beneficiary SET id_enc = (SELECT ob.id_enc FROM o.beneficiary ob
	WHERE ob.id_hash = beneficiary.id_hash);
UPDATE bank_account SET acct_enc = (SELECT oa.acct_enc FROM o.bank_account oa
	WHERE oa.acct_hash = bank_account.acct_hash);
UPDATE bank_account SET (acct_hash, acct_enc, last4) = (SELECT acct_hash, acct_enc, last4
	FROM o.bank_account WHERE id = 2) WHERE id = 1;"
v2msg="是第 2 版密钥（minsheng-key 2），只用于绑定格式的数据库"
# repro 1: the older database's key_check2 copied in, the marker deleted,
# its unbound ciphertexts copied in, 张伟's account row given 王芳's
q "$old_rows
UPDATE subsidy_meta SET value = (SELECT value FROM o.subsidy_meta WHERE name = 'key_check2')
	WHERE name = 'key_check2';
DELETE FROM subsidy_meta WHERE name = 'pii_ad';"
rm -f "$SCRATCH/mix-after.csv"
run M subsidy bankfile export 1 --out "$SCRATCH/mix-after.csv"
expect_status 3
expect_err "$v2msg"
[ ! -e "$SCRATCH/mix-after.csv" ] && _pass || _fail "export written"
run M subsidy beneficiary list --unmask
expect_status 3
expect_err "$v2msg"
expect_no_out "6217000000000010011"
# writers write nothing (no old-format ciphertext, no marker, no fingerprint)
run M subsidy roster import "$SCRATCH/r3.csv"
expect_status 3
expect_err "$v2msg"
run q "SELECT COUNT(*) FROM beneficiary WHERE name = '甲一'"
expect_out "0"
run q "SELECT COUNT(*) FROM subsidy_meta WHERE name = 'pii_ad'"
expect_out "0"
# the same with the marker left in place
q "INSERT INTO subsidy_meta(name, value) VALUES('pii_ad', 2)"
run M subsidy bankfile export 1 --out "$SCRATCH/mix-after.csv"
expect_status 3
expect_err "$v2msg"
# repro 2: key_check2 and the marker deleted, key_check kept; the upgrade
# probe's first row is the older database's: no probe, refused
cp "$SCRATCH/mixed-v2-clean.db" "$db"
q "$old_rows
DELETE FROM subsidy_meta WHERE name IN ('key_check2', 'pii_ad');"
run M subsidy bankfile export 1 --out "$SCRATCH/mix-after2.csv"
expect_status 3
expect_err "$v2msg"
[ ! -e "$SCRATCH/mix-after2.csv" ] && _pass || _fail "export written"
run M subsidy roster import "$SCRATCH/r3.csv"
expect_status 3
expect_err "$v2msg"
run q "SELECT COUNT(*) FROM subsidy_meta WHERE name IN ('key_check2', 'pii_ad')"
expect_out "0"
# the older key file (version 1) on the bound database: refused, exit 3
cp "$SCRATCH/mixed-v2-clean.db" "$db"
run M subsidy beneficiary list --unmask --key "$oldkey"
expect_status 3
expect_err "是绑定格式（pii_ad = 2），密钥文件"
expect_err "却是旧版（minsheng-key 1），旧版密钥只用于旧格式的数据库"
expect_no_out "6217000000000010003"
q "DELETE FROM subsidy_meta WHERE name = 'pii_ad'"
run M subsidy roster import "$SCRATCH/r3.csv" --key "$oldkey"
expect_status 3
expect_err "却是旧版（minsheng-key 1）"
unset MINSHENG_KEY
# the older database keeps working with its own version-1 key
db="$SCRATCH/mixed-old.db"
run M subsidy bankfile export 1 --out "$SCRATCH/mix-old.csv"
expect_status 0

# --- 5. death and official ciphertexts are not decrypted (review 2, B2) ---
# docs/personal-data.md: holds and the officials anomaly join on id_hash; a
# writer can hold a payment with a death row of random bytes, as it could
# by setting the entitlement on hold itself. Pinned here so that the
# documentation is changed with the behaviour.
fresh deathforge
M subsidy roster import "$data/roster.csv" >/dev/null || _fail "roster import"
q "INSERT INTO death SELECT id_hash, randomblob(34), 19000, 'x', 1, '2023-01-01'
	FROM beneficiary WHERE name = '张伟'"
run M subsidy batch create --programme GL01 --period 202303
expect_status 0
run q "SELECT COUNT(*) FROM entitlement e JOIN beneficiary b ON b.id = e.beneficiary_id
	WHERE b.name = '张伟' AND e.period = '202303' AND e.status = 'on_hold'"
expect_out "1"
finish
