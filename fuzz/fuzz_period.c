/*
 * fuzz_period.c - libFuzzer harness for period_parse and date_parse.
 *
 * The input bytes are one period text (and one date text). Whatever parses
 * must survive the round trip through period_format and agree with itself:
 * start <= end, a period lies within itself and within its year's span of
 * days, the year-to-date list ends at the period, 序时进度 is a fraction
 * 1 <= num <= den. A failure must be ERR_INPUT with a message. Any
 * inconsistency aborts, so libFuzzer (and the CTest replay) reports it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/period.h"

#define CHECK(cond)                                                                    \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "fuzz_period: %s failed at line %d\n", #cond,  \
				__LINE__);                                             \
			abort();                                                       \
		}                                                                      \
	} while (0)

static void check_period(const struct period *p)
{
	char text[PERIOD_STRLEN];
	struct period q, list[400];
	struct error err;
	size_t len, n = 0;
	int64_t num = -1, den = -1;
	int32_t start = period_start(p), end = period_end(p);
	struct period y = period_year(p->year);

	CHECK(p->year >= 1900 && p->year <= 9999);
	len = period_format(p, text, sizeof(text));
	CHECK(len > 0 && len < PERIOD_STRLEN && len == strlen(text));
	error_clear(&err);
	CHECK(period_parse(text, len, &q, &err) == 0);
	CHECK(period_equal(p, &q));

	CHECK(start <= end);
	CHECK(period_within(p, p));
	CHECK(period_within(&y, &y));
	/* every period but a week lies in its calendar year */
	if (p->type != PERIOD_WEEK)
		CHECK(period_within(p, &y));
	else
		CHECK(end - start == 6 && date_weekday(start) == 1);
	/* a week overlaps its year, even when it sticks out */
	CHECK(start <= period_end(&y) && end >= period_start(&y));

	period_elapsed(p, &num, &den);
	CHECK(den == 12 || den == 365 || den == 366);
	CHECK(num >= 1 && num <= den);

	CHECK(period_year_to(p, list, sizeof(list) / sizeof(list[0]), &n) == 0);
	CHECK(n >= 1 && n <= 366);
	CHECK(period_equal(&list[n - 1], p));
	CHECK(period_start(&list[0]) <= start);
	if (n > 1)
		CHECK(period_end(&list[n - 2]) < start);

	/* day numbers convert back to the same days */
	{
		struct date a = date_from_days(start), b = date_from_days(end);

		CHECK(date_to_days(a) == start && date_to_days(b) == end);
		if (p->type != PERIOD_WEEK)
			CHECK(a.year == p->year && b.year == p->year);
	}
}

static void check_date(const uint8_t *data, size_t size)
{
	struct date d, e;
	struct error err;
	char text[16];
	size_t len;

	error_clear(&err);
	if (date_parse((const char *)data, size, &d, &err) != 0) {
		CHECK(err.code == ERR_INPUT && err.msg[0] != '\0');
		return;
	}
	CHECK(date_valid(d.year, d.month, d.day));
	len = date_format(d, text, sizeof(text));
	CHECK(len == 10);
	CHECK(date_parse(text, len, &e, NULL) == 0);
	CHECK(d.year == e.year && d.month == e.month && d.day == e.day);
	e = date_from_days(date_to_days(d));
	CHECK(d.year == e.year && d.month == e.month && d.day == e.day);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct period p;
	struct error err;

	error_clear(&err);
	if (period_parse((const char *)data, size, &p, &err) == 0) {
		check_period(&p);
	} else {
		CHECK(err.code == ERR_INPUT && err.msg[0] != '\0' && err.reason[0] != '\0');
		CHECK(strlen(err.msg) < sizeof(err.msg) - 1);
	}
	check_date(data, size);
	return 0;
}
