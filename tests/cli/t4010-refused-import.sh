#!/usr/bin/env bash
# A refused deaths or officials import (a bad row: exit 1) leaves the
# database byte for byte as it was: the key is bound to the database (the
# fingerprints key_check/key_check2 and the marker pii_ad in subsidy_meta)
# in the import's one transaction, as roster import does, so a refused
# import does not bind it either. A key file the refused import created
# stays (docs/personal-data.md) and the next import binds it. The same on
# a database that already holds people (key bound already) and on an older
# database whose fingerprint a successful import would upgrade.
. "$(dirname "$0")/lib.sh"
data="$TESTDATA/subsidy/ops"
M() { "$MINSHENG" "$@" --db "$db"; }
q() { sqlite3 "$db" "$1"; }
dump() { sqlite3 "$db" .dump; }

# refused FILE WORDS...: `subsidy WORDS FILE` exits 1 and the database dump
# is the same before and after.
refused() {
	local file=$1 before after
	shift
	before=$(dump)
	run M subsidy "$@" "$file"
	expect_status 1
	expect_err "有 1 行错误，未导入任何记录"
	after=$(dump)
	if [ "$before" = "$after" ]; then
		_pass
	else
		_fail "refused '$*' changed the database: $(diff <(echo "$before") <(echo "$after") | head -20)"
	fi
}

H=id_number,name,village,role
printf '%s\n' "id_number,date_of_death" "410102194001101018,2023-02-30" >"$SCRATCH/d-bad.csv"
printf '%s\n' "$H" "410102194102111020,王芳,4101020010,村委委员" >"$SCRATCH/o-bad.csv"
# A bad row after good ones: the good rows are not written either.
printf '%s\n' "id_number,date_of_death" "410102194102111020,2023-01-05" \
	"410102194001101018,2023-02-30" >"$SCRATCH/d-bad2.csv"
printf '%s\n' "$H" "410102194001101018,张伟,410102001001,村支书" \
	"410102194102111020,王芳,4101020010,村委委员" >"$SCRATCH/o-bad2.csv"

# --- 1. A fresh database: no key file, no fingerprint yet ---
db="$SCRATCH/fresh.db"
run M subsidy programme import "$data/programmes.csv"
expect_status 0
[ ! -e "$db.key" ] && _pass || _fail "a key file before any personal data"
refused "$SCRATCH/d-bad.csv" deaths import
expect_err "d-bad.csv:2:2:"
run q "SELECT COUNT(*) FROM subsidy_meta WHERE name IN ('key_check', 'key_check2', 'pii_ad')"
expect_out "0"
# The key file the refused import created stays, private, for the next import.
[ -f "$db.key" ] && _pass || _fail "the created key file was removed"
[ "$(stat -c %a "$db.key")" = 600 ] && _pass || _fail "key file mode $(stat -c %a "$db.key")"
key=$(md5sum <"$db.key")
refused "$SCRATCH/d-bad2.csv" deaths import
refused "$SCRATCH/o-bad.csv" officials import
expect_err "o-bad.csv:2:3:"
refused "$SCRATCH/o-bad2.csv" officials import
run q "SELECT (SELECT COUNT(*) FROM death) + (SELECT COUNT(*) FROM official)"
expect_out "0"
[ "$(md5sum <"$db.key")" = "$key" ] && _pass || _fail "the key file changed"
# The fixed files then import, with that key: bound now.
run M subsidy deaths import "$data/deaths.csv"
expect_status 0
expect_out "已导入死亡记录 1 行：新增 1"
run q "SELECT group_concat(name, ',') FROM (SELECT name FROM subsidy_meta
	WHERE name IN ('key_check', 'key_check2', 'pii_ad') ORDER BY name)"
expect_out "key_check,key_check2,pii_ad"
[ "$(md5sum <"$db.key")" = "$key" ] && _pass || _fail "the key file changed"
run M subsidy officials import "$data/officials.csv"
expect_status 0
expect_out "已导入公职人员 1 行：新增 1"
# Refused again now that the key is bound: still nothing changes.
refused "$SCRATCH/d-bad2.csv" deaths import
refused "$SCRATCH/o-bad2.csv" officials import

# --- 2. A database that already holds people (key bound by the roster) ---
db="$SCRATCH/people.db"
run M subsidy programme import "$data/programmes.csv"
expect_status 0
run M subsidy roster import "$data/roster.csv"
expect_status 0
key=$(md5sum <"$db.key")
refused "$SCRATCH/d-bad.csv" deaths import
refused "$SCRATCH/d-bad2.csv" deaths import
refused "$SCRATCH/o-bad.csv" officials import
refused "$SCRATCH/o-bad2.csv" officials import
run q "SELECT COUNT(*) FROM entitlement WHERE status = 'on_hold'"
expect_out "0"
run M subsidy deaths import "$data/deaths.csv"
expect_status 0
expect_out "新暂停发放应发记录 2 条"
run q "SELECT COUNT(*) FROM entitlement WHERE status = 'on_hold'"
expect_out "2"
run M subsidy officials import "$data/officials.csv"
expect_status 0
expect_out "已导入公职人员 1 行：新增 1"
[ "$(md5sum <"$db.key")" = "$key" ] && _pass || _fail "the key file changed"

# --- 3. A key file given with --key, created by a refused import ---
db="$SCRATCH/keyopt.db"
run M subsidy programme import "$data/programmes.csv"
expect_status 0
refused "$SCRATCH/o-bad.csv" officials import --key "$SCRATCH/own.key"
[ -f "$SCRATCH/own.key" ] && [ ! -e "$db.key" ] && _pass || _fail "--key file not kept"
run M subsidy officials import "$data/officials.csv" --key "$SCRATCH/own.key"
expect_status 0
run M subsidy deaths import "$data/deaths.csv" --key "$SCRATCH/own.key"
expect_status 0
# bound to that key: none is created at the default place now
run M subsidy deaths import "$data/deaths.csv"
expect_status 1
expect_err "找不到密钥文件"

# --- 4. An older database (old fingerprint only, no key_check2 yet): a
# successful import would record key_check2; a refused one records nothing.
db="$SCRATCH/old.db"
sqlite3 "$db" <"$SRCDIR/tests/cli/t3010-old-format.sql" || _fail "old database"
cp "$SRCDIR/tests/cli/t3010-old-format.key" "$db.key"
chmod 600 "$db.key"
q "DELETE FROM subsidy_meta WHERE name = 'key_check2'"
run q "SELECT COUNT(*) FROM subsidy_meta WHERE name = 'key_check'"
expect_out "1"
# opened once without the key (schema upgrades, if any, happen here)
run M subsidy check
refused "$SCRATCH/d-bad.csv" deaths import
refused "$SCRATCH/o-bad2.csv" officials import
run q "SELECT COUNT(*) FROM subsidy_meta WHERE name = 'key_check2'"
expect_out "0"
run M subsidy deaths import "$data/deaths.csv"
expect_status 0
run q "SELECT COUNT(*) FROM subsidy_meta WHERE name = 'key_check2'"
expect_out "1"
finish
