/*
 * fuzz_programme.c - the programme list import (programme_import) run for
 * real on each input, against a fresh in-memory copy of the seeded subsidy
 * database (fuzz_subsidy.h: GL01 has entitlements, so its frequency is
 * fixed; CJ01 and JY01 have none).
 *
 * Invariants (abort() when broken):
 *   - the import returns 0 or ERR_INPUT;
 *   - every rejected row is ERR_INPUT with a reason, a message free of
 *     control characters, a line inside the input and a column 0..7;
 *   - ERR_INPUT without a rejected row is a file-level problem (header,
 *     empty file, unreadable text) that names a reason and a line;
 *   - a refused file leaves the programme table byte for byte as it was;
 *   - an accepted file: count is the number of data rows, each reads back
 *     (programme_list_load) with the name, department, frequency, standard
 *     and ages written in the file, the table holds the old codes plus the
 *     new ones, and importing the same file again changes nothing;
 *   - GL01, which has entitlements, is still monthly.
 */
#include <stdint.h>
#include <string.h>

#include "base/csv.h"
#include "base/error.h"
#include "subsidy/programme.h"

#include "fuzz_db.h"
#include "fuzz_subsidy.h"

#define MAXIN (64 * 1024)

#define TABLE_SQL                                                                                  \
	"SELECT id, code, name, department, frequency, standard_fen, min_age, max_age, seq"        \
	" FROM programme ORDER BY id"

struct rejects {
	long lines;
	int n;
};

static void on_reject(void *ctx, const struct error *e)
{
	struct rejects *rj = ctx;

	fuzz_check_input_error(e, rj->lines, 7);
	rj->n++;
}

/* Digits only: their value (at most 10^15 is enough to compare), else -1. */
static int64_t digits_value(const char *s, size_t len)
{
	int64_t v = 0;
	size_t i;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v < INT64_C(1000000000000000))
			v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Each data row of the accepted file is stored as written; returns their count. */
static size_t check_rows(struct db *db, const char *path, int64_t old_codes)
{
	struct csv_options opt = {0};
	struct programme_list l;
	struct csv_reader *r = NULL;
	struct csv_record rec;
	struct error err;
	size_t n = 0, new_codes = 0;
	int first = 1;

	error_clear(&err);
	opt.name = path;
	CHECK(programme_list_load(db, &l, &err) == 0);
	CHECK(csv_open_file(path, &opt, &r, &err) == 0);
	while (csv_next(r, &rec, &err) == 0 && rec.n) {
		const struct programme *p;

		if (first) {
			first = 0;
			continue;
		}
		CHECK(rec.n == 7);
		p = programme_list_find(&l, rec.field[0], rec.len[0]);
		CHECK(p != NULL);
		CHECK(strcmp(p->code, rec.field[0]) == 0);
		CHECK(strcmp(p->name, rec.field[1]) == 0);
		CHECK(strcmp(p->department, rec.field[2]) == 0);
		CHECK(p->frequency == programme_frequency_parse(rec.field[3]));
		CHECK(rec.len[4] ? p->standard_fen == digits_value(rec.field[4], rec.len[4])
				 : p->standard_fen == 0);
		CHECK(p->standard_fen >= 0 && p->standard_fen <= INT64_C(1000000000000));
		CHECK(rec.len[5] ? p->min_age == digits_value(rec.field[5], rec.len[5])
				 : p->min_age == -1);
		CHECK(rec.len[6] ? p->max_age == digits_value(rec.field[6], rec.len[6])
				 : p->max_age == -1);
		CHECK(p->min_age <= 150 && p->max_age <= 150);
		CHECK(p->min_age < 0 || p->max_age < 0 || p->min_age <= p->max_age);
		if (strcmp(p->code, "GL01") && strcmp(p->code, "CJ01") && strcmp(p->code, "JY01"))
			new_codes++;
		n++;
	}
	CHECK(err.code == 0);
	CHECK((int64_t)l.n == old_codes + (int64_t)new_codes);
	csv_close(r);
	programme_list_free(&l);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rejects rj = {0, 0};
	struct buf before, after;
	struct pii_keys keys;
	const char *path;
	struct error err;
	struct db *db;
	size_t count = 0, count2 = 0;
	int64_t codes0;
	int rc;

	if (size > MAXIN)
		return 0;
	db = fuzz_db_restore(fuzz_subsidy_snapshot(&keys));
	path = fuzz_file(data, size);
	rj.lines = fuzz_lines(data, size);
	before = fuzz_dump(db, TABLE_SQL);
	codes0 = fuzz_int(db, "SELECT count(*) FROM programme");

	error_clear(&err);
	rc = programme_import(db, path, NULL, on_reject, &rj, &count, &err);
	CHECK(rc == 0 || rc == ERR_INPUT);
	after = fuzz_dump(db, TABLE_SQL);
	if (rc) {
		CHECK(err.code == ERR_INPUT && err.msg[0] && fuzz_clean_text(err.msg));
		if (rj.n == 0)
			fuzz_check_input_error(&err, rj.lines, 7);
		CHECK(fuzz_same(&before, &after));
		goto out;
	}
	CHECK(rj.n == 0 && err.code == 0);
	CHECK(check_rows(db, path, codes0) == count);
	/* GL01 has entitlements: its frequency (what its periods mean) is fixed */
	CHECK(fuzz_int(db, "SELECT count(*) FROM programme"
			   " WHERE code = 'GL01' AND frequency <> 'monthly'") == 0);
	buf_free(&before);
	before = after;

	/* The same file again changes nothing. */
	rc = programme_import(db, path, NULL, on_reject, &rj, &count2, &err);
	CHECK(rc == 0 && count2 == count);
	after = fuzz_dump(db, TABLE_SQL);
	CHECK(fuzz_same(&before, &after));
out:
	db_close(db);
	return 0;
}
