/*
 * test_roster_once.c - the once-programme check of roster import
 * (once_already) with more once-rows than the in-memory set starts with, so
 * that it has grown several times: a conflict inside one file names the
 * line and period of the first row, for people the import created (the
 * set), for people of an earlier import (the database), and for a programme
 * whose id does not fit the set's key (the database too). One and two
 * threads, all-or-nothing and --partial give the same rejects.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "db/db.h"
#include "subsidy/idcard.h"
#include "subsidy/roster.h"
#include "subsidy/subsidy.h"

#define MANY 900 /* once-rows of new people: the set starts at 256 slots */

static char dir[64];
static char keyname[32]; /* the key file of the database open_db opened last */

/* A valid ID number for person i (0 <= i < 28000): born 2008-01-(1 + i / 1000). */
static const char *id_of(int i)
{
	static char id[19];

	assert_true(i >= 0 && i < 28000);
	snprintf(id, sizeof(id), "410102200801%02u%03u0", (unsigned)(1 + i / 1000) % 100u,
		 (unsigned)(i % 1000) % 1000u);
	id[17] = idcard_check_char(id);
	return id;
}

/* Writes one row and returns its line (the header is line 1). */
static long row(FILE *f, long *line, const char *prog, const char *period, int person)
{
	fprintf(f, "%s,%s,%s,人%d,410102001001,6217000000000000012,100\n", prog, period,
		id_of(person), person);
	return ++*line;
}

struct rejects {
	char *text;
	size_t len, cap;
};

static void on_reject(void *ctx, long line, long column, const char *code, const char *msg)
{
	struct rejects *r = ctx;
	int n;

	for (;;) {
		n = snprintf(r->text + r->len, r->cap - r->len, "%ld:%ld:%s:%s\n", line, column,
			     code, msg);
		assert_true(n > 0);
		if ((size_t)n < r->cap - r->len)
			break;
		r->cap = r->cap * 2 + (size_t)n;
		r->text = realloc(r->text, r->cap);
		assert_non_null(r->text);
	}
	r->len += (size_t)n;
}

static void expect_once(struct rejects *want, long line, const char *prog, const char *period,
			const char *where)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "一次性项目 '%s' 此人已有 %s 期间的应发记录（%s）", prog, period,
		 where);
	on_reject(want, line, 3, "once_already", msg);
}

static struct db *open_db(const char *name)
{
	struct db *db = NULL;
	struct error err;
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
	snprintf(keyname, sizeof(keyname), "%s.key", name);
	error_clear(&err);
	assert_int_equal(db_open(path, &db, &err), 0);
	assert_int_equal(subsidy_migrate(db, &err), 0);
	return db;
}

static int import(struct db *db, const char *file, int threads, bool partial, struct rejects *rj,
		  struct roster_summary *sum)
{
	struct roster_options o = {0};
	struct error err;
	char path[128], key[128];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	snprintf(key, sizeof(key), "%s/%s", dir, keyname);
	o.path = path;
	o.key_opt = key;
	o.threads = threads;
	o.partial = partial;
	o.on_reject = on_reject;
	o.ctx = rj;
	rj->len = 0;
	if (rj->text)
		rj->text[0] = '\0';
	error_clear(&err);
	return roster_import(db, &o, sum, &err);
}

static int64_t count(struct db *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n;

	assert_int_equal(sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static FILE *open_roster(const char *name)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("programme,period,id_number,name,village,bank_account,amount_fen\n", f);
	return f;
}

static void test_once_many(void **state)
{
	struct rejects want1 = {0}, want2 = {0}, got = {0}, got2 = {0};
	struct roster_summary sum, sum2;
	struct error err;
	struct db *db;
	long line = 1, first[MANY], l950, l2a, l2b, l2c;
	char where[64];
	FILE *f;
	int i, t;

	(void)state;
	error_clear(&err);
	snprintf(dir, sizeof(dir), "/tmp/test_roster_once.XXXXXX");
	assert_non_null(mkdtemp(dir));

	/*
	 * First file: MANY new people with JYBZ 2023 (the set grows from 256
	 * slots to 2048), a monthly row between them now and then; then
	 * conflicts with rows from the start, the middle and the end, a
	 * duplicate of the same period, and 50 people with DBJ only (for the
	 * second file).
	 */
	f = open_roster("r1.csv");
	for (i = 0; i < MANY; i++) {
		first[i] = row(f, &line, "JYBZ", "2023", i);
		if (i % 97 == 0)
			row(f, &line, "DBJ", "202301", i);
	}
	snprintf(where, sizeof(where), "本文件第 %ld 行", first[0]);
	expect_once(&want1, row(f, &line, "JYBZ", "2024", 0), "JYBZ", "2023", where);
	snprintf(where, sizeof(where), "本文件第 %ld 行", first[500]);
	expect_once(&want1, row(f, &line, "JYBZ", "2022", 500), "JYBZ", "2023", where);
	{
		char msg[128];
		long l = row(f, &line, "JYBZ", "2023", MANY - 1);

		snprintf(msg, sizeof(msg), "与第 %ld 行重复（同一项目、期间和身份证号）",
			 first[MANY - 1]);
		on_reject(&want1, l, 3, "duplicate_in_file", msg);
	}
	snprintf(where, sizeof(where), "本文件第 %ld 行", first[MANY - 1]);
	expect_once(&want1, row(f, &line, "JYBZ", "2025", MANY - 1), "JYBZ", "2023", where);
	row(f, &line, "DBJ", "202302", 1);
	/* a new person: the once-row, something else, the second once-row */
	l950 = row(f, &line, "JYBZ", "2024", 950);
	row(f, &line, "DBJ", "202301", 950);
	snprintf(where, sizeof(where), "本文件第 %ld 行", l950);
	expect_once(&want1, row(f, &line, "JYBZ", "2021", 950), "JYBZ", "2024", where);
	for (i = 1000; i < 1050; i++)
		row(f, &line, "DBJ", "202301", i);
	assert_int_equal(fclose(f), 0);

	for (t = 1; t <= 2; t++) {
		snprintf(where, sizeof(where), "nothing%d.db", t);
		db = open_db(where);
		assert_int_equal(
		    db_exec(db,
			    "INSERT INTO programme(id, code, name, department, frequency)"
			    " VALUES(1, 'DBJ', '低保', '民政', 'monthly'),"
			    " (2, 'JYBZ', '助学', '教育', 'once')",
			    &err),
		    0);
		assert_int_equal(import(db, "r1.csv", t, false, &got, &sum), ERR_INPUT);
		assert_string_equal(got.text, want1.text);
		assert_false(sum.committed);
		assert_int_equal(sum.rejected, 5);
		assert_int_equal(sum.by_reason[ROSTER_ONCE_ALREADY], 4);
		assert_int_equal(count(db, "SELECT COUNT(*) FROM entitlement"), 0);
		db_close(db);
	}

	db = open_db("o.db");
	assert_int_equal(db_exec(db,
				 "INSERT INTO programme(id, code, name, department, frequency)"
				 " VALUES(1, 'DBJ', '低保', '民政', 'monthly'),"
				 " (2, 'JYBZ', '助学', '教育', 'once'),"
				 " (70000, 'YCX', '一次性', '民政', 'once')",
				 &err),
			 0);
	assert_int_equal(import(db, "r1.csv", 2, true, &got, &sum), ERR_INPUT);
	assert_string_equal(got.text, want1.text);
	assert_true(sum.committed);
	assert_int_equal(sum.rejected, 5);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM entitlement WHERE programme_id = 2"),
			 MANY + 1);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM (SELECT beneficiary_id FROM entitlement"
				   " WHERE programme_id = 2 GROUP BY beneficiary_id"
				   " HAVING COUNT(*) > 1)"),
			 0);

	/*
	 * Second file: people of the first import (not in this import's set:
	 * the database answers), new people past the set's growth again, and
	 * YCX, whose id (70000) does not fit the set's key.
	 */
	line = 1;
	f = open_roster("r2.csv");
	snprintf(where, sizeof(where), "第 1 次导入第 %ld 行", first[3]);
	expect_once(&want2, row(f, &line, "JYBZ", "2026", 3), "JYBZ", "2023", where);
	l2a = row(f, &line, "JYBZ", "2024", 1000); /* known person, first once-row */
	for (i = 2000; i < 2000 + MANY / 2; i++)
		row(f, &line, "JYBZ", "2023", i);
	l2b = row(f, &line, "YCX", "2024", 3000); /* new person, YCX */
	l2c = row(f, &line, "YCX", "2024", 1001); /* known person, YCX */
	row(f, &line, "DBJ", "202302", 3000);
	snprintf(where, sizeof(where), "本文件第 %ld 行", l2a);
	expect_once(&want2, row(f, &line, "JYBZ", "2025", 1000), "JYBZ", "2024", where);
	snprintf(where, sizeof(where), "本文件第 %ld 行", l2b);
	expect_once(&want2, row(f, &line, "YCX", "2023", 3000), "YCX", "2024", where);
	snprintf(where, sizeof(where), "本文件第 %ld 行", l2c);
	expect_once(&want2, row(f, &line, "YCX", "2025", 1001), "YCX", "2024", where);
	snprintf(where, sizeof(where), "本文件第 %ld 行", l2a + 1);
	expect_once(&want2, row(f, &line, "JYBZ", "2022", 2000), "JYBZ", "2023", where);
	snprintf(where, sizeof(where), "本文件第 %ld 行", l2a + MANY / 2);
	expect_once(&want2, row(f, &line, "JYBZ", "2022", 2000 + MANY / 2 - 1), "JYBZ", "2023",
		    where);
	snprintf(where, sizeof(where), "第 1 次导入第 %ld 行", l950);
	expect_once(&want2, row(f, &line, "JYBZ", "2020", 950), "JYBZ", "2024", where);
	assert_int_equal(fclose(f), 0);

	assert_int_equal(import(db, "r2.csv", 1, false, &got, &sum), ERR_INPUT);
	assert_string_equal(got.text, want2.text);
	assert_false(sum.committed);
	assert_int_equal(import(db, "r2.csv", 2, true, &got2, &sum2), ERR_INPUT);
	assert_string_equal(got2.text, want2.text);
	assert_true(sum2.committed);
	assert_int_equal(sum2.rejected, 7);
	assert_int_equal(sum2.accepted, 1 + MANY / 2 + 2 + 1);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM (SELECT beneficiary_id FROM entitlement"
				   " WHERE programme_id <> 1 GROUP BY programme_id, beneficiary_id"
				   " HAVING COUNT(*) > 1)"),
			 0);
	db_close(db);

	free(want1.text);
	free(want2.text);
	free(got.text);
	free(got2.text);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		assert_int_equal(system(cmd), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_once_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
