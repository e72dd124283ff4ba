/*
 * test_people_fuzzregress.c - deaths and officials import bugs found by
 * fuzz_officials and fuzz_deaths (docs/fuzzing.md) or while writing them,
 * one test each, so they stay fixed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/error.h"
#include "db/db.h"
#include "subsidy/people.h"
#include "subsidy/pii.h"
#include "subsidy/subsidy.h"

struct seen {
	int n;
	char msgs[4][512];
};

static void collect(void *ctx, const struct error *e)
{
	struct seen *s = ctx;

	if (s->n < 4)
		snprintf(s->msgs[s->n], sizeof(s->msgs[0]), "%s", e->msg);
	s->n++;
}

static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static void write_file(char *path, const char *text)
{
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/*
 * A bad village code holding a terminal escape (OSC: ESC ] ... BEL) or a
 * quoted newline went into the reject message as it was, so it reached
 * stderr raw. Control characters now show as '?'.
 */
static void test_officials_control_characters_in_messages(void **state)
{
	char path[] = "/tmp/ms-people-fuzzregress-XXXXXX";
	struct people_summary sum;
	struct pii_keys keys;
	struct seen s = {0};
	struct db *db = NULL;
	struct error err;
	int i;

	(void)state;
	write_file(path, "id_number,name,village,role\n"
			 "410102194001101018,张伟,\"\x1b]0;pwn\x07\",村支书\n"
			 "410102194102111020,王芳,\"4101020010\n1\",主任\n");
	memset(&keys, 7, sizeof(keys));
	error_clear(&err);
	assert_int_equal(pii_init(&err), 0);
	assert_int_equal(db_open(":memory:", &db, &err), 0);
	assert_int_equal(subsidy_migrate(db, &err), 0);
	assert_int_equal(officials_import(db, &keys, path, NULL, collect, &s, &sum, &err),
			 ERR_INPUT);
	assert_int_equal(s.n, 2);
	assert_int_equal(sum.rejected, 2);
	for (i = 0; i < s.n; i++)
		assert_false(has_control(s.msgs[i]));
	assert_false(has_control(err.msg));
	assert_string_equal(err.reason, "bad_village");
	assert_non_null(strstr(s.msgs[0], "'?]0;pwn?'"));
	/* 11 digits: 12 would be withheld as a possible ID (mask_quote) */
	assert_non_null(strstr(s.msgs[1], "'4101020010?1'"));
	db_close(db);
	unlink(path);
}

/* A valid 18-character ID for a 17-digit prefix (ISO 7064 check character). */
static void make_id(char *out, const char *base17)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	int i, sum = 0;

	for (i = 0; i < 17; i++)
		sum += (base17[i] - '0') * w[i];
	memcpy(out, base17, 17);
	out[17] = "10X98765432"[sum % 11];
	out[18] = '\0';
}

struct dups {
	int n;
	long line[4];
	char msg[4][512];
};

static void collect_dup(void *ctx, const struct error *e)
{
	struct dups *d = ctx;

	if (d->n < 4) {
		d->line[d->n] = e->line;
		snprintf(d->msg[d->n], sizeof(d->msg[0]), "%s", e->msg);
	}
	d->n++;
}

/*
 * The duplicate check compared each row with every earlier one, so a
 * register of N rows took N^2/2 comparisons (a year of a province's deaths,
 * several hundred thousand rows, took minutes). It is a hash table now: the
 * same verdicts (the earlier line named, an official's other role or
 * village accepted), and 40,000 rows read well within the bound below,
 * which the quadratic scan exceeded several times over in this build.
 */
static void test_register_duplicates_linear(void **state)
{
	enum { N = 40000 };
	char path[] = "/tmp/ms-people-fuzzregress-XXXXXX";
	char base[18], id[19], first_id[19], mid_id[19];
	struct people_summary sum;
	struct pii_keys keys;
	struct dups d = {0};
	struct db *db = NULL;
	struct timespec a, b;
	struct error err;
	FILE *f;
	int fd, i;
	double secs;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("id_number,date_of_death\n", f);
	for (i = 0; i < N; i++) {
		/* distinct people: birth dates 1930-01-01 onwards, sequence i % 1000 */
		snprintf(base, sizeof(base), "410102%04d%02d%02d%03d", 1930 + i % 50,
			 1 + (i / 50) % 12, 1 + (i / 600) % 28, i % 1000);
		make_id(id, base);
		if (i == 0)
			memcpy(first_id, id, sizeof(id));
		if (i == N / 2)
			memcpy(mid_id, id, sizeof(id));
		fprintf(f, "%s,2023-01-15\n", id);
	}
	/* the first and the middle person again, at lines N + 2 and N + 3 */
	fprintf(f, "%s,2023-01-16\n%s,2023-01-17\n", first_id, mid_id);
	assert_int_equal(fclose(f), 0);

	memset(&keys, 5, sizeof(keys));
	error_clear(&err);
	assert_int_equal(pii_init(&err), 0);
	assert_int_equal(db_open(":memory:", &db, &err), 0);
	assert_int_equal(subsidy_migrate(db, &err), 0);
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(deaths_import(db, &keys, path, NULL, collect_dup, &d, &sum, &err),
			 ERR_INPUT);
	clock_gettime(CLOCK_MONOTONIC, &b);
	secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	assert_int_equal(sum.rows, N + 2);
	assert_int_equal(sum.rejected, 2);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.line[0], N + 2);
	assert_int_equal(d.line[1], N + 3);
	assert_string_equal(d.msg[0], "与第 2 行重复");
	{
		char want[64];

		snprintf(want, sizeof(want), "与第 %d 行重复", N / 2 + 2);
		assert_string_equal(d.msg[1], want);
	}
	assert_true(secs < 8.0);
	db_close(db);
	unlink(path);
}

/* Officials: the same person in another role or village is a new row; the
 * same (person, village, role) twice names the first line. */
static void test_officials_duplicates(void **state)
{
	char path[] = "/tmp/ms-people-fuzzregress-XXXXXX";
	struct people_summary sum;
	struct pii_keys keys;
	struct dups d = {0};
	struct db *db = NULL;
	struct error err;

	(void)state;
	write_file(path, "id_number,name,village,role\n"
			 "410102194001101018,张伟,410102001001,村支书\n"
			 "410102194001101018,张伟,410102001001,主任\n"
			 "410102194001101018,张伟,410102001002,村支书\n"
			 "410102194102111020,王芳,410102001001,村支书\n"
			 "410102194001101018,张伟,410102001002,村支书\n");
	memset(&keys, 9, sizeof(keys));
	error_clear(&err);
	assert_int_equal(pii_init(&err), 0);
	assert_int_equal(db_open(":memory:", &db, &err), 0);
	assert_int_equal(subsidy_migrate(db, &err), 0);
	assert_int_equal(officials_import(db, &keys, path, NULL, collect_dup, &d, &sum, &err),
			 ERR_INPUT);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.line[0], 6);
	assert_string_equal(d.msg[0], "与第 4 行重复");
	db_close(db);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_officials_control_characters_in_messages),
	    cmocka_unit_test(test_register_duplicates_linear),
	    cmocka_unit_test(test_officials_duplicates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
