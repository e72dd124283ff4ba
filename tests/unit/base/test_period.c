/*
 * test_period.c - DHIS2 periods and calendar days: parsing (good and bad
 * text), day numbers checked against a day-by-day count and glibc's ISO week
 * numbers, containment, year-to-date lists and 序时进度.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/error.h"
#include "base/period.h"

static struct period parse_ok(const char *s)
{
	struct period p;
	struct error err;

	error_clear(&err);
	if (period_parse(s, strlen(s), &p, &err) != 0)
		fail_msg("period_parse('%s') failed: %s", s, err.msg);
	return p;
}

static int32_t days_of(int y, int m, int d)
{
	return date_to_days((struct date){y, m, d});
}

/* The text of a rejected period appears in the message with the reason. */
static void parse_bad_len(const char *s, size_t len, const char *reason, const char *quoted)
{
	struct period p = {PERIOD_YEAR, 1234, 0};
	struct error err;

	error_clear(&err);
	if (period_parse(s, len, &p, &err) != ERR_INPUT)
		fail_msg("period_parse('%.*s') should fail", (int)len, s);
	assert_int_equal(err.code, ERR_INPUT);
	assert_string_equal(err.reason, reason);
	if (!strstr(err.msg, quoted))
		fail_msg("message '%s' does not name '%s'", err.msg, quoted);
	/* out untouched on failure */
	assert_int_equal(p.type, PERIOD_YEAR);
	assert_int_equal(p.year, 1234);
}

static void parse_bad(const char *s, const char *reason)
{
	char quoted[128];

	snprintf(quoted, sizeof(quoted), "'%s'", s);
	parse_bad_len(s, strlen(s), reason, quoted);
}

static void test_parse_good(void **state)
{
	struct period p;

	(void)state;
	p = parse_ok("2023");
	assert_int_equal(p.type, PERIOD_YEAR);
	assert_int_equal(p.year, 2023);
	assert_int_equal(p.index, 0);
	p = parse_ok("2023S1");
	assert_int_equal(p.type, PERIOD_SIXMONTH);
	assert_int_equal(p.index, 1);
	p = parse_ok("2023S2");
	assert_int_equal(p.index, 2);
	p = parse_ok("2023Q1");
	assert_int_equal(p.type, PERIOD_QUARTER);
	assert_int_equal(p.index, 1);
	p = parse_ok("2023Q4");
	assert_int_equal(p.index, 4);
	p = parse_ok("202303");
	assert_int_equal(p.type, PERIOD_MONTH);
	assert_int_equal(p.year, 2023);
	assert_int_equal(p.index, 3);
	p = parse_ok("202312");
	assert_int_equal(p.index, 12);
	p = parse_ok("2023W10");
	assert_int_equal(p.type, PERIOD_WEEK);
	assert_int_equal(p.index, 10);
	p = parse_ok("2023W1");
	assert_int_equal(p.type, PERIOD_WEEK);
	assert_int_equal(p.index, 1);
	p = parse_ok("2023W52");
	assert_int_equal(p.index, 52);
	p = parse_ok("2020W53");
	assert_int_equal(p.index, 53);
	p = parse_ok("20230315");
	assert_int_equal(p.type, PERIOD_DAY);
	assert_int_equal(p.year, 2023);
	assert_int_equal(p.index, 315);
	p = parse_ok("20240229");
	assert_int_equal(p.index, 229);
	p = parse_ok("1900");
	assert_int_equal(p.year, 1900);
	p = parse_ok("9999Q4");
	assert_int_equal(p.year, 9999);
	p = parse_ok("20001231");
	assert_int_equal(p.index, 1231);
	p = parse_ok("20000229"); /* 2000 is a leap year (divisible by 400) */
	assert_int_equal(p.index, 229);

	/* len bounds the text: no NUL needed, trailing bytes ignored */
	assert_int_equal(period_parse("2023Q1xyz", 6, &p, NULL), 0);
	assert_int_equal(p.type, PERIOD_QUARTER);
}

static void test_parse_bad(void **state)
{
	struct period p;
	char big[300];

	(void)state;
	parse_bad("202313", "period_month");
	parse_bad("202300", "period_month");
	parse_bad("2023Q5", "period_quarter");
	parse_bad("2023Q0", "period_quarter");
	parse_bad("20230230", "period_day");
	parse_bad("20230229", "period_day");
	parse_bad("19000229", "period_day"); /* 1900 is not a leap year */
	parse_bad("20230431", "period_day");
	parse_bad("20230100", "period_day");
	parse_bad("20231301", "period_month");
	parse_bad("20230015", "period_month");
	parse_bad("2023W54", "period_week");
	parse_bad("2023W53", "period_week"); /* 2023 has 52 ISO weeks */
	parse_bad("2021W53", "period_week");
	parse_bad("2023W0", "period_week");
	parse_bad("2023W00", "period_week");
	parse_bad("2023W99", "period_week");
	parse_bad("2023S3", "period_half");
	parse_bad("2023S0", "period_half");
	parse_bad("2023-03", "period_syntax");
	parse_bad("2023-03-15", "period_long");
	parse_bad("abcd", "period_syntax");
	parse_bad(" 2023", "period_syntax");
	parse_bad("2023 ", "period_syntax");
	parse_bad(" 2023Q1", "period_syntax");
	parse_bad("2023Q1 ", "period_syntax");
	parse_bad_len("2023\t", 5, "period_syntax", "'2023\\x09'");
	parse_bad("1899", "period_year");
	parse_bad("0000", "period_year");
	parse_bad("189912", "period_year");
	parse_bad("18991231", "period_year");
	parse_bad("1899W01", "period_year");
	parse_bad("10000", "period_syntax");
	parse_bad("2023q1", "period_syntax");
	parse_bad("2023w10", "period_syntax");
	parse_bad("2023W", "period_syntax");
	parse_bad("2023Q", "period_syntax");
	parse_bad("2023W1a", "period_syntax");
	parse_bad("2023W001", "period_syntax");
	parse_bad("2023Q01", "period_syntax");
	parse_bad("2023S01", "period_syntax");
	parse_bad("2023BiW1", "period_syntax");
	parse_bad("2023Sep", "period_syntax");
	parse_bad("202", "period_syntax");
	parse_bad("+2023", "period_syntax");
	parse_bad("-202303", "period_syntax");
	parse_bad("2023+3", "period_syntax");
	parse_bad("2023０3", "period_syntax"); /* full-width digit: 8 bytes */
	parse_bad("2023年", "period_syntax");
	parse_bad("2023April", "period_long");
	parse_bad("2023AprilS1", "period_long");
	parse_bad("202303151", "period_long");
	parse_bad("", "period_empty");

	/* NULL text counts as empty */
	assert_int_equal(period_parse(NULL, 0, &p, NULL), ERR_INPUT);
	/* a NUL inside the text is a bad byte, shown escaped */
	parse_bad_len("2023\0Q1", 7, "period_syntax", "'2023\\x00Q1'");
	/* overlong text: shown cut short, never overflowing the message */
	memset(big, '9', sizeof(big));
	parse_bad_len(big, sizeof(big), "period_long", "'99999999999999999999999999999999...'");
	/* broken UTF-8 is escaped; whole characters are shown */
	parse_bad_len("\xff\xfe年", 5, "period_syntax", "'\\xff\\xfe年'");
	parse_bad_len("20'3", 4, "period_syntax", "'20\\x273'");
}

static void test_parse_message(void **state)
{
	struct period p;
	struct error err;

	(void)state;
	error_clear(&err);
	assert_int_equal(period_parse("2023W53", 7, &p, &err), ERR_INPUT);
	assert_string_equal(err.msg, "无效的期间 '2023W53': 2023 年只有 52 周");
	assert_int_equal(period_parse("202313", 6, &p, &err), ERR_INPUT);
	assert_string_equal(err.msg, "无效的期间 '202313': 月份应在 01 到 12 之间");
	/* the messages docs/periods.md shows */
	assert_int_equal(period_parse("2023Q5", 6, &p, &err), ERR_INPUT);
	assert_string_equal(err.msg, "无效的期间 '2023Q5': 季度应在 Q1 到 Q4 之间");
	assert_int_equal(period_parse("2023S3", 6, &p, &err), ERR_INPUT);
	assert_string_equal(err.msg, "无效的期间 '2023S3': 半年应为 S1 或 S2");
	assert_int_equal(period_parse("20230230", 8, &p, &err), ERR_INPUT);
	assert_string_equal(err.msg, "无效的期间 '20230230': 该月没有这一天");
	assert_int_equal(period_parse("2023W0", 6, &p, &err), ERR_INPUT);
	assert_string_equal(err.msg, "无效的期间 '2023W0': 周次应从 W01 开始");
	assert_int_equal(period_parse("1899", 4, &p, &err), ERR_INPUT);
	assert_string_equal(err.msg, "无效的期间 '1899': 年份应在 1900 到 9999 之间");
	assert_int_equal(period_parse("2023-03", 7, &p, &err), ERR_INPUT);
	assert_string_equal(err.msg, "无效的期间 '2023-03': 格式应为 2023、2023S1、2023Q1、202303、"
				     "2023W10 或 20230315");
	assert_int_equal(period_parse("", 0, &p, &err), ERR_INPUT);
	assert_string_equal(err.msg, "无效的期间 '': 为空");
	/* err may be NULL */
	assert_int_equal(period_parse("2023Q5", 6, &p, NULL), ERR_INPUT);
	/* success leaves err alone (it is not cleared, for speed) */
	error_set(&err, ERR_IO, "earlier");
	assert_int_equal(period_parse("2023Q4", 6, &p, &err), 0);
	assert_string_equal(err.msg, "earlier");
}

static void check_format(const char *text)
{
	struct period p = parse_ok(text), q;
	char out[PERIOD_STRLEN];

	assert_int_equal(period_format(&p, out, sizeof(out)), strlen(text));
	assert_string_equal(out, text);
	q = parse_ok(out);
	assert_true(period_equal(&p, &q));
}

static void test_format(void **state)
{
	struct period p = parse_ok("2023W3");
	char out[PERIOD_STRLEN], small[5];

	(void)state;
	check_format("2023");
	check_format("2023S2");
	check_format("2023Q3");
	check_format("202301");
	check_format("2023W01");
	check_format("2020W53");
	check_format("20240229");
	check_format("19000101");
	check_format("99991231");
	/* DHIS2's 2023W3 reads back as the canonical 2023W03 */
	period_format(&p, out, sizeof(out));
	assert_string_equal(out, "2023W03");
	/* a small buffer is cut and terminated */
	p = parse_ok("20230315");
	assert_int_equal(period_format(&p, small, sizeof(small)), 4);
	assert_string_equal(small, "2023");
	assert_int_equal(period_format(&p, small, 0), 0);
	/* an invalid type writes nothing */
	p.type = (enum period_type)0;
	assert_int_equal(period_format(&p, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	p = period_year(2023);
	assert_int_equal(p.type, PERIOD_YEAR);
	period_format(&p, out, sizeof(out));
	assert_string_equal(out, "2023");
}

static void test_leap(void **state)
{
	(void)state;
	assert_true(date_is_leap(2024));
	assert_true(date_is_leap(2000));
	assert_true(date_is_leap(1904));
	assert_false(date_is_leap(2023));
	assert_false(date_is_leap(1900));
	assert_false(date_is_leap(2100));
	assert_int_equal(date_days_in_month(2024, 2), 29);
	assert_int_equal(date_days_in_month(2023, 2), 28);
	assert_int_equal(date_days_in_month(2023, 4), 30);
	assert_int_equal(date_days_in_month(2023, 12), 31);
	assert_int_equal(date_days_in_month(2023, 13), 0);
	assert_int_equal(date_days_in_month(2023, 0), 0);
	assert_true(date_valid(2024, 2, 29));
	assert_false(date_valid(2023, 2, 29));
	assert_false(date_valid(2023, 2, 30));
	assert_false(date_valid(2023, 0, 1));
	assert_false(date_valid(2023, 1, 0));
	assert_false(date_valid(2023, 1, 32));
	assert_false(date_valid(1899, 12, 31));
	assert_false(date_valid(10000, 1, 1));
	assert_true(date_valid(1900, 1, 1));
	assert_true(date_valid(9999, 12, 31));
}

/*
 * date_to_days / date_from_days against a plain day-by-day walk from
 * 1900-01-01 (day -25567) to 9999-12-31, and date_weekday against the
 * known weekday of 1900-01-01 (a Monday).
 */
static void test_days_exact(void **state)
{
	struct date d = {1900, 1, 1}, back;
	int32_t n = -25567;
	int wd = 1, doy = 1;

	(void)state;
	assert_int_equal(days_of(1970, 1, 1), 0);
	assert_int_equal(days_of(1969, 12, 31), -1);
	assert_int_equal(days_of(2023, 3, 15), 19431);
	assert_int_equal(days_of(2000, 3, 1), 11017);
	for (;;) {
		if (date_to_days(d) != n)
			fail_msg("date_to_days(%d-%d-%d) = %d, want %d", d.year, d.month, d.day,
				 date_to_days(d), n);
		back = date_from_days(n);
		if (back.year != d.year || back.month != d.month || back.day != d.day)
			fail_msg("date_from_days(%d) = %d-%d-%d", n, back.year, back.month,
				 back.day);
		if (date_weekday(n) != wd)
			fail_msg("weekday of %d is %d, want %d", n, date_weekday(n), wd);
		if (date_day_of_year(d) != doy)
			fail_msg("day of year of %d-%d-%d", d.year, d.month, d.day);
		if (d.year == 9999 && d.month == 12 && d.day == 31)
			break;
		n++;
		wd = wd % 7 + 1;
		doy++;
		if (++d.day > date_days_in_month(d.year, d.month)) {
			d.day = 1;
			if (++d.month > 12) {
				d.month = 1;
				d.year++;
				doy = 1;
			}
		}
	}
	assert_int_equal(n, 2932896);
	/* no overflow or garbage at the ends of int32_t */
	back = date_from_days(INT32_MAX);
	assert_int_equal(date_to_days(back), INT32_MAX);
	back = date_from_days(INT32_MIN);
	assert_int_equal(date_to_days(back), INT32_MIN);
	assert_int_equal(date_weekday(INT32_MIN), date_weekday(INT32_MIN + 7));
	assert_true(date_weekday(INT32_MAX) >= 1 && date_weekday(INT32_MAX) <= 7);
}

/*
 * ISO weeks against glibc's strftime %G (ISO year) and %V (ISO week):
 * every day of 1900..2200 and of a few later spans must lie in the week
 * period_start/period_end give for its ISO year and week, and every
 * year's week count must match the week of its 28 December.
 */
static void check_iso_day(struct date d)
{
	struct tm tm;
	char text[32];
	int iy, iw;
	struct period w;
	int32_t n = date_to_days(d);
	time_t t;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = d.year - 1900;
	tm.tm_mon = d.month - 1;
	tm.tm_mday = d.day;
	tm.tm_hour = 12;
	t = timegm(&tm);
	assert_true(t != (time_t)-1);
	assert_int_equal((int64_t)t, (int64_t)n * 86400 + 43200);
	strftime(text, sizeof(text), "%G %V", &tm);
	assert_int_equal(sscanf(text, "%d %d", &iy, &iw), 2);
	if (iy < 1900 || iy > 9999)
		return;
	w = (struct period){PERIOD_WEEK, iy, iw};
	if (n < period_start(&w) || n > period_end(&w))
		fail_msg("%d-%02d-%02d is in ISO %dW%02d per glibc", d.year, d.month, d.day, iy,
			 iw);
	assert_int_equal(date_weekday(n), tm.tm_wday == 0 ? 7 : tm.tm_wday);
	if (d.month == 12 && d.day == 28)
		assert_int_equal(period_weeks_in_year(d.year), iw);
}

static void test_iso_weeks(void **state)
{
	struct date d;
	int32_t n;

	(void)state;
	for (n = days_of(1900, 1, 1); n <= days_of(2200, 12, 31); n++) {
		d = date_from_days(n);
		check_iso_day(d);
	}
	for (n = days_of(9990, 1, 1); n <= days_of(9999, 12, 31); n++)
		check_iso_day(date_from_days(n));
	for (n = days_of(2200, 1, 1); n <= days_of(9990, 1, 1); n += 97)
		check_iso_day(date_from_days(n));

	assert_int_equal(period_weeks_in_year(2020), 53);
	assert_int_equal(period_weeks_in_year(2015), 53);
	assert_int_equal(period_weeks_in_year(2026), 53);
	assert_int_equal(period_weeks_in_year(2023), 52);
	assert_int_equal(period_weeks_in_year(2024), 52);
	assert_int_equal(period_weeks_in_year(2021), 52);
}

static void check_span(const char *text, struct date first, struct date last)
{
	struct period p = parse_ok(text);

	assert_int_equal(period_start(&p), date_to_days(first));
	assert_int_equal(period_end(&p), date_to_days(last));
}

static void test_start_end(void **state)
{
	(void)state;
	check_span("2023", (struct date){2023, 1, 1}, (struct date){2023, 12, 31});
	check_span("2023S1", (struct date){2023, 1, 1}, (struct date){2023, 6, 30});
	check_span("2023S2", (struct date){2023, 7, 1}, (struct date){2023, 12, 31});
	check_span("2023Q1", (struct date){2023, 1, 1}, (struct date){2023, 3, 31});
	check_span("2024Q1", (struct date){2024, 1, 1}, (struct date){2024, 3, 31});
	check_span("2023Q2", (struct date){2023, 4, 1}, (struct date){2023, 6, 30});
	check_span("2023Q3", (struct date){2023, 7, 1}, (struct date){2023, 9, 30});
	check_span("2023Q4", (struct date){2023, 10, 1}, (struct date){2023, 12, 31});
	check_span("202302", (struct date){2023, 2, 1}, (struct date){2023, 2, 28});
	check_span("202402", (struct date){2024, 2, 1}, (struct date){2024, 2, 29});
	check_span("202312", (struct date){2023, 12, 1}, (struct date){2023, 12, 31});
	check_span("20230315", (struct date){2023, 3, 15}, (struct date){2023, 3, 15});
	check_span("2023W01", (struct date){2023, 1, 2}, (struct date){2023, 1, 8});
	check_span("2023W10", (struct date){2023, 3, 6}, (struct date){2023, 3, 12});
	check_span("2023W52", (struct date){2023, 12, 25}, (struct date){2023, 12, 31});
	check_span("2020W01", (struct date){2019, 12, 30}, (struct date){2020, 1, 5});
	check_span("2020W53", (struct date){2020, 12, 28}, (struct date){2021, 1, 3});
	check_span("2021W01", (struct date){2021, 1, 4}, (struct date){2021, 1, 10});
	check_span("2026W01", (struct date){2025, 12, 29}, (struct date){2026, 1, 4});
	check_span("1900W01", (struct date){1900, 1, 1}, (struct date){1900, 1, 7});
	check_span("9999W52", (struct date){9999, 12, 27}, (struct date){10000, 1, 2});
}

static bool within(const char *inner, const char *outer)
{
	struct period i = parse_ok(inner), o = parse_ok(outer);

	return period_within(&i, &o);
}

static void test_within(void **state)
{
	const char *all[] = {"2023", "2023S1", "2023Q1", "202303", "2023W10", "20230315",
			     "2020W53", "2020W01"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		assert_true(within(all[i], all[i]));
	assert_true(within("202303", "2023Q1"));
	assert_true(within("2023Q1", "2023S1"));
	assert_true(within("2023S1", "2023"));
	assert_true(within("202303", "2023"));
	assert_true(within("20230315", "202303"));
	assert_true(within("20230315", "2023W11"));
	assert_false(within("20230315", "2023W10"));
	assert_false(within("2023Q1", "202303"));
	assert_false(within("2023", "2023S1"));
	assert_false(within("202304", "2023Q1"));
	assert_false(within("2023Q3", "2023S1"));
	assert_false(within("2022", "2023"));
	assert_true(within("2023W01", "2023")); /* 2023-01-02 .. 2023-01-08 */
	assert_true(within("2023W52", "2023")); /* .. 2023-12-31 */
	assert_false(within("2020W53", "2020")); /* ends 2021-01-03 */
	assert_false(within("2020W53", "2021"));
	assert_false(within("2020W01", "2020")); /* starts 2019-12-30 */
	assert_true(within("2020W01", "2020W01"));
	assert_false(within("2023W09", "202303")); /* 02-27 .. 03-05 */
	assert_true(within("2023W10", "202303"));           /* 03-06 .. 03-12 */
	assert_false(within("2023W10", "20230306"));
}

static void check_year_to(const char *text, const char *const *want, size_t count)
{
	struct period p = parse_ok(text), out[400];
	char buf[PERIOD_STRLEN];
	size_t n = 999, i;

	assert_int_equal(period_year_to(&p, out, 400, &n), 0);
	assert_int_equal(n, count);
	for (i = 0; i < count && want; i++) {
		period_format(&out[i], buf, sizeof(buf));
		assert_string_equal(buf, want[i]);
	}
	assert_true(period_equal(&out[n - 1], &p));
}

static void test_year_to(void **state)
{
	static const char *const q3[] = {"2023Q1", "2023Q2", "2023Q3"};
	static const char *const m3[] = {"202301", "202302", "202303"};
	static const char *const s2[] = {"2023S1", "2023S2"};
	static const char *const w10[] = {"2023W01", "2023W02", "2023W03", "2023W04", "2023W05",
					  "2023W06", "2023W07", "2023W08", "2023W09", "2023W10"};
	static const char *const y[] = {"2023"};
	static const char *const d3[] = {"20240101", "20240102", "20240103"};
	struct period p, out[400];
	size_t n, i;

	(void)state;
	check_year_to("2023Q3", q3, 3);
	check_year_to("202303", m3, 3);
	check_year_to("2023S2", s2, 2);
	check_year_to("2023W10", w10, 10);
	check_year_to("2023", y, 1);
	check_year_to("20240103", d3, 3);
	check_year_to("20230315", NULL, 74);
	check_year_to("20241231", NULL, 366);
	check_year_to("2020W53", NULL, 53);

	/* every day from 1 January, in order, crossing month ends */
	p = parse_ok("20240301");
	period_year_to(&p, out, 400, &n);
	assert_int_equal(n, 61);
	for (i = 0; i < n; i++) {
		struct date d = date_from_days(date_to_days((struct date){2024, 1, 1}) + (int32_t)i);

		assert_int_equal(out[i].type, PERIOD_DAY);
		assert_int_equal(out[i].year, 2024);
		assert_int_equal(out[i].index, d.month * 100 + d.day);
	}

	/* max respected; the full count reported */
	memset(out, 0x5a, sizeof(out));
	p = parse_ok("202312");
	assert_int_equal(period_year_to(&p, out, 5, &n), 0);
	assert_int_equal(n, 12);
	assert_int_equal(out[4].index, 5);
	assert_int_equal(out[5].index, 0x5a5a5a5a);
	memset(out, 0x5a, sizeof(out));
	p = parse_ok("20231231");
	assert_int_equal(period_year_to(&p, out, 2, &n), 0);
	assert_int_equal(n, 365);
	assert_int_equal(out[1].index, 102);
	assert_int_equal(out[2].index, 0x5a5a5a5a);
	assert_int_equal(period_year_to(&p, NULL, 0, &n), 0);
	assert_int_equal(n, 365);
	p = parse_ok("2023");
	assert_int_equal(period_year_to(&p, NULL, 0, &n), 0);
	assert_int_equal(n, 1);
}

static void check_elapsed(const char *text, int64_t num, int64_t den)
{
	struct period p = parse_ok(text);
	int64_t a = -1, b = -1;

	period_elapsed(&p, &a, &b);
	if (a != num || b != den)
		fail_msg("elapsed(%s) = %lld/%lld, want %lld/%lld", text, (long long)a,
			 (long long)b, (long long)num, (long long)den);
}

static void test_elapsed(void **state)
{
	(void)state;
	check_elapsed("2023Q1", 3, 12);
	check_elapsed("2023Q2", 6, 12);
	check_elapsed("2023Q4", 12, 12);
	check_elapsed("202303", 3, 12);
	check_elapsed("202301", 1, 12);
	check_elapsed("202312", 12, 12);
	check_elapsed("2023S1", 6, 12);
	check_elapsed("2023S2", 12, 12);
	check_elapsed("2023", 12, 12);
	check_elapsed("2024", 12, 12);
	check_elapsed("20230315", 74, 365);
	check_elapsed("20240315", 75, 366);
	check_elapsed("20230101", 1, 365);
	check_elapsed("20231231", 365, 365);
	check_elapsed("20241231", 366, 366);
	check_elapsed("2023W01", 8, 365);   /* ends 2023-01-08 */
	check_elapsed("2023W10", 71, 365);  /* ends 2023-03-12 */
	check_elapsed("2023W52", 365, 365); /* ends 2023-12-31 */
	check_elapsed("2020W01", 5, 366);   /* starts 2019-12-30, ends 2020-01-05 */
	check_elapsed("2020W53", 366, 366); /* ends 2021-01-03: the whole year */
	check_elapsed("2019W01", 6, 365);   /* starts 2018-12-31, ends 2019-01-06 */
	check_elapsed("2025W01", 5, 365);   /* starts 2024-12-30 */
	check_elapsed("2024W52", 364, 366); /* ends 2024-12-29 */
	check_elapsed("2025W52", 362, 365); /* 2025-12-22 .. 2025-12-28 */
	check_elapsed("2026W01", 4, 365);   /* 2025-12-29 .. 2026-01-04 */
	check_elapsed("2026W53", 365, 365); /* 2026-12-28 .. 2027-01-03 */
}

static void test_date_parse(void **state)
{
	struct date d;
	struct error err;
	char out[16], small[6];

	(void)state;
	error_clear(&err);
	assert_int_equal(date_parse("2023-03-15", 10, &d, &err), 0);
	assert_int_equal(d.year, 2023);
	assert_int_equal(d.month, 3);
	assert_int_equal(d.day, 15);
	assert_int_equal(date_parse("20230315", 8, &d, &err), 0);
	assert_int_equal(d.month * 100 + d.day, 315);
	assert_int_equal(date_parse("2024-02-29", 10, &d, &err), 0);
	assert_int_equal(date_format(d, out, sizeof(out)), 10);
	assert_string_equal(out, "2024-02-29");
	d = (struct date){1900, 1, 1};
	date_format(d, out, sizeof(out));
	assert_string_equal(out, "1900-01-01");
	assert_int_equal(date_format(d, out, 11), 10);
	assert_int_equal(date_format(d, small, sizeof(small)), 5);
	assert_string_equal(small, "1900-");

	assert_int_equal(date_parse("2023-02-29", 10, &d, &err), ERR_INPUT);
	assert_string_equal(err.msg, "无效的日期 '2023-02-29': 该月没有这一天");
	assert_string_equal(err.reason, "date_day");
	assert_int_equal(date_parse("20230229", 8, &d, &err), ERR_INPUT);
	assert_int_equal(date_parse("2023-13-01", 10, &d, &err), ERR_INPUT);
	assert_string_equal(err.reason, "date_month");
	assert_int_equal(date_parse("2023-00-01", 10, &d, &err), ERR_INPUT);
	assert_int_equal(date_parse("2023-01-00", 10, &d, &err), ERR_INPUT);
	assert_int_equal(date_parse("1899-12-31", 10, &d, &err), ERR_INPUT);
	assert_string_equal(err.reason, "date_year");
	assert_int_equal(date_parse("2023-3-15", 9, &d, &err), ERR_INPUT);
	assert_string_equal(err.reason, "date_syntax");
	assert_int_equal(date_parse("2023/03/15", 10, &d, &err), ERR_INPUT);
	assert_int_equal(date_parse("2023-03-1x", 10, &d, &err), ERR_INPUT);
	assert_int_equal(date_parse(" 2023-03-15", 11, &d, &err), ERR_INPUT);
	assert_int_equal(date_parse("2023-03-15 ", 11, &d, &err), ERR_INPUT);
	assert_int_equal(date_parse("2023-03-+5", 10, &d, &err), ERR_INPUT);
	assert_int_equal(date_parse("", 0, &d, &err), ERR_INPUT);
	assert_string_equal(err.msg, "无效的日期 '': 为空");
	assert_int_equal(date_parse(NULL, 0, &d, NULL), ERR_INPUT);
	assert_int_equal(date_parse("2023-03", 7, &d, &err), ERR_INPUT);
	assert_non_null(strstr(err.msg, "'2023-03'"));
}

static void test_today_and_now(void **state)
{
	char text[32], day[16];
	struct date d, parsed;
	struct error err;

	(void)state;
	d = date_today();
	assert_true(d.year >= 2024 && d.month >= 1 && d.month <= 12 && d.day >= 1);
	assert_int_equal(date_format(d, day, sizeof(day)), 10);
	assert_int_equal(date_parse(day, 10, &parsed, &err), 0);
	date_now_utc(text, sizeof(text));
	assert_int_equal(strlen(text), 20);
	assert_true(text[10] == 'T' && text[19] == 'Z');
	/* the UTC date is today's local date or a day next to it */
	assert_int_equal(date_parse(text, 10, &parsed, &err), 0);
	assert_true(date_to_days(parsed) - date_to_days(d) >= -1 &&
		    date_to_days(parsed) - date_to_days(d) <= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_today_and_now),
	    cmocka_unit_test(test_parse_good),  cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_message), cmocka_unit_test(test_format),
		cmocka_unit_test(test_leap),        cmocka_unit_test(test_days_exact),
		cmocka_unit_test(test_iso_weeks),   cmocka_unit_test(test_start_end),
		cmocka_unit_test(test_within),      cmocka_unit_test(test_year_to),
		cmocka_unit_test(test_elapsed),     cmocka_unit_test(test_date_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
