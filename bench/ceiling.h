/*
 * ceiling.h - the small helpers storage_ceiling and payment_ceiling share:
 * a monotonic clock and SQLite calls that stop the benchmark on failure.
 * Define CEILING_PROG (the program's name, for messages) before including.
 */
#ifndef MINSHENG_BENCH_CEILING_H
#define MINSHENG_BENCH_CEILING_H

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void die_sql(sqlite3 *s, const char *what)
{
	fprintf(stderr, CEILING_PROG ": %s: %s\n", what, sqlite3_errmsg(s));
	exit(3);
}

static void exec(sqlite3 *s, const char *sql)
{
	if (sqlite3_exec(s, sql, NULL, NULL, NULL) != SQLITE_OK)
		die_sql(s, sql);
}

static sqlite3_stmt *prep(sqlite3 *s, const char *sql)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(s, sql, -1, &st, NULL) != SQLITE_OK)
		die_sql(s, sql);
	return st;
}

static void step(sqlite3 *s, sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		die_sql(s, "step");
	sqlite3_reset(st);
}

#endif
