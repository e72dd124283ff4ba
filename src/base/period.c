/*
 * period.c - DHIS2 period syntax and proleptic Gregorian calendar days.
 *
 * period_parse runs once for every imported data value (tens of millions),
 * so the success path is a handful of digit checks and integer arithmetic:
 * no allocation, no strtol, no locale, and err is left untouched. Only the
 * error path formats a message.
 *
 * Day numbers use the era-based conversion (400-year cycles of 146097 days),
 * which is exact for every Gregorian date and needs no tables or loops.
 */
#include "base/period.h"

#include "base/error.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define YEAR_MIN 1900
#define YEAR_MAX 9999

/* Longest input echoed back in an error message (bytes of the input). */
#define QUOTE_MAX 32

bool date_is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int date_days_in_month(int year, int month)
{
	static const unsigned char days[12] = {31, 28, 31, 30, 31, 30,
					       31, 31, 30, 31, 30, 31};

	if (month < 1 || month > 12)
		return 0;
	if (month == 2 && date_is_leap(year))
		return 29;
	return days[month - 1];
}

bool date_valid(int year, int month, int day)
{
	return year >= YEAR_MIN && year <= YEAR_MAX && day >= 1 &&
	       day <= date_days_in_month(year, month);
}

/* Floor division for a positive divisor (C truncates toward zero). */
static int64_t floor_div(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

int32_t date_to_days(struct date d)
{
	/* Count years from March so that the leap day is the year's last. */
	int64_t y = (int64_t)d.year - (d.month <= 2);
	int64_t m = d.month;
	int64_t era = floor_div(y, 400);
	int64_t yoe = y - era * 400;                                  /* 0..399 */
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d.day - 1; /* 0..365 */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          /* 0..146096 */

	return (int32_t)(era * 146097 + doe - 719468);
}

struct date date_from_days(int32_t days)
{
	int64_t z = (int64_t)days + 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;                                        /* 0..146096 */
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* 0..399 */
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                 /* 0..365 */
	int64_t mp = (5 * doy + 2) / 153;                                      /* 0..11 */
	struct date d;

	d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
	d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
	d.year = (int)(yoe + era * 400 + (d.month <= 2));
	return d;
}

int date_weekday(int32_t days)
{
	/* 1970-01-01 was a Thursday (4). */
	int64_t r = ((int64_t)days + 3) % 7;

	return (int)(r < 0 ? r + 7 : r) + 1;
}

int date_day_of_year(struct date d)
{
	return (int)(date_to_days(d) - date_to_days((struct date){d.year, 1, 1})) + 1;
}

/* Monday of ISO week 1 of year: the Monday on or before 4 January. */
static int32_t iso_week1_monday(int year)
{
	int32_t jan4 = date_to_days((struct date){year, 1, 4});

	return jan4 - (date_weekday(jan4) - 1);
}

int period_weeks_in_year(int year)
{
	/* 53 weeks when the year starts on a Thursday, or is a leap year
	 * starting on a Wednesday: exactly when 31 December is in week 53. */
	int jan1 = date_weekday(date_to_days((struct date){year, 1, 1}));

	if (jan1 == 4 || (jan1 == 3 && date_is_leap(year)))
		return 53;
	return 52;
}

/*
 * Copy at most QUOTE_MAX bytes of s into out for an error message: valid
 * UTF-8 as it is (so a stray 年 reads well), control characters, quotes,
 * backslashes and broken UTF-8 as \xNN, "..." when cut short.
 */
static void quote_text(const char *s, size_t len, char *out, size_t n)
{
	size_t i = 0, o = 0;
	const unsigned char *u = (const unsigned char *)s;

	if (n == 0)
		return;
	while (i < len && i < QUOTE_MAX) {
		unsigned c = u[i];
		size_t seq = 1, k;

		if (c >= 0xc2 && c <= 0xdf)
			seq = 2;
		else if (c >= 0xe0 && c <= 0xef)
			seq = 3;
		else if (c >= 0xf0 && c <= 0xf4)
			seq = 4;
		if (c >= 0x80 && seq > 1) {
			bool ok = i + seq <= len && i + seq <= QUOTE_MAX;

			for (k = 1; ok && k < seq; k++)
				ok = (u[i + k] & 0xc0) == 0x80;
			/* Reject overlong and surrogate forms the simple way. */
			if (ok && c == 0xe0 && u[i + 1] < 0xa0)
				ok = false;
			if (ok && c == 0xed && u[i + 1] > 0x9f)
				ok = false;
			if (ok && c == 0xf0 && u[i + 1] < 0x90)
				ok = false;
			if (ok && c == 0xf4 && u[i + 1] > 0x8f)
				ok = false;
			if (ok) {
				if (o + seq >= n)
					break;
				memcpy(out + o, s + i, seq);
				o += seq;
				i += seq;
				continue;
			}
		}
		if (c < 0x20 || c == 0x7f || c >= 0x80 || c == '\'' || c == '\\') {
			if (o + 4 >= n)
				break;
			snprintf(out + o, n - o, "\\x%02x", c);
			o += 4;
		} else {
			if (o + 1 >= n)
				break;
			out[o++] = (char)c;
		}
		i++;
	}
	if (i < len && o + 3 < n) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

static int period_fail(struct error *err, const char *s, size_t len,
		       const char *reason, const char *why)
{
	char text[QUOTE_MAX * 4 + 8];

	if (!err)
		return ERR_INPUT;
	quote_text(s, len, text, sizeof(text));
	error_set(err, ERR_INPUT, "无效的期间 '%s': %s", text, why);
	error_reason(err, reason);
	return ERR_INPUT;
}

static int date_fail(struct error *err, const char *s, size_t len,
		     const char *reason, const char *why)
{
	char text[QUOTE_MAX * 4 + 8];

	if (!err)
		return ERR_INPUT;
	quote_text(s, len, text, sizeof(text));
	error_set(err, ERR_INPUT, "无效的日期 '%s': %s", text, why);
	error_reason(err, reason);
	return ERR_INPUT;
}

/* The value of n ASCII digits at s, or -1 when any byte is not a digit. */
static int digits(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned d = (unsigned char)s[i] - (unsigned)'0';

		if (d > 9)
			return -1;
		v = v * 10 + (int)d;
	}
	return v;
}

int date_parse(const char *s, size_t len, struct date *out, struct error *err)
{
	int y, m, d;

	if (!s)
		len = 0;
	if (len == 10 && s[4] == '-' && s[7] == '-') {
		y = digits(s, 4);
		m = digits(s + 5, 2);
		d = digits(s + 8, 2);
	} else if (len == 8) {
		y = digits(s, 4);
		m = digits(s + 4, 2);
		d = digits(s + 6, 2);
	} else {
		return date_fail(err, s, len, "date_syntax",
				 len == 0 ? "为空" : "格式应为 2023-03-15 或 20230315");
	}
	if (y < 0 || m < 0 || d < 0)
		return date_fail(err, s, len, "date_syntax", "格式应为 2023-03-15 或 20230315");
	if (y < YEAR_MIN || y > YEAR_MAX)
		return date_fail(err, s, len, "date_year", "年份应在 1900 到 9999 之间");
	if (m < 1 || m > 12)
		return date_fail(err, s, len, "date_month", "月份应在 01 到 12 之间");
	if (d < 1 || d > date_days_in_month(y, m))
		return date_fail(err, s, len, "date_day", "该月没有这一天");
	out->year = y;
	out->month = m;
	out->day = d;
	return 0;
}

size_t date_format(struct date d, char *out, size_t n)
{
	int k;

	if (n == 0)
		return 0;
	k = snprintf(out, n, "%04d-%02d-%02d", d.year, d.month, d.day);
	if (k < 0) {
		out[0] = '\0';
		return 0;
	}
	return (size_t)k < n ? (size_t)k : n - 1;
}

static const char period_syntax[] =
	"格式应为 2023、2023S1、2023Q1、202303、2023W10 或 20230315";

int period_parse(const char *s, size_t len, struct period *out, struct error *err)
{
	struct period p;
	int y, v;

	if (!s || len == 0)
		return period_fail(err, "", 0, "period_empty", "为空");
	if (len > 8)
		return period_fail(err, s, len, "period_long", "过长");
	if (len < 4 || (y = digits(s, 4)) < 0)
		return period_fail(err, s, len, "period_syntax", period_syntax);
	p.year = y;
	switch (len) {
	case 4:
		p.type = PERIOD_YEAR;
		p.index = 0;
		break;
	case 6:
		if (s[4] == 'S' || s[4] == 'Q' || s[4] == 'W') {
			v = digits(s + 5, 1);
			if (v < 0)
				return period_fail(err, s, len, "period_syntax", period_syntax);
			p.type = s[4] == 'S'   ? PERIOD_SIXMONTH
				 : s[4] == 'Q' ? PERIOD_QUARTER
					       : PERIOD_WEEK;
		} else {
			v = digits(s + 4, 2);
			if (v < 0)
				return period_fail(err, s, len, "period_syntax", period_syntax);
			p.type = PERIOD_MONTH;
		}
		p.index = v;
		break;
	case 7:
		/* 2023W10; DHIS2 itself writes week 1 as 2023W1, also accepted. */
		if (s[4] != 'W' || (v = digits(s + 5, 2)) < 0)
			return period_fail(err, s, len, "period_syntax", period_syntax);
		p.type = PERIOD_WEEK;
		p.index = v;
		break;
	case 8:
		v = digits(s + 4, 4);
		if (v < 0)
			return period_fail(err, s, len, "period_syntax", period_syntax);
		p.type = PERIOD_DAY;
		p.index = v;
		break;
	default:
		return period_fail(err, s, len, "period_syntax", period_syntax);
	}
	if (y < YEAR_MIN || y > YEAR_MAX)
		return period_fail(err, s, len, "period_year", "年份应在 1900 到 9999 之间");
	switch (p.type) {
	case PERIOD_SIXMONTH:
		if (p.index < 1 || p.index > 2)
			return period_fail(err, s, len, "period_half", "半年应为 S1 或 S2");
		break;
	case PERIOD_QUARTER:
		if (p.index < 1 || p.index > 4)
			return period_fail(err, s, len, "period_quarter", "季度应在 Q1 到 Q4 之间");
		break;
	case PERIOD_MONTH:
		if (p.index < 1 || p.index > 12)
			return period_fail(err, s, len, "period_month", "月份应在 01 到 12 之间");
		break;
	case PERIOD_WEEK:
		if (p.index < 1)
			return period_fail(err, s, len, "period_week", "周次应从 W01 开始");
		/* Every year has 52 weeks; only W53 needs the calendar. */
		if (p.index > 52 && p.index > period_weeks_in_year(y)) {
			char why[64];

			snprintf(why, sizeof(why), "%d 年只有 %d 周", y, period_weeks_in_year(y));
			return period_fail(err, s, len, "period_week", why);
		}
		break;
	case PERIOD_DAY:
		if (p.index / 100 < 1 || p.index / 100 > 12)
			return period_fail(err, s, len, "period_month", "月份应在 01 到 12 之间");
		if (p.index % 100 < 1 || p.index % 100 > date_days_in_month(y, p.index / 100))
			return period_fail(err, s, len, "period_day", "该月没有这一天");
		break;
	case PERIOD_YEAR:
		break;
	}
	*out = p;
	return 0;
}

size_t period_format(const struct period *p, char *out, size_t n)
{
	int k;

	if (n == 0)
		return 0;
	switch (p->type) {
	case PERIOD_YEAR:
		k = snprintf(out, n, "%04d", p->year);
		break;
	case PERIOD_SIXMONTH:
		k = snprintf(out, n, "%04dS%d", p->year, p->index);
		break;
	case PERIOD_QUARTER:
		k = snprintf(out, n, "%04dQ%d", p->year, p->index);
		break;
	case PERIOD_MONTH:
		k = snprintf(out, n, "%04d%02d", p->year, p->index);
		break;
	case PERIOD_WEEK:
		k = snprintf(out, n, "%04dW%02d", p->year, p->index);
		break;
	case PERIOD_DAY:
		k = snprintf(out, n, "%04d%04d", p->year, p->index);
		break;
	default:
		k = -1;
		break;
	}
	if (k < 0) {
		out[0] = '\0';
		return 0;
	}
	return (size_t)k < n ? (size_t)k : n - 1;
}

bool period_equal(const struct period *a, const struct period *b)
{
	return a->type == b->type && a->year == b->year && a->index == b->index;
}

/* First and last month (1..12) of a period counted in months. */
static void month_span(const struct period *p, int *first, int *last)
{
	switch (p->type) {
	case PERIOD_SIXMONTH:
		*first = (p->index - 1) * 6 + 1;
		*last = p->index * 6;
		break;
	case PERIOD_QUARTER:
		*first = (p->index - 1) * 3 + 1;
		*last = p->index * 3;
		break;
	case PERIOD_MONTH:
		*first = *last = p->index;
		break;
	default:
		*first = 1;
		*last = 12;
		break;
	}
}

int32_t period_start(const struct period *p)
{
	int first, last;

	switch (p->type) {
	case PERIOD_DAY:
		return date_to_days((struct date){p->year, p->index / 100, p->index % 100});
	case PERIOD_WEEK:
		return iso_week1_monday(p->year) + (p->index - 1) * 7;
	default:
		month_span(p, &first, &last);
		return date_to_days((struct date){p->year, first, 1});
	}
}

int32_t period_end(const struct period *p)
{
	int first, last;

	switch (p->type) {
	case PERIOD_DAY:
		return period_start(p);
	case PERIOD_WEEK:
		return period_start(p) + 6;
	default:
		month_span(p, &first, &last);
		return date_to_days((struct date){p->year, last,
						  date_days_in_month(p->year, last)});
	}
}

bool period_within(const struct period *inner, const struct period *outer)
{
	return period_start(outer) <= period_start(inner) &&
	       period_end(inner) <= period_end(outer);
}

struct period period_year(int year)
{
	struct period p = {PERIOD_YEAR, year, 0};

	return p;
}

int period_year_to(const struct period *p, struct period *out, size_t max, size_t *n)
{
	size_t count, i;

	if (p->type == PERIOD_DAY) {
		struct date d = {p->year, 1, 1};

		count = (size_t)date_day_of_year(
			(struct date){p->year, p->index / 100, p->index % 100});
		for (i = 0; i < count && i < max; i++) {
			out[i] = (struct period){PERIOD_DAY, p->year, d.month * 100 + d.day};
			if (++d.day > date_days_in_month(d.year, d.month)) {
				d.day = 1;
				d.month++;
			}
		}
	} else if (p->type == PERIOD_YEAR) {
		count = 1;
		if (max > 0)
			out[0] = *p;
	} else {
		count = p->index > 0 ? (size_t)p->index : 0;
		for (i = 0; i < count && i < max; i++)
			out[i] = (struct period){p->type, p->year, (int)i + 1};
	}
	*n = count;
	return 0;
}

void period_elapsed(const struct period *p, int64_t *num, int64_t *den)
{
	int32_t jan1, dec31, end;
	int first, last;

	switch (p->type) {
	case PERIOD_DAY:
	case PERIOD_WEEK:
		jan1 = date_to_days((struct date){p->year, 1, 1});
		dec31 = date_to_days((struct date){p->year, 12, 31});
		end = period_end(p);
		/* A week reaching into January of the next year has used up the
		 * whole of its own year. Week 1 always ends on or after 4 January,
		 * so end >= jan1 and days before 1 January are never counted. */
		if (end > dec31)
			end = dec31;
		*num = (int64_t)end - jan1 + 1;
		*den = (int64_t)dec31 - jan1 + 1;
		break;
	default:
		month_span(p, &first, &last);
		*num = last;
		*den = 12;
		break;
	}
}

struct date date_today(void)
{
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	return (struct date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

void date_now_utc(char *out, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
