/*
 * tracker_test.h - setup shared by the tracker's unit tests: an in-memory
 * database with the tracker's tables, the core test data of
 * tests/data/tracker/core, exact decimals from text, one-integer queries and
 * a collector of import notes. Include after <cmocka.h>. Functions are
 * static inline so that a test may use only some of them.
 */
#ifndef MINSHENG_TESTS_TRACKER_TEST_H
#define MINSHENG_TESTS_TRACKER_TEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/decimal.h"
#include "base/error.h"
#include "db/db.h"
#include "tracker/orgunit.h"
#include "tracker/plan.h"
#include "tracker/tracker.h"
#include "tracker/values.h"

/* A fresh in-memory database with the tracker's tables. */
static inline struct db *tt_open_db(void)
{
	struct db *db = NULL;
	struct error err;

	assert_int_equal(db_open(":memory:", &db, &err), 0);
	assert_int_equal(tracker_migrate(db, &err), 0);
	return db;
}

/* The path of a file of tests/data/tracker/core ($TESTDATA when set). */
static inline void tt_data_path(char *out, size_t n, const char *file)
{
	const char *d = getenv("TESTDATA");

	snprintf(out, n, "%s/tracker/core/%s", d ? d : "tests/data", file);
}

/*
 * tt_open_db with the core units and plan (orgunits.csv, plan.csv) and,
 * with values, the core data values (values.csv).
 */
static inline struct db *tt_core_db(bool values)
{
	struct orgunit_import_stats ost;
	struct plan_import_stats pst;
	struct plan_import_opts po = {false};
	struct values_import_stats vst;
	struct db *db = tt_open_db();
	struct error err;
	char path[512];

	tt_data_path(path, sizeof(path), "orgunits.csv");
	if (orgunit_import_file(db, path, NULL, &ost, NULL, NULL, &err))
		fail_msg("orgunits: %s", err.msg);
	tt_data_path(path, sizeof(path), "plan.csv");
	if (plan_import_file(db, path, &po, &pst, NULL, NULL, &err))
		fail_msg("plan: %s", err.msg);
	if (values) {
		tt_data_path(path, sizeof(path), "values.csv");
		if (values_import_file(db, path, NULL, &vst, &err))
			fail_msg("values: %s", err.msg);
	}
	return db;
}

/* An exact decimal from text (the test fails on a bad one). */
static inline struct decimal tt_dec(const char *s)
{
	struct decimal d;
	struct error e;

	if (decimal_parse(s, strlen(s), &d, &e))
		fail_msg("bad decimal %s", s);
	return d;
}

/* The one integer a query returns. */
static inline int64_t tt_int(struct db *db, const char *sql)
{
	struct error err;
	int64_t v = -1;

	assert_int_equal(db_int(db, sql, &v, &err), 0);
	return v;
}

/* The problems an import reported (a tracker_note_fn): reasons, counts. */
struct tt_seen {
	char reasons[1024];
	int errors, warnings;
};

static inline void tt_collect(void *ctx, const struct error *e, bool warning)
{
	struct tt_seen *s = ctx;
	size_t n = strlen(s->reasons);

	snprintf(s->reasons + n, sizeof(s->reasons) - n, "%s%s", n ? " " : "", e->reason);
	if (warning)
		s->warnings++;
	else
		s->errors++;
}

#endif
