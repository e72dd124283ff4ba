#!/usr/bin/env bash
# The binary's command table, usage errors and database creation.
. "$(dirname "$0")/lib.sh"

run "$MINSHENG" --help
expect_status 0
expect_out "orgunit"
expect_out "subsidy"
expect_out "report"

run "$MINSHENG" version
expect_status 0
expect_out "minsheng"

run "$MINSHENG" nosuch
expect_status 2
expect_err "未知命令 'nosuch'"

run "$MINSHENG" subsidy --help
expect_status 0
expect_out "roster"

run "$MINSHENG" subsidy roster
expect_status 2

# A newer schema in the file is refused.
db="$SCRATCH/newer.db"
sqlite3 "$db" "CREATE TABLE schema_version(module TEXT PRIMARY KEY, version INTEGER NOT NULL); INSERT INTO schema_version VALUES('tracker', 999);"
run "$MINSHENG" orgunit list --db "$db"
expect_status 3
expect_err "架构版本 999"

finish
