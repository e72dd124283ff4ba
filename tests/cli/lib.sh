# lib.sh - helpers for the black-box tests (sourced by tests/cli/t*.sh).
#   run CMD...          runs CMD, keeping stdout, stderr and the exit status
#   expect_status N     the last command exited with N
#   expect_out TEXT     its stdout contains TEXT (fixed string)
#   expect_err TEXT     its stderr contains TEXT
#   expect_same A B     files A and B are identical (diff shown otherwise)
#   finish              prints the summary; exits non-zero if anything failed
set -u
: "${MINSHENG:?set MINSHENG to the minsheng binary}"
: "${SCRATCH:=$(mktemp -d)}"
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"
unset MINSHENG_DB
_passed=0
_failed=0
_last=""

_fail() {
	_failed=$((_failed + 1))
	echo "FAIL (${BASH_SOURCE[2]:-${BASH_SOURCE[1]:-?}}:${BASH_LINENO[1]:-0}): $*"
	echo "  command: $_last"
	echo "  stdout: $(head -c 2000 "$SCRATCH/.out")"
	echo "  stderr: $(head -c 2000 "$SCRATCH/.err")"
}
_pass() { _passed=$((_passed + 1)); }

run() {
	_last="$*"
	"$@" >"$SCRATCH/.out" 2>"$SCRATCH/.err"
	_status=$?
}
expect_status() { if [ "$_status" -eq "$1" ]; then _pass; else _fail "status $_status, expected $1"; fi; }
expect_out() { if grep -qF -- "$1" "$SCRATCH/.out"; then _pass; else _fail "stdout lacks '$1'"; fi; }
expect_no_out() { if grep -qF -- "$1" "$SCRATCH/.out"; then _fail "stdout has '$1'"; else _pass; fi; }
# No file of a database at path $1: the database, its WAL, shared memory
# and journal files, its key.
expect_no_db_files() {
	local f
	for f in "$1" "$1-wal" "$1-shm" "$1-journal" "$1.key"; do
		if [ -e "$f" ]; then
			_fail "'$f' was left behind"
			return
		fi
	done
	_pass
}
expect_err() { if grep -qF -- "$1" "$SCRATCH/.err"; then _pass; else _fail "stderr lacks '$1'"; fi; }
expect_same() {
	if diff -u "$1" "$2" >"$SCRATCH/.diff"; then _pass; else _fail "files differ: $(head -c 3000 "$SCRATCH/.diff")"; fi
}
out() { cat "$SCRATCH/.out"; }
finish() {
	echo "$_passed passed, $_failed failed"
	[ "$_failed" -eq 0 ]
	exit $?
}
