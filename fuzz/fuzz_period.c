/*
 * fuzz_period.c - libFuzzer harness for period_parse and date_parse.
 *
 * The input bytes are one period text (and one date text). Whatever parses
 * must survive the round trip through period_format and agree with itself:
 * start <= end, a period lies within itself and within its year's span of
 * days, the year-to-date list ends at the period, 序时进度 is a fraction
 * 1 <= num <= den. A failure must be ERR_INPUT with a message. The first
 * bytes also pick a day number, whose day and ISO week are cross-checked. Any
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
	else {
		/* ISO 8601 by definition: a week is Monday..Sunday and belongs to
		 * the year of its Thursday, numbered from that year's first. */
		struct date thu = date_from_days(start + 3);

		CHECK(end - start == 6 && date_weekday(start) == 1);
		CHECK(thu.year == p->year);
		CHECK((date_day_of_year(thu) - 1) / 7 + 1 == p->index);
	}
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

/*
 * The first four bytes as a day number inside 1900..9999: the day's own
 * period and the ISO week holding it (found the textbook way, through the
 * Thursday of its week) must parse from their text and contain that day.
 */
static void check_day_number(const uint8_t *data, size_t size)
{
	const int32_t lo = -25567, hi = 2932896; /* 1900-01-01, 9999-12-31 */
	uint32_t raw;
	int32_t n, thursday;
	struct date d, t;
	struct period p;
	char text[PERIOD_STRLEN];
	int k, week;

	if (size < 4)
		return;
	raw = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 |
	      (uint32_t)data[3] << 24;
	n = lo + (int32_t)(raw % (uint32_t)(hi - lo + 1));
	d = date_from_days(n);
	CHECK(date_valid(d.year, d.month, d.day) && date_to_days(d) == n);

	k = snprintf(text, sizeof(text), "%04d%02d%02d", d.year, d.month, d.day);
	CHECK(period_parse(text, (size_t)k, &p, NULL) == 0);
	CHECK(period_start(&p) == n && period_end(&p) == n);

	thursday = n - (date_weekday(n) - 1) + 3;
	t = date_from_days(thursday);
	week = (date_day_of_year(t) - 1) / 7 + 1;
	if (t.year < 1900 || t.year > 9999)
		return;
	k = snprintf(text, sizeof(text), "%04dW%02d", t.year, week);
	CHECK(period_parse(text, (size_t)k, &p, NULL) == 0);
	CHECK(period_start(&p) <= n && n <= period_end(&p));
	CHECK(week <= period_weeks_in_year(t.year));
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
	check_day_number(data, size);
	return 0;
}
