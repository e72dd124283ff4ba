#!/usr/bin/env bash
# Output files (--rejects, --out, --values-out) never destroy the database,
# its -wal/-shm files or its key: compared by where the files really are
# (links resolved), and written to a temporary file renamed over their name,
# so a symbolic link is replaced, never followed into a file that appears
# once the database is open. Also: empty or unwritable outputs, pipes as
# input, option values that look like --help, org unit checks per level,
# and what messages print.
. "$(dirname "$0")/lib.sh"

S="$TESTDATA/subsidy/ops"
T="$TESTDATA/tracker/core"
cd "$SCRATCH" || exit 1

# no temporary output file (.ms-XXXXXX) is left in directory $1 (default .)
expect_no_tmp() {
	if ls -A "${1:-.}" | grep -q '^\.ms-'; then _fail "a temporary file was left: $(ls -A "${1:-.}" | grep '^\.ms-')"; else _pass; fi
}
# file $1 has permission bits $2 (octal, as stat %a prints them)
expect_mode() {
	local m
	m=$(stat -c %a "$1" 2>/dev/null)
	if [ "$m" = "$2" ]; then _pass; else _fail "'$1' has mode '$m', expected $2"; fi
}
# $1 is still a sound SQLite database
expect_db_ok() {
	if [ "$(sqlite3 "$1" "PRAGMA integrity_check" 2>&1)" = ok ]; then _pass; else _fail "'$1' is no longer a sound database"; fi
}
# subsidy database $1 with the programmes and the roster
subsidy_db() {
	"$MINSHENG" subsidy programme import "$S/programmes.csv" --db "$1" >/dev/null &&
		"$MINSHENG" subsidy roster import "$S/roster.csv" --db "$1" >/dev/null
}

subsidy_db s.db || _fail "could not build s.db"
# a roster with one bad row more (every other row is already in s.db)
{ cat "$S/roster.csv"; echo "GL01,202303,bad,x,410102001001,1,1"; } >r5.csv

# ---- 1a. a reject file that is a link to the -shm, the database or the key ----

ln -s s.db-shm rj.csv
run "$MINSHENG" subsidy roster import r5.csv --partial --rejects rj.csv --db s.db
expect_status 1
expect_out "拒绝 41 行"
[ -f rj.csv ] && [ ! -L rj.csv ] && _pass || _fail "the link rj.csv was not replaced by the reject file"
[ "$(head -1 rj.csv)" = "line,column,code,message" ] && _pass || _fail "rj.csv is not the reject file"
[ ! -s s.db-shm ] && _pass || _fail "rejects were written into s.db-shm"
expect_db_ok s.db

# a brand-new database, the link made before it exists
ln -s n4.db rjd
run "$MINSHENG" values import "$T/bad-values.csv" --partial --rejects rjd --db n4.db
expect_status 0
[ -f rjd ] && [ ! -L rjd ] && _pass || _fail "the link rjd was not replaced"
expect_db_ok n4.db
grep -q unknown_dataelement rjd && _pass || _fail "rjd lacks the rejects"

# the key that roster import creates
"$MINSHENG" subsidy programme import "$S/programmes.csv" --db n3.db >/dev/null
ln -s n3.db.key rjk
run "$MINSHENG" subsidy roster import r5.csv --partial --rejects rjk --db n3.db
expect_status 1
expect_out "已写入"
[ ! -L rjk ] && _pass || _fail "the link rjk was not replaced"
head -1 n3.db.key | grep -q '^minsheng-key 2$' && _pass || _fail "n3.db.key is not a key"
[ "$(stat -c %a n3.db.key)" = 600 ] && _pass || _fail "n3.db.key is not 600"
run "$MINSHENG" subsidy roster import "$S/roster.csv" --db n3.db
expect_err "已有此人的应发记录"

# a link to the existing database or its key is the same file: refused
cp s.db before.db
cp s.db.key before.key
for f in s.db s.db.key; do
	ln -sf "$f" lnk
	run "$MINSHENG" subsidy roster import r5.csv --partial --rejects lnk --db s.db
	expect_status 2
	case $f in
	*.key) expect_err "输出文件 'lnk' 就是密钥文件 's.db.key'" ;;
	*) expect_err "输出文件 'lnk' 就是数据库文件 's.db'" ;;
	esac
	expect_same before.db s.db
	expect_same before.key s.db.key
done
rm -f lnk

# ---- 1b. the database reached through a link: -wal/-shm are beside the real file ----

mkdir real
subsidy_db real/t.db || _fail "could not build real/t.db"
ln -s real/t.db link.db
cp real/t.db real.before
for sfx in -shm -wal -journal; do
	run "$MINSHENG" subsidy roster import r5.csv --partial --rejects "real/t.db$sfx" --db link.db
	expect_status 2
	expect_err "输出文件 'real/t.db$sfx' 就是数据库文件 '$SCRATCH/real/t.db$sfx'"
	[ ! -e "real/t.db$sfx" ] && _pass || _fail "real/t.db$sfx was written"
done
run "$MINSHENG" values import "$T/bad-values.csv" --partial --rejects real/t.db-wal --db link.db
expect_status 2
expect_err "就是数据库文件"
run "$MINSHENG" subsidy stats --year 2023 --values-out real/t.db-wal --db link.db
expect_status 2
expect_err "就是数据库文件"
run "$MINSHENG" subsidy bankfile export 1 --out real/t.db-wal --db link.db
expect_status 2
expect_err "输出文件 'real/t.db-wal' 就是数据库文件"
# the same file named through a link to its directory
ln -s real rd
run "$MINSHENG" subsidy bankfile export 1 --out rd/t.db-shm --db real/t.db
expect_status 2
expect_err "输出文件 'rd/t.db-shm' 就是数据库文件 'real/t.db-shm'"
expect_same real.before real/t.db
# the key of a database reached through a link is beside the link
run "$MINSHENG" subsidy bankfile export 1 --out link.db.key --db link.db
expect_status 2
expect_err "输出文件 'link.db.key' 就是密钥文件 'link.db.key'"
# the payment file goes only to a regular file: never a pipe or a device
mkfifo pay.fifo
run "$MINSHENG" subsidy bankfile export 1 --out pay.fifo --db real/t.db
expect_status 2
expect_err "输出文件 'pay.fifo' 不是普通文件"
[ -p pay.fifo ] && _pass || _fail "pay.fifo was replaced"
run "$MINSHENG" subsidy bankfile export 1 --out /dev/null --db real/t.db
expect_status 2
expect_err "输出文件 '/dev/null' 不是普通文件"
[ -c /dev/null ] && _pass || _fail "/dev/null was replaced"

# ---- 2. the key named by $MINSHENG_KEY is protected where --key is not taken ----

subsidy_db vb.db || _fail "could not build vb.db"
"$MINSHENG" subsidy programme import "$S/programmes.csv" --db kb.db >/dev/null
run env MINSHENG_KEY="$SCRATCH/kk.key" "$MINSHENG" subsidy roster import "$S/roster.csv" --db kb.db
expect_status 0
cp kk.key kk.before
run env MINSHENG_KEY="$SCRATCH/kk.key" "$MINSHENG" values import "$T/bad-values.csv" --partial --rejects kk.key --db vb.db
expect_status 2
expect_err "输出文件 'kk.key' 就是密钥文件 '$SCRATCH/kk.key'"
expect_same kk.before kk.key
run env MINSHENG_KEY="$SCRATCH/kk.key" "$MINSHENG" subsidy stats --year 2023 --values-out kk.key --db kb.db
expect_status 2
expect_err "就是密钥文件"
expect_same kk.before kk.key
# the default key of a database, named on its own, is a key, not the database
run "$MINSHENG" values import "$T/bad-values.csv" --partial --rejects vb.db.key --db vb.db
expect_status 2
expect_err "输出文件 'vb.db.key' 就是密钥文件 'vb.db.key'"

# ---- 5. empty and unwritable outputs ----

for cmd in "values import $T/bad-values.csv --partial --rejects" \
	"subsidy roster import r5.csv --partial --rejects" \
	"subsidy bankfile export 1 --out" \
	"subsidy stats --year 2023 --values-out"; do
	opt=${cmd##* }
	# shellcheck disable=SC2086
	run "$MINSHENG" $cmd "" --db e5.db
	expect_status 2
	expect_err "选项 $opt 的值为空"
	expect_no_db_files e5.db
done
for cmd in "values import $T/bad-values.csv --partial" "subsidy roster import r5.csv --partial"; do
	# shellcheck disable=SC2086
	run "$MINSHENG" $cmd --rejects nodir/x --db e5.db
	expect_status 3
	expect_err "无法写入拒绝文件 'nodir/x'：文件或目录不存在"
	expect_no_db_files e5.db
done
# a reject file in place of a directory is refused too
mkdir adir
run "$MINSHENG" values import "$T/bad-values.csv" --partial --rejects adir --db e5.db
expect_status 3
expect_err "无法写入拒绝文件 'adir'"
expect_no_db_files e5.db
# no temporary file is left behind by a refused or failed output
expect_no_tmp
# pipes and devices are written in place
run "$MINSHENG" values import "$T/bad-values.csv" --partial --rejects /dev/null --db n4.db
expect_status 0
[ -c /dev/null ] && _pass || _fail "/dev/null was replaced"

# ---- 3. a file that is not a database: its reason, once ----

echo x >notdb.db
run "$MINSHENG" orgunit list --db notdb.db
expect_status 3
expect_err "不是数据库文件（file is not a database）"
[ "$(grep -o "无法打开数据库" "$SCRATCH/.err" | wc -l)" = 1 ] && _pass || _fail "the prefix is not printed exactly once"

# ---- 8. a directory as key; control characters in file names ----

mkdir keydir
run "$MINSHENG" subsidy roster import "$S/roster.csv" --key keydir --db s.db
expect_status 1
expect_err "密钥文件 'keydir' 不是普通文件"
esc=$(printf 'e\033[31mx.csv')
run "$MINSHENG" values import "$esc" --db s.db
expect_status 3
expect_err "e?[31mx.csv: 无法打开 'e?[31mx.csv'"
if grep -q "$(printf '\033')" "$SCRATCH/.err"; then _fail "an escape reached stderr"; else _pass; fi
printf 'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\nnosuch,2023,41,,,1\n' >"$esc"
run "$MINSHENG" values import "$esc" --db s.db
expect_status 1
expect_err "e?[31mx.csv:2:1: 未知的数据元代码 'nosuch'"
if grep -q "$(printf '\033')" "$SCRATCH/.err"; then _fail "an escape reached stderr"; else _pass; fi

# ---- 4. a named pipe or /dev/stdin as input is read, not probed and hung ----

"$MINSHENG" orgunit import "$T/orgunits.csv" --db x.db >/dev/null
"$MINSHENG" plan import "$T/plan.csv" --db x.db >/dev/null
mkfifo ff
(cat "$T/values.csv" >ff) &
run timeout 10 "$MINSHENG" values import ff --db x.db
expect_status 0
expect_out "导入 19 条"
wait
run sh -c "timeout 10 '$MINSHENG' orgunit import /dev/stdin --db x2.db <'$T/orgunits.csv'"
expect_status 0
expect_out "新增 12 个单位"
run sh -c "cat '$T/orgunits.csv' | timeout 10 '$MINSHENG' orgunit import /dev/stdin --db x3.db"
expect_status 0
expect_out "新增 12 个单位"
# bank return files are mapped into memory: a pipe is refused, not hung
(cat "$T/values.csv" >ff 2>/dev/null) &
run timeout 10 "$MINSHENG" subsidy bankfile import ff --db s.db
expect_status 1
expect_err "'ff' 不是普通文件"
kill %1 2>/dev/null
wait
# a directory is still refused before anything is created
run "$MINSHENG" values import adir --db e4.db
expect_status 1
expect_err "'adir' 不是普通文件"
expect_no_db_files e4.db

# ---- 6. an option's value that looks like --help is a value ----

rm -f ./-h
run "$MINSHENG" subsidy roster import r5.csv --partial --rejects -h --db s.db
expect_status 1
expect_out "拒绝 41 行"
grep -q id_length ./-h && _pass || _fail "the reject file '-h' was not written"
run "$MINSHENG" subsidy roster import r5.csv --partial --rej -h --db s.db
expect_status 1
expect_out "拒绝 41 行"
run "$MINSHENG" report --year 2022 --orgunit -h --db x.db
expect_status 1
expect_err "未知的单位代码 '-h'"
expect_no_out "用法："
# --help itself still works after options, and after a value
run "$MINSHENG" report --year 2022 --help
expect_status 0
expect_out "用法：minsheng report "
run "$MINSHENG" subsidy roster import r5.csv --rejects -h --help
expect_status 0
expect_out "用法：minsheng subsidy roster import "
run "$MINSHENG" subsidy roster import r5.csv --partial -h
expect_status 0
expect_out "用法：minsheng subsidy roster import "

# ---- 7. org unit options are checked only against units of their level ----

# the bundled divisions stop at townships: villages are not checked, as
# roster import does not check them; counties still are
"$MINSHENG" orgunit import "$SRCDIR/data/henan-divisions-2022.csv" --db dv.db >/dev/null
subsidy_db dv.db || _fail "could not build dv.db"
run "$MINSHENG" subsidy disclose --programme GL01 --period 202303 --village 410102001001 --db dv.db
expect_status 0
expect_out "410102001001	300.00"
run "$MINSHENG" subsidy batch create --programme GL01 --period 202303 --county 419999 --db dv.db
expect_status 1
expect_err "未知的单位代码 '419999'"
run "$MINSHENG" subsidy budget set --programme GL01 --year 2023 --county 410102 --amount-fen 100 --db dv.db
expect_status 0
# with a village loaded, villages are checked
printf 'code,name,level,parent_code\n410102001001,测试村,village,410102001\n' >village.csv
"$MINSHENG" orgunit import village.csv --db dv.db >/dev/null
run "$MINSHENG" subsidy disclose --programme GL01 --period 202303 --village 410102001999 --db dv.db
expect_status 1
expect_err "未知的单位代码 '410102001999'"
run "$MINSHENG" subsidy disclose --programme GL01 --period 202303 --village 410102001001 --db dv.db
expect_status 0

# ---- 9. replacing a file: its mode, long names, hard links, read-only files, signals ----

mkdir o9 && cd o9 || exit 1
"$MINSHENG" orgunit import "$T/orgunits.csv" --db v9.db >/dev/null
"$MINSHENG" plan import "$T/plan.csv" --db v9.db >/dev/null
subsidy_db s9.db || _fail "could not build s9.db"
"$MINSHENG" subsidy batch create --programme GL01 --period 202303 --db s9.db >/dev/null ||
	_fail "could not create batch 1 in s9.db"
# write output $1 with each command that takes one
vrej() { run "$MINSHENG" values import "$T/bad-values.csv" --partial --rejects "$1" --db v9.db; }
rrej() { run "$MINSHENG" subsidy roster import ../r5.csv --partial --rejects "$1" --db s9.db; }
sout() { run "$MINSHENG" subsidy stats --year 2023 --values-out "$1" --db s9.db; }
bexp() { run "$MINSHENG" subsidy bankfile export 1 --out "$1" --db s9.db; }

# 9a. a replaced file keeps its permission bits, whatever the umask
# (the roster's reject file is about named people: always 0600, below)
for w in vrej sout; do
	echo old >"m.$w"
	chmod 640 "m.$w"
	(umask 022 && "$w" "m.$w")
	expect_mode "m.$w" 640
	grep -q old "m.$w" && _fail "m.$w was not replaced" || _pass
	echo old >"w.$w"
	chmod 666 "w.$w"
	(umask 077 && "$w" "w.$w")
	expect_mode "w.$w" 666
done
# a new file gets 0666 less the umask, as fopen "w" would give
(umask 077 && vrej n077.csv)
expect_mode n077.csv 600
(umask 022 && vrej n022.csv)
expect_mode n022.csv 644
(umask 027 && sout n027.csv)
expect_mode n027.csv 640
# set-user-ID and the like are not carried onto new contents
echo old >su.csv
chmod 4750 su.csv
vrej su.csv
expect_mode su.csv 750
# a symbolic link is replaced by a new file: the mode of a new file, and
# the file it pointed to is untouched
echo target >lt.csv
chmod 600 lt.csv
ln -s lt.csv lk.csv
(umask 022 && vrej lk.csv)
[ -f lk.csv ] && [ ! -L lk.csv ] && _pass || _fail "the link lk.csv was not replaced"
expect_mode lk.csv 644
[ "$(cat lt.csv)" = target ] && _pass || _fail "lt.csv was written through the link"
# root can give the new file the replaced file's owner and group
if [ "$(id -u)" = 0 ]; then
	echo old >g.csv
	chown 1:1 g.csv
	chmod 640 g.csv
	vrej g.csv
	expect_status 0
	[ "$(stat -c %u:%g g.csv)" = 1:1 ] && _pass || _fail "g.csv is now $(stat -c %u:%g g.csv), was 1:1"
	expect_mode g.csv 640
fi
# a mode the caller requires wins: the payment file and the roster's reject
# file are 0600 whatever they replace
echo old >m.rrej
chmod 666 m.rrej
(umask 000 && rrej m.rrej)
expect_mode m.rrej 600
(umask 000 && rrej n000.rrej)
expect_mode n000.rrej 600
echo old >pay.csv
chmod 644 pay.csv
(umask 0 && run "$MINSHENG" subsidy bankfile export 1 --out pay.csv --db s9.db)
expect_mode pay.csv 600
grep -q '^H,MSPAY,1,' pay.csv && _pass || _fail "pay.csv is not the payment file"
(umask 0 && run "$MINSHENG" subsidy bankfile export 1 --out pay-new.csv --db s9.db)
expect_mode pay-new.csv 600
expect_no_tmp
# /dev/stdout redirected to a file would be written in place, keeping that
# file's mode: the payment file goes only to a file of its own
run "$MINSHENG" subsidy bankfile export 1 --out /dev/stdout --db s9.db
expect_status 2
expect_err "不是普通文件"
[ -s "$SCRATCH/.out" ] && _fail "the payment file went to stdout" || _pass

# 9b. a name as long as the file system allows (255 bytes on ext4): new and replaced
long=$(printf 'r%.0s' $(seq 251)).csv
for w in vrej rrej sout bexp; do
	rm -f "$long"
	"$w" "$long"
	[ -s "$long" ] && _pass || _fail "$w: the 255-byte name was not written: $(cat "$SCRATCH/.err")"
	echo old >"$long"
	chmod 600 "$long"
	"$w" "$long"
	grep -q old "$long" && _fail "$w: the 255-byte file was not replaced" || _pass
	expect_mode "$long" 600
done
[ "$(grep -c ',' "$long")" -gt 0 ] && _pass || _fail "the 255-byte file is empty"
# one byte more is the file system's refusal, before a database is created
vrej "r$long" 2>/dev/null
run "$MINSHENG" values import "$T/bad-values.csv" --partial --rejects "r$long" --db e9.db
expect_status 3
expect_err "文件名过长"
expect_no_db_files e9.db
expect_no_tmp

# 9c. a file with other hard links is refused: a rename would leave them on
# the old contents; nothing is created and both names are unchanged
echo old >h1.csv
ln h1.csv h2.csv
for db in e9.db s9.db; do
	run "$MINSHENG" values import "$T/bad-values.csv" --partial --rejects h1.csv --db "$db"
	expect_status 2
	expect_err "无法写入拒绝文件 'h1.csv'：它有 2 个硬链接"
done
expect_no_db_files e9.db
run "$MINSHENG" subsidy roster import ../r5.csv --partial --rejects h2.csv --db e9.db
expect_status 2
expect_err "无法写入拒绝文件 'h2.csv'：它有 2 个硬链接"
expect_no_db_files e9.db
sout h1.csv
expect_status 2
expect_err "无法写入输出文件 'h1.csv'：它有 2 个硬链接"
run "$MINSHENG" subsidy bankfile export 1 --out h2.csv --db s9.db
expect_status 2
expect_err "无法写入输出文件 'h2.csv'：它有 2 个硬链接"
[ "$(cat h1.csv)" = old ] && [ "$(stat -c %h h1.csv)" = 2 ] && _pass ||
	_fail "h1.csv was changed or detached from h2.csv"
# with the other name gone it is an ordinary file again
rm h2.csv
vrej h1.csv
expect_status 0
grep -q unknown_dataelement h1.csv && _pass || _fail "h1.csv was not written"
expect_no_tmp

# 9d. a read-only file is not replaced (as opening it for writing fails;
# for root, which may write anything, a file without any write bit)
echo old >ro.csv
chmod 444 ro.csv
run "$MINSHENG" values import "$T/bad-values.csv" --partial --rejects ro.csv --db e9.db
expect_status 3
expect_err "无法写入拒绝文件 'ro.csv'：文件是只读的（没有写权限），不替换它"
expect_no_db_files e9.db
run "$MINSHENG" subsidy roster import ../r5.csv --partial --rejects ro.csv --db e9.db
expect_status 3
expect_err "无法写入拒绝文件 'ro.csv'：文件是只读的"
expect_no_db_files e9.db
sout ro.csv
expect_status 3
expect_err "无法写入输出文件 'ro.csv'：文件是只读的"
run "$MINSHENG" subsidy bankfile export 1 --out ro.csv --db s9.db
expect_status 3
expect_err "无法写入输出文件 'ro.csv'：文件是只读的"
[ "$(cat ro.csv)" = old ] && _pass || _fail "ro.csv was replaced"
expect_mode ro.csv 444
# a link to a read-only file is replaced, not followed: the file stays
ln -s ro.csv rolink.csv
vrej rolink.csv
expect_status 0
[ ! -L rolink.csv ] && [ "$(cat ro.csv)" = old ] && _pass || _fail "rolink.csv: wrong outcome"
# a user who may not write the file is refused even with write bits for others
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	mkdir -m 777 nb
	echo old >nb/o.csv
	chmod 604 nb/o.csv
	cp v9.db nb/v.db
	chmod 666 nb/v.db
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$MINSHENG" values import \
		"$T/bad-values.csv" --partial --rejects nb/o.csv --db nb/v.db
	expect_status 3
	expect_err "无法写入拒绝文件 'nb/o.csv'：文件是只读的"
	[ "$(cat nb/o.csv)" = old ] && _pass || _fail "nb/o.csv was replaced"
	chmod 646 nb/o.csv
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$MINSHENG" values import \
		"$T/bad-values.csv" --partial --rejects nb/o.csv --db nb/v.db
	expect_status 0
	# nobody may not give it root's group: the group's bits are not kept
	# (they were granted to that group, not to nobody's)
	expect_mode nb/o.csv 606
	[ "$(stat -c %u nb/o.csv)" = 65534 ] && _pass || _fail "nb/o.csv is not the new file"
fi
expect_no_tmp

# 9e. killed with SIGTERM or SIGHUP while writing: the temporary file goes too.
# The input is a named pipe held open, so the import is certainly still
# reading (its reject file open) when the signal comes. The temporary file
# is an unnamed one (O_TMPFILE: ext4, tmpfs, xfs, btrfs have it): while the
# reject file is being written, the process holds a file in this directory
# that has no name in it (/proc/PID/fd shows "DIR/#INODE (deleted)"), and
# the directory lists no temporary file at all.
# unnamed_out PID: wait (at most 5 s) until PID holds an unnamed file of
# this directory open; 0 when it does
unnamed_out() {
	local i f
	for i in $(seq 50); do
		for f in /proc/"$1"/fd/*; do
			case $(readlink "$f" 2>/dev/null) in
			"$(pwd -P)/#"*" (deleted)") return 0 ;;
			esac
		done
		sleep 0.1
	done
	return 1
}
mkfifo in9
for sig in TERM HUP; do
	"$MINSHENG" values import in9 --partial --rejects k.csv --db v9.db >/dev/null 2>&1 &
	pid=$!
	exec 3>in9
	head -5 "$T/bad-values.csv" >&3
	unnamed_out "$pid" && _pass || _fail "$sig: no unnamed temporary file while writing"
	expect_no_tmp
	[ ! -e k.csv ] && _pass || _fail "$sig: k.csv exists before the import ends"
	kill -s "$sig" "$pid"
	wait "$pid" 2>/dev/null
	st=$?
	exec 3>&-
	[ "$st" = $((128 + $(kill -l "$sig"))) ] && _pass || _fail "$sig: status $st"
	expect_no_tmp
	[ ! -e k.csv ] && _pass || _fail "$sig: k.csv was created"
done
# the same for roster import, which writes its reject file by name
"$MINSHENG" subsidy roster import in9 --partial --rejects k.csv --db s9.db >/dev/null 2>&1 &
pid=$!
exec 3>in9
head -3 ../r5.csv >&3
unnamed_out "$pid" && _pass || _fail "roster import: no unnamed temporary file while writing"
expect_no_tmp
kill -s TERM "$pid"
wait "$pid" 2>/dev/null
st=$?
exec 3>&-
[ "$st" = 143 ] && _pass || _fail "roster import: status $st"
expect_no_tmp

# 9f. killed with SIGKILL (no handler can run) while the reject file, which
# holds named people's rows, is being written: nothing is left behind,
# neither a temporary file nor the output, and the file was never visible
# in the directory (checked above, while the process was stopped on its
# input). The same for values import.
for cmd in "subsidy roster import" "values import"; do
	# shellcheck disable=SC2086
	"$MINSHENG" $cmd in9 --partial --rejects k9.csv --db kill9-${cmd%% *}.db >/dev/null 2>&1 &
	pid=$!
	exec 3>in9
	case $cmd in
	subsidy*) head -3 ../r5.csv >&3 ;;
	*) head -5 "$T/bad-values.csv" >&3 ;;
	esac
	unnamed_out "$pid" && _pass || _fail "$cmd: no unnamed temporary file while writing"
	expect_no_tmp
	kill -s KILL "$pid"
	wait "$pid" 2>/dev/null
	st=$?
	exec 3>&-
	[ "$st" = 137 ] && _pass || _fail "$cmd: SIGKILL status $st"
	expect_no_tmp
	[ ! -e k9.csv ] && _pass || _fail "$cmd: k9.csv left after SIGKILL"
done
# a signal that was ignored stays ignored (nohup): the import completes
(
	trap '' HUP
	exec "$MINSHENG" values import in9 --partial --rejects k.csv --db v9.db >/dev/null 2>&1
) &
pid=$!
exec 3>in9
head -5 "$T/bad-values.csv" >&3
unnamed_out "$pid" || _fail "nohup: no unnamed temporary file while writing"
kill -s HUP "$pid"
sleep 0.2
tail -n +6 "$T/bad-values.csv" >&3
exec 3>&-
wait "$pid"
st=$?
[ "$st" = 0 ] && _pass || _fail "an ignored SIGHUP: status $st"
grep -q unknown_dataelement k.csv && _pass || _fail "k.csv was not written"
expect_no_tmp
cd ..
finish
